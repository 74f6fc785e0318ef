// The real opswall under systemd's notify protocol, with the socket owned by the test: READY=1
// once the wall is up, STATUS= with the wall's figures, WATCHDOG=1 every half WATCHDOG_USEC from
// the GUI thread's event loop. A stopped process or a GUI thread that hangs (while the other
// threads run on) stops the pings, so systemd's WatchdogSec= restarts it; a GUI thread kept busy
// that still returns to its loop keeps pinging, so a busy wall is not restarted. Also the pieces:
// the environment rules of sd_watchdog_enabled(3) and the STATUS= line.
#include "appundertest.h"
#include "logging/sdnotify.h"
#include "notifyreader.h"

#include <QFile>
#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <memory>

using apptest::Wall;
using servicetest::NotifyReader;

namespace {
// Pings every 2 s. Long enough that a loaded 2-core build machine rendering the demo wall does
// not miss one; the unit's WatchdogSec= is 30 s.
constexpr qint64 kWatchdogUsec = 4'000'000;
constexpr qint64 kWatchdogMs = kWatchdogUsec / 1000;

// The process's state letter from /proc (R, S, T, ...) and its CPU time in ms.
char procState(qint64 pid) {
    QFile f(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return '?';
    const QByteArray stat = f.readAll();
    const qsizetype close = stat.lastIndexOf(')');
    return close > 0 && close + 2 < stat.size() ? stat[close + 2] : '?';
}
qint64 largestGap(const QList<qint64> &at, qint64 from, qint64 to) {
    qint64 gap = 0;
    qint64 last = from;
    for (qint64 t : at) {
        gap = std::max(gap, t - last);
        last = t;
    }
    return std::max(gap, to - last);
}
} // namespace

class TstAppWatchdog : public QObject {
    Q_OBJECT

    // readyStatusAndPings' wall, stopped and continued by stoppedProcessStopsPingsAndResumes.
    QTemporaryDir m_dir;
    std::unique_ptr<NotifyReader> m_reader;
    std::unique_ptr<Wall> m_wall;
    bool m_pinging = false;

    // Starts the wall with NOTIFY_SOCKET naming `reader`, plus `extra` in its environment.
    static bool startWall(Wall &wall, NotifyReader &reader,
                          const QList<std::pair<QString, QString>> &extra, QString *why) {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("NOTIFY_SOCKET"), QString::fromLocal8Bit(reader.path()));
        env.insert(QStringLiteral("WATCHDOG_USEC"), QString::number(kWatchdogUsec));
        for (const auto &[k, v] : extra)
            env.insert(k, v);
        wall.process.setProcessEnvironment(env);
        wall.extraArgs << QStringLiteral("--preview"); // one window: a lighter frame to render
        return wall.start(why);
    }

private Q_SLOTS:
    void watchdogEnvironmentRules() {
        qputenv("NOTIFY_SOCKET", "/run/x");
        qputenv("WATCHDOG_USEC", "3000000");
        qputenv("WATCHDOG_PID", QByteArray::number(qlonglong(::getpid())));
        auto env = opswall::logging::takeNotifyEnvironment();
        QCOMPARE(env.socket, QByteArray("/run/x"));
        QVERIFY(env.watchdog.has_value());
        QCOMPARE(env.watchdog->count(), 3'000'000);
        QVERIFY(qgetenv("NOTIFY_SOCKET").isEmpty()); // children do not inherit it
        QCOMPARE(opswall::logging::watchdogPingInterval(*env.watchdog).count(), 1500);
        // Another process's watchdog, a zero or a malformed interval: no watchdog.
        for (const auto &[usec, pid] : {std::pair<QByteArray, QByteArray>{"3000000", "1"},
                                        {"0", ""},
                                        {"3s", ""},
                                        {"-5", ""}}) {
            qputenv("WATCHDOG_USEC", usec);
            if (pid.isEmpty())
                qunsetenv("WATCHDOG_PID");
            else
                qputenv("WATCHDOG_PID", pid);
            QVERIFY2(!opswall::logging::takeNotifyEnvironment().watchdog, usec.constData());
        }
        QCOMPARE(opswall::logging::statusMessage("a\nb"), QByteArray("STATUS=a b"));
        QCOMPARE(opswall::logging::statusMessage(QByteArray(2000, 'x')).size(), 7 + 512);
    }

