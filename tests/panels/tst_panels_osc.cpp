// OSC against the real opswall (--osc on a free port): liblo's oscsend over UDP and TCP (length
// prefix, OSC 1.0) and the npm `osc` package over UDP and TCP/SLIP (OSC 1.1) recall presets; the
// npm tablet receives /opswall/preset/active; every press is checked and audited (via=osc);
// malformed packets, unknown addresses and refused sources are dropped with a rate-limited log
// line and never stall the wall.
#include "appundertest.h"
#include "panelrecalls.h"

#include <QJsonArray>
#include <QProcess>
#include <QStandardPaths>
#include <QUdpSocket>

#include <algorithm>

using apptest::ApiResponse;
using apptest::Role;
using apptest::Wall;

namespace {

struct Ran {
    int exitCode = -1;
    QByteArray out;
};

Ran runTool(const QString &program, const QStringList &args, const QProcessEnvironment &env = {},
            int timeoutMs = 20000) {
    QProcess p;
    if (!env.isEmpty())
        p.setProcessEnvironment(env);
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(program, args);
    Ran r;
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        r.out = p.readAll() + "\n(timed out)";
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = p.readAll();
    return r;
}

} // namespace

class TestPanelsOsc : public QObject {
    Q_OBJECT

    Wall m_app;
    quint16 m_osc = 0;
    QByteArray m_log; // opswall's stderr so far
    QString m_presetA, m_presetB;

    QByteArray log() {
        m_log += m_app.process.readAllStandardError();
        return m_log;
    }

    // The audited recalls of preset id by via=osc with the given outcome, newest last.
    QList<QJsonObject> oscRecalls(const QString &id, bool ok) {
        return paneltest::auditedRecalls(m_app, QStringLiteral("osc"), id, ok);
    }

    // Waits until one more such recall than `before` is audited.
    bool waitForOscRecall(const QString &id, bool ok, qsizetype before,
                          QJsonObject *row = nullptr) {
        return paneltest::waitForAuditedRecall(m_app, QStringLiteral("osc"), id, ok, before, {},
                                               row);
    }

    QString currentLayoutName() { return paneltest::layoutName(m_app); }
    QString presetName(const QString &id) { return paneltest::presetName(m_app, id); }

    void requireTool(const char *name) {
        if (QStandardPaths::findExecutable(QString::fromLatin1(name)).isEmpty())
            QSKIP(qPrintable(QStringLiteral("%1 is not installed (Debian liblo-tools)")
                                 .arg(QString::fromLatin1(name))));
    }

    QString oscsend(const QString &proto, const QStringList &rest) {
        const Ran r = runTool(
            QStringLiteral("oscsend"),
            QStringList{QStringLiteral("osc.%1://127.0.0.1:%2").arg(proto).arg(m_osc)} + rest);
        return r.exitCode == 0 ? QString() : QString::fromUtf8(r.out);
    }

private Q_SLOTS:
    void initTestCase() {
        m_osc = testports::freePort();
        QVERIFY(m_osc != 0);
        m_app.extraArgs = {QStringLiteral("--osc"), QStringLiteral("127.0.0.1:%1").arg(m_osc)};
        m_app.captureErrors = true;
        QString why;
        QVERIFY2(m_app.start(&why), qPrintable(why));
        const QStringList presets = paneltest::presetIds(m_app);
        QVERIFY2(presets.size() >= 2, "the demo has at least two presets");
        m_presetA = presets[0];
        m_presetB = presets[1];
        QTRY_VERIFY_WITH_TIMEOUT(log().contains("OSC on udp+tcp 127.0.0.1:"), 5000);
    }

