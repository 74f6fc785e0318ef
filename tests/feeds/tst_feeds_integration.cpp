// Integration: the feeds' fetcher and scheduler against a real HTTP server on loopback (the demo
// feed service's routes serving the real files, plus fault routes). Parsed values are checked
// against figures in the files; every fault gives a clear status, keeps the last good values
// and crashes nothing.
#include "../support/testfiles.h"
#include "feeds/adapters.h"
#include "feeds/fetcher.h"
#include "feeds/scheduler.h"
#include "feedservice/feedservice.h"
#include "store/database.h"
#include "store/storethread.h"

#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace opswall::feeds;
using namespace opswall::feedservice;
using opswall::testsupport::readIndicatorFile;

class TestIntegration : public QObject {
    Q_OBJECT
private:
    std::unique_ptr<FeedService> m_service;
    std::unique_ptr<HttpServer> m_server;
    QNetworkAccessManager m_nam;
    QTemporaryDir m_dir;
    QList<QPair<QString, int>> m_log; // path, status
    QList<QByteArray> m_encodings;    // Content-Encoding of each answer
    bool m_switchBroken = false;

    QString url(const QString &path) const {
        return QStringLiteral("http://127.0.0.1:%1%2").arg(m_server->port()).arg(path);
    }

    HttpResponse route(const HttpRequest &req) {
        const QString p = req.path;
        const QByteArray csv =
            readIndicatorFile(QStringLiteral("gso-monthly-national-2024-01_2025-02.csv"));
        HttpResponse r;
        if (p == QLatin1String("/fault/500"))
            r = HttpResponse::text(500, "database down\n");
        else if (p == QLatin1String("/fault/404"))
            r = HttpResponse::text(404, "gone\n");
        else if (p == QLatin1String("/fault/stall"))
            r.stall = true;
        else if (p == QLatin1String("/fault/drip")) {
            r.body = csv;
            r.dripBytes = 16;
            r.dripIntervalMs = 50;
        } else if (p == QLatin1String("/fault/cut-connection")) {
            r.body = csv;
            r.truncateAt = csv.size() / 2;
        } else if (p == QLatin1String("/fault/truncated-csv"))
            r.body = csv.left(csv.indexOf("Cộng dồn so với kế hoạch năm") + 5);
        else if (p == QLatin1String("/fault/truncated-xml"))
            r.body = readIndicatorFile(QStringLiteral("gso-sdmx/CPIVNM.xml")).left(50000);
        else if (p == QLatin1String("/fault/truncated-json"))
            r.body = readIndicatorFile(
                         QStringLiteral("worldbank-v2-VNM-FP.CPI.TOTL.ZG-page1.reconstructed.json"))
                         .left(3000);
        else if (p == QLatin1String("/fault/big"))
            r.body = QByteArray(50 * 1024 * 1024, 'x');
        else if (p == QLatin1String("/fault/gzip-bomb")) {
            // 50 MB of zeros compressed to ~50 KB: announced small, inflates past the limit.
            r.body = gzipCompress(QByteArray(50 * 1024 * 1024, '\0'));
            r.setHeader("Content-Encoding", "gzip");
        } else if (p == QLatin1String("/fault/wrong-types"))
            r.body = "[{\"page\":1,\"pages\":1,\"per_page\":50,\"total\":1},[{\"indicator\":{"
                     "\"id\":\"X\"},\"date\":\"2024\",\"value\":{\"v\":1}}]]";
        else if (p == QLatin1String("/fault/nan"))
            r.body = "[{\"page\":1,\"pages\":1,\"per_page\":50,\"total\":1},[{\"indicator\":{"
                     "\"id\":\"X\"},\"date\":\"2024\",\"value\":NaN}]]";
        else if (p == QLatin1String("/fault/latin1"))
            r.body = "period,indicator,value,unit\n2024-01,K\xEA"
                     " ho\xE1"
                     "ch,1,%\n"; // Latin-1, not UTF-8
        else if (p == QLatin1String("/fault/redirect-loop")) {
            r.status = 302;
            r.setHeader("Location", "/fault/redirect-loop");
        } else if (p == QLatin1String("/fault/redirect")) {
            r.status = 301;
            r.setHeader("Location", "/files/gso-sdmx/IIPVNM.xml");
        } else if (p == QLatin1String("/switch/monthly.csv")) {
            r = m_switchBroken ? HttpResponse::text(503, "maintenance\n") : m_service->handle([&] {
                HttpRequest f = req;
                f.path = QStringLiteral("/files/gso-monthly-national-2024-01_2025-02.csv");
                return f;
            }());
        } else
            r = m_service->handle(req);
        m_log.append({p, r.status});
        for (const auto &h : r.headers)
            if (h.first == "Content-Encoding")
                m_encodings << h.second;
        return r;
    }