    void abstractSocketAddress() {
        // "@name" is the abstract namespace, as systemd passes it in containers.
        const QByteArray name = "@opswall-test-" + QByteArray::number(qlonglong(::getpid()));
        const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_un addr = {};
        addr.sun_family = AF_UNIX;
        std::memcpy(addr.sun_path + 1, name.constData() + 1, std::size_t(name.size() - 1));
        QCOMPARE(::bind(fd, reinterpret_cast<const sockaddr *>(&addr),
                        socklen_t(offsetof(sockaddr_un, sun_path) + std::size_t(name.size()))),
                 0);
        const opswall::logging::SystemdNotifier notifier(name);
        QVERIFY(notifier.enabled());
        QVERIFY(notifier.send("READY=1"));
        char buf[64] = {};
        QCOMPARE(::recv(fd, buf, sizeof(buf), 0), ssize_t(7));
        QCOMPARE(QByteArray(buf), QByteArray("READY=1"));
        ::close(fd);
        QVERIFY(!opswall::logging::SystemdNotifier("relative/path").enabled());
        QVERIFY(!opswall::logging::SystemdNotifier("").send("READY=1"));
    }

    // The wall started here runs on into stoppedProcessStopsPingsAndResumes (one start for both).
    void readyStatusAndPings() {
        m_reader = std::make_unique<NotifyReader>(m_dir.filePath(QStringLiteral("notify")));
        NotifyReader &reader = *m_reader;
        QVERIFY(reader.bound());
        m_wall = std::make_unique<Wall>();
        QString why;
        QVERIFY2(startWall(*m_wall, reader, {}, &why), qPrintable(why));
        QVERIFY(!reader.waitForLine("READY=1", 20000).isEmpty());
        const QByteArray status = reader.waitForLine("STATUS=", 5000);
        // The demo wall: 12 displays; no stream until a video tile plays one.
        QVERIFY2(
            QRegularExpression(QStringLiteral("^STATUS=wall running, 12 displays, \\d+ streams$"))
                .match(QString::fromUtf8(status))
                .hasMatch(),
            status.constData());
        const qint64 from = reader.now();
        reader.pump(3 * kWatchdogMs);
        const QList<qint64> pings = reader.pings(from, reader.now());
        const qint64 gap = largestGap(pings, from, reader.now());
        qInfo("%lld pings in %lld ms, largest gap %lld ms", qlonglong(pings.size()),
              qlonglong(reader.now() - from), qlonglong(gap));
        QVERIFY2(pings.size() >= 4, qPrintable(QString::number(pings.size())));
        QVERIFY2(gap < kWatchdogMs, qPrintable(QString::number(gap)));
        m_pinging = true;
    }

    // The wall of readyStatusAndPings, pinging: stopped, it stops pinging; continued, it pings
    // again; stopping it says so.
    void stoppedProcessStopsPingsAndResumes() {
        QVERIFY2(m_pinging, "readyStatusAndPings failed");
        NotifyReader &reader = *m_reader;
        Wall &wall = *m_wall;
        const qint64 pid = wall.process.processId();
        ::kill(pid_t(pid), SIGSTOP);
        const qint64 stopped = reader.now();
        reader.pump(2 * kWatchdogMs); // two watchdog intervals: systemd would have restarted it
        const qint64 resumed = reader.now();
        QCOMPARE(procState(pid), 'T');
        // A ping already queued when SIGSTOP landed may arrive in the first few ms.
        QCOMPARE(reader.pings(stopped + 50, resumed).size(), 0);
        qInfo("no ping in the %lld ms the process was stopped", qlonglong(resumed - stopped));
        ::kill(pid_t(pid), SIGCONT);
        reader.pump(kWatchdogMs);
        QVERIFY(reader.pings(resumed, reader.now()).size() >= 1);
        // Stopping says so.
        QVERIFY(wall.stop());
        QVERIFY(!reader.waitForLine("STOPPING=1", 2000).isEmpty());
        m_wall.reset();
        m_reader.reset();
    }