    void oscsendUdpRecallsAPresetAsOperator() {
        requireTool("oscsend");
        const qsizetype before = oscRecalls(m_presetA, true).size();
        QCOMPARE(oscsend(QStringLiteral("udp"), {QStringLiteral("/opswall/preset/recall"),
                                                 QStringLiteral("i"), m_presetA}),
                 QString());
        QJsonObject row;
        QVERIFY2(waitForOscRecall(m_presetA, true, before, &row), "no audited OSC recall");
        QCOMPARE(row.value(QStringLiteral("role")).toString(), QStringLiteral("operator"));
        QCOMPARE(row.value(QStringLiteral("user")).toString(), QStringLiteral("osc"));
        QVERIFY(row.value(QStringLiteral("remote")).toString().startsWith(QLatin1String("udp ")));
        QCOMPARE(currentLayoutName(), presetName(m_presetA));
    }

    void oscsendTcpLengthPrefixedRecallsAPreset() {
        requireTool("oscsend");
        const qsizetype before = oscRecalls(m_presetB, true).size();
        QCOMPARE(oscsend(QStringLiteral("tcp"), {QStringLiteral("/opswall/preset/recall"),
                                                 QStringLiteral("i"), m_presetB}),
                 QString());
        QVERIFY2(waitForOscRecall(m_presetB, true, before), "no audited OSC recall over TCP");
        QCOMPARE(currentLayoutName(), presetName(m_presetB));
    }

    void npmOscTabletGetsFeedback_data() {
        QTest::addColumn<QString>("mode");
        QTest::newRow("udp") << QStringLiteral("udp");
        QTest::newRow("tcp-slip") << QStringLiteral("tcp");
    }

