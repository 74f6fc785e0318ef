// The real opswall under systemd's conditions: its stderr is a file named by JOURNAL_STREAM, as
// systemd does for a unit whose output goes to the journal, and the journal's socket is one the
// test owns (OPSWALL_JOURNAL_SOCKET; journald does not run on build machines). The wall then
// writes native-protocol records with structured fields: a failing feed with FEED=, the demo's
// video tile failing (its source is not there) with STREAM=, an audited action with ACTION= and
// USER=, its start-up lines with their priorities; nothing on stderr.
#include "journalreader.h"

#include "control/apiclient.h"
#include "freeports.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QSocketNotifier>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <cstring>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

using opswall::control::ApiClient;
using opswall::control::ClientSettings;
using Record = QMultiMap<QByteArray, QByteArray>;

class TstAppJournal : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void theWallWritesStructuredRecordsToTheJournal();
};

void TstAppJournal::theWallWritesStructuredRecordsToTheJournal() {
    QTemporaryDir dir;
    const QByteArray socketPath = dir.filePath(QStringLiteral("journal.socket")).toUtf8();
    QVERIFY(socketPath.size() < 100);
    const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    sockaddr_un addr = {};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, socketPath.constData(), std::size_t(socketPath.size()));
    QCOMPARE(::bind(fd, reinterpret_cast<sockaddr *>(&addr), socklen_t(sizeof addr)), 0);

    const QString stderrPath = dir.filePath(QStringLiteral("stderr.log"));
    QFile(stderrPath).open(QIODevice::WriteOnly);
    struct stat st = {};
    QCOMPARE(::stat(QFile::encodeName(stderrPath).constData(), &st), 0);
    const quint16 port = testports::freePortPair();
    QProcess wall;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("JOURNAL_STREAM"),
               QStringLiteral("%1:%2").arg(qulonglong(st.st_dev)).arg(qulonglong(st.st_ino)));
    env.insert(QStringLiteral("OPSWALL_JOURNAL_SOCKET"), QString::fromUtf8(socketPath));
    wall.setProcessEnvironment(env);
    wall.setStandardErrorFile(stderrPath, QIODevice::Append);
    const QString tokenFile = dir.filePath(QStringLiteral("admin-token"));
    // No demo services: every demo feed fails to connect, which the journal must say per feed.
    wall.start(QStringLiteral(OPSWALL_PATH),
               {QStringLiteral("--demo"), QStringLiteral("--no-services"), QStringLiteral("--db"),
                dir.filePath(QStringLiteral("wall.db")), QStringLiteral("--api"),
                QStringLiteral("127.0.0.1:%1").arg(port), QStringLiteral("--admin-token-file"),
                tokenFile, QStringLiteral("-platform"), QStringLiteral("offscreen")});
    QVERIFY(wall.waitForStarted(5000));

    QList<Record> records;
    auto drain = [&] {
        QByteArray buf(256 * 1024, '\0');
        for (;;) {
            const ssize_t n = ::recv(fd, buf.data(), std::size_t(buf.size()), 0);
            if (n <= 0)
                return;
            const auto r = journaltest::decode(buf.left(n));
            QVERIFY2(r, "a datagram that does not decode");
            records.append(*r);
        }
    };
    auto find = [&records](const QByteArray &key, const QByteArray &value) -> const Record * {
        for (const Record &r : records)
            if (r.value(key) == value)
                return &r;
        return nullptr;
    };

    // Read as records come, also while a request waits for its answer (the wall never waits for
    // the journal: what a full queue cannot take is dropped, so the reader must keep up).
    QSocketNotifier notifier(fd, QSocketNotifier::Read);
    connect(&notifier, &QSocketNotifier::activated, this, [&] { drain(); });
    QElapsedTimer clock;
    clock.start();
    while (!QFile::exists(tokenFile) && clock.elapsed() < 30000)
        QTest::qWait(100);
    QFile tf(tokenFile);
    QVERIFY(tf.open(QIODevice::ReadOnly));
    ClientSettings s;
    s.baseUrl = QStringLiteral("http://127.0.0.1:%1").arg(port);
    s.token = QString::fromUtf8(tf.readAll()).trimmed();
    ApiClient api(s);
    QString presetId;
    while (presetId.isEmpty() && clock.elapsed() < 30000) {
        const auto r = api.request("GET", QStringLiteral("/presets"));
        const QJsonArray items =
            QJsonDocument::fromJson(r.body).object().value(QStringLiteral("items")).toArray();
        if (!items.isEmpty())
            presetId = QString::number(items.first()[QStringLiteral("id")].toInt());
        else
            QTest::qWait(200);
    }
    QVERIFY(!presetId.isEmpty());
    const auto recall =
        api.request("POST", QStringLiteral("/presets/%1/recall").arg(presetId), QJsonObject());
    QVERIFY2(recall.status == 200,
             qPrintable(QStringLiteral("%1 %2 %3")
                            .arg(recall.status)
                            .arg(QString::fromUtf8(recall.body), recall.errorText)));

    while (clock.elapsed() < 30000 &&
           !(find("FEED", "gso-monthly") && find("ACTION", "preset.recall") &&
             find("QT_CATEGORY", "opswall.streams"))) {
        QTest::qWait(200);
        drain();
    }
    const Record *feed = find("FEED", "gso-monthly");
    QVERIFY2(feed, "no record with FEED=gso-monthly");
    QCOMPARE(feed->value("PRIORITY"), QByteArray("4"));
    QCOMPARE(feed->value("QT_CATEGORY"), QByteArray("opswall.feeds"));
    QCOMPARE(feed->value("SYSLOG_IDENTIFIER"), QByteArray("opswall"));
    QVERIFY(feed->value("MESSAGE").startsWith("feed gso-monthly failing: "));
    const Record *action = find("ACTION", "preset.recall");
    QVERIFY2(action, "no record with ACTION=preset.recall");
    QCOMPARE(action->value("PRIORITY"), QByteArray("6"));
    QCOMPARE(action->value("QT_CATEGORY"), QByteArray("opswall.actions"));
    QVERIFY(!action->value("USER").isEmpty());
    const Record *stream = find("QT_CATEGORY", "opswall.streams");
    QVERIFY2(stream, "no record of a video stream");
    QVERIFY(!stream->value("STREAM").isEmpty());
    QCOMPARE(stream->value("PRIORITY"), QByteArray("4"));
    QVERIFY2(stream->value("MESSAGE").contains(" failed: "), stream->value("MESSAGE").constData());
    bool apiLine = false;
    for (const Record &r : records)
        apiLine = apiLine || (r.value("MESSAGE").contains("control API on http://127.0.0.1:") &&
                              r.value("PRIORITY") == "6");
    QVERIFY(apiLine);

    ::kill(pid_t(wall.processId()), SIGTERM);
    QVERIFY(wall.waitForFinished(15000));
    ::close(fd);
    // Everything went to the journal: stderr holds no log line of ours.
    QFile err(stderrPath);
    QVERIFY(err.open(QIODevice::ReadOnly));
    const QByteArray written = err.readAll();
    QVERIFY2(!written.contains("opswall.feeds") && !written.contains("control API on"),
             written.left(2000).constData());
}

QTEST_GUILESS_MAIN(TstAppJournal)
#include "tst_app_journal.moc"
