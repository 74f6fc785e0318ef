// The whole application end to end: the real opswall process (offscreen, demo wall and presets)
// with its control API on loopback, driven by the real wallctl. Checks that API actions reach the
// one dispatcher (preset recall, tile add and move, undo), are refused by role, are audited in a
// chain that verifies, and that SIGTERM shuts the wall down cleanly.
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

namespace {

quint16 freePort() {
    QTcpServer s;
    s.listen(QHostAddress::LocalHost, 0);
    return s.serverPort();
}

struct Run {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

} // namespace

class TestAppApi : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void presetRecallOverTheApiChangesTheLiveLayout();
    void tileAddMoveUndoGoThroughTheDispatcher();
    void viewerTokenIsRefusedAndTheAuditChainVerifies();
    void sigtermShutsTheWallDownCleanly();
    void cleanupTestCase();

private:
    Run wallctl(const QStringList &args, const QString &token = {});
    QJsonObject json(const Run &r);

    QTemporaryDir m_dir;
    QProcess m_wall;
    QString m_url;
    QString m_admin;
};

Run TestAppApi::wallctl(const QStringList &args, const QString &token) {
    QProcess p;
    p.start(QStringLiteral(WALLCTL_PATH),
            args + QStringList{QStringLiteral("--url"), m_url, QStringLiteral("--token"),
                               token.isEmpty() ? m_admin : token});
    Run r;
    if (!p.waitForFinished(20000)) {
        p.kill();
        p.waitForFinished();
        return r;
    }
    r.exitCode = p.exitCode();
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

QJsonObject TestAppApi::json(const Run &r) {
    const QJsonDocument d = QJsonDocument::fromJson(r.out);
    return d.isObject() ? d.object() : QJsonObject{{QStringLiteral("items"), d.array()}};
}

void TestAppApi::initTestCase() {
    const quint16 port = freePort();
    QVERIFY(port > 0);
    m_url = QStringLiteral("http://127.0.0.1:%1").arg(port);
    const QString tokenFile = m_dir.filePath(QStringLiteral("admin-token"));
    m_wall.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    m_wall.start(QStringLiteral(OPSWALL_PATH),
                 {QStringLiteral("--demo"), QStringLiteral("--no-services"), QStringLiteral("--db"),
                  m_dir.filePath(QStringLiteral("wall.db")), QStringLiteral("--api"),
                  QStringLiteral("127.0.0.1:%1").arg(port), QStringLiteral("--admin-token-file"),
                  tokenFile, QStringLiteral("--lang"), QStringLiteral("en"),
                  QStringLiteral("-platform"), QStringLiteral("offscreen")});
    QVERIFY(m_wall.waitForStarted(5000));
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(tokenFile), 20000);
    QFile f(tokenFile);
    QVERIFY(f.open(QIODevice::ReadOnly));
    m_admin = QString::fromUtf8(f.readAll()).trimmed();
    QVERIFY(!m_admin.isEmpty());
    // The token file is for this user only.
    QCOMPARE(f.permissions() & (QFile::ReadGroup | QFile::ReadOther), QFile::Permissions());
    // The API answers once the wall is up.
    QTRY_VERIFY_WITH_TIMEOUT(
        wallctl({QStringLiteral("status"), QStringLiteral("--json")}).exitCode == 0, 20000);
}

void TestAppApi::presetRecallOverTheApiChangesTheLiveLayout() {
    const Run list =
        wallctl({QStringLiteral("preset"), QStringLiteral("list"), QStringLiteral("--json")});
    QCOMPARE(list.exitCode, 0);
    const QJsonArray presets = json(list).value(QStringLiteral("items")).toArray();
    QVERIFY2(presets.size() >= 4, list.out.constData()); // the demo's presets
    int videoPreset = 0;
    for (const QJsonValue &p : presets)
        if (p[QStringLiteral("name")].toString() == QStringLiteral("Họp trực tuyến"))
            videoPreset = p[QStringLiteral("id")].toInt();
    QVERIFY(videoPreset > 0);
    const Run recall = wallctl({QStringLiteral("preset"), QStringLiteral("recall"),
                                QString::number(videoPreset), QStringLiteral("--json")});
    QVERIFY2(recall.exitCode == 0, recall.out + recall.err);
    const Run tiles =
        wallctl({QStringLiteral("tile"), QStringLiteral("list"), QStringLiteral("--json")});
    QCOMPARE(tiles.exitCode, 0);
    const QJsonArray items = json(tiles).value(QStringLiteral("items")).toArray();
    QStringList ids;
    for (const QJsonValue &t : items)
        ids.append(t[QStringLiteral("id")].toString());
    QVERIFY2(ids.contains(QStringLiteral("vc-main")), tiles.out.constData());
    // An unknown preset is a clear failure, not a crash.
    const Run missing =
        wallctl({QStringLiteral("preset"), QStringLiteral("recall"), QStringLiteral("999")});
    QVERIFY(missing.exitCode != 0);
}