    void npmOscTabletGetsFeedback() {
        QFETCH(QString, mode);
        const QString peers = qEnvironmentVariable("PEERS_DIR");
        if (peers.isEmpty() || !QFile::exists(peers + QStringLiteral("/node_modules/osc")))
            QSKIP(
                "npm osc is not installed (the panel_peers_install fixture could not run npm ci)");
        // Recall the preset that is not live, so the feedback is the change, not the state a
        // new tablet is sent on arrival.
        const QString target = currentLayoutName() == presetName(m_presetA) ? m_presetB : m_presetA;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("PEERS_DIR"), peers);
        const qsizetype before = oscRecalls(target, true).size();
        const Ran r = runTool(QStringLiteral(NODE_PATH),
                              {QStringLiteral(PANELS_TEST_DIR "/peers/osc_tablet.js"), mode,
                               QString::number(m_osc), target},
                              env);
        if (r.exitCode == 77)
            QSKIP(r.out.constData());
        QVERIFY2(r.exitCode == 0, r.out.constData());
        QVERIFY2(r.out.contains("OK feedback active " + target.toUtf8()), r.out.constData());
        QVERIFY(waitForOscRecall(target, true, before));
        QCOMPARE(currentLayoutName(), presetName(target));
    }

    void lockHeldByAnotherRefusesOscAndSaysSo() {
        requireTool("oscsend");
        const ApiResponse lock =
            m_app.api("POST", QStringLiteral("/lock"),
                      {{QStringLiteral("ttlSeconds"), 60}, {QStringLiteral("reason"), "briefing"}});
        QVERIFY2(lock.status == 200 || lock.status == 201, lock.body.constData());
        const QString live = currentLayoutName();
        const QString other = live == presetName(m_presetA) ? m_presetB : m_presetA;
        const qsizetype before = oscRecalls(other, false).size();
        QCOMPARE(oscsend(QStringLiteral("udp"),
                         {QStringLiteral("/opswall/preset/recall"), QStringLiteral("i"), other}),
                 QString());
        QVERIFY2(waitForOscRecall(other, false, before), "the refusal is audited");
        QTRY_VERIFY_WITH_TIMEOUT(log().contains("refused"), 5000);
        QCOMPARE(currentLayoutName(), live);
        QCOMPARE(m_app.api("DELETE", QStringLiteral("/lock")).status, 200);
    }

    void malformedPacketsAreDroppedWithALogLineAndNeverStall() {
        requireTool("oscsend");
        const qsizetype logBefore = log().size();
        QUdpSocket udp;
        // Garbage, a cut-short int, a packet of the wrong size, an unknown address, a recall
        // without its int: 5 kinds, 60 datagrams.
        const QList<QByteArray> bad = {
            QByteArray("\xff\xfe\x00\x01garbage", 11),
            QByteArray::fromHex("2f6100002c690000"),
            QByteArray::fromHex("2f6100"),
            QByteArray::fromHex("2f6e6f7468696e67000000002c000000"), // /nothing
            QByteArray::fromHex("2f6f707377616c6c2f7072657365742f726563616c6c00002c000000"),
        };
        for (int i = 0; i < 60; ++i)
            udp.writeDatagram(bad[i % bad.size()], QHostAddress::LocalHost, m_osc);
        // TCP: a 2 GiB length, and a SLIP stream with a bad escape: both connections closed.
        for (const QByteArray &stream :
             {QByteArray::fromHex("7fffffff"), QByteArray::fromHex("c02fdb01c0")}) {
            QTcpSocket t;
            t.connectToHost(QHostAddress::LocalHost, m_osc);
            QVERIFY(t.waitForConnected(2000));
            t.write(stream);
            t.flush();
            QTRY_VERIFY_WITH_TIMEOUT(t.state() == QAbstractSocket::UnconnectedState ||
                                         (t.waitForReadyRead(10), false),
                                     5000);
        }
        QTRY_VERIFY_WITH_TIMEOUT(log().mid(logBefore).contains("osc: dropped from"), 5000);
        const QByteArray lines = log().mid(logBefore);
        QVERIFY2(lines.contains("malformed packet"), lines.constData());
        // Rate-limited: 62 bad inputs, at most a handful of lines per 10 s.
        QVERIFY2(lines.count("osc: dropped from") <= 6, lines.constData());
        // The wall still serves: the API answers and the next good press acts.
        QCOMPARE(m_app.api("GET", QStringLiteral("/status")).status, 200);
        const QString target = currentLayoutName() == presetName(m_presetA) ? m_presetB : m_presetA;
        const qsizetype before = oscRecalls(target, true).size();
        QCOMPARE(oscsend(QStringLiteral("udp"),
                         {QStringLiteral("/opswall/preset/recall"), QStringLiteral("i"), target}),
                 QString());
        QVERIFY(waitForOscRecall(target, true, before));
    }

    // The Companion module (packaging/companion), loaded as Companion loads a module, drives the
    // wall with an operator token and shows what the wall does.
    void companionModuleDrivesTheWall() {
        const QString moduleDir = qEnvironmentVariable("COMPANION_MODULE_DIR");
        if (moduleDir.isEmpty() ||
            !QFile::exists(moduleDir + QStringLiteral("/node_modules/@companion-module/base")))
            QSKIP("the Companion module's packages are not installed (companion_module_install)");
        QString why;
        if (m_app.tokens.isEmpty())
            QVERIFY2(m_app.makeRoleTokens(&why), qPrintable(why));
        const QString target = currentLayoutName() == presetName(m_presetA) ? m_presetB : m_presetA;
        const Ran r =
            runTool(QStringLiteral(NODE_PATH),
                    {QStringLiteral(PANELS_TEST_DIR "/peers/companion_host_check.js"), moduleDir,
                     QString::number(m_app.port), m_app.tokens.value(Role::Operator), target});
        if (r.exitCode == 77)
            QSKIP(r.out.constData());
        QVERIFY2(r.exitCode == 0, r.out.constData());
        QCOMPARE(currentLayoutName(), presetName(target));
        // The wall audited the module's calls as the token's, via the API.
        const QByteArray audit =
            m_app.api("GET", QStringLiteral("/audit?action=preset.recall&limit=20")).body;
        QVERIFY2(audit.contains("e2e-operator"), audit.constData());
        const QByteArray lock =
            m_app.api("GET", QStringLiteral("/audit?action=lock.&limit=20")).body;
        QVERIFY2(lock.contains("companion"), lock.constData());
    }

    void cleanupTestCase() { QVERIFY(m_app.stop()); }
};

QTEST_GUILESS_MAIN(TestPanelsOsc)
#include "tst_panels_osc.moc"