    FetchResult fetch(const QString &path, int timeoutMs = 3000, qint64 maxBytes = 16 << 20,
                      const QByteArray &etag = {}) {
        HttpFetcher fetcher(&m_nam);
        FetchRequest req;
        req.url = QUrl(url(path));
        req.timeoutMs = timeoutMs;
        req.maxBytes = maxBytes;
        req.etag = etag;
        FetchResult out;
        bool done = false;
        fetcher.fetch(req, [&](const FetchResult &r) {
            out = r;
            done = true;
        });
        if (!QTest::qWaitFor([&] { return done; }, timeoutMs + 5000))
            qFatal("fetch callback never came");
        return out;
    }

    // Waits for (and consumes) the next fetchFinished of that feed recorded by the spy, which
    // must exist before the attempt starts.
    static FeedState waitForAttempt(FeedScheduler &s, QSignalSpy &spy, const QString &id) {
        for (int i = 0; i < 100; ++i) {
            for (qsizetype k = 0; k < spy.size(); ++k)
                if (spy.at(k).at(0).toString() == id) {
                    spy.removeAt(k);
                    return s.status(id).state;
                }
            spy.wait(100);
        }
        return FeedState::Unknown;
    }

private Q_SLOTS:
    void initTestCase() {
        m_service = std::make_unique<FeedService>(FeedServiceOptions{
            qEnvironmentVariable("OPSWALL_SHARED_DIR") + QStringLiteral("/data/indicators"), 50});
        QString err;
        QVERIFY2(m_service->check(&err), qPrintable(err));
        m_server = std::make_unique<HttpServer>([this](const HttpRequest &r) { return route(r); });
        QVERIFY(m_server->listen(QHostAddress::LocalHost, 0));
        m_service->attach(m_server.get());
    }

    void realFilesOverHttpWithGzipAndConditionalRequests() {
        const FetchResult r = fetch(QStringLiteral("/files/gso-sdmx/CPIVNM.xml"));
        QVERIFY2(r.outcome == FetchOutcome::Ok, qPrintable(r.error));
        QCOMPARE(m_encodings.value(m_encodings.size() - 1),
                 QByteArray("gzip")); // sent compressed ...
        QCOMPARE(r.body,
                 readIndicatorFile(QStringLiteral("gso-sdmx/CPIVNM.xml"))); // ... inflated by Qt
        QVERIFY(!r.etag.isEmpty());
        const ParseResult p = parseSdmxMl(r.body, FeedMapping{}, {});
        QCOMPARE(p.find(QStringLiteral("PCPI_IX"))->points.back().value, 116.65284764174105);
        const FetchResult again =
            fetch(QStringLiteral("/files/gso-sdmx/CPIVNM.xml"), 3000, 16 << 20, r.etag);
        QCOMPARE(again.outcome, FetchOutcome::NotModified);
        QCOMPARE(m_log.back().second, 304);
    }

