// A mirrored alert list and chart over both displays, fed by a real feed: the wall polls a JSON
// feed served by the feed service's HTTP server in this test; each step's values are stored, read
// by the tiles, and raise or clear the indicators' threshold alerts. After each
// change the window is compared, pixel by pixel, with a fresh picture of the same layout.
#include "tst_rendering.h"

#include "../support/jsonfeed.h"

#include "core/engineservices.h"
#include "feeds/feedhub.h"
#include "feedservice/httpserver.h"
#include "indicatordata.h"
#include "store/database.h"

#include <QNetworkAccessManager>
#include <QQmlComponent>

using namespace opswall;
using namespace opswall::rendertest;

namespace {
const QStringList kCodes{QStringLiteral("TST_A"), QStringLiteral("TST_B"), QStringLiteral("TST_C"),
                         QStringLiteral("TST_D")};

// A JSON feed polled every 5 s (the definitions' minimum).
QByteArray feedsDocument(quint16 port) {
    return testsupport::jsonFeedDocument(port, QStringLiteral("test-values"),
                                         QStringLiteral("Test values"));
}

// Each indicator raises a warning above 50.
QByteArray indicatorsDocument() {
    QJsonArray indicators, rules;
    for (const QString &code : kCodes) {
        indicators.append(QJsonObject{{QStringLiteral("code"), code},
                                      {QStringLiteral("nameVi"), QStringLiteral("Chỉ số ") + code},
                                      {QStringLiteral("nameEn"), QStringLiteral("Index ") + code},
                                      {QStringLiteral("unitVi"), QStringLiteral("điểm")},
                                      {QStringLiteral("unitEn"), QStringLiteral("points")},
                                      {QStringLiteral("decimals"), 0},
                                      {QStringLiteral("feedId"), QStringLiteral("test-values")}});
        rules.append(QJsonObject{{QStringLiteral("id"), code.toLower() + QStringLiteral("-high")},
                                 {QStringLiteral("kind"), QStringLiteral("threshold")},
                                 {QStringLiteral("indicator"), code},
                                 {QStringLiteral("threshold"), 50},
                                 {QStringLiteral("direction"), QStringLiteral("above")},
                                 {QStringLiteral("severity"), QStringLiteral("warning")}});
    }
    return QJsonDocument(QJsonObject{{QStringLiteral("schemaVersion"), 1},
                                     {QStringLiteral("indicators"), indicators},
                                     {QStringLiteral("rules"), rules}})
        .toJson();
}

// Whether indicator i is above its threshold at a step (its alert open).
bool high(int step, int i) {
    return (step + i) % 3 == 0;
}

// What the feed serves at a step: every indicator's months 1..step.
QByteArray valuesAt(int step) {
    QJsonArray records;
    for (int month = 1; month <= step; ++month)
        for (int i = 0; i < kCodes.size(); ++i)
            records.append(
                QJsonObject{{QStringLiteral("date"),
                             QStringLiteral("2025-%1").arg(month, 2, 10, QLatin1Char('0'))},
                            {QStringLiteral("indicator"), kCodes[i]},
                            {QStringLiteral("value"), high(month, i) ? 60 + month : 20 + month}});
    return QJsonDocument(QJsonObject{{QStringLiteral("records"), records}}).toJson();
}

// The feed of these tests over real HTTP (/values.json serves `served`), and the preparation of
// a new wall's store: its feed definition and the indicators' alert rules (prepared: "ok" or
// the error).
struct ValuesFeed {
    QByteArray served = valuesAt(1);
    QString prepared;
    feedservice::HttpServer server{[this](const feedservice::HttpRequest &req) {
        if (req.path != QLatin1String("/values.json"))
            return feedservice::HttpResponse::text(404, "not here\n");
        feedservice::HttpResponse r;
        r.setHeader("Content-Type", "application/json");
        r.body = served;
        return r;
    }};

    void prepare(const QString &dbPath) {
        store::Database db(dbPath);
        QNetworkAccessManager nam;
        feeds::FeedHub hub(db, &nam);
        if (hub.scheduler()->definitions().importJson(feedsDocument(server.port()), &prepared) < 0)
            return;
        if (!hub.alerts()->importJson(indicatorsDocument(), &prepared))
            return;
        prepared = QStringLiteral("ok");
    }
};

QJsonArray feedTiles(double dxMm) {
    return {tileJson(QStringLiteral("alerts"), QStringLiteral("alerts"), QStringLiteral("Cảnh báo"),
                     QRectF(100 + dxMm, 60, 1900, 280), QJsonObject{{QStringLiteral("max"), 4}}),
            tileJson(QStringLiteral("chart"), QStringLiteral("chart"), QString(),
                     QRectF(100 + dxMm, 350, 1900, 190),
                     QJsonObject{{QStringLiteral("indicator"), QStringLiteral("TST_A")}})};
}

// The content of the (one) frame of a tile in the window.
QObject *contentOf(QQuickWindow *w, const QString &tileId) {
    QQuickItem *frame = framesOf(w).value(tileId);
    return frame ? frame->property("content").value<QObject *>() : nullptr;
}
} // namespace

