#include "panels/panelsconfig.h"

#include "core/permissions.h"

#include "streamdeck.h"
#include "xkeys.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

#include <algorithm>

namespace opswall::panels {

using wall::JsonReader;

namespace {

const QRegularExpression &idPattern() {
    static const QRegularExpression re(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"));
    return re;
}

PanelType panelTypeFromName(const QString &s) {
    if (s == QLatin1String("streamdeck-tcp"))
        return PanelType::StreamDeckTcp;
    if (s == QLatin1String("streamdeck-usb"))
        return PanelType::StreamDeckUsb;
    if (s == QLatin1String("xkeys-usb"))
        return PanelType::XkeysUsb;
    if (s == QLatin1String("keypad-serial"))
        return PanelType::KeypadSerial;
    if (s == QLatin1String("keypad-tcp"))
        return PanelType::KeypadTcp;
    return PanelType::Invalid;
}

int keyLimit(const Panel &p) {
    if (p.type == PanelType::XkeysUsb) {
        const auto *x = drivers::xkeys::productByName(p.model.toStdString());
        return x ? x->keyCount() + 1 : 129;
    }
    if (isStreamDeck(p.type)) {
        const auto *m = drivers::streamdeck::modelByName(p.model.toStdString());
        return m ? m->keyCount() : 0;
    }
    return 256;
}

std::optional<Role> readRole(const JsonReader &r, const QJsonObject &o, Role fallback) {
    const auto text = r.string(o, QStringLiteral("role"), false, roleName(fallback));
    if (!text)
        return std::nullopt;
    const Role role = roleFromName(*text);
    // A link's role (node, standby) may do nothing on the API; a panel acting with it would be
    // refused every press, so the document says so where it is written.
    if (role == Role::Invalid || isLinkRole(role)) {
        r.error(r.child(QStringLiteral("role")),
                QStringLiteral("must be viewer, leader, operator, technician or admin, got '%1'")
                    .arg(*text));
        return std::nullopt;
    }
    return role;
}

void checkIdParam(const JsonReader &r, const QJsonObject &params, const QString &what) {
    const QJsonValue v = params.value(QStringLiteral("id"));
    if (!v.isDouble() || v.toDouble() < 1 || v.toDouble() != double(qint64(v.toDouble())))
        r.error(r.child(QStringLiteral("params.id")),
                QStringLiteral("must be the number of %1").arg(what));
}

} // namespace

QString panelTypeName(PanelType t) {
    switch (t) {
    case PanelType::StreamDeckTcp:
        return QStringLiteral("streamdeck-tcp");
    case PanelType::StreamDeckUsb:
        return QStringLiteral("streamdeck-usb");
    case PanelType::XkeysUsb:
        return QStringLiteral("xkeys-usb");
    case PanelType::KeypadSerial:
        return QStringLiteral("keypad-serial");
    case PanelType::KeypadTcp:
        return QStringLiteral("keypad-tcp");
    case PanelType::Invalid:
        break;
    }
    return QStringLiteral("invalid");
}

const Button *Page::button(int key) const {
    for (const Button &b : buttons)
        if (b.key == key)
            return &b;
    return nullptr;
}

const Page *Panel::page(const QString &pageId) const {
    for (const Page &p : pages)
        if (p.id == pageId)
            return &p;
    return nullptr;
}

const Panel *PanelsConfig::panel(const QString &panelId) const {
    for (const Panel &p : panels)
        if (p.id == panelId)
            return &p;
    return nullptr;
}

bool splitHostPort(const QString &text, QString *host, quint16 *port) {
    const qsizetype colon = text.lastIndexOf(QLatin1Char(':'));
    if (colon <= 0)
        return false;
    bool ok = false;
    const uint p = text.mid(colon + 1).toUInt(&ok);
    QString h = text.left(colon);
    if (h.startsWith(QLatin1Char('[')) && h.endsWith(QLatin1Char(']')))
        h = h.mid(1, h.size() - 2);
    if (!ok || p > 65535 || h.isEmpty())
        return false;
    *host = h;
    *port = quint16(p);
    return true;
}

QList<Issue> validateButton(const Button &b, const Panel &panel, const BindingContext &context,
                            const QString &path) {
    QList<Issue> issues;
    const JsonReader r(&issues, path);
    const int limit = keyLimit(panel);
    if (b.key < 0 || b.key >= limit)
        r.error(r.child(QStringLiteral("key")),
                QStringLiteral("must be 0 to %1 on this panel, got %2").arg(limit - 1).arg(b.key));
    if (b.label.size() > 64)
        r.error(r.child(QStringLiteral("label")), QStringLiteral("is longer than 64 characters"));
    const QString &a = b.action;
    if (a == QLatin1String(kPageAction)) {
        const QString page = b.params.value(QStringLiteral("page")).toString();
        if (!panel.page(page))
            r.error(r.child(QStringLiteral("params.page")),
                    QStringLiteral("must name a page of panel '%1', got '%2'").arg(panel.id, page));
        return issues;
    }
    if (!context.actions.contains(a)) {
        r.error(r.child(QStringLiteral("action")),
                QStringLiteral("'%1' is not an action of this wall (known: %2, %3)")
                    .arg(a, context.actions.join(QStringLiteral(", ")),
                         QString::fromLatin1(kPageAction)));
        return issues;
    }
    // (The context's actions come from the same permission table in the app; a test may add
    // an action the table does not know yet, whose roles are then the dispatcher's to check.)
    if (findPermission(a) && !roleAllows(panel.role, a))
        r.error(r.child(QStringLiteral("action")),
                QStringLiteral("the panel's role %1 may not %2").arg(roleName(panel.role), a));
    if (a == QLatin1String("preset.recall")) {
        checkIdParam(r, b.params, QStringLiteral("a preset"));
        const int id = b.params.value(QStringLiteral("id")).toInt();
        if (context.checkPresets && id >= 1 && !context.presets.contains(id))
            r.error(r.child(QStringLiteral("params.id")),
                    QStringLiteral("no preset %1 on this wall").arg(id));
    } else if (a == QLatin1String("alert.ack")) {
        if (b.params.value(QStringLiteral("id")).toString() != QLatin1String("newest"))
            checkIdParam(r, b.params, QStringLiteral("an alert, or \"newest\""));
    } else if (a == QLatin1String("audio.set")) {
        const QJsonValue s = b.params.value(QStringLiteral("source"));
        if (!s.isUndefined() && !s.isString())
            r.error(r.child(QStringLiteral("params.source")),
                    QStringLiteral("must be a video source id, or \"\" to mute"));
        else if (!s.toString().isEmpty() && !context.sources.isEmpty() &&
                 !context.sources.contains(s.toString()))
            r.error(r.child(QStringLiteral("params.source")),
                    QStringLiteral("no video source '%1'").arg(s.toString()));
    } else if (a == QLatin1String("tile.focus") || a == QLatin1String("tile.unfocus")) {
        // The tile is looked up when the key is pressed (layouts change; a tile that is not on
        // the wall then is refused with not_found, logged).
        if (b.params.value(QStringLiteral("id")).toString().isEmpty())
            r.error(r.child(QStringLiteral("params.id")),
                    QStringLiteral("must be the id of a tile, e.g. \"t1\""));
        const QJsonValue d = b.params.value(QStringLiteral("displays"));
        if (!d.isUndefined() && !d.isArray())
            r.error(r.child(QStringLiteral("params.displays")),
                    QStringLiteral("must be a list of display ids"));
        const QJsonArray ids = d.toArray();
        for (qsizetype i = 0; i < ids.size(); ++i)
            if (!context.displays.isEmpty() && !context.displays.contains(ids[i].toString()))
                r.error(r.child(QStringLiteral("params.displays[%1]").arg(i)),
                        QStringLiteral("no display '%1' on this wall").arg(ids[i].toString()));
    } else if (a == QLatin1String("device.command")) {
        if (!b.params.value(QStringLiteral("command")).isString())
            r.error(r.child(QStringLiteral("params.command")),
                    QStringLiteral("must be a device command such as \"power\""));
        const QJsonValue d = b.params.value(QStringLiteral("displays"));
        if (d.isArray()) {
            const QJsonArray ids = d.toArray();
            for (qsizetype i = 0; i < ids.size(); ++i)
                if (!context.displays.isEmpty() && !context.displays.contains(ids[i].toString()))
                    r.error(r.child(QStringLiteral("params.displays[%1]").arg(i)),
                            QStringLiteral("no display '%1' on this wall").arg(ids[i].toString()));
        } else if (d.toString() != QLatin1String("all")) {
            r.error(r.child(QStringLiteral("params.displays")),
                    QStringLiteral("must be a list of display ids or \"all\""));
        }
    }
    return issues;
}

ParsedPanels parsePanels(const QByteArray &json, const BindingContext &context) {
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject())
        return {std::nullopt,
                {Issue{{},
                       QStringLiteral("not a JSON object: %1 at byte %2")
                           .arg(err.errorString())
                           .arg(err.offset)}}};
    return parsePanels(doc.object(), context);
}

ParsedPanels parsePanels(const QJsonObject &doc, const BindingContext &context) {
    ParsedPanels out;
    QList<Issue> &issues = out.issues;
    const JsonReader r(&issues);
    r.rejectUnknown(doc, {QStringLiteral("kind"), QStringLiteral("schemaVersion"),
                          QStringLiteral("osc"), QStringLiteral("panels")});
    if (const auto kind = r.string(doc, QStringLiteral("kind"));
        kind && *kind != QLatin1String("opswall.panels"))
        r.error(QStringLiteral("kind"), QStringLiteral("must be \"opswall.panels\""));
    if (const auto v = r.integer(doc, QStringLiteral("schemaVersion")); v && *v != kSchemaVersion)
        r.error(QStringLiteral("schemaVersion"),
                QStringLiteral("must be %1 (this version of OpsWall), got %2")
                    .arg(kSchemaVersion)
                    .arg(*v));
    PanelsConfig config;
    if (const auto osc = r.object(doc, QStringLiteral("osc"), false)) {
        const JsonReader o = r.at(QStringLiteral("osc"));
        o.rejectUnknown(*osc, {QStringLiteral("listen"), QStringLiteral("allow"),
                               QStringLiteral("role"), QStringLiteral("feedbackTo")});
        config.osc.listen =
            o.string(*osc, QStringLiteral("listen"), false, QString()).value_or(QString());
        QString h;
        quint16 p = 0;
        if (!config.osc.listen.isEmpty() && !splitHostPort(config.osc.listen, &h, &p))
            o.error(o.child(QStringLiteral("listen")),
                    QStringLiteral("must be HOST:PORT, e.g. 127.0.0.1:9000"));
        for (const QString &key : {QStringLiteral("allow"), QStringLiteral("feedbackTo")}) {
            if (const auto list = o.array(*osc, key, false)) {
                QStringList values;
                for (qsizetype i = 0; i < list->size(); ++i) {
                    if (!(*list)[i].isString())
                        o.error(o.at(key).index(i), QStringLiteral("must be a string"));
                    values.append((*list)[i].toString());
                }
                (key == QLatin1String("allow") ? config.osc.allow : config.osc.feedbackTo) = values;
            }
        }
        if (const auto role = readRole(o, *osc, Role::Operator))
            config.osc.role = *role;
    }
    QSet<QString> panelIds;
    if (const auto panels = r.array(doc, QStringLiteral("panels"), false)) {
        for (qsizetype i = 0; i < panels->size(); ++i) {
            const JsonReader pr = r.at(QStringLiteral("panels")).at(i);
            if (!(*panels)[i].isObject()) {
                pr.error(pr.path(), QStringLiteral("must be an object"));
                continue;
            }
            const QJsonObject po = (*panels)[i].toObject();
            pr.rejectUnknown(
                po, {QStringLiteral("id"), QStringLiteral("name"), QStringLiteral("type"),
                     QStringLiteral("role"), QStringLiteral("host"), QStringLiteral("port"),
                     QStringLiteral("device"), QStringLiteral("baud"), QStringLiteral("model"),
                     QStringLiteral("brightness"), QStringLiteral("serial"),
                     QStringLiteral("child"), QStringLiteral("lines"), QStringLiteral("pages")});
            Panel panel;
            panel.id = pr.string(po, QStringLiteral("id")).value_or(QString());
            if (!panel.id.isEmpty() && !idPattern().match(panel.id).hasMatch())
                pr.error(pr.child(QStringLiteral("id")),
                         QStringLiteral("letters, digits, '.', '_' or '-', at most 64"));
            if (!panel.id.isEmpty() && panelIds.contains(panel.id))
                pr.error(pr.child(QStringLiteral("id")),
                         QStringLiteral("'%1' is used by another panel").arg(panel.id));
            panelIds.insert(panel.id);
            panel.name = pr.string(po, QStringLiteral("name"), false, panel.id).value_or(panel.id);
            const QString type = pr.string(po, QStringLiteral("type")).value_or(QString());
            panel.type = panelTypeFromName(type);
            if (panel.type == PanelType::Invalid && po.contains(QStringLiteral("type")))
                pr.error(pr.child(QStringLiteral("type")),
                         QStringLiteral("must be streamdeck-tcp, streamdeck-usb, xkeys-usb, "
                                        "keypad-serial or keypad-tcp, got '%1'")
                             .arg(type));
            if (const auto role = readRole(pr, po, Role::Operator))
                panel.role = *role;
            if (panel.type == PanelType::StreamDeckTcp || panel.type == PanelType::KeypadTcp) {
                panel.host = pr.string(po, QStringLiteral("host")).value_or(QString());
                const int port =
                    pr.integer(po, QStringLiteral("port"), panel.type == PanelType::KeypadTcp, 5343)
                        .value_or(0);
                if (port < 1 || port > 65535)
                    pr.error(pr.child(QStringLiteral("port")),
                             QStringLiteral("must be 1 to 65535"));
                panel.port = quint16(port);
            }
            if (panel.type == PanelType::KeypadSerial) {
                panel.device = pr.string(po, QStringLiteral("device")).value_or(QString());
                panel.baud = pr.integer(po, QStringLiteral("baud"), false, 9600).value_or(9600);
                if (panel.baud < 50 || panel.baud > 4000000)
                    pr.error(pr.child(QStringLiteral("baud")),
                             QStringLiteral("must be a baud rate such as 9600"));
            }
            if (po.contains(QStringLiteral("child"))) {
                if (panel.type != PanelType::StreamDeckTcp ||
                    !po.value(QStringLiteral("child")).isBool())
                    pr.error(pr.child(QStringLiteral("child")),
                             QStringLiteral("true or false, on a streamdeck-tcp panel only"));
                panel.child = po.value(QStringLiteral("child")).toBool();
            }
            if (panel.type == PanelType::XkeysUsb) {
                panel.model =
                    pr.string(po, QStringLiteral("model"), false, QString()).value_or(QString());
                if (!panel.model.isEmpty() &&
                    !drivers::xkeys::productByName(panel.model.toStdString()))
                    pr.error(pr.child(QStringLiteral("model")),
                             QStringLiteral("not an X-keys product this wall knows: '%1'")
                                 .arg(panel.model));
            }
            if (panel.type == PanelType::StreamDeckUsb || panel.type == PanelType::XkeysUsb) {
                panel.serial =
                    pr.string(po, QStringLiteral("serial"), false, QString()).value_or(QString());
                if (panel.serial.size() > 32 ||
                    std::any_of(panel.serial.cbegin(), panel.serial.cend(),
                                [](QChar c) { return c.unicode() < 0x20 || c.unicode() > 0x7E; }))
                    pr.error(pr.child(QStringLiteral("serial")),
                             QStringLiteral("must be the deck's serial: printable ASCII, at most "
                                            "32 characters"));
            }
            if (isStreamDeck(panel.type)) {
                panel.model = pr.string(po, QStringLiteral("model"), false, panel.model)
                                  .value_or(panel.model);
                if (!drivers::streamdeck::modelByName(panel.model.toStdString()))
                    pr.error(pr.child(QStringLiteral("model")),
                             QStringLiteral("not a Stream Deck model: '%1'").arg(panel.model));
            }
            if (isStreamDeck(panel.type) || panel.type == PanelType::XkeysUsb) {
                panel.brightness =
                    pr.integer(po, QStringLiteral("brightness"), false, 70).value_or(70);
                if (panel.brightness < 0 || panel.brightness > 100)
                    pr.error(pr.child(QStringLiteral("brightness")),
                             QStringLiteral("must be 0 to 100 (percent)"));
            }
            const bool keypad =
                panel.type == PanelType::KeypadSerial || panel.type == PanelType::KeypadTcp;
            if (const auto lines = pr.object(po, QStringLiteral("lines"), keypad)) {
                for (auto it = lines->begin(); it != lines->end(); ++it) {
                    const double k = it->toDouble(-1);
                    if (!it->isDouble() || k < 0 || k > 255 || k != double(int(k)))
                        pr.error(pr.child(QStringLiteral("lines.") + it.key()),
                                 QStringLiteral("must be a key number 0 to 255"));
                    else if (it.key().trimmed().isEmpty() || it.key().size() > 128)
                        pr.error(pr.child(QStringLiteral("lines")),
                                 QStringLiteral("a line must have 1 to 128 characters"));
                    else
                        panel.lines.insert(it.key().trimmed(), int(k));
                }
            }
            // Pages: ids first (page buttons name them), then buttons.
            const auto pages = pr.array(po, QStringLiteral("pages"));
            if (pages && pages->isEmpty())
                pr.error(pr.child(QStringLiteral("pages")), QStringLiteral("needs a page"));
            if (pages) {
                for (qsizetype pi = 0; pi < pages->size(); ++pi) {
                    Page page;
                    const QJsonObject pg = (*pages)[pi].toObject();
                    page.id = pr.at(QStringLiteral("pages"))
                                  .at(pi)
                                  .string(pg, QStringLiteral("id"))
                                  .value_or(QString());
                    if (panel.page(page.id))
                        pr.error(pr.child(QStringLiteral("pages[%1].id").arg(pi)),
                                 QStringLiteral("'%1' is used by another page").arg(page.id));
                    panel.pages.append(page);
                }
                for (qsizetype pi = 0; pi < pages->size(); ++pi) {
                    const JsonReader pgr = pr.at(QStringLiteral("pages")).at(pi);
                    const QJsonObject pg = (*pages)[pi].toObject();
                    pgr.rejectUnknown(pg, {QStringLiteral("id"), QStringLiteral("buttons")});
                    const auto buttons = pgr.array(pg, QStringLiteral("buttons"));
                    if (!buttons)
                        continue;
                    QSet<int> keys;
                    for (qsizetype bi = 0; bi < buttons->size(); ++bi) {
                        const JsonReader br = pgr.at(QStringLiteral("buttons")).at(bi);
                        const QJsonObject bo = (*buttons)[bi].toObject();
                        br.rejectUnknown(bo, {QStringLiteral("key"), QStringLiteral("label"),
                                              QStringLiteral("action"), QStringLiteral("params")});
                        Button b;
                        b.key = br.integer(bo, QStringLiteral("key")).value_or(-1);
                        b.label = br.string(bo, QStringLiteral("label"), false, QString())
                                      .value_or(QString());
                        b.action = br.string(bo, QStringLiteral("action")).value_or(QString());
                        b.params =
                            br.object(bo, QStringLiteral("params"), false).value_or(QJsonObject());
                        if (keys.contains(b.key))
                            br.error(br.child(QStringLiteral("key")),
                                     QStringLiteral("key %1 has another button on this page")
                                         .arg(b.key));
                        keys.insert(b.key);
                        if (!b.action.isEmpty() && b.key >= 0)
                            issues.append(validateButton(b, panel, context, br.path()));
                        panel.pages[pi].buttons.append(b);
                    }
                }
            }
            config.panels.append(panel);
        }
    }
    if (issues.isEmpty())
        out.config = config;
    return out;
}

QJsonObject toJson(const Panel &p) {
    QJsonArray pages;
    for (const Page &page : p.pages) {
        QJsonArray buttons;
        for (const Button &b : page.buttons) {
            QJsonObject o{{QStringLiteral("key"), b.key}, {QStringLiteral("action"), b.action}};
            if (!b.label.isEmpty())
                o.insert(QStringLiteral("label"), b.label);
            if (!b.params.isEmpty())
                o.insert(QStringLiteral("params"), b.params);
            buttons.append(o);
        }
        pages.append(
            QJsonObject{{QStringLiteral("id"), page.id}, {QStringLiteral("buttons"), buttons}});
    }
    QJsonObject o{{QStringLiteral("id"), p.id},
                  {QStringLiteral("name"), p.name},
                  {QStringLiteral("type"), panelTypeName(p.type)},
                  {QStringLiteral("role"), roleName(p.role)},
                  {QStringLiteral("pages"), pages}};
    if (p.type == PanelType::StreamDeckTcp || p.type == PanelType::KeypadTcp) {
        o.insert(QStringLiteral("host"), p.host);
        o.insert(QStringLiteral("port"), p.port);
    }
    if (p.type == PanelType::KeypadSerial) {
        o.insert(QStringLiteral("device"), p.device);
        o.insert(QStringLiteral("baud"), p.baud);
    }
    if ((p.type == PanelType::StreamDeckUsb || p.type == PanelType::XkeysUsb) &&
        !p.serial.isEmpty())
        o.insert(QStringLiteral("serial"), p.serial);
    if (p.type == PanelType::XkeysUsb && !p.model.isEmpty())
        o.insert(QStringLiteral("model"), p.model);
    if (p.child)
        o.insert(QStringLiteral("child"), true);
    if (isStreamDeck(p.type))
        o.insert(QStringLiteral("model"), p.model);
    if (isStreamDeck(p.type) || p.type == PanelType::XkeysUsb)
        o.insert(QStringLiteral("brightness"), p.brightness);
    if (!p.lines.isEmpty()) {
        QJsonObject lines;
        for (auto it = p.lines.begin(); it != p.lines.end(); ++it)
            lines.insert(it.key(), it.value());
        o.insert(QStringLiteral("lines"), lines);
    }
    return o;
}

QJsonObject toJson(const PanelsConfig &config) {
    QJsonArray panels;
    for (const Panel &p : config.panels)
        panels.append(toJson(p));
    QJsonObject doc{{QStringLiteral("kind"), QStringLiteral("opswall.panels")},
                    {QStringLiteral("schemaVersion"), kSchemaVersion},
                    {QStringLiteral("panels"), panels}};
    QJsonObject osc{{QStringLiteral("allow"), QJsonArray::fromStringList(config.osc.allow)},
                    {QStringLiteral("role"), roleName(config.osc.role)}};
    if (!config.osc.listen.isEmpty())
        osc.insert(QStringLiteral("listen"), config.osc.listen);
    if (!config.osc.feedbackTo.isEmpty())
        osc.insert(QStringLiteral("feedbackTo"), QJsonArray::fromStringList(config.osc.feedbackTo));
    doc.insert(QStringLiteral("osc"), osc);
    return doc;
}

} // namespace opswall::panels