    void faultsGiveClearErrors() {
        FetchResult r = fetch(QStringLiteral("/fault/500"));
        QCOMPARE(r.outcome, FetchOutcome::HttpError);
        QVERIFY(r.transient());
        QCOMPARE(r.error, QStringLiteral("server answered HTTP 500 Internal Server Error"));
        r = fetch(QStringLiteral("/fault/404"));
        QVERIFY(!r.transient());
        r = fetch(QStringLiteral("/fault/stall"), 500);
        QCOMPARE(r.outcome, FetchOutcome::Timeout);
        QVERIFY(r.error.contains(QStringLiteral("within 0.5 s")));
        QElapsedTimer t;
        t.start();
        r = fetch(QStringLiteral("/fault/drip"), 800); // 43 KB at 320 B/s: the deadline cuts it
        QCOMPARE(r.outcome, FetchOutcome::Timeout);
        QVERIFY(t.elapsed() < 3000);
        r = fetch(QStringLiteral("/fault/cut-connection"));
        QCOMPARE(r.outcome, FetchOutcome::NetworkError);
        QVERIFY(!r.error.isEmpty());
        t.restart();
        r = fetch(QStringLiteral("/fault/big"), 10000, 16 << 20);
        QCOMPARE(r.outcome, FetchOutcome::TooLarge);
        QVERIFY(r.error.contains(QStringLiteral("over the 16777216-byte limit")));
        QVERIFY(r.body.isEmpty());
        r = fetch(QStringLiteral("/fault/gzip-bomb"), 10000, 16 << 20);
        QVERIFY2(r.outcome == FetchOutcome::TooLarge || r.outcome == FetchOutcome::NetworkError,
                 qPrintable(r.error));
        QVERIFY(r.body.isEmpty());
        r = fetch(QStringLiteral("/fault/redirect-loop"));
        QCOMPARE(r.outcome, FetchOutcome::NetworkError);
        QVERIFY2(r.error.contains(QStringLiteral("redirect")), qPrintable(r.error));
        r = fetch(QStringLiteral("/fault/redirect"));
        QCOMPARE(r.outcome, FetchOutcome::Ok);
        QVERIFY(r.finalUrl.path().endsWith(QLatin1String("IIPVNM.xml")));
        QVERIFY(parseSdmxMl(r.body, FeedMapping{}, {}).ok());
    }

