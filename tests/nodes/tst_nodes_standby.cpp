// The hot standby controller (issue #20): a primary, a standby (--role standby) and one render
// node (--controller A,B) as separate opswall processes on loopback. Presets are recalled and
// saved through the primary's API with several requests in flight; the primary is killed with
// SIGKILL in the middle of them. The standby must take over the API and the node (the time from
// the kill is printed), and every change the primary's API acknowledged must be in its store.
// The old primary, started again, finds itself fenced: it refuses changes and drops no node of
// the new one. Started as a standby of the new controller it catches up, and `wallctl failback`
// (audited) hands the wall back to it: the node follows, the other one is fenced.
#include "control/apiclient.h"
#include "nodelayouts.h"
#include "nodeprocess.h"
#include "sqliterows.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <cstdio>
#include <memory>

using opswall::control::ApiClient;
using opswall::control::ApiResponse;
using opswall::control::ClientSettings;

namespace {

using nodetest::colourLayout;
using nodetest::freePort;
using nodetest::freePortPair;
using nodetest::Process;
using nodetest::rows;

QJsonObject json(const ApiResponse &r) {
    return QJsonDocument::fromJson(r.body).object();
}

} // namespace

class TestNodesStandby : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    Process m_primary{QStringLiteral("primary")};
    Process m_standby{QStringLiteral("standby")};
    Process m_node{QStringLiteral("node")};
    quint16 m_apiA = 0, m_apiB = 0, m_nodeA = 0, m_nodeB = 0, m_linkA = 0, m_linkB = 0;
    QString m_admin;
    QList<int> m_presets;
    QStringList m_primaryArgs;
    QStringList m_standbyArgs;

    ApiResponse api(quint16 port, const QByteArray &method, const QString &path,
                    const QJsonObject &body = {}, int timeoutMs = 15000) {
        ClientSettings s;
        s.baseUrl = QStringLiteral("http://127.0.0.1:%1").arg(port);
        s.token = m_admin;
        s.timeoutMs = timeoutMs;
        ApiClient client(s);
        return client.request(method, path, body);
    }

    QJsonObject controller(quint16 port, int timeoutMs = 15000) {
        return json(api(port, "GET", QStringLiteral("/health"), {}, timeoutMs))["controller"]
            .toObject();
    }

    bool nodeConnected(quint16 port, int timeoutMs = 15000) {
        const QJsonArray nodes =
            json(api(port, "GET", QStringLiteral("/health"), {}, timeoutMs))["nodes"].toArray();
        for (const QJsonValue &n : nodes)
            if (n["id"].toString() == QLatin1String("node-a") && n["connected"].toBool())
                return true;
        return false;
    }

    QString writeFile(const QString &name, const QByteArray &content) {
        const QString path = m_dir.filePath(name);
        QFile f(path);
        if (f.open(QIODevice::WriteOnly))
            f.write(content);
        return path;
    }

    QString createToken(const QString &role, const QString &name) {
        const ApiResponse r =
            api(m_apiA, "POST", QStringLiteral("/tokens"), {{"name", name}, {"role", role}});
        const QString token = json(r)["token"].toString();
        if (r.status != 201 || !token.startsWith(QLatin1String("owt_")))
            qWarning("token %s: HTTP %d %s", qPrintable(name), r.status, r.body.constData());
        return token;
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        m_apiA = freePortPair();
        m_apiB = freePortPair();
        m_nodeA = freePort();
        m_nodeB = freePort();
        m_linkA = freePort();
        m_linkB = freePort();
        QVERIFY(m_apiA && m_apiB && m_nodeA && m_nodeB && m_linkA && m_linkB);
        // The takeover is timed by polling health every 5 ms: the per-token rate limit is raised
        // so that the poll measures the takeover, not the limit (429s read as no answer).
        const QString config =
            writeFile(QStringLiteral("api.json"),
                      R"({"requestTimeoutMs": 10000, "rateBurst": 2000, "ratePerSecond": 1000})");
        const QString adminFile = m_dir.filePath(QStringLiteral("admin-token"));
        m_primaryArgs = {QStringLiteral("--role"),
                         QStringLiteral("controller"),
                         QStringLiteral("--node-listen"),
                         QStringLiteral("127.0.0.2:%1").arg(m_nodeA),
                         QStringLiteral("--standby-listen"),
                         QStringLiteral("127.0.0.1:%1").arg(m_linkA),
                         QStringLiteral("--wall"),
                         QStringLiteral(NODES_WALL),
                         QStringLiteral("--db"),
                         m_dir.filePath(QStringLiteral("primary.db")),
                         QStringLiteral("--api"),
                         QStringLiteral("127.0.0.1:%1").arg(m_apiA),
                         QStringLiteral("--api-config"),
                         config,
                         QStringLiteral("--admin-token-file"),
                         adminFile,
                         QStringLiteral("--lang"),
                         QStringLiteral("en"),
                         QStringLiteral("-platform"),
                         QStringLiteral("offscreen")};
        m_primary.start(m_primaryArgs);
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(adminFile), 30000);
        QTRY_VERIFY_WITH_TIMEOUT(m_primary.log.contains("a standby controller connects on"), 30000);
        QFile f(adminFile);
        QVERIFY(f.open(QIODevice::ReadOnly));
        m_admin = QString::fromUtf8(f.readAll()).trimmed();
        // Alone, the primary takes changes once its start-up check has passed (1.5 s).
        QTRY_COMPARE_WITH_TIMEOUT(controller(m_apiA)["role"].toString(), QStringLiteral("primary"),
                                  10000);
        const QString standbyToken =
            createToken(QStringLiteral("standby"), QStringLiteral("standby"));
        const QString nodeToken = createToken(QStringLiteral("node"), QStringLiteral("nodes"));
        QVERIFY(!standbyToken.isEmpty() && !nodeToken.isEmpty());
        for (const auto &[name, colour] :
             {std::pair{"red", "#d02020"}, std::pair{"blue", "#2040d0"},
              std::pair{"green", "#20b040"}}) {
            const ApiResponse r = api(
                m_apiA, "POST", QStringLiteral("/layouts"),
                {{"name", QString::fromLatin1(name)},
                 {"layout", colourLayout(QString::fromLatin1(name), QString::fromLatin1(colour))}});
            QVERIFY2(r.status == 201, r.body.constData());
            m_presets.append(json(r)["id"].toInt());
        }

        m_standbyArgs = {QStringLiteral("--role"),
                         QStringLiteral("standby"),
                         QStringLiteral("--primary"),
                         QStringLiteral("127.0.0.1:%1").arg(m_linkA),
                         QStringLiteral("--node-listen"),
                         QStringLiteral("127.0.0.2:%1").arg(m_nodeB),
                         QStringLiteral("--standby-listen"),
                         QStringLiteral("127.0.0.1:%1").arg(m_linkB),
                         QStringLiteral("--api"),
                         QStringLiteral("127.0.0.1:%1").arg(m_apiB),
                         QStringLiteral("--api-config"),
                         config,
                         QStringLiteral("--token-file"),
                         writeFile(QStringLiteral("standby-token"), standbyToken.toUtf8()),
                         QStringLiteral("--db"),
                         m_dir.filePath(QStringLiteral("standby/standby.db")),
                         QStringLiteral("--lang"),
                         QStringLiteral("en"),
                         QStringLiteral("-platform"),
                         QStringLiteral("offscreen")};
        m_standby.start(m_standbyArgs);
        // Both sides say the standby is in step (its health on its own --api, before takeover).
        QTRY_VERIFY_WITH_TIMEOUT(controller(m_apiB, 2000)["replica"].toObject()["inSync"].toBool(),
                                 30000);
        QCOMPARE(controller(m_apiB)["role"].toString(), QStringLiteral("standby"));
        QTRY_VERIFY_WITH_TIMEOUT(controller(m_apiA)["standbyLink"].toObject()["inSync"].toBool(),
                                 10000);
        // The primary's key files (not in its database) came over the link: the standby, in a
        // folder of its own, has the same ones, 0600 in a 0700 folder, to verify the keyed audit
        // and unseal device passwords once it takes over.
        QVERIFY(QFile::exists(m_dir.filePath(QStringLiteral("keys/audit.key"))));
        for (const char *name : {"keys/audit.key", "keys/secrets.key"}) {
            QFile mine(m_dir.filePath(QLatin1String(name)));
            if (!mine.open(QIODevice::ReadOnly))
                continue;
            QFile copy(m_dir.filePath(QStringLiteral("standby/") + QLatin1String(name)));
            QVERIFY2(copy.open(QIODevice::ReadOnly), name);
            QCOMPARE(copy.readAll(), mine.readAll());
            QCOMPARE(int(copy.permissions() & 0x7077), int(QFile::ReadOwner | QFile::WriteOwner));
        }
        QCOMPARE(int(QFile::permissions(m_dir.filePath(QStringLiteral("standby/keys"))) & 0x7077),
                 int(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
        // While standing by, the API takes no change and says where they go.
        const ApiResponse refused =
            api(m_apiB, "POST", QStringLiteral("/presets/%1/recall").arg(m_presets.first()));
        QCOMPARE(refused.status, 503);
        QCOMPARE(json(refused)["error"].toObject()["code"].toString(), QStringLiteral("standby"));

        m_node.start(
            {QStringLiteral("--role"), QStringLiteral("node"), QStringLiteral("--controller"),
             QStringLiteral("127.0.0.2:%1,127.0.0.2:%2").arg(m_nodeA).arg(m_nodeB),
             QStringLiteral("--outputs"), QStringLiteral("0,1"), QStringLiteral("--token-file"),
             writeFile(QStringLiteral("node-token"), nodeToken.toUtf8()),
             QStringLiteral("--node-id"), QStringLiteral("node-a"), QStringLiteral("--db"),
             m_dir.filePath(QStringLiteral("node.db")), QStringLiteral("--lang"),
             QStringLiteral("en"), QStringLiteral("-platform"), QStringLiteral("offscreen")});
        QTRY_VERIFY_WITH_TIMEOUT(nodeConnected(m_apiA), 60000);
    }

    // SIGKILL in the middle of recalls and saves: the standby serves the API and the node, and
    // has every change the primary acknowledged.
    void takeoverKeepsAcknowledgedChanges() {
        QNetworkAccessManager net;
        QList<qint64> ackedRevisions;
        QStringList ackedNames;
        int inFlight = 0;
        int sent = 0;
        bool killed = false;
        // Four requests in flight all the time: recalls and new presets, alternately.
        std::function<void()> send = [&] {
            if (killed)
                return;
            const int n = sent++;
            const bool recall = n % 2 == 0;
            QNetworkRequest req(
                QUrl(QStringLiteral("http://127.0.0.1:%1/api/v1").arg(m_apiA) +
                     (recall ? QStringLiteral("/presets/%1/recall").arg(m_presets.at(n / 2 % 3))
                             : QStringLiteral("/layouts"))));
            req.setRawHeader("Authorization", "Bearer " + m_admin.toLatin1());
            req.setHeader(QNetworkRequest::ContentTypeHeader, "application/json");
            const QString name = QStringLiteral("ack-%1").arg(n);
            const QByteArray body =
                recall ? QByteArray("{}")
                       : QJsonDocument(
                             QJsonObject{{"name", name}, {"layout", colourLayout(name, "#808080")}})
                             .toJson(QJsonDocument::Compact);
            QNetworkReply *reply = net.post(req, body);
            ++inFlight;
            connect(reply, &QNetworkReply::finished, this, [&, reply, recall, name] {
                reply->deleteLater();
                --inFlight;
                const int status =
                    reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
                const QJsonObject o = QJsonDocument::fromJson(reply->readAll()).object();
                if (recall && status == 200)
                    ackedRevisions.append(o["revision"].toInteger());
                else if (!recall && status == 201)
                    ackedNames.append(name);
                send();
            });
        };
        for (int i = 0; i < 4; ++i)
            send();
        QTRY_VERIFY_WITH_TIMEOUT(ackedRevisions.size() + ackedNames.size() >= 40, 60000);
        killed = true;
        const int pending = inFlight;
        QElapsedTimer sinceKill;
        sinceKill.start();
        ::kill(pid_t(m_primary.process().processId()), SIGKILL);
        const QList<qint64> revisions = ackedRevisions; // acknowledged before the kill
        const QStringList names = ackedNames;
        QVERIFY(!revisions.contains(0));

        qint64 apiMs = -1;
        qint64 nodeMs = -1;
        QString last; // what the standby answered last, for the failure message
        while (sinceKill.elapsed() < 30000 && (apiMs < 0 || nodeMs < 0)) {
            const ApiResponse h = api(m_apiB, "GET", QStringLiteral("/health"), {}, 500);
            const QJsonObject o = json(h);
            last = QStringLiteral("HTTP %1 %2 %3")
                       .arg(h.status)
                       .arg(h.errorText, QString::fromUtf8(h.body.left(300)));
            if (apiMs < 0 && h.status == 200 &&
                o["controller"].toObject()["role"].toString() == QLatin1String("active"))
                apiMs = sinceKill.elapsed();
            if (nodeMs < 0 && apiMs >= 0) {
                for (const QJsonValue &n : o["nodes"].toArray())
                    if (n["id"].toString() == QLatin1String("node-a") && n["connected"].toBool())
                        nodeMs = sinceKill.elapsed();
            }
            QTest::qWait(5);
        }
        m_primary.process().waitForFinished(5000);
        QVERIFY2(apiMs >= 0,
                 qPrintable(QStringLiteral("the standby did not take over the API: ") + last));
        QVERIFY2(nodeMs >= 0,
                 qPrintable(QStringLiteral("the node did not link to the standby: ") + last));
        const QJsonObject takeover = controller(m_apiB)["takeover"].toObject();
        std::printf("RESULT standby takeover after SIGKILL (%d requests in flight, %lld "
                    "acknowledged): API answers as active after %lld ms, node linked after %lld "
                    "ms (standby's own count: silent %lld ms, controller up %lld ms later)\n",
                    pending, qlonglong(revisions.size() + names.size()), apiMs, nodeMs,
                    takeover["silentMs"].toInteger(), takeover["startMs"].toInteger());
        QCOMPARE(controller(m_apiB)["epoch"].toInteger(), 2);

        // Every acknowledged recall's history row and every acknowledged preset is on the standby.
        QString ids;
        for (qint64 r : revisions)
            ids += (ids.isEmpty() ? QString() : QStringLiteral(",")) + QString::number(r);
        const QStringList found =
            rows(m_dir.filePath(QStringLiteral("standby/standby.db")),
                 QStringLiteral("SELECT count(*) FROM live_layouts WHERE id IN (%1)")
                     .arg(ids)
                     .toUtf8()
                     .constData());
        QCOMPARE(found, QStringList{QString::number(
                            QSet<qint64>(revisions.cbegin(), revisions.cend()).size())});
        QSet<QString> presetNames;
        for (const QJsonValue &p :
             json(api(m_apiB, "GET", QStringLiteral("/layouts")))["items"].toArray())
            presetNames.insert(p["name"].toString());
        for (const QString &name : names)
            QVERIFY2(presetNames.contains(name), qPrintable(name + QStringLiteral(" is lost")));
        const qint64 live =
            json(api(m_apiB, "GET", QStringLiteral("/layout")))["revision"].toInteger();
        QVERIFY(live >= *std::max_element(revisions.cbegin(), revisions.cend()));

        // The node kept running (its windows kept the last layout) and follows the new controller
        // (its log line may come after the controller's health counted it linked).
        QVERIFY(m_node.running());
        QTRY_VERIFY_WITH_TIMEOUT(
            m_node.log.contains(
                QStringLiteral("linked to the controller at 127.0.0.2:%1").arg(m_nodeB).toUtf8()),
            5000);
        const ApiResponse r =
            api(m_apiB, "POST", QStringLiteral("/presets/%1/recall").arg(m_presets.at(2)));
        QVERIFY2(r.status == 200, r.body.constData());
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                for (const QJsonValue &n :
                     json(api(m_apiB, "GET", QStringLiteral("/health")))["nodes"].toArray())
                    if (n["id"].toString() == QLatin1String("node-a"))
                        return n["revision"].toInteger() == json(r)["revision"].toInteger();
                return false;
            }(),
            20000);
    }

    // The old primary started again is fenced: it refuses changes with a clear error, and the
    // node stays with the controller that took over.
    void oldPrimaryComesBackFenced() {
        m_primary.start(m_primaryArgs);
        QTRY_COMPARE_WITH_TIMEOUT(controller(m_apiA, 2000)["role"].toString(),
                                  QStringLiteral("fenced"), 30000);
        const ApiResponse r =
            api(m_apiA, "POST", QStringLiteral("/presets/%1/recall").arg(m_presets.first()));
        QCOMPARE(r.status, 503);
        QVERIFY2(r.body.contains("this controller is fenced"), r.body.constData());
        QVERIFY(controller(m_apiA)["fencedBy"].toString().contains(QLatin1String("epoch 2")));
        QTRY_VERIFY_WITH_TIMEOUT(controller(m_apiB)["oldPrimaryFenced"].toBool(), 10000);
        QVERIFY(nodeConnected(m_apiB));
        QVERIFY(!nodeConnected(m_apiA));
        // Still fenced after another restart: the fence is in its store.
        m_primary.kill();
        m_primary.start(m_primaryArgs);
        QTRY_COMPARE_WITH_TIMEOUT(controller(m_apiA, 2000)["role"].toString(),
                                  QStringLiteral("fenced"), 30000);
        QCOMPARE(
            api(m_apiA, "POST", QStringLiteral("/presets/%1/recall").arg(m_presets.first())).status,
            503);
        // The metrics say the same.
        const ApiResponse metrics = api(m_apiB, "GET", QStringLiteral("/metrics"));
        QVERIFY2(metrics.body.contains("opswall_controller_active 1"), metrics.body.constData());
        QVERIFY(metrics.body.contains("opswall_controller_epoch 2"));
    }

    // The old primary becomes the standby of the new controller, then takes the wall back by an
    // explicit, audited admin action; the one it takes over from is fenced.
    void failBackByAdminAction() {
        m_primary.kill();
        QStringList asStandby{QStringLiteral("--role"), QStringLiteral("standby"),
                              QStringLiteral("--primary"),
                              QStringLiteral("127.0.0.1:%1").arg(m_linkB)};
        for (const char *keep : {"--node-listen", "--standby-listen", "--db", "--api",
                                 "--api-config", "--lang", "-platform"}) {
            const qsizetype i = m_primaryArgs.indexOf(QLatin1String(keep));
            asStandby << m_primaryArgs.at(i) << m_primaryArgs.at(i + 1);
        }
        asStandby << QStringLiteral("--token-file")
                  << m_dir.filePath(QStringLiteral("standby-token"));
        m_primary.start(asStandby);
        QTRY_VERIFY_WITH_TIMEOUT(controller(m_apiA, 2000)["replica"].toObject()["inSync"].toBool(),
                                 30000);
        QTRY_VERIFY_WITH_TIMEOUT(controller(m_apiB)["standbyLink"].toObject()["inSync"].toBool(),
                                 10000);
        // A change on the active controller reaches the standby before the fail back.
        const ApiResponse saved = api(
            m_apiB, "POST", QStringLiteral("/layouts"),
            {{"name", "before-failback"}, {"layout", colourLayout("before-failback", "#101010")}});
        QVERIFY2(saved.status == 201, saved.body.constData());

        QProcess wallctl;
        wallctl.start(QStringLiteral(WALLCTL_PATH),
                      {QStringLiteral("failback"), QStringLiteral("--json"),
                       QStringLiteral("--url"), QStringLiteral("http://127.0.0.1:%1").arg(m_apiB),
                       QStringLiteral("--token"), m_admin});
        QVERIFY(wallctl.waitForFinished(30000));
        const QByteArray out = wallctl.readAllStandardOutput();
        QVERIFY2(wallctl.exitCode() == 0, out.constData());
        QCOMPARE(QJsonDocument::fromJson(out).object()["epoch"].toInteger(), 3);

        QTRY_COMPARE_WITH_TIMEOUT(controller(m_apiA, 2000)["role"].toString(),
                                  QStringLiteral("active"), 30000);
        QCOMPARE(controller(m_apiA)["epoch"].toInteger(), 3);
        QCOMPARE(controller(m_apiB)["role"].toString(), QStringLiteral("fenced"));
        QTRY_VERIFY_WITH_TIMEOUT(nodeConnected(m_apiA), 20000);
        QCOMPARE(
            api(m_apiB, "POST", QStringLiteral("/presets/%1/recall").arg(m_presets.first())).status,
            503);
        const ApiResponse r =
            api(m_apiA, "POST", QStringLiteral("/presets/%1/recall").arg(m_presets.at(1)));
        QVERIFY2(r.status == 200, r.body.constData());
        // The audit of the controller now active has the fail back, and the preset saved before.
        QCOMPARE(rows(m_dir.filePath(QStringLiteral("primary.db")),
                      "SELECT count(*) FROM control_audit WHERE action = 'controller.failback' "
                      "AND ok = 1"),
                 QStringList{QStringLiteral("1")});
        QCOMPARE(rows(m_dir.filePath(QStringLiteral("primary.db")),
                      "SELECT count(*) FROM presets WHERE name = 'before-failback'"),
                 QStringList{QStringLiteral("1")});
        // Refused where no standby is in sync: the controller now active has none.
        QCOMPARE(api(m_apiA, "POST", QStringLiteral("/controller/failback")).status, 409);
    }

    // A controller that stops answering (SIGSTOP: alive, its links open, no heartbeat) is taken
    // over after 500 ms of silence. Its node notices nothing while the link stays open; when the
    // stopped controller runs again it is fenced at once and the node moves on.
    void silentControllerIsTakenOverAndFencedWhenItWakes() {
        m_standby.kill();
        m_standby.start(m_standbyArgs); // the standby of the controller now active (epoch 3)
        QTRY_VERIFY_WITH_TIMEOUT(controller(m_apiB, 2000)["replica"].toObject()["inSync"].toBool(),
                                 30000);
        QTRY_VERIFY_WITH_TIMEOUT(controller(m_apiA)["standbyLink"].toObject()["inSync"].toBool(),
                                 10000);
        const pid_t active = pid_t(m_primary.process().processId());
        QElapsedTimer sinceStop;
        sinceStop.start();
        ::kill(active, SIGSTOP);
        qint64 apiMs = -1;
        while (apiMs < 0 && sinceStop.elapsed() < 30000) {
            const ApiResponse h = api(m_apiB, "GET", QStringLiteral("/health"), {}, 500);
            if (h.status == 200 &&
                json(h)["controller"].toObject()["role"].toString() == QLatin1String("active"))
                apiMs = sinceStop.elapsed();
            QTest::qWait(5);
        }
        ::kill(active, SIGCONT);
        QVERIFY2(apiMs >= 0, "the standby did not take over from a silent controller");
        std::printf("RESULT standby takeover after SIGSTOP (silence, not a closed link): API "
                    "answers as active after %lld ms\n",
                    apiMs);
        QCOMPARE(controller(m_apiB)["epoch"].toInteger(), 4);
        QTRY_COMPARE_WITH_TIMEOUT(controller(m_apiA, 2000)["role"].toString(),
                                  QStringLiteral("fenced"), 10000);
        QCOMPARE(
            api(m_apiA, "POST", QStringLiteral("/presets/%1/recall").arg(m_presets.first())).status,
            503);
        QTRY_VERIFY_WITH_TIMEOUT(nodeConnected(m_apiB), 20000);
    }
};

QTEST_GUILESS_MAIN(TestNodesStandby)
#include "tst_nodes_standby.moc"