// Five feed steps: indicator i's alert is open at step s when (s + i) % 3 == 0 (each step opens
// and clears some), and TST_A (the chart's) gains a month; the tiles move at step 4 (they
// persist).
void TestRendering::mirroredAlertListFollowsTheFeed() {
    ValuesFeed feed;
    QVERIFY2(feed.server.listen(QHostAddress::LocalHost, 0), qPrintable(feed.server.errorString()));
    QByteArray &served = feed.served;
    const QString &prepared = feed.prepared;
    const auto prepare = [&feed](const QString &dbPath) { feed.prepare(dbPath); };
    Fixture fx(twoPanels(true), feedTiles(0), false, {}, prepare);
    QCOMPARE(prepared, QStringLiteral("ok"));
    QVERIFY2(fx.ok, qPrintable(fx.error + fx.app->error()));
    QQuickWindow *win = fx.app->windows().constFirst();
    QString why;
    for (int step = 1; step <= 5; ++step) {
        served = valuesAt(step);
        int open = 0;
        for (int i = 0; i < kCodes.size(); ++i)
            open += high(step, i) ? 1 : 0;
        if (step == 4)
            QVERIFY2(setTiles(fx, feedTiles(50), &why), qPrintable(why));
        // The tiles read the stored values (at the next poll) and the alerts they raised or
        // cleared.
        QTRY_VERIFY_WITH_TIMEOUT(
            contentOf(win, QStringLiteral("alerts")) &&
                contentOf(win, QStringLiteral("alerts"))->property("alerts").toList().size() ==
                    open,
            15000);
        QTRY_VERIFY_WITH_TIMEOUT(contentOf(win, QStringLiteral("chart")) &&
                                     contentOf(win, QStringLiteral("chart"))
                                             ->property("axesInfo")
                                             .toMap()
                                             .value(QStringLiteral("count"))
                                             .toInt() == step,
                                 15000);
        const QString diff = differenceFromFresh(fx, feedTiles(step >= 4 ? 50 : 0),
                                                 QStringLiteral("feed-%1").arg(step));
        QVERIFY2(diff.isEmpty(), qPrintable(QStringLiteral("step %1: ").arg(step) + diff));
    }
}

