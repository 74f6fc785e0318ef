// Live feeds as the wall sees them, against real peers on loopback:
// - the demo's replayed "new enterprises today" counter (opswall-feedservice's FeedService over
//   its HttpServer, read over SSE and WebSocket) at several hours of the day, on an injected
//   clock: a running count for the day in Vietnam, dated with that day, never stuck at 0;
// - alert rules on a live (SSE / WebSocket) indicator evaluated when its value arrives: a value
//   crossing the threshold raises its alert within a second (not at the next 30 s tick), and a
//   burst of values is evaluated coalesced, ending in the last value's state.
#include "feeds/feedhub.h"
#include "feeds/sse.h"
#include "feedservice/feedservice.h"
#include "feedservice/httpserver.h"
#include "store/database.h"
#include "store/storethread.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QWebSocket>
#include <QtTest>

using namespace opswall::feeds;
using namespace opswall::feedservice;

namespace {
constexpr int kWaitMs = 10000;
} // namespace

class TestFeedsLive : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    QNetworkAccessManager m_nam;

    // The first event of the live counter, over SSE, from a fresh connection.
    QJsonObject sseCount(quint16 port) {
        SseClient client(
            &m_nam, QUrl(QStringLiteral("http://127.0.0.1:%1/live/enterprises").arg(port)), {});
        QString data;
        connect(&client, &SseClient::event, this, [&data](const SseEvent &e) {
            if (data.isEmpty())
                data = e.data;
        });
        client.start();
        const bool got = QTest::qWaitFor([&data] { return !data.isEmpty(); }, kWaitMs);
        client.stop();
        return got ? QJsonDocument::fromJson(data.toUtf8()).object() : QJsonObject();
    }
    // The first message of the live counter over WebSocket.
    QJsonObject wsCount(quint16 port) {
        QWebSocket ws;
        QSignalSpy messages(&ws, &QWebSocket::textMessageReceived);
        ws.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/live/enterprises").arg(port)));
        if (!messages.wait(kWaitMs))
            return {};
        ws.close();
        return QJsonDocument::fromJson(messages.first().first().toString().toUtf8()).object();
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void replayedCounterRunsWithTheDayInVietnam_data() {
        QTest::addColumn<QDateTime>("start");
        QTest::addColumn<QString>("vietnamDay");
        QTest::addColumn<int>("atLeast");
        QTest::addColumn<int>("atMost");
        const auto utc = [](int day, int h, int m) {
            return QDateTime(QDate(2026, 12, day), QTime(h, m), Qt::UTC);
        };
        // Offices open in Vietnam: the day's own time, its running count.
        QTest::newRow("08:30 in Vietnam") << utc(3, 1, 30) << "2026-12-03" << 50 << 100;
        QTest::newRow("12:00 in Vietnam") << utc(3, 5, 0) << "2026-12-03" << 250 << 330;
        QTest::newRow("16:30 in Vietnam") << utc(3, 9, 30) << "2026-12-03" << 550 << 590;
        // Outside office hours: that day's office hours replayed from 08:00 (not 0, and moving).
        QTest::newRow("18:00 in Vietnam") << utc(3, 11, 0) << "2026-12-03" << 30 << 60;
        QTest::newRow("05:00 in Vietnam") << utc(2, 22, 0) << "2026-12-03" << 30 << 60;
        // The evening in UTC is already the next day in Vietnam: dated with it.
        QTest::newRow("19:30 UTC") << utc(3, 19, 30) << "2026-12-04" << 30 << 60;
    }

    void replayedCounterRunsWithTheDayInVietnam() {
        QFETCH(QDateTime, start);
        QFETCH(QString, vietnamDay);
        QFETCH(int, atLeast);
        QFETCH(int, atMost);
        QDateTime now = start;
        FeedService service(
            {qEnvironmentVariable("OPSWALL_SHARED_DIR") + QStringLiteral("/data/indicators"), 60000,
             [&now] { return now; }});
        QString err;
        QVERIFY2(service.check(&err), qPrintable(err));
        // GSO, Feb 2025: (20,781 - 10,655) new enterprises over 15 working days.
        QCOMPARE(service.dailyRegistrations(), 675);
        HttpServer server([&service](const HttpRequest &r) { return service.handle(r); });
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        service.attach(&server);

        // At once (not 0 until the first tick), over SSE and WebSocket alike.
        const QJsonObject sse = sseCount(server.port());
        QVERIFY(!sse.isEmpty());
        QCOMPARE(sse["indicator"].toString(), QStringLiteral("ENT_NEW_TODAY"));
        QCOMPARE(sse["period"].toString(), vietnamDay);
        const int value = sse["value"].toInt(-1);
        QVERIFY2(value >= atLeast && value <= atMost, qPrintable(QString::number(value)));
        const QJsonObject ws = wsCount(server.port());
        QCOMPARE(ws["value"].toInt(-1), value);
        QCOMPARE(ws["period"].toString(), vietnamDay);
        // Ten minutes later it has moved on, about one registration a minute.
        now = now.addSecs(600);
        const QJsonObject later = sseCount(server.port());
        const int moved = later["value"].toInt(-1) - value;
        QVERIFY2(moved >= 8 && moved <= 14, qPrintable(QString::number(moved)));
        QCOMPARE(service.liveCount(), later["value"].toInt(-1));
    }

    void aFasterReplayRunsADayFromItsMorning() {
        // --tick-ms 1000 (tests): a replayed minute per second, from 08:00 of the day in Vietnam.
        QDateTime now(QDate(2026, 12, 3), QTime(20, 0), Qt::UTC); // 03:00 on the 4th in Vietnam
        FeedService service(
            {qEnvironmentVariable("OPSWALL_SHARED_DIR") + QStringLiteral("/data/indicators"), 1000,
             [&now] { return now; }});
        QCOMPARE(service.replayNow().time(), QTime(8, 0));
        QCOMPARE(service.replayNow().date(), QDate(2026, 12, 4));
        const int first = service.liveCount();
        now = now.addSecs(60); // an hour replayed
        QCOMPARE(service.replayNow().time(), QTime(9, 0));
        QVERIFY2(service.liveCount() >= first + 40,
                 qPrintable(QString::number(service.liveCount())));
    }

    void liveValuesRaiseTheirAlertsAtOnce_data() {
        QTest::addColumn<bool>("webSocket");
        QTest::newRow("sse") << false;
        QTest::newRow("websocket") << true;
    }

    void liveValuesRaiseTheirAlertsAtOnce() {
        QFETCH(bool, webSocket);
        const QString path = m_dir.filePath(QStringLiteral("live-%1.sqlite").arg(webSocket));
        opswall::store::Database db(path);
        FeedHub hub(db, &m_nam);
        opswall::store::StoreThread writer(path);
        db.setWriter(&writer);
        // A live source: the test publishes each value when it wants.
        HttpServer server([](const HttpRequest &req) {
            if (req.path != QLatin1String("/live/load"))
                return HttpResponse::text(404, "no\n");
            HttpResponse r;
            r.setHeader("Content-Type", "text/event-stream");
            r.sseChannel = "load";
            r.body = "retry: 500\n\n";
            return r;
        });
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        server.enableWebSockets();
        const QString url = QStringLiteral("%1://127.0.0.1:%2/live/load")
                                .arg(webSocket ? QStringLiteral("ws") : QStringLiteral("http"))
                                .arg(server.port());
        const QString feeds =
            QStringLiteral("{\"schemaVersion\":1,\"feeds\":[{\"id\":\"load\",\"url\":\"%1\","
                           "\"push\":\"%2\"}]}")
                .arg(url, webSocket ? QStringLiteral("websocket") : QStringLiteral("sse"));
        QString err;
        bool imported = false;
        QCOMPARE(hub.scheduler()->definitions().importJson(
                     feeds.toUtf8(), &err, [&](std::exception_ptr e) { imported = !e; }),
                 1);
        QTRY_VERIFY(imported);
        QSignalSpy indicators(hub.alerts(), &AlertManager::indicatorsChanged);
        QVERIFY2(hub.alerts()->importJson(
                     "{\"schemaVersion\":1,\"indicators\":[{\"code\":\"GRID_LOAD\",\"nameVi\":"
                     "\"tải\",\"nameEn\":\"load\"}],\"rules\":[{\"id\":\"load-high\",\"kind\":"
                     "\"threshold\",\"indicator\":\"GRID_LOAD\",\"threshold\":100,"
                     "\"direction\":\"above\",\"severity\":\"critical\"}]}",
                     &err),
                 qPrintable(err));
        QVERIFY(indicators.wait(kWaitMs));
        QVERIFY2(hub.start({}, &err), qPrintable(err));
        QTRY_VERIFY_WITH_TIMEOUT(
            (webSocket ? server.webSocketCount("load") : server.subscriberCount("load")) == 1,
            kWaitMs);
        const auto push = [&](double value) {
            const QString json =
                QStringLiteral("{\"indicator\":\"GRID_LOAD\",\"value\":%1}").arg(value);
            if (webSocket)
                server.publishText("load", json);
            else
                server.publish("load", "event: value\ndata: " + json.toUtf8() + "\n\n");
        };
        QSignalSpy live(hub.scheduler(), &FeedScheduler::liveValue);
        QSignalSpy raised(hub.alerts(), &AlertManager::alertRaised);
        QSignalSpy cleared(hub.alerts(), &AlertManager::alertCleared);

        // Below the threshold: no alert (the feed turns ok, which evaluates every rule once).
        push(80);
        QVERIFY(live.wait(kWaitMs));
        QTest::qWait(2 * AlertManager::kLiveCoalesceMs);
        QVERIFY(raised.isEmpty());

        // Crossing: raised within a second of the value being sent.
        QElapsedTimer sent;
        sent.start();
        push(130);
        QVERIFY(raised.wait(kWaitMs));
        const qint64 raiseMs = sent.elapsed();
        QVERIFY2(raiseMs < 1000, qPrintable(QString::number(raiseMs)));
        QCOMPARE(raised.size(), 1);
        const Alert a = raised.first().first().value<Alert>();
        QCOMPARE(a.ruleId, QStringLiteral("load-high"));
        QVERIFY2(a.message.contains(QStringLiteral("130")), qPrintable(a.message));
        QCOMPARE(hub.alerts()->openAlerts().size(), 1);

        // Back below: cleared as quickly.
        QTest::qWait(2 * AlertManager::kLiveCoalesceMs);
        sent.restart();
        push(70);
        QVERIFY(cleared.wait(kWaitMs));
        const qint64 clearMs = sent.elapsed();
        QVERIFY2(clearMs < 1000, qPrintable(QString::number(clearMs)));
        QVERIFY(hub.alerts()->openAlerts().isEmpty());

        // A burst of 40 values flapping around the threshold, ending above it: evaluated
        // coalesced (at most one evaluation per 250 ms, never one per value), ending raised.
        QTest::qWait(2 * AlertManager::kLiveCoalesceMs);
        raised.clear();
        cleared.clear();
        live.clear();
        sent.restart();
        for (int i = 0; i < 40; ++i)
            push(i % 2 ? 120 + i : 60 + i);
        QTRY_VERIFY_WITH_TIMEOUT(live.size() == 40, kWaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(hub.alerts()->openAlerts().size() == 1, kWaitMs);
        const qint64 burstMs = sent.elapsed();
        QTest::qWait(2 * AlertManager::kLiveCoalesceMs);
        const qint64 bound = 2 + burstMs / AlertManager::kLiveCoalesceMs;
        qInfo("crossing value to alert: raised %lld ms, cleared %lld ms; a burst of 40 values "
              "over %lld ms: %lld raised, %lld cleared (bound %lld each)",
              qlonglong(raiseMs), qlonglong(clearMs), qlonglong(burstMs), qlonglong(raised.size()),
              qlonglong(cleared.size()), qlonglong(bound));
        QVERIFY2(raised.size() <= bound && raised.size() < 20,
                 qPrintable(QString::number(raised.size())));
        QCOMPARE(hub.alerts()->openAlerts().size(), 1); // the last value (159) is above
        hub.stop();
        db.setWriter(nullptr);
    }
};

QTEST_GUILESS_MAIN(TestFeedsLive)
#include "tst_feeds_live.moc"