    // Only the GUI thread hangs: the API's io threads, the feeds' and the journal's run on, and
    // must not keep the watchdog fed.
    void hungGuiThreadStopsPings() {
        QTemporaryDir dir;
        NotifyReader reader(dir.filePath(QStringLiteral("notify")));
        Wall wall;
        QString why;
        // The hang starts 4 s after the start: after the API has answered the test.
        QVERIFY2(startWall(wall, reader,
                           {{QStringLiteral("OPSWALL_TEST_GUI"), QStringLiteral("hang:4000")}},
                           &why),
                 qPrintable(why));
        QVERIFY(!reader.waitForLine("READY=1", 20000).isEmpty());
        const qint64 ready = reader.now();
        reader.pump(kWatchdogMs);
        QVERIFY(reader.pings(ready, reader.now()).size() >= 1); // alive before the hang
        // Wait until the pings have stopped for a watchdog interval (the hang began).
        QElapsedTimer t;
        t.start();
        qint64 quietSince = -1;
        while (t.elapsed() < 40000) {
            reader.pump(100);
            const QList<qint64> recent = reader.pings(reader.now() - kWatchdogMs, reader.now());
            if (recent.isEmpty() && reader.now() - ready > kWatchdogMs) {
                quietSince = reader.now() - kWatchdogMs;
                break;
            }
        }
        QVERIFY2(quietSince >= 0, "the pings never stopped");
        // Still quiet a watchdog interval later, and the process is alive (not stopped, not
        // exited): a hang that systemd would kill.
        reader.pump(kWatchdogMs);
        qInfo("no ping for %lld ms while the process runs", qlonglong(reader.now() - quietSince));
        QCOMPARE(reader.pings(quietSince, reader.now()).size(), 0);
        QVERIFY(wall.process.state() == QProcess::Running);
        QVERIFY(procState(wall.process.processId()) != 'T');
        wall.process.kill();
        wall.process.waitForFinished(5000);
    }

    // Busy, not hung: the GUI thread is occupied 1.5 s at a time (as by a long synchronous job)
    // and returns to its loop in between, most of the time occupied.
    void busyGuiThreadKeepsPinging() {
        QTemporaryDir dir;
        NotifyReader reader(dir.filePath(QStringLiteral("notify")));
        Wall wall;
        wall.captureLog = true;
        QString why;
        QVERIFY2(startWall(wall, reader,
                           {{QStringLiteral("OPSWALL_TEST_GUI"), QStringLiteral("busy:1500")}},
                           &why),
                 qPrintable(why));
        QVERIFY(!reader.waitForLine("READY=1", 20000).isEmpty());
        reader.pump(kWatchdogMs / 2);
        const qint64 from = reader.now();
        const qsizetype logFrom = wall.log.size();
        reader.pump(4 * kWatchdogMs);
        const qint64 to = reader.now();
        const QList<qint64> pings = reader.pings(from, to);
        const qint64 gap = largestGap(pings, from, to);
        // What the hook says it occupied, summed over its reports in the window.
        qint64 occupied = 0;
        qint64 spanned = 0;
        const QRegularExpression report(QStringLiteral("GUI thread occupied (\\d+) of (\\d+) ms"));
        for (auto it = report.globalMatch(QString::fromUtf8(wall.log.mid(logFrom)));
             it.hasNext();) {
            const auto m = it.next();
            occupied += m.captured(1).toLongLong();
            spanned += m.captured(2).toLongLong();
        }
        const double busy = spanned > 0 ? double(occupied) / double(spanned) : 0;
        qInfo("busy GUI thread: occupied %.0f %% of %lld ms, %lld pings in %lld ms, largest gap "
              "%lld ms (watchdog %lld ms)",
              busy * 100, qlonglong(spanned), qlonglong(pings.size()), qlonglong(to - from),
              qlonglong(gap), qlonglong(kWatchdogMs));
        QVERIFY2(spanned >= 2 * kWatchdogMs, qPrintable(QString::number(spanned)));
        QVERIFY2(busy > 0.6, qPrintable(QString::number(busy)));
        QVERIFY2(pings.size() >= 3, qPrintable(QString::number(pings.size())));
        QVERIFY2(gap < kWatchdogMs, qPrintable(QString::number(gap)));
        QVERIFY(wall.stop());
    }

    // WATCHDOG_PID naming another process: ready, but no pings (sd_watchdog_enabled(3)).
    void watchdogForAnotherProcessIsNotFed() {
        QTemporaryDir dir;
        NotifyReader reader(dir.filePath(QStringLiteral("notify")));
        Wall wall;
        QString why;
        QVERIFY2(
            startWall(wall, reader, {{QStringLiteral("WATCHDOG_PID"), QStringLiteral("1")}}, &why),
            qPrintable(why));
        QVERIFY(!reader.waitForLine("READY=1", 20000).isEmpty());
        reader.pump(kWatchdogMs);
        QCOMPARE(reader.pings(0, reader.now()).size(), 0);
        QVERIFY(wall.stop());
    }
};

QTEST_GUILESS_MAIN(TstAppWatchdog)
#include "tst_app_watchdog.moc"
