#include "wall/alertboard.h"

#include <algorithm>

namespace opswall::wall {

void AlertBoard::addSource(Source source) {
    m_sources.append(std::move(source));
}

void AlertBoard::restore(const QList<AckRecord> &acks, const QDateTime &startedAt) {
    m_startedAt = startedAt;
    for (const AckRecord &r : acks)
        m_acks.insert(r.id, Ack{r.by, r.at, r.note, r.since, true});
}

void AlertBoard::cleared(const QString &id) {
    if (m_acks.remove(id) > 0 && m_persist)
        m_persist(id, std::nullopt);
}

QList<WallAlert> AlertBoard::alerts() const {
    // Restored acknowledgements whose alert did not come back in time are forgotten.
    if (m_startedAt.isValid() &&
        m_startedAt.secsTo(QDateTime::currentDateTimeUtc()) > kRestoreWindowSecs)
        for (auto it = m_acks.begin(); it != m_acks.end();) {
            if (!it->restored) {
                ++it;
                continue;
            }
            if (m_persist)
                m_persist(it.key(), std::nullopt);
            it = m_acks.erase(it);
        }
    QList<WallAlert> all;
    for (const Source &s : m_sources) {
        if (!s.list)
            continue;
        for (WallAlert a : s.list()) {
            a.id = s.name + u'.' + a.id;
            a.source = s.name;
            if (!s.ack)
                if (const auto it = m_acks.find(a.id); it != m_acks.end()) {
                    if (it->restored && it->since != a.since &&
                        m_startedAt.secsTo(QDateTime::currentDateTimeUtc()) <= kRestoreWindowSecs) {
                        it->since = a.since; // the condition outlived the restart
                        it->restored = false;
                        if (m_persist)
                            m_persist(a.id, AckRecord{a.id, it->by, it->at, it->note, it->since});
                    }
                    if (it->since == a.since) {
                        it->restored = false;
                        a.acknowledgedBy = it->by;
                        a.acknowledgedAt = it->at;
                        a.note = it->note;
                    }
                }
            all.append(a);
        }
    }
    std::stable_sort(all.begin(), all.end(),
                     [](const WallAlert &a, const WallAlert &b) { return a.since > b.since; });
    return all;
}

ActionResult AlertBoard::acknowledge(const QJsonObject &params, const Caller &caller) {
    const QJsonValue idValue = params.value(QStringLiteral("id"));
    QString id =
        idValue.isDouble() ? QString::number(qint64(idValue.toDouble())) : idValue.toString();
    const QJsonValue noteValue = params.value(QStringLiteral("note"));
    if (id.isEmpty() || id.size() > 200)
        return ActionResult::failure(QStringLiteral("invalid"),
                                     QStringLiteral("id: an alert id from GET /api/v1/alerts "
                                                    "(\"device.r1c1.overheat\") is required"),
                                     QStringLiteral("id"));
    if (!noteValue.isUndefined() && (!noteValue.isString() || noteValue.toString().size() > 500))
        return ActionResult::failure(QStringLiteral("invalid"),
                                     QStringLiteral("note: text of at most 500 characters"),
                                     QStringLiteral("note"));
    bool isNumber = false;
    id.toLongLong(&isNumber);
    if (isNumber) // the API numbered indicator alerts before they had a source prefix
        id = QStringLiteral("indicator.") + id;
    const QString note = noteValue.toString();
    for (const WallAlert &a : alerts()) {
        if (a.id != id)
            continue;
        if (a.acknowledged())
            return ActionResult::failure(
                QStringLiteral("conflict"),
                QStringLiteral("alert %1 was acknowledged by %2 already").arg(id, a.acknowledgedBy),
                QStringLiteral("id"));
        const Source *source = nullptr;
        for (const Source &s : m_sources)
            if (s.name == a.source)
                source = &s;
        const QString local = id.mid(a.source.size() + 1);
        const QDateTime now = QDateTime::currentDateTimeUtc();
        if (source && source->ack) {
            if (!source->ack(local, caller, note))
                return ActionResult::failure(QStringLiteral("not_found"),
                                             QStringLiteral("no open alert %1").arg(id),
                                             QStringLiteral("id"));
        } else {
            m_acks.insert(id, Ack{caller.user, now, note, a.since});
            if (m_persist) // joins the alert.ack action's transaction
                m_persist(id, AckRecord{id, caller.user, now, note, a.since});
        }
        WallAlert done = a;
        done.acknowledgedBy = caller.user;
        done.acknowledgedAt = now;
        done.note = note;
        return ActionResult::success({{QStringLiteral("id"), id},
                                      {QStringLiteral("source"), a.source},
                                      {QStringLiteral("alert"), done.toJson()}});
    }
    return ActionResult::failure(QStringLiteral("not_found"),
                                 QStringLiteral("no open alert %1").arg(id), QStringLiteral("id"));
}

} // namespace opswall::wall
