// The controller answers its nodes' seriesOf without its GUI thread reading the store (issues #12
// and #20, app/nodes/seriescache.h): a controller (opswall process, its own output 2) pulls four
// large daily series (1500 days each, every third revised) from a feed served over real HTTP by
// this test; a real node (output 0) shows them; a raw link (this test as node "loader", with a
// real node token) then asks for all four again and again, four calls in flight, while the test
// times the controller's API. Checked: during the load the controller's GUI thread ran no SQL
// statement and waited for no store job (opswall_store_gui_thread_waits_total, GET /metrics),
// every answer carries every stored revision, and a new revision stored during the load reaches
// the node row for row, and most answers were handed over as they were joined before (the same
// request, nothing changed since: no copy). Printed: the API's answer times idle and under load,
// and the GUI thread's time per seriesOf as the controller logs it (opswall.nodes.series): the
// answer alone, and the whole read of the link that carried it (Qt Remote Objects' decoding and
// encoding, the write into the socket).
#include "../support/jsonfeed.h"
#include "feeds/feedhub.h"
#include "feedservice/httpserver.h"
#include "nodecluster.h"
#include "nodes/nodeprotocol.h"
#include "rep_nodewall_merged.h"
#include "sqliterows.h"
#include "store/database.h"

#include <QHostAddress>
#include <QNetworkAccessManager>
#include <QRegularExpression>
#include <QRemoteObjectNode>
#include <QTcpSocket>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <vector>

using namespace opswall;
using nodetest::rows;

namespace {

const QStringList kCodes{QStringLiteral("BIG_0"), QStringLiteral("BIG_1"), QStringLiteral("BIG_2"),
                         QStringLiteral("BIG_3")};
constexpr int kDays = 1500;

// Every indicator's days from 2022-01-01; at version v >= 2 every third day revised, and at v 3
// one more day.
QByteArray valuesAt(int version) {
    QJsonArray records;
    const QDate first(2022, 1, 1);
    for (int i = 0; i < kCodes.size(); ++i)
        for (int d = 0; d < kDays + (version >= 3 ? 1 : 0); ++d) {
            double value = 100 + (d * 7 + i) % 113;
            if (version >= 2 && d % 3 == 0)
                value += 0.5;
            records.append(
                QJsonObject{{QStringLiteral("date"), first.addDays(d).toString(Qt::ISODate)},
                            {QStringLiteral("indicator"), kCodes[i]},
                            {QStringLiteral("value"), value}});
        }
    return QJsonDocument(QJsonObject{{QStringLiteral("records"), records}}).toJson();
}

QByteArray feedsDocument(quint16 port) {
    return testsupport::jsonFeedDocument(port, QStringLiteral("big"),
                                         QStringLiteral("Large series"));
}

QByteArray indicatorsDocument() {
    QJsonArray indicators;
    for (const QString &code : kCodes)
        indicators.append(QJsonObject{{QStringLiteral("code"), code},
                                      {QStringLiteral("nameVi"), code},
                                      {QStringLiteral("nameEn"), code},
                                      {QStringLiteral("unitVi"), QStringLiteral("điểm")},
                                      {QStringLiteral("unitEn"), QStringLiteral("points")},
                                      {QStringLiteral("decimals"), 1},
                                      {QStringLiteral("feedId"), QStringLiteral("big")}});
    return QJsonDocument(QJsonObject{{QStringLiteral("schemaVersion"), 1},
                                     {QStringLiteral("indicators"), indicators},
                                     {QStringLiteral("rules"), QJsonArray{}}})
        .toJson();
}

// Every stored revision of the four indicators, with the time each was received.
const char *kRevisions = "SELECT s.indicator, v.period_kind, v.period_start, v.revision, "
                         "printf('%.9g', v.value), v.fetched_at, v.current FROM feed_values v "
                         "JOIN feed_series s ON s.id = v.series_id WHERE s.indicator LIKE 'BIG_%' "
                         "ORDER BY 1, 2, 3, 4";

QJsonObject kpi(const QString &id, const QString &code, double xMm, double yMm) {
    return {{"id", id},
            {"kind", "kpi"},
            {"title", ""},
            {"frame", false},
            {"rect", QJsonObject{{"x", xMm}, {"y", yMm}, {"width", 230}, {"height", 270}}},
            {"z", 0},
            {"binding", QJsonObject{{"indicator", code}, {"language", "en"}}}};
}

// The four on display L (output 0, the node's), BIG_0 also on C (output 2, the controller's).
QJsonObject bigLayout() {
    QJsonArray tiles;
    for (int i = 0; i < kCodes.size(); ++i)
        tiles.append(kpi(QStringLiteral("k%1").arg(i), kCodes[i], 10 + 245 * i, 20));
    tiles.append(kpi(QStringLiteral("own"), kCodes[0], 20, 620));
    return {{"schemaVersion", 1},
            {"kind", "opswall.layout"},
            {"name", "large series"},
            {"background", "#000000"},
            {"tiles", tiles}};
}

double guiThreadWaits(nodetest::Cluster &c) {
    const QByteArray text = c.api("GET", QStringLiteral("/metrics")).body;
    for (const QByteArray &line : text.split('\n'))
        if (line.startsWith("opswall_store_gui_thread_waits_total "))
            return line.mid(line.indexOf(' ') + 1).trimmed().toDouble();
    return -1;
}

qint64 quantile(std::vector<qint64> v, double q) {
    if (v.empty())
        return -1;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, std::size_t(q * double(v.size())))];
}

