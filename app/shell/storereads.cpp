#include "shell/storereads.h"

#include "control/auditlog.h"
#include "shell/servicesparts.h"

#include "store/database.h"
#include "store/wallstore.h"
#include "wall/walljson.h"

#include <QJsonArray>

#ifdef OPSWALL_WITH_BRIEFING
#include "briefing/briefingstore.h"
#endif

namespace opswall::shell {

namespace {
QJsonObject presetInfo(const store::PresetInfo &p);
} // namespace

QJsonObject presetsView(store::WallStore &store, const QString &id) {
    if (id.isEmpty()) {
        QJsonArray a;
        for (const store::PresetInfo &p : store.presets())
            a.append(presetInfo(p));
        return items(a);
    }
    bool isNumber = false;
    const auto p = store.preset(id.toInt(&isNumber));
    if (!isNumber || !p)
        return {};
    QJsonObject o = presetInfo(p->info);
    o.insert(QStringLiteral("layout"), wall::layoutToJson(p->layout));
    return o;
}

namespace {

QJsonObject presetInfo(const store::PresetInfo &p) {
    return {{QStringLiteral("id"), p.id},
            {QStringLiteral("name"), p.name},
            {QStringLiteral("forLeaders"), p.forLeaders},
            {QStringLiteral("revision"), p.revision},
            {QStringLiteral("savedAt"), p.savedAt.toString(Qt::ISODate)}};
}

QJsonObject presets(store::Database &db) {
    store::WallStore store(db, store::WallStore::AlreadyMigrated{});
    return presetsView(store, QString());
}

QJsonObject preset(store::Database &db, int id) {
    store::WallStore store(db, store::WallStore::AlreadyMigrated{});
    return presetsView(store, QString::number(id));
}

// GET /audit/layout?at=…: the last change of the live layout at or before atMs and the layout
// it made (its history row); empty when there was none.
QJsonObject layoutAt(store::Database &db, qint64 atMs) {
    const auto e = control::AuditLog::lastLayoutChangeOn(db, atMs);
    if (!e)
        return {};
    QJsonObject out{{QStringLiteral("change"), e->toJson()}};
    const QJsonValue rev = e->result.data.value(QStringLiteral("revision"));
    if (rev.isUndefined())
        return out;
    const auto l = store::WallStore(db, store::WallStore::AlreadyMigrated{})
                       .liveLayoutRevision(rev.toInteger());
    out.insert(QStringLiteral("layout"), l ? wall::layoutToJson(*l) : QJsonObject());
    return out;
}

#ifdef OPSWALL_WITH_BRIEFING
QJsonObject briefingList(briefing::BriefingStore &store) {
    QJsonArray a;
    for (const briefing::BriefingInfo &b : store.list())
        a.append(b.toJson());
    return items(a);
}

QJsonObject lastRunJson(const briefing::Run &run) {
    QJsonArray shown;
    for (const briefing::ShownStep &s : run.shown)
        shown.append(QJsonObject{{QStringLiteral("step"), s.stepIndex + 1},
                                 {QStringLiteral("at"), s.shownAt.toString(Qt::ISODate)},
                                 {QStringLiteral("by"), s.by},
                                 {QStringLiteral("via"), s.via}});
    return {{QStringLiteral("id"), run.id},
            {QStringLiteral("startedAt"), run.startedAt.toString(Qt::ISODate)},
            {QStringLiteral("startedBy"), run.startedBy},
            {QStringLiteral("endedAt"), run.endedAt.toString(Qt::ISODate)},
            {QStringLiteral("shown"), shown}};
}

QJsonObject oneBriefing(briefing::BriefingStore &store, int id) {
    const auto b = store.get(id);
    if (!b)
        return {};
    QJsonObject o = b->info.toJson();
    o.insert(QStringLiteral("briefing"), briefing::briefingToJson(b->briefing));
    QJsonArray revisions;
    for (const briefing::BriefingInfo &r : store.revisions(id))
        revisions.append(r.toJson());
    o.insert(QStringLiteral("revisions"), revisions);
    if (const auto run = store.lastRun(id))
        o.insert(QStringLiteral("lastRun"), lastRunJson(*run));
    return o;
}
#endif

} // namespace

#ifdef OPSWALL_WITH_BRIEFING
QJsonObject briefingsView(briefing::BriefingStore &store, const QString &what) {
    const QString head = what.section(QLatin1Char(':'), 0, 0);
    if (head == QLatin1String("briefings"))
        return briefingList(store);
    bool isNumber = false;
    const int id = what.section(QLatin1Char(':'), 1).toInt(&isNumber);
    return head == QLatin1String("briefing") && isNumber ? oneBriefing(store, id) : QJsonObject();
}
#endif

control::ActionSink::StoreRead storeRead(const QString &what, [[maybe_unused]] bool withBriefings) {
    const QString head = what.section(QLatin1Char(':'), 0, 0);
    const int id = what.section(QLatin1Char(':'), 1).toInt();
    if (head == QLatin1String("presets") || head == QLatin1String("layouts"))
        return [](store::Database &db) { return presets(db); };
    if (head == QLatin1String("preset") || head == QLatin1String("layout"))
        return [id](store::Database &db) { return preset(db, id); };
    if (head == QLatin1String("audit-layout"))
        return [atMs = what.section(QLatin1Char(':'), 1).toLongLong()](store::Database &db) {
            return layoutAt(db, atMs);
        };
#ifdef OPSWALL_WITH_BRIEFING
    if (withBriefings && (head == QLatin1String("briefings") || head == QLatin1String("briefing")))
        return [what](store::Database &db) {
            briefing::BriefingStore store(db, briefing::BriefingStore::AlreadyMigrated{});
            return briefingsView(store, what);
        };
#endif
    return {};
}

} // namespace opswall::shell