    void schedulerStoresRealFiguresAndKeepsThemWhenTheFeedFails() {
        opswall::store::Database db(m_dir.filePath(QStringLiteral("feeds.sqlite")));
        FeedScheduler s(db, &m_nam);
        const QString port = QString::number(m_server->port());
        QString doc = QStringLiteral(
            "{\"schemaVersion\":1,\"feeds\":["
            "{\"id\":\"monthly\",\"url\":\"http://127.0.0.1:PORT/switch/"
            "monthly.csv\",\"format\":\"csv\",\"intervalSecs\":3600,"
            "\"staleAfterSecs\":1,\"mapping\":{\"timeField\":\"period\",\"indicatorField\":"
            "\"indicator\",\"valueField\":\"value\",\"unitField\":\"unit\"}},"
            "{\"id\":\"iip\",\"url\":\"http://127.0.0.1:PORT/sdmx-json/"
            "IIPVNM\",\"format\":\"sdmx-json\",\"intervalSecs\":3600},"
            "{\"id\":\"wb\",\"url\":\"http://127.0.0.1:PORT/worldbank/v2/country/VNM/indicator/"
            "FP.CPI.TOTL.ZG?format=json&per_page=10\",\"format\":\"worldbank\"},"
            "{\"id\":\"wb-bad\",\"url\":\"http://127.0.0.1:PORT/worldbank/v2/country/VNM/indicator/"
            "NOPE?format=json\",\"format\":\"worldbank\"},"
            "{\"id\":\"live\",\"url\":\"http://127.0.0.1:PORT/live/"
            "enterprises\",\"push\":\"sse\"},"
            "{\"id\":\"live-ws\",\"url\":\"ws://127.0.0.1:PORT/live/"
            "enterprises\",\"push\":\"websocket\"}]}");
        doc.replace(QStringLiteral("PORT"), port);
        QString err;
        QCOMPARE(s.definitions().importJson(doc.toUtf8(), &err), 6);
        QSignalSpy live(&s, &FeedScheduler::liveValue);
        QSignalSpy attempts(&s, &FeedScheduler::fetchFinished);
        s.setStaleCheckIntervalMs(100);
        s.start();
        QCOMPARE(waitForAttempt(s, attempts, QStringLiteral("monthly")), FeedState::Ok);
        QCOMPARE(waitForAttempt(s, attempts, QStringLiteral("iip")), FeedState::Ok);
        QCOMPARE(waitForAttempt(s, attempts, QStringLiteral("wb")), FeedState::Ok);
        QCOMPARE(waitForAttempt(s, attempts, QStringLiteral("wb-bad")), FeedState::Failing);
        QVERIFY(s.status(QStringLiteral("wb-bad"))
                    .lastError.contains(QStringLiteral("World Bank API error 120")));

        QCOMPARE(s.series().latest(QStringLiteral("ENT_NEW_YTD"))->value, 20781.0);
        QCOMPARE(s.series().latest(QStringLiteral("AIP_ISIC4_IX"), QStringLiteral("M"))->value,
                 171.93);
        // World Bank: three pages of 10 merged into one series of 29 years.
        const auto wb =
            s.series().range(QStringLiteral("FP.CPI.TOTL.ZG"), QStringLiteral("VNM"), {}, {});
        QCOMPARE(wb.size(), 29);
        QCOMPARE(wb.front().value, 5.67499999999994);
        QCOMPARE(wb.back().value, 3.62109273885843);

        // Live counter over SSE: 675 registrations a day replayed minute by minute.
        // ... over SSE and over WebSocket.
        QTRY_VERIFY_WITH_TIMEOUT(std::any_of(live.begin(), live.end(),
                                             [](const QList<QVariant> &a) {
                                                 return a.at(0).toString() == QLatin1String("live");
                                             }),
                                 3000);
        QTRY_VERIFY_WITH_TIMEOUT(std::any_of(live.begin(), live.end(),
                                             [](const QList<QVariant> &a) {
                                                 return a.at(0).toString() ==
                                                        QLatin1String("live-ws");
                                             }),
                                 3000);
        QCOMPARE(s.status(QStringLiteral("live-ws")).state, FeedState::Ok);
        QTRY_VERIFY_WITH_TIMEOUT(s.series().latest(QStringLiteral("ENT_NEW_TODAY")).has_value(),
                                 3000);

        // Second pull of the monthly table: 304, values and status unchanged.
        s.fetchNow(QStringLiteral("monthly"));
        QCOMPARE(waitForAttempt(s, attempts, QStringLiteral("monthly")), FeedState::Ok);
        QCOMPARE(m_log.back(), (QPair<QString, int>(QStringLiteral("/switch/monthly.csv"), 304)));
        const QDateTime lastGood = s.status(QStringLiteral("monthly")).lastSuccess;

        // The source breaks: failing with the reason, last good values kept.
        m_switchBroken = true;
        s.fetchNow(QStringLiteral("monthly"));
        QCOMPARE(waitForAttempt(s, attempts, QStringLiteral("monthly")), FeedState::Failing);
        const FeedStatus st = s.status(QStringLiteral("monthly"));
        QCOMPARE(st.lastError, QStringLiteral("server answered HTTP 503 Service Unavailable"));
        QCOMPARE(st.lastSuccess, lastGood);
        QCOMPARE(s.series().latest(QStringLiteral("ENT_NEW_YTD"))->value, 20781.0);
        QCOMPARE(s.definitions().status(QStringLiteral("monthly"))->state,
                 FeedState::Failing); // persisted
        m_switchBroken = false;
    }

