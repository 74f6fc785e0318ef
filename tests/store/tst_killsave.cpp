// Kill during save: a helper process (saver_main.cpp) saves presets in a loop; the test SIGKILLs
// it at random moments, hundreds of times, and after every kill opens the database and checks
// that SQLite's integrity check passes and that the last acknowledged save is there and intact.
//
// Each round either waits a random 5–60 ms (kills land anywhere: start-up, migration, a save)
// or waits for a random number of acknowledgements and kills a few hundred microseconds later
// (kills land inside the next save). The random sequence is seeded, so a failure reproduces.

#include "store/wallstore.h"

#include <QElapsedTimer>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <csignal>
#include <sys/types.h>

namespace opswall::store {

namespace {

constexpr int kRounds = 200;
constexpr int kWaitMs = 5000; // bound on every wait for the helper

struct Output {
    long long lastBegin = 0; // 0: none this round
    long long lastAck = 0;
    int acks = 0;
    void consume(QProcess &p) {
        while (p.canReadLine()) {
            const QByteArray line = p.readLine().trimmed();
            const long long n = line.mid(line.indexOf(' ') + 1).toLongLong();
            if (line.startsWith("BEGIN "))
                lastBegin = n;
            else if (line.startsWith("ACK ")) {
                lastAck = n;
                ++acks;
            }
        }
    }
};

// The number n a stored layout was saved with, or -1 when its tiles disagree (a torn save).
long long encodedN(const wall::Layout &l) {
    long long n = -1;
    for (const wall::Tile &t : l.tiles) {
        const QString text = t.binding.value(QStringLiteral("text")).toString();
        if (!text.startsWith(QLatin1String("n=")))
            return -1;
        const long long tn = text.mid(2).toLongLong();
        if (n != -1 && tn != n)
            return -1;
        n = tn;
    }
    return l.tiles.size() == 24 ? n : -1;
}

} // namespace

class TestKillSave : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void killDuringSaveKeepsLastAcknowledgedSave_data();
    void killDuringSaveKeepsLastAcknowledgedSave();
};

void TestKillSave::killDuringSaveKeepsLastAcknowledgedSave_data() {
    QTest::addColumn<QString>("mode");
    QTest::newRow("new revision of one preset") << QStringLiteral("revision");
    QTest::newRow("new preset each save") << QStringLiteral("new");
}

void TestKillSave::killDuringSaveKeepsLastAcknowledgedSave() {
#ifndef Q_OS_UNIX
    QSKIP("needs SIGKILL");
#endif
    QFETCH(QString, mode);
    const bool revisions = mode == QLatin1String("revision");
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("kill.db"));
    QRandomGenerator rng(revisions ? 20261123 : 1123);
    QElapsedTimer total;
    total.start();

    long long stored = 0; // the n the database holds (0: nothing saved yet)
    int inFlight = 0, committedUnacked = 0, rolledBack = 0, timed = 0;
    QString helperError;
    int round = 0;
    for (; round < kRounds; ++round) {
        QProcess p;
        p.start(QStringLiteral(OPSWALL_SAVER_PATH), {path, mode, QString::number(stored + 1)});
        QVERIFY2(p.waitForStarted(kWaitMs), qPrintable(p.errorString()));
        Output out;
        if (round % 2 == 0) {
            ++timed;
            const int delayMs = int(rng.bounded(5, 61));
            QElapsedTimer t;
            t.start();
            while (t.elapsed() < delayMs && p.state() == QProcess::Running) {
                p.waitForReadyRead(int(std::max<qint64>(1, delayMs - t.elapsed())));
                out.consume(p);
            }
        } else {
            const int wantAcks = int(rng.bounded(1, 16));
            QElapsedTimer t;
            t.start();
            while (out.acks < wantAcks && p.state() == QProcess::Running && t.elapsed() < kWaitMs) {
                p.waitForReadyRead(100);
                out.consume(p);
            }
            QThread::usleep(rng.bounded(0, 800));
        }
        if (p.state() != QProcess::Running) {
            p.waitForFinished(kWaitMs);
            helperError = QStringLiteral("the saver exited by itself (code %1) in round %2: %3")
                              .arg(p.exitCode())
                              .arg(round)
                              .arg(QString::fromLocal8Bit(p.readAllStandardError()).trimmed());
            break;
        }
        QCOMPARE(::kill(pid_t(p.processId()), SIGKILL), 0);
        QVERIFY(p.waitForFinished(kWaitMs));
        QCOMPARE(p.exitStatus(), QProcess::CrashExit);
        out.consume(p); // ACKs still in the pipe were acknowledged before the kill

        Database db(path);
        QCOMPARE(db.integrityCheck(), QStringLiteral("ok"));
        WallStore store(db);
        long long now = 0;
        if (revisions) {
            if (const auto preset = store.presetByName(QStringLiteral("kill"))) {
                now = encodedN(preset->layout);
                QVERIFY2(now > 0, "the stored preset's tiles disagree: a torn save");
                QCOMPARE(preset->info.revision, int(now));
                const QList<PresetInfo> history = store.presetRevisions(preset->info.id);
                QCOMPARE(history.size(), qsizetype(now)); // every revision kept
                QCOMPARE(store.presetRevision(preset->info.id, int(now)).value_or(wall::Layout{}),
                         preset->layout);
            }
        } else {
            const QList<PresetInfo> all = store.presets();
            if (!all.isEmpty()) {
                const auto latest = store.preset(all.last().id);
                QVERIFY2(latest, "the newest preset does not parse");
                now = encodedN(latest->layout);
                QVERIFY2(now > 0, "the newest preset's tiles disagree: a torn save");
                QCOMPARE(latest->info.name, QStringLiteral("save-%1").arg(now));
                QCOMPARE(all.size(), qsizetype(now)); // none lost, none twice
                QCOMPARE(store.presetRevisions(latest->info.id).size(), 1);
            }
        }
        QVERIFY2(now >= out.lastAck,
                 qPrintable(QStringLiteral("round %1: n=%2 was acknowledged but the database "
                                           "holds n=%3")
                                .arg(round)
                                .arg(out.lastAck)
                                .arg(now)));
        QVERIFY(now >= stored);
        if (out.lastBegin > out.lastAck) {
            // Killed while a save was in flight: it either committed (not yet acknowledged) or
            // left no trace.
            ++inFlight;
            QVERIFY2(now == out.lastBegin || now == out.lastBegin - 1,
                     qPrintable(QStringLiteral("in-flight save %1, database holds %2")
                                    .arg(out.lastBegin)
                                    .arg(now)));
            if (now == out.lastBegin)
                ++committedUnacked;
            else
                ++rolledBack;
        } else {
            QCOMPARE(now, std::max(stored, out.lastAck)); // nothing was in flight
        }
        stored = now;
    }
    qInfo("%s: %d rounds (%d timed, %d after acknowledgements) in %lld ms; %lld saves stored; "
          "%d kills landed while a save was in flight (%d had committed, %d rolled back)",
          qPrintable(mode), round, timed, round - timed, total.elapsed(), stored, inFlight,
          committedUnacked, rolledBack);
    QVERIFY2(helperError.isEmpty(), qPrintable(helperError));
    QCOMPARE(round, kRounds);
    QVERIFY(stored > 0);
    QVERIFY(inFlight > 0); // the test did kill saves in flight, not only idle processes
}

} // namespace opswall::store

QTEST_GUILESS_MAIN(opswall::store::TestKillSave)
#include "tst_killsave.moc"
