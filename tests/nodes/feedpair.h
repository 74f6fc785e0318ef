// A controller's feed store and a node's, each an SQLite file on disk (tst_nodes_replica,
// tst_nodes_seriescache): fresh files for each test function, the controller's feed "gso"
// defined (others with defineFeed), series to ingest and the stored rows to compare.
#pragma once

#include "feeds/feedhub.h"
#include "store/database.h"

#include <QDateTime>
#include <QNetworkAccessManager>
#include <QTemporaryDir>

#include <memory>

namespace feedpair {

using namespace opswall;

inline const QDateTime kT0 = QDateTime(QDate(2026, 3, 1), QTime(8, 0), Qt::UTC);

inline feeds::Series series(const QString &indicator, const QString &dimension,
                            const QList<std::pair<feeds::Period, double>> &points) {
    feeds::Series s;
    s.indicator = indicator;
    s.dimension = dimension;
    s.unit = QStringLiteral("index");
    for (const auto &[period, value] : points)
        s.points.append({period, value});
    return s;
}

inline feeds::Series series(const QString &indicator,
                            const QList<std::pair<feeds::Period, double>> &points) {
    return series(indicator, QString(), points);
}

// Every stored revision of an indicator: dimension, period, revision, value, time, current.
inline QStringList rowsOf(store::Database &db, const QString &indicator) {
    auto q = db.prepare("SELECT s.dimension, v.period_kind, v.period_start, v.revision, "
                        "printf('%.9g', v.value), v.fetched_at, v.current FROM feed_values v JOIN "
                        "feed_series s ON s.id = v.series_id WHERE s.indicator = ? ORDER BY 1, 2, "
                        "3, 4");
    q.bind(1, indicator);
    QStringList out;
    while (q.step())
        out << QStringLiteral("%1|%2|%3|%4|%5|%6|%7")
                   .arg(q.text(0))
                   .arg(q.int64(1))
                   .arg(q.int64(2))
                   .arg(q.int64(3))
                   .arg(q.text(4))
                   .arg(q.int64(5))
                   .arg(q.int64(6));
    return out;
}

// A test object's member: make() in init(), clear() in cleanup().
struct FeedPair {
    QTemporaryDir dir; // the store files of every test function
    QNetworkAccessManager nam;
    std::unique_ptr<store::Database> controllerDb, nodeDb;
    std::unique_ptr<feeds::FeedHub> controller, node;

    // New store files in dir (a new pair for each test function), the feed "gso" (JSON, never
    // fetched: its address is the discard port) defined on the controller.
    void make() {
        static int round = 0;
        ++round;
        controllerDb = std::make_unique<store::Database>(
            dir.filePath(QStringLiteral("controller-%1.db").arg(round)));
        nodeDb = std::make_unique<store::Database>(
            dir.filePath(QStringLiteral("node-%1.db").arg(round)));
        controller = std::make_unique<feeds::FeedHub>(*controllerDb, &nam);
        node = std::make_unique<feeds::FeedHub>(*nodeDb, &nam);
        defineFeed(QStringLiteral("gso"));
    }
    // Another feed id (JSON, never fetched) defined on the controller.
    void defineFeed(const QString &id) {
        feeds::FeedDefinition def;
        def.id = id;
        def.url = QUrl(QStringLiteral("http://127.0.0.1:9/%1.json").arg(id));
        def.format = feeds::Format::Json;
        def.mapping.valueField = QStringLiteral("value");
        controller->scheduler()->definitions().upsert(def);
    }
    void clear() {
        node.reset();
        controller.reset();
        nodeDb.reset();
        controllerDb.reset();
    }
};

} // namespace feedpair