void TestAppApi::tileAddMoveUndoGoThroughTheDispatcher() {
    const Run add =
        wallctl({QStringLiteral("tile"), QStringLiteral("add"), QStringLiteral("--kind"),
                 QStringLiteral("clock"), QStringLiteral("--x"), QStringLiteral("100"),
                 QStringLiteral("--y"), QStringLiteral("100"), QStringLiteral("--width"),
                 QStringLiteral("800"), QStringLiteral("--height"), QStringLiteral("400"),
                 QStringLiteral("--json")});
    QVERIFY2(add.exitCode == 0, add.out + add.err);
    const QString id = json(add).value(QStringLiteral("id")).toString().isEmpty()
                           ? json(add)[QStringLiteral("data")][QStringLiteral("id")].toString()
                           : json(add).value(QStringLiteral("id")).toString();
    QVERIFY2(!id.isEmpty(), add.out.constData());
    const Run move = wallctl({QStringLiteral("tile"), QStringLiteral("move"), id,
                              QStringLiteral("--x"), QStringLiteral("300")});
    QVERIFY2(move.exitCode == 0, move.out + move.err);
    auto rectOf = [&](const QString &tileId) {
        const QJsonArray items = json(wallctl({QStringLiteral("tile"), QStringLiteral("list"),
                                               QStringLiteral("--json")}))
                                     .value(QStringLiteral("items"))
                                     .toArray();
        for (const QJsonValue &t : items)
            if (t[QStringLiteral("id")].toString() == tileId)
                return t[QStringLiteral("rect")].toObject();
        return QJsonObject();
    };
    QCOMPARE(rectOf(id).value(QStringLiteral("x")).toDouble(), 300.0);
    QCOMPARE(rectOf(id).value(QStringLiteral("width")).toDouble(), 800.0);
    // A tile outside the wall is refused with the field at fault.
    const Run bad = wallctl({QStringLiteral("tile"), QStringLiteral("move"), id,
                             QStringLiteral("--x"), QStringLiteral("900000")});
    QVERIFY(bad.exitCode != 0);
    QCOMPARE(rectOf(id).value(QStringLiteral("x")).toDouble(), 300.0);
    const Run undo = wallctl({QStringLiteral("layout"), QStringLiteral("undo")});
    QVERIFY2(undo.exitCode == 0, undo.out + undo.err);
    QCOMPARE(rectOf(id).value(QStringLiteral("x")).toDouble(), 100.0);
}

void TestAppApi::viewerTokenIsRefusedAndTheAuditChainVerifies() {
    const Run created =
        wallctl({QStringLiteral("token"), QStringLiteral("create"), QStringLiteral("--role"),
                 QStringLiteral("viewer"), QStringLiteral("--name"), QStringLiteral("screen-1")});
    QVERIFY2(created.exitCode == 0, created.out + created.err);
    const QString viewer =
        QString::fromUtf8(created.out).trimmed().split(QLatin1Char('\n')).last().trimmed();
    QVERIFY(!viewer.isEmpty());
    QCOMPARE(wallctl({QStringLiteral("status")}, viewer).exitCode, 0);
    const Run refused =
        wallctl({QStringLiteral("preset"), QStringLiteral("recall"), QStringLiteral("1")}, viewer);
    QCOMPARE(refused.exitCode, 4); // refused: authentication or permission
    const Run verify = wallctl({QStringLiteral("audit"), QStringLiteral("verify")});
    QVERIFY2(verify.exitCode == 0, verify.out + verify.err);
    const Run audit =
        wallctl({QStringLiteral("audit"), QStringLiteral("query"), QStringLiteral("--json")});
    QCOMPARE(audit.exitCode, 0);
    QVERIFY2(audit.out.contains("preset.recall") && audit.out.contains("tile.update"),
             audit.out.left(2000).constData());
}

void TestAppApi::sigtermShutsTheWallDownCleanly() {
    ::kill(pid_t(m_wall.processId()), SIGTERM);
    QVERIFY(m_wall.waitForFinished(10000));
    QCOMPARE(m_wall.exitStatus(), QProcess::NormalExit);
    QCOMPARE(m_wall.exitCode(), 0);
}

void TestAppApi::cleanupTestCase() {
    if (m_wall.state() != QProcess::NotRunning) {
        m_wall.kill();
        m_wall.waitForFinished(5000);
    }
}

QTEST_GUILESS_MAIN(TestAppApi)
#include "tst_app_api.moc"
