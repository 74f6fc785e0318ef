// Runs the built `wallctl feed test` against the demo feed service on loopback: parsed series
// printed as JSON with the figures of the real files; errors on stderr with the documented exit
// codes (1 failed, 2 usage, 3 unreachable).
#include "feedservice/feedservice.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QtTest>

using namespace opswall::feedservice;

class TestWallctlFeed : public QObject {
    Q_OBJECT
private:
    std::unique_ptr<FeedService> m_service;
    std::unique_ptr<HttpServer> m_server;

    struct Run {
        int exitCode = -1;
        QByteArray out, err;
    };

    Run wallctl(const QStringList &args) {
        QProcess p;
        p.start(qEnvironmentVariable("WALLCTL"),
                QStringList{QStringLiteral("feed"), QStringLiteral("test")} + args);
        // The server runs on this thread: spin the event loop while wallctl talks to it.
        if (!QTest::qWaitFor([&] { return p.state() == QProcess::NotRunning; }, 20000)) {
            p.kill();
            p.waitForFinished(2000);
        }
        return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
                p.readAllStandardOutput(), p.readAllStandardError()};
    }

    QString url(const QString &path) const {
        return QStringLiteral("http://127.0.0.1:%1%2").arg(m_server->port()).arg(path);
    }

private Q_SLOTS:
    void initTestCase() {
        if (qEnvironmentVariable("WALLCTL").isEmpty())
            QSKIP("WALLCTL not set (wallctl not built)");
        m_service = std::make_unique<FeedService>(FeedServiceOptions{
            qEnvironmentVariable("OPSWALL_SHARED_DIR") + QStringLiteral("/data/indicators"),
            60000});
        m_server = std::make_unique<HttpServer>(
            [this](const HttpRequest &r) { return m_service->handle(r); });
        QVERIFY(m_server->listen(QHostAddress::LocalHost, 0));
    }

    void sdmxFilePrintsSeries() {
        const Run r = wallctl({url(QStringLiteral("/files/gso-sdmx/CPIVNM.xml"))});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(o.value(QStringLiteral("format")).toString(), QStringLiteral("sdmx-ml"));
        QCOMPARE(o.value(QStringLiteral("series")).toArray().size(), 33);
        const QJsonObject first = o.value(QStringLiteral("series")).toArray().at(0).toObject();
        QCOMPARE(first.value(QStringLiteral("indicator")).toString(), QStringLiteral("PCPI_IX"));
        const QJsonArray last = first.value(QStringLiteral("points")).toArray().last().toArray();
        QCOMPARE(last.at(0).toString(), QStringLiteral("2024-10"));
        QCOMPARE(last.at(1).toDouble(), 116.65284764174105);
    }

    void csvWithMappingFile() {
        QTemporaryFile mapping;
        QVERIFY(mapping.open());
        mapping.write(
            "{\"timeField\":\"period\",\"indicatorField\":\"indicator\",\"valueField\":\"value\","
            "\"includeIndicators\":[\"ENT_NEW_YTD\"]}");
        mapping.close();
        const Run r =
            wallctl({QStringLiteral("--format"), QStringLiteral("csv"), QStringLiteral("--mapping"),
                     mapping.fileName(),
                     url(QStringLiteral("/files/gso-monthly-national-2024-01_2025-02.csv"))});
        QCOMPARE(r.exitCode, 0);
        const QJsonArray series =
            QJsonDocument::fromJson(r.out).object().value(QStringLiteral("series")).toArray();
        QCOMPARE(series.size(), 1);
        QCOMPARE(series.at(0)
                     .toObject()
                     .value(QStringLiteral("points"))
                     .toArray()
                     .last()
                     .toArray()
                     .at(1)
                     .toDouble(),
                 20781.0);
    }

    void worldBankErrorWithHttp200IsAFailure() {
        const Run r =
            wallctl({url(QStringLiteral("/worldbank/v2/country/VNM/indicator/NOPE?format=json"))});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("World Bank API error 120"), r.err.constData());
        QVERIFY(r.out.isEmpty());
    }

    void errorsAndExitCodes() {
        Run r = wallctl({url(QStringLiteral("/files/missing.xml"))});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains("HTTP 404"));
        r = wallctl({QStringLiteral("--format"), QStringLiteral("xls"), url(QStringLiteral("/x"))});
        QCOMPARE(r.exitCode, 2);
        r = wallctl({QStringLiteral("--format"), QStringLiteral("csv"),
                     url(QStringLiteral("/files/a.csv"))});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("--mapping"));
        // Nothing listens on port 1.
        r = wallctl({QStringLiteral("--format"), QStringLiteral("sdmx-ml"),
                     QStringLiteral("http://127.0.0.1:1/x.xml")});
        QCOMPARE(r.exitCode, 3);
        r = wallctl({QStringLiteral("--format"), QStringLiteral("sdmx-ml"),
                     url(QStringLiteral("/files/gso-monthly-national-2024-01_2025-02.csv"))});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains("cannot read the sdmx-ml document"));
    }
};

QTEST_GUILESS_MAIN(TestWallctlFeed)
#include "tst_feeds_wallctl.moc"