// A KPI tile of a layout left a moment ago is kept built and hidden; the feed changes its value
// meanwhile. Recalling that layout shows the kept tile (the same frame, nothing built) with the
// value the feed has now, not the one it had when it was hidden, and reads the indicator once,
// when it is shown (not at every change while hidden).
void TestRendering::keptTileShowsTheFeedsCurrentValue() {
    ValuesFeed feed;
    QVERIFY2(feed.server.listen(QHostAddress::LocalHost, 0), qPrintable(feed.server.errorString()));
    QByteArray &served = feed.served;
    const QString &prepared = feed.prepared;
    const auto prepare = [&feed](const QString &dbPath) { feed.prepare(dbPath); };
    const QJsonArray withKpi{
        tileJson(QStringLiteral("kpi"), QStringLiteral("kpi"), QString(), QRectF(100, 60, 800, 480),
                 QJsonObject{{QStringLiteral("indicator"), QStringLiteral("TST_A")},
                             {QStringLiteral("language"), QStringLiteral("en")}})};
    const QJsonArray other{
        colorTile(QStringLiteral("other"), QRectF(100, 60, 800, 480), QStringLiteral("#00ff00"))};
    Fixture fx(twoPanels(true), withKpi, false, {}, prepare, 3);
    QCOMPARE(prepared, QStringLiteral("ok"));
    QVERIFY2(fx.ok, qPrintable(fx.error + fx.app->error()));
    QQuickWindow *win = fx.app->windows().constFirst();
    // TST_A's value at step s is its month s's: 60 + s when high, else 20 + s.
    const auto valueAt = [](int step) { return high(step, 0) ? 60 + step : 20 + step; };
    const auto kpiValue = [&](QObject *content) {
        return content ? content->property("kpi").toMap().value(QStringLiteral("value")).toDouble()
                       : -1.0;
    };
    QTRY_COMPARE_WITH_TIMEOUT(kpiValue(contentOf(win, QStringLiteral("kpi"))), double(valueAt(1)),
                              15000);
    const QPointer<QQuickItem> frame = framesOf(win).value(QStringLiteral("kpi"));
    const QPointer<QObject> content = contentOf(win, QStringLiteral("kpi"));
    QVERIFY(frame && content);
    QObject *watch = content->property("watch").value<QObject *>();
    QVERIFY(watch);

    QString why;
    QVERIFY2(setTiles(fx, other, &why), qPrintable(why));
    QVERIFY(!fx.grab().isEmpty());
    QVERIFY(frame && !shown(frame)); // kept, hidden
    const int revisionHidden = watch->property("revision").toInt();

    // The feed moves on twice while the tile is hidden (the wall reads it: its read model has
    // the new value); the tile is only told that it has something to read once shown.
    auto *data = opswall::lookup<indicators::IndicatorData>(&fx.app->engine());
    QVERIFY(data);
    for (int step = 2; step <= 3; ++step) {
        served = valuesAt(step);
        QTRY_COMPARE_WITH_TIMEOUT(data->kpi(QStringLiteral("TST_A"), {}, QStringLiteral("en"))
                                      .value(QStringLiteral("value"))
                                      .toDouble(),
                                  double(valueAt(step)), 15000);
    }
    QVERIFY(watch->property("held").toBool());
    QCOMPARE(watch->property("revision").toInt(), revisionHidden);
    QCOMPARE(kpiValue(content), double(valueAt(1))); // not read while hidden

    QVERIFY2(setTiles(fx, withKpi, &why), qPrintable(why));
    // The kept frame and content, shown at once with the value the feed has now.
    QVERIFY(frame && shown(frame));
    QCOMPARE(framesOf(win).value(QStringLiteral("kpi")), frame.data());
    QCOMPARE(contentOf(win, QStringLiteral("kpi")), content.data());
    QCOMPARE(watch->property("revision").toInt(), revisionHidden + 1);
    QCOMPARE(kpiValue(content), double(valueAt(3)));
}

// A tile built ahead of a recall is created asynchronously: the engine evaluates its bindings
// (a KPI tile reads its indicator there) in one slice and completes its IndicatorWatch, which
// registers it for its indicators, in a later one, with turns of the event loop between. A change
// delivered between the two (the feed's first value, or the series being read off the GUI thread
// coming back) reached no watch, and the tile showed "–" until its indicator changed again (a
// monthly one: for a month; once seen on the demo's ENT_NEW_YTD tile). Here the engine's two steps
// are made by hand around a real delivery: the watch completed after it is told.
void TestRendering::watchCompletedAfterAChangeIsTold() {
    ValuesFeed feed;
    QVERIFY2(feed.server.listen(QHostAddress::LocalHost, 0), qPrintable(feed.server.errorString()));
    const auto prepare = [&feed](const QString &dbPath) { feed.prepare(dbPath); };
    Fixture fx(
        twoPanels(true),
        {colorTile(QStringLiteral("other"), QRectF(100, 60, 800, 480), QStringLiteral("#00ff00"))},
        false, {}, prepare);
    QCOMPARE(feed.prepared, QStringLiteral("ok"));
    QVERIFY2(fx.ok, qPrintable(fx.error + fx.app->error()));
    auto *data = opswall::lookup<indicators::IndicatorData>(&fx.app->engine());
    QVERIFY(data);
    const auto value = [data] {
        return data->kpi(QStringLiteral("TST_A"), {}, QStringLiteral("en"))
            .value(QStringLiteral("value"))
            .toDouble();
    };
    QTRY_COMPARE_WITH_TIMEOUT(value(), double(high(1, 0) ? 61 : 21), 15000);
    QTRY_VERIFY(data->hub()->readModel().idle()); // everything read so far delivered

    QQmlComponent component(&fx.app->engine());
    component.setData("import OpsWall.Indicators\nIndicatorWatch { indicators: [\"TST_A\"] }",
                      QUrl());
    QVERIFY2(component.isReady(), qPrintable(component.errorString()));
    const std::unique_ptr<QObject> told(component.create()); // complete: registered
    const std::unique_ptr<QObject> late(component.beginCreate(fx.app->engine().rootContext()));
    QVERIFY(told && late);
    feed.served = valuesAt(2); // delivered at the next poll, while `late` is being created
    QTRY_VERIFY_WITH_TIMEOUT(told->property("revision").toInt() > 0, 15000);
    QCOMPARE(value(), double(high(2, 0) ? 62 : 22));
    QCOMPARE(late->property("revision").toInt(), 0);
    component.completeCreate();
    QCOMPARE(late->property("revision").toInt(), 1); // read once more, now
}
