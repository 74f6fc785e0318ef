#include "control/lineprotocol.h"

#include "control/actionparams.h"

#include <QJsonObject>
#include <QRegularExpression>

#include <cmath>

namespace opswall::control {

QList<QByteArray> LineFramer::feed(const QByteArray &bytes) {
    QList<QByteArray> lines;
    if (m_overflow)
        return lines;
    m_pending += bytes;
    qsizetype start = 0;
    for (;;) {
        const qsizetype nl = m_pending.indexOf('\n', start);
        if (nl < 0)
            break;
        QByteArray line = m_pending.mid(start, nl - start);
        if (line.endsWith('\r'))
            line.chop(1);
        if (std::size_t(line.size()) > m_maxBytes) {
            m_overflow = true;
            m_pending.clear();
            return lines;
        }
        lines.append(line);
        start = nl + 1;
    }
    m_pending.remove(0, start);
    if (std::size_t(m_pending.size()) > m_maxBytes + 1) {
        m_overflow = true;
        m_pending.clear();
    }
    return lines;
}

namespace {
LineCommand err(const char *code, const QString &message) {
    LineCommand c;
    c.kind = LineCommandKind::Error;
    c.errorCode = QString::fromLatin1(code);
    c.errorMessage = message;
    return c;
}

LineCommand submit(const QString &verb, const char *type, QJsonObject params) {
    LineCommand c;
    c.kind = LineCommandKind::Submit;
    c.verb = verb;
    c.action = Action{QString::fromLatin1(type), std::move(params)};
    return c;
}

bool number(const QString &s, double *out) {
    bool ok = false;
    *out = s.toDouble(&ok);
    return ok && std::isfinite(*out);
}

bool validId(const QString &s) {
    return validPathId(s);
}
} // namespace

LineCommand parseLine(const QByteArray &raw) {
    for (char ch : raw) {
        const auto u = static_cast<unsigned char>(ch);
        if ((u < 0x20 && ch != '\t') || u >= 0x7f)
            return err("bad_line", QStringLiteral("only printable ASCII is accepted"));
    }
    const QStringList w = QString::fromLatin1(raw).split(
        QRegularExpression(QStringLiteral("[ \t]+")), Qt::SkipEmptyParts);
    if (w.isEmpty()) {
        LineCommand c;
        c.kind = LineCommandKind::Empty;
        return c;
    }
    const QString verb = w[0].toUpper();
    const QString sub = w.size() > 1 ? w[1].toUpper() : QString();
    auto simple = [&](LineCommandKind kind) {
        LineCommand c;
        c.kind = kind;
        c.verb = verb;
        return c;
    };
    if (verb == QLatin1String("LOGIN")) {
        if (w.size() != 2)
            return err("usage", QStringLiteral("LOGIN <token>"));
        LineCommand c = simple(LineCommandKind::Login);
        c.token = w[1];
        return c;
    }
    if (verb == QLatin1String("QUIT") || verb == QLatin1String("EXIT"))
        return simple(LineCommandKind::Quit);
    if (verb == QLatin1String("STATUS"))
        return simple(LineCommandKind::Status);
    if (verb == QLatin1String("PING"))
        return simple(LineCommandKind::Ping);
    if (verb == QLatin1String("HELP"))
        return simple(LineCommandKind::Help);
    if (verb == QLatin1String("LOCK")) {
        QJsonObject p;
        qsizetype reasonFrom = 1;
        double ttl = 0;
        if (w.size() > 1 && number(w[1], &ttl)) {
            p.insert(QStringLiteral("ttlSeconds"), ttl);
            reasonFrom = 2;
        }
        if (w.size() > reasonFrom)
            p.insert(QStringLiteral("reason"), w.mid(reasonFrom).join(u' '));
        return submit(verb, "lock.acquire", p);
    }
    if (verb == QLatin1String("UNLOCK"))
        return submit(verb, "lock.release", {});
    const QString id = w.size() > 2 ? w[2] : QString();
    if (w.size() > 2 && !validId(id))
        return err("invalid", QStringLiteral("ids are letters, digits, '-', '_', '.' or '@'"));
    if (verb == QLatin1String("PRESET")) {
        if (sub == QLatin1String("RECALL") && w.size() == 3)
            return submit(verb, "preset.recall", {{QStringLiteral("id"), pathNumber(id)}});
        if (sub == QLatin1String("SAVE") && w.size() >= 3)
            return submit(verb, "preset.save", {{QStringLiteral("name"), w.mid(2).join(u' ')}});
        return err("usage", QStringLiteral("PRESET RECALL <id> | PRESET SAVE <name>"));
    }
    if (verb == QLatin1String("LAYOUT")) {
        if (sub == QLatin1String("PUBLISH") && w.size() == 2)
            return submit(verb, "layout.publish", {});
        if (sub == QLatin1String("UNDO") && w.size() == 2)
            return submit(verb, "layout.undo", {});
        return err("usage", QStringLiteral("LAYOUT PUBLISH | LAYOUT UNDO"));
    }
    if (verb == QLatin1String("TILE")) {
        if (sub == QLatin1String("MOVE") && (w.size() == 5 || w.size() == 7)) {
            QJsonObject p;
            const char *names[] = {"x", "y", "width", "height"};
            for (qsizetype i = 3; i < w.size(); ++i) {
                double v = 0;
                if (!number(w[i], &v))
                    return err(
                        "invalid",
                        QStringLiteral("%1 must be a number").arg(QLatin1String(names[i - 3])));
                p.insert(QLatin1String(names[i - 3]), v);
            }
            return submit(verb, "tile.update", tileUpdateParams(id, p));
        }
        if (sub == QLatin1String("REMOVE") && w.size() == 3)
            return submit(verb, "tile.remove", {{QStringLiteral("id"), id}});
        return err("usage", QStringLiteral("TILE MOVE <id> <x> <y> [<width> <height>] | TILE "
                                           "REMOVE <id>"));
    }
    if (verb == QLatin1String("ALERT")) {
        if (sub == QLatin1String("ACK") && w.size() == 3)
            return submit(verb, "alert.ack", {{QStringLiteral("id"), id}});
        return err("usage", QStringLiteral("ALERT ACK <id>"));
    }
    if (verb == QLatin1String("DEVICE")) {
        // DEVICE <id> <command> [key=value ...]
        if (w.size() < 3 || !validId(w[1]))
            return err("usage", QStringLiteral("DEVICE <id> <command> [key=value ...]"));
        QJsonObject args;
        for (qsizetype i = 3; i < w.size(); ++i) {
            const qsizetype eq = w[i].indexOf(u'=');
            if (eq <= 0)
                return err("invalid", QStringLiteral("device arguments are key=value"));
            args.insert(w[i].left(eq), w[i].mid(eq + 1));
        }
        return submit(verb, "device.command", deviceCommandParams(w[1], w[2].toLower(), args));
    }
    if (verb == QLatin1String("AUDIO")) {
        // AUDIO UNMUTE <source> | AUDIO MUTE | AUDIO VOLUME <0..1.5>
        double volume = 0;
        if (sub == QLatin1String("UNMUTE") && w.size() == 3 && validId(id))
            return submit(verb, "audio.set", {{QStringLiteral("source"), id}});
        if (sub == QLatin1String("MUTE") && w.size() == 2)
            return submit(verb, "audio.set", {{QStringLiteral("source"), QString()}});
        if (sub == QLatin1String("VOLUME") && w.size() == 3 && number(w[2], &volume))
            return submit(verb, "audio.set", {{QStringLiteral("volume"), volume}});
        return err("usage",
                   QStringLiteral("AUDIO UNMUTE <source> | AUDIO MUTE | AUDIO VOLUME <v>"));
    }
    if (verb == QLatin1String("BRIEFING")) {
        // The same actions as the API's /briefings/{id}/...: one name per action.
        double n = 0;
        if (sub == QLatin1String("START") && (w.size() == 3 || w.size() == 4)) {
            QJsonObject p{{QStringLiteral("id"), id}};
            if (w.size() == 4) {
                if (!number(w[3], &n))
                    return err("invalid", QStringLiteral("step must be a number"));
                p.insert(QStringLiteral("step"), n);
            }
            return submit(verb, "briefing.start", p);
        }
        if (sub == QLatin1String("GOTO") && w.size() == 3) {
            if (!number(w[2], &n))
                return err("invalid", QStringLiteral("step must be a number"));
            return submit(verb, "briefing.goto", {{QStringLiteral("step"), n}});
        }
        if (w.size() == 2) {
            if (sub == QLatin1String("NEXT"))
                return submit(verb, "briefing.next", {});
            if (sub == QLatin1String("PREVIOUS") || sub == QLatin1String("PREV"))
                return submit(verb, "briefing.previous", {});
            if (sub == QLatin1String("BLANK"))
                return submit(verb, "briefing.blank", {});
            if (sub == QLatin1String("UNBLANK"))
                return submit(verb, "briefing.unblank", {});
            if (sub == QLatin1String("END"))
                return submit(verb, "briefing.end", {});
        }
        return err("usage", QStringLiteral("BRIEFING START <id> [step] | NEXT | PREVIOUS | GOTO "
                                           "<n> | BLANK | UNBLANK | END"));
    }
    return err("unknown_command",
               QStringLiteral("unknown command '%1' (try HELP)").arg(verb.left(32)));
}

QByteArray lineOk(const QString &verb, const QString &detail) {
    QByteArray out = "OK " + verb.toLatin1();
    if (!detail.isEmpty())
        out += ' ' + detail.toUtf8();
    return out + "\r\n";
}

QByteArray lineErr(const QString &code, const QString &message) {
    QString m = message;
    m.replace(u'\r', u' ').replace(u'\n', u' ');
    return "ERR " + code.toLatin1() + ' ' + m.toUtf8() + "\r\n";
}

QString flatKeyValues(const QJsonObject &obj) {
    QStringList parts;
    for (auto it = obj.begin(); it != obj.end(); ++it) {
        QString v;
        if (it->isString()) {
            v = it->toString();
            v.replace(u'\r', u' ').replace(u'\n', u' ');
            if (v.contains(u' ') || v.isEmpty())
                v = u'"' + v.replace(u'"', u'\'') + u'"';
        } else if (it->isBool()) {
            v = it->toBool() ? QStringLiteral("1") : QStringLiteral("0");
        } else if (it->isDouble()) {
            v = QString::number(it->toDouble(), 'g', 12);
        } else {
            continue;
        }
        parts.append(it.key() + u'=' + v);
    }
    return parts.join(u' ');
}

QByteArray lineHelp() {
    return "OK HELP LOGIN <token> | STATUS | PING | PRESET RECALL <id> | PRESET SAVE <name> | "
           "LAYOUT PUBLISH | LAYOUT UNDO | TILE MOVE <id> <x> <y> [<w> <h>] | TILE REMOVE <id> | "
           "ALERT ACK <id> | DEVICE <id> <command> [k=v ...] | "
           "BRIEFING START <id>|NEXT|PREVIOUS|GOTO <n>|BLANK|UNBLANK|END | "
           "AUDIO UNMUTE <source>|MUTE|VOLUME <v> | "
           "LOCK [seconds] [reason] | UNLOCK | QUIT\r\n";
}

} // namespace opswall::control