// This test as a node: the hello with a real node token, then nodewall.rep over the link, with
// its heartbeat (a silent link is closed after 2 s).
struct Loader {
    QTcpSocket socket;
    QRemoteObjectNode ro;
    std::unique_ptr<NodeWallReplica> replica;
    QByteArray key;
    QTimer beat;
    bool link(const QString &host, quint16 port, const QString &token) {
        socket.connectToHost(QHostAddress(host), port);
        if (!socket.waitForConnected(5000))
            return false;
        socket.write(nodes::helloLine({QStringLiteral("loader"), {1}, token}));
        if (!QTest::qWaitFor([this] { return socket.canReadLine(); }, 10000))
            return false;
        QString why;
        if (!nodes::parseAnswer(socket.readLine(), &why, &key)) {
            qWarning("loader refused: %s", qPrintable(why));
            return false;
        }
        ro.addClientSideConnection(&socket);
        replica.reset(ro.acquire<NodeWallReplica>());
        beat.callOnTimeout([this] { replica->nodeBeat(QStringLiteral("loader"), key); });
        beat.start(250);
        return replica->waitForSource(10000);
    }
};

} // namespace

class TestNodesSeries : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void guiThreadReadsNoStoreForNodesPulls() {
        int version = 1;
        feedservice::HttpServer feed([&version](const feedservice::HttpRequest &req) {
            if (req.path != QLatin1String("/values.json"))
                return feedservice::HttpResponse::text(404, "not here\n");
            feedservice::HttpResponse r;
            r.setHeader("Content-Type", "application/json");
            r.body = valuesAt(version);
            return r;
        });
        QVERIFY2(feed.listen(QHostAddress::LocalHost, 0), qPrintable(feed.errorString()));