    void ingestionAndStatusAreWrittenOnTheStoreThread() {
        // The app's arrangement: the GUI thread's connection reads, the store thread writes.
        const QString path = m_dir.filePath(QStringLiteral("threaded.sqlite"));
        opswall::store::Database db(path);
        FeedScheduler s(db, &m_nam); // migrates the feeds' tables on this connection
        opswall::store::StoreThread writer(path);
        db.setWriter(&writer);
        QString doc = QStringLiteral(
            "{\"schemaVersion\":1,\"feeds\":[{\"id\":\"iip\",\"url\":\"http://127.0.0.1:PORT/"
            "sdmx-json/IIPVNM\",\"format\":\"sdmx-json\",\"intervalSecs\":3600}]}");
        doc.replace(QStringLiteral("PORT"), QString::number(m_server->port()));
        QString err;
        bool imported = false; // written on the store thread (start-up does not wait for it)
        QCOMPARE(s.definitions().importJson(doc.toUtf8(), &err,
                                            [&](std::exception_ptr e) { imported = !e; }),
                 1);
        QTRY_VERIFY(imported);
        const std::uint64_t guiWritesBefore = db.transactionStats().count;
        QThread *ingestedOn = nullptr;
        bool valueVisible = false;
        qsizetype series = 0;
        connect(&s, &FeedScheduler::stored, this,
                [&](const QString &, const QList<Series> &ss, const QDateTime &, IngestMode) {
                    ingestedOn = QThread::currentThread();
                    // Committed before the signal: the GUI thread's connection sees the values.
                    valueVisible = s.series()
                                       .latest(QStringLiteral("AIP_ISIC4_IX"), QStringLiteral("M"))
                                       .has_value();
                    series = ss.size();
                });
        QSignalSpy attempts(&s, &FeedScheduler::fetchFinished);
        s.start();
        QCOMPARE(waitForAttempt(s, attempts, QStringLiteral("iip")), FeedState::Ok);
        QCOMPARE(ingestedOn, QThread::currentThread());
        QVERIFY(valueVisible);
        QVERIFY(series > 0);
        QCOMPARE(s.series().latest(QStringLiteral("AIP_ISIC4_IX"), QStringLiteral("M"))->value,
                 171.93);
        // The status is persisted by the store thread too.
        QTRY_COMPARE_WITH_TIMEOUT(s.writesInFlight(), 0, 5000);
        QCOMPARE(s.definitions().status(QStringLiteral("iip"))->state, FeedState::Ok);
        // Not one transaction on the GUI thread's connection; the writer's did the work.
        QCOMPARE(db.transactionStats().count, guiWritesBefore);
        QVERIFY(writer.transactionStats().count >= 2);
        s.stop();
    }

