// Memory across pipeline rebuilds: every reconnect builds a fresh pipeline and the old one goes to
// NULL on the reaper thread. 500 rebuilds of a test-pattern stream and 60 of an RTSP stream from
// the real test server must not grow the resident set size (after a warm-up), and shutdown must
// bring every pipeline to NULL within its bound.
#include "testserver.h"
#include "video/videohub.h"

#include <QElapsedTimer>
#include <QFile>
#include <QTest>

#include <malloc.h>
#include <unistd.h>

using namespace opswall::video;
using opswall::video::test::TestServer;

namespace {
qint64 rssKb() {
    malloc_trim(0); // count what is held, not what malloc keeps cached

    QFile statm(QStringLiteral("/proc/self/statm"));
    if (!statm.open(QIODevice::ReadOnly))
        return -1;
    const QList<QByteArray> fields = statm.readAll().split(' ');
    return fields.value(1).toLongLong() * (sysconf(_SC_PAGESIZE) / 1024);
}
} // namespace

class TestVideoRebuild : public QObject {
    Q_OBJECT
private:
    void measure(const QVariantMap &binding, int warmup, int count, qint64 allowedKb) {
        StreamPolicy policy;
        policy.initialBackoffMs = 0; // rebuild at once: this test is about memory, not pacing
        policy.lingerMs = 0;
        VideoHub hub(nullptr, policy);
        VideoSource bars;
        bars.id = QStringLiteral("bars");
        bars.kind = SourceKind::TestPattern;
        bars.size = QSize(320, 180);

        QVERIFY(!hub.upsertSource(bars));
        VideoStream *stream = hub.acquire(binding);
        QTRY_COMPARE_WITH_TIMEOUT(stream->state(), VideoStream::State::Playing, 5000);
        QElapsedTimer timer;
        timer.start();
        for (int i = 0; i < warmup; ++i) {
            stream->restart();
            QTRY_COMPARE_WITH_TIMEOUT(stream->state(), VideoStream::State::Playing, 5000);
        }
        QTest::qWait(200);
        const qint64 start = rssKb();
        for (int i = 0; i < count; ++i) {
            stream->restart();
            QTRY_COMPARE_WITH_TIMEOUT(stream->state(), VideoStream::State::Playing, 5000);
        }
        QTest::qWait(200);
        const qint64 end = rssKb();
        qInfo("%d rebuilds in %lld ms; RSS %lld kB -> %lld kB (%+lld kB)", warmup + count,
              timer.elapsed(), start, end, end - start);
        QVERIFY2(end - start < allowedKb, "RSS grew across rebuilds");
        hub.release(stream);
        QVERIFY(hub.shutdown());
    }

private Q_SLOTS:
    void initTestCase() {
        // Two malloc arenas for every thread: each new streaming thread could otherwise take an
        // arena of its own, more of them the more the machine is loaded (a full test run saw
        // +5.8 MB after the warm-up), which is malloc's caching, not a leak. A leak still grows.
        QVERIFY(mallopt(M_ARENA_MAX, 2) == 1);
    }

    void testPatternRebuilds() {
        measure({{QStringLiteral("source"), QStringLiteral("bars")}}, 50, 450, 4096);
    }

    void rtspRebuilds() {
        TestServer server;
        QVERIFY2(server.start({QStringLiteral("--width"), QStringLiteral("320"),
                               QStringLiteral("--height"), QStringLiteral("180")}),
                 qPrintable(server.error()));
        // rtspsrc's streaming threads fill the arenas over the first tens of rebuilds: warm up
        // past that (with 10, one CI run under load saw +5 MB; 250 measured rebuilds grew
        // +1.8 MB, the same as 50, so it is a plateau, not a leak).
        measure({{QStringLiteral("uri"), server.url()}}, 40, 50, 4096);
    }
};

QTEST_GUILESS_MAIN(TestVideoRebuild)
#include "tst_video_rebuild.moc"