        nodetest::Cluster cluster;
        const QString controllerDb = cluster.dir.filePath(QStringLiteral("controller.db"));
        {
            store::Database db(controllerDb);
            QNetworkAccessManager nam;
            feeds::FeedHub hub(db, &nam);
            QString err;
            QVERIFY2(hub.scheduler()->definitions().importJson(feedsDocument(feed.port()), &err) ==
                         1,
                     qPrintable(err));
            QVERIFY2(hub.alerts()->importJson(indicatorsDocument(), &err), qPrintable(err));
        }
        // The controller logs the GUI thread's time of each seriesOf (nodehub.cpp).
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("QT_LOGGING_RULES"),
                   QStringLiteral("opswall.nodes.series.debug=true"));
        cluster.controller.process().setProcessEnvironment(env);
        QString why;
        QVERIFY2(cluster.start(&why, QStringLiteral(NODES_WALL_THREE),
                               {QStringLiteral("--outputs"), QStringLiteral("2")}),
                 qPrintable(why));
        const auto put = cluster.api("PUT", QStringLiteral("/layout"), {{"layout", bigLayout()}});
        QVERIFY2(put.status == 200, put.body.constData());

        // Stored, then revised (every third day): 4 x (1500 + 500) rows.
        QTRY_COMPARE_WITH_TIMEOUT(rows(controllerDb, kRevisions).size(), 4 * kDays, 60000);
        version = 2;
        QTRY_COMPARE_WITH_TIMEOUT(rows(controllerDb, kRevisions).size(), 4 * (kDays + kDays / 3),
                                  60000);

        std::unique_ptr<nodetest::Process> node;
        cluster.startNode(node, QStringLiteral("node-a"), QStringLiteral("0"),
                          cluster.nodeTokenFile);
        const QString nodeDb = cluster.dir.filePath(QStringLiteral("node-a.db"));
        QTRY_COMPARE_WITH_TIMEOUT(rows(nodeDb, kRevisions), rows(controllerDb, kRevisions), 60000);

        // Idle: the API's answer times.
        std::vector<qint64> idleMs, loadMs;
        auto probe = [&cluster](std::vector<qint64> &into) {
            QElapsedTimer t;
            t.start();
            const auto r = cluster.api("GET", QStringLiteral("/layout"));
            into.push_back(t.elapsed());
            return r.status;
        };
        for (int i = 0; i < 20; ++i) {
            QCOMPARE(probe(idleMs), 200);
            QTest::qWait(50);
        }

        Loader loader;
        QFile tokenFile(cluster.nodeTokenFile);
        QVERIFY(tokenFile.open(QIODevice::ReadOnly));
        QVERIFY(loader.link(cluster.net.controllerHost(), cluster.nodePort,
                            QString::fromUtf8(tokenFile.readAll()).trimmed()));
        const qsizetype expected = rows(controllerDb, kRevisions).size();
        const double waitsBefore = guiThreadWaits(cluster);
        QVERIFY(waitsBefore >= 0);
        constexpr int kCalls = 60, kInFlight = 4;
        int asked = 0, answered = 0;
        QList<QByteArray> answers; // parsed after the load: the probes time the controller
        std::function<void()> ask = [&] {
            if (asked == kCalls)
                return;
            ++asked;
            auto *w = new QRemoteObjectPendingCallWatcher(loader.replica->seriesOf(kCodes));
            QObject::connect(w, &QRemoteObjectPendingCallWatcher::finished, w,
                             [&, w](QRemoteObjectPendingCallWatcher *) {
                                 w->deleteLater();
                                 ++answered;
                                 answers.append(w->returnValue().toByteArray());
                                 ask();
                             });
        };
        QElapsedTimer load;
        load.start();
        for (int i = 0; i < kInFlight; ++i)
            ask();
        // A new day stored during the load reaches the node too.
        version = 3;
        while (answered < kCalls && load.elapsed() < 240000) {
            QCOMPARE(probe(loadMs), 200);
            QTest::qWait(20);
        }
        const qint64 loadTookMs = load.elapsed();
        const double waitsAfter = guiThreadWaits(cluster);
        QCOMPARE(answered, kCalls);
        int complete = 0;
        for (const QByteArray &doc : std::as_const(answers)) {
            qsizetype points = 0;
            for (const QJsonValue &s :
                 QJsonDocument::fromJson(doc).object().value(QStringLiteral("series")).toArray())
                points += s[QStringLiteral("points")].toArray().size();
            complete += points >= expected ? 1 : 0;
        }
        const qsizetype bytes = answers.value(0).size();
        QTRY_COMPARE_WITH_TIMEOUT(rows(controllerDb, kRevisions).size(), expected + 4, 60000);
        QTRY_COMPARE_WITH_TIMEOUT(rows(nodeDb, kRevisions), rows(controllerDb, kRevisions), 60000);

        const QRegularExpression took(QStringLiteral("answered in (\\d+) us"));
        [[maybe_unused]] const bool logged = QTest::qWaitFor( // the controller's last log lines
            [&] { return QString::fromUtf8(cluster.controller.log).count(took) >= kCalls; }, 5000);
        std::vector<qint64> answerUs;
        for (auto m = took.globalMatch(QString::fromUtf8(cluster.controller.log)); m.hasNext();)
            answerUs.push_back(m.next().captured(1).toLongLong());
        // The whole of what the GUI thread did with a read of the link that answered seriesOf
        // (Qt Remote Objects' decoding, the answers, their encoding, the write into the socket),
        // per answer; and how many answers were joined against given again as they were.
        const QRegularExpression linkRead(QStringLiteral(
            "link read with (\\d+) answers \\((\\d+) bytes\\) handled in (\\d+) us"));
        std::vector<qint64> readUsPerAnswer;
        for (auto m = linkRead.globalMatch(QString::fromUtf8(cluster.controller.log));
             m.hasNext();) {
            const auto r = m.next();
            readUsPerAnswer.push_back(r.captured(3).toLongLong() /
                                      std::max(1LL, r.captured(1).toLongLong()));
        }
        const QRegularExpression kept(
            QStringLiteral("seriesOf answers: (\\d+) joined, (\\d+) given again"));
        qint64 joined = 0, givenAgain = 0;
        for (auto m = kept.globalMatch(QString::fromUtf8(cluster.controller.log)); m.hasNext();) {
            const auto r = m.next();
            joined = std::max(joined, r.captured(1).toLongLong());
            givenAgain = std::max(givenAgain, r.captured(2).toLongLong());
        }
        std::printf("RESULT seriesOf load: %d calls of 4 x %d-day series (%lld bytes each, %d "
                    "complete) in %lld ms; API GET /layout idle p50 %lld ms max %lld ms, under "
                    "load p50 %lld ms p95 %lld ms max %lld ms (%zu probes); GUI thread per "
                    "seriesOf (controller's log, %zu calls) p50 %lld us max %lld us; GUI-thread "
                    "store waits during the load: %.0f\n",
                    kCalls, kDays, qlonglong(bytes), complete, qlonglong(loadTookMs),
                    qlonglong(quantile(idleMs, 0.5)), qlonglong(quantile(idleMs, 1)),
                    qlonglong(quantile(loadMs, 0.5)), qlonglong(quantile(loadMs, 0.95)),
                    qlonglong(quantile(loadMs, 1)), loadMs.size(), answerUs.size(),
                    qlonglong(quantile(answerUs, 0.5)), qlonglong(quantile(answerUs, 1)),
                    waitsAfter - waitsBefore);
        std::printf("RESULT seriesOf GUI thread per answer, the whole link read (decoding, answer, "
                    "encoding, write; %zu reads logged): p50 %lld us p95 %lld us max %lld us; "
                    "answers joined %lld, given again as they were %lld\n",
                    readUsPerAnswer.size(), qlonglong(quantile(readUsPerAnswer, 0.5)),
                    qlonglong(quantile(readUsPerAnswer, 0.95)),
                    qlonglong(quantile(readUsPerAnswer, 1)), qlonglong(joined),
                    qlonglong(givenAgain));
        std::fflush(stdout);
        // Answers came from memory: every revision (the day added during the load may be in the
        // last ones), and not one statement or store job on the GUI thread for them.
        QCOMPARE(complete, kCalls);
        QCOMPARE(waitsAfter, waitsBefore);
        // The loader's 60 requests are the same: joined again only after a change (the day added
        // during the load, read in one or a few batches), else handed over as they were.
        QVERIFY2(
            givenAgain >= kCalls / 2,
            qPrintable(QStringLiteral("%1 joined, %2 given again").arg(joined).arg(givenAgain)));
    }
};

QTEST_MAIN(TestNodesSeries)
#include "tst_nodes_series.moc"