    void demoFeedListRunsAgainstTheFeedService() {
        // assets/demo/demo-feeds.json, pointed at this server: every feed of the demo wall
        // delivers (real files, SDMX-JSON view, World Bank paging, simulated series, live counter).
        QFile f(qEnvironmentVariable("OPSWALL_SOURCE_DIR") +
                QStringLiteral("/assets/demo/demo-feeds.json"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QByteArray doc = f.readAll();
        doc.replace("127.0.0.1:8765", "127.0.0.1:" + QByteArray::number(m_server->port()));
        opswall::store::Database db(m_dir.filePath(QStringLiteral("demo.sqlite")));
        FeedScheduler s(db, &m_nam);
        QString err;
        const int n = s.definitions().importJson(doc, &err);
        QVERIFY2(n > 0, qPrintable(err));
        s.start();
        auto allOk = [&] {
            const QList<FeedStatus> all = s.statuses();
            return std::all_of(all.cbegin(), all.cend(),
                               [](const FeedStatus &st) { return st.state == FeedState::Ok; });
        };
        QTRY_VERIFY_WITH_TIMEOUT(allOk(), 10000);
        QCOMPARE(s.statuses().size(), n);
        QCOMPARE(
            s.series().latest(QStringLiteral("PUBINV_YEAR_BN_VND"), QStringLiteral("01"))->value,
            72289.153);
        QCOMPARE(
            s.series().latest(QStringLiteral("IND_EMP_YOY_INDEX"), QStringLiteral("79"))->value,
            101.38);
        // The weights of the 34-province map: NSO's 2024 population and employment by province.
        QCOMPARE(
            s.series().latest(QStringLiteral("EMPLOYED_THOUSAND"), QStringLiteral("79"))->value,
            4754.25);
        QCOMPARE(s.series().latest(QStringLiteral("POP_AVG_THOUSAND"), QStringLiteral("01"))->value,
                 8717.63);
        QCOMPARE(s.series().latest(QStringLiteral("TB_USD"), QStringLiteral("M"))->value,
                 1986.8076460000011e6);
        QVERIFY(s.series().latest(QStringLiteral("PROC_TENDERS_PUBLISHED")).has_value());
        QVERIFY(s.definition(QStringLiteral("sim-procurement"))->simulated);
        QVERIFY(s.series().latest(QStringLiteral("ENT_NEW_TODAY")).has_value());
    }

    void brokenDocumentsKeepLastGoodValues_data() {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("format");
        QTest::addColumn<QString>("expected");
        QTest::newRow("truncated csv") << "/fault/truncated-csv"
                                       << "csv"
                                       << "row has 5 fields, the header has 7";
        QTest::newRow("truncated xml") << "/fault/truncated-xml"
                                       << "sdmx-ml"
                                       << "malformed XML";
        QTest::newRow("truncated json") << "/fault/truncated-json"
                                        << "worldbank"
                                        << "malformed JSON";
        QTest::newRow("wrong types") << "/fault/wrong-types"
                                     << "worldbank"
                                     << "expected a number, got an object";
        QTest::newRow("NaN") << "/fault/nan"
                             << "worldbank"
                             << "malformed JSON";
        QTest::newRow("latin1") << "/fault/latin1"
                                << "csv"
                                << "not valid UTF-8";
        QTest::newRow("500") << "/fault/500"
                             << "csv"
                             << "HTTP 500";
        QTest::newRow("50 MB") << "/fault/big"
                               << "csv"
                               << "over the";
    }

    void brokenDocumentsKeepLastGoodValues() {
        QFETCH(QString, path);
        QFETCH(QString, format);
        QFETCH(QString, expected);
        opswall::store::Database db(
            m_dir.filePath(QStringLiteral("broken-%1.sqlite").arg(QString::number(qHash(path)))));
        FeedScheduler s(db, &m_nam);
        // A value from an earlier good pull is in the store.
        Series good;
        good.indicator = QStringLiteral("CPI_YOY_INDEX");
        good.points << Observation{*Period::parse(u"2025-02"), 102.913148};
        s.series().ingest(QStringLiteral("f"), {good},
                          QDateTime::currentDateTimeUtc().addSecs(-7200));
        const QString doc =
            QStringLiteral("{\"schemaVersion\":1,\"feeds\":[{\"id\":\"f\",\"url\":\"%1\","
                           "\"format\":\"%2\",\"maxBytes\":16777216,"
                           "\"mapping\":{\"timeField\":\"period\",\"indicatorField\":\"indicator\","
                           "\"valueField\":\"value\"}}]}")
                .arg(url(path), format);
        QString err;
        QCOMPARE(s.definitions().importJson(doc.toUtf8(), &err), 1);
        QSignalSpy attempts(&s, &FeedScheduler::fetchFinished);
        s.start();
        QCOMPARE(waitForAttempt(s, attempts, QStringLiteral("f")), FeedState::Failing);
        QVERIFY2(s.status(QStringLiteral("f")).lastError.contains(expected),
                 qPrintable(s.status(QStringLiteral("f")).lastError));
        QCOMPARE(s.series().latest(QStringLiteral("CPI_YOY_INDEX"))->value, 102.913148);
    }
};

QTEST_GUILESS_MAIN(TestIntegration)
#include "tst_feeds_integration.moc"
