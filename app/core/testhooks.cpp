#include "core/testhooks.h"

#ifdef OPSWALL_TEST_HOOKS
#include <QByteArray>
#include <QFile>
#include <QObject>
#include <QThread>
#include <QTimer>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <memory>
#include <thread>
#endif

namespace opswall::testhooks {

#ifdef OPSWALL_TEST_HOOKS

bool compiledIn() {
    return true;
}

void installGuiLoad(QObject *parent) {
    const QByteArray spec = qgetenv("OPSWALL_TEST_GUI");
    const qsizetype colon = spec.indexOf(':');
    if (colon < 0)
        return;
    bool ok = false;
    const int ms = spec.mid(colon + 1).toInt(&ok);
    if (!ok || ms < 0)
        return;
    using Clock = std::chrono::steady_clock;
    if (spec.startsWith("busy:")) {
        struct Tally {
            Clock::time_point since = Clock::now();
            Clock::duration occupied{};
        };
        auto tally = std::make_shared<Tally>();
        auto *job = new QTimer(parent);
        job->callOnTimeout([ms, tally] {
            const auto start = Clock::now();
            std::this_thread::sleep_for(std::chrono::milliseconds(ms));
            tally->occupied += Clock::now() - start;
        });
        // Again 10 ms after each stretch, not at once: a zero-interval timer that re-arms itself
        // made Qt's glib dispatcher run it several times in a row before the overdue timers (the
        // watchdog ping, the report below), 6 s of occupation with no ping between (seen in CI),
        // which is Qt's zero-timer starvation rather than a long job's.
        job->start(10);
        auto *report = new QTimer(parent);
        report->callOnTimeout([tally] {
            const auto now = Clock::now();
            std::fprintf(
                stderr, "opswall: test: GUI thread occupied %lld of %lld ms\n",
                qlonglong(
                    std::chrono::duration_cast<std::chrono::milliseconds>(tally->occupied).count()),
                qlonglong(std::chrono::duration_cast<std::chrono::milliseconds>(now - tally->since)
                              .count()));
            tally->since = now;
            tally->occupied = {};
        });
        report->start(2000);
    } else if (spec.startsWith("hang:")) {
        QTimer::singleShot(ms, parent, [] {
            std::fputs("opswall: test: GUI thread hangs now\n", stderr);
            for (;;)
                std::this_thread::sleep_for(std::chrono::seconds(1));
        });
    }
}

void nodeLinked() {
    static bool stopped = false;
    if (!stopped && qgetenv("OPSWALL_TEST_NODE_STOP") == "linked") {
        stopped = true;
        std::fputs("opswall: test: node stops itself (SIGSTOP) right after linking\n", stderr);
        std::raise(SIGSTOP);
    }
}

void nodeLayoutApplied() {
    static const int ms = qEnvironmentVariableIntValue("OPSWALL_TEST_NODE_STALL_MS");
    if (ms > 0 && ms <= 60000)
        std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

SlowDisk slowDisk() {
    SlowDisk disk;
    const int ms = qEnvironmentVariableIntValue("OPSWALL_TEST_FSYNC_DELAY_MS");
    if (ms <= 0 || ms > 60000)
        return disk;
    disk.fsyncDelayMs = ms;
    disk.onlyWhile = qEnvironmentVariable("OPSWALL_TEST_FSYNC_DELAY_WHILE");
    return disk;
}

void beforeAuditRow() {
    static const QString marker = qEnvironmentVariable("OPSWALL_TEST_STALL_BEFORE_AUDIT");
    if (marker.isEmpty())
        return;
    QFile f(marker);
    if (f.open(QIODevice::WriteOnly))
        f.close();
    std::fputs("opswall: test: store thread stops before an audit row\n", stderr);
    for (;;)
        QThread::sleep(3600);
}

#else // compiled out: nothing, whatever the environment says

bool compiledIn() {
    return false;
}
void installGuiLoad(QObject *) {}
void nodeLinked() {}
void nodeLayoutApplied() {}
SlowDisk slowDisk() {
    return {};
}
void beforeAuditRow() {}

#endif

} // namespace opswall::testhooks
