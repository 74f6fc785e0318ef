// The pieces of synchronised video for render nodes (issue #20): the controller's reading of the
// nodes' reports and its skew formula (app/nodes/videosync.h), a node's trail of shown frames
// and the clock document (app/video/netclock.h), the shared clock itself: a real
// GstNetTimeProvider followed by a real GstNetClientClock over loopback UDP, and a file on the
// wall's timeline (app/video/filetimeline.h): two real streams of one clip on that clock.
#include "../video/httptestserver.h"
#include "video/filetimeline.h"
#include "video/netclock.h"
#include "video/videostream.h"
#include "videosyncframes.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <optional>

#include <gst/gst.h>

using opswall::nodes::FrameShown;
using opswall::nodes::parseFramesShown;
using opswall::nodes::skewNs;
using opswall::video::FileTimeline;
using opswall::video::RtpTimeline;
using opswall::video::SharedClock;
using opswall::video::SyncSettings;
using opswall::video::SyncTrail;

namespace {
using nodetest::clipFrame;
using nodetest::frame;
using nodetest::kMs;
// A clip of %1 frames of H.264 at 30 fps, keyframe each second (gst-launch syntax).
const QString kClip = QStringLiteral("videotestsrc num-buffers=%1 ! "
                                     "video/x-raw,width=320,height=180,framerate=30/1 ! "
                                     "x264enc key-int-max=30");
// The playlist hlssink2 writes into dir (empty before it has one).
QByteArray playlistOf(const QTemporaryDir &dir) {
    QFile playlist(dir.filePath(QStringLiteral("index.m3u8")));
    return playlist.open(QIODevice::ReadOnly) ? playlist.readAll() : QByteArray();
}
// An HLS source `id` for dir's playlist, served by http; std::nullopt when it cannot listen.
std::optional<opswall::video::VideoSource> hlsServed(opswall::video::test::HttpTestServer &http,
                                                     const QTemporaryDir &dir, const QString &id) {
    http.setRoot(dir.path());
    if (!http.listen())
        return std::nullopt;
    opswall::video::VideoSource hls;
    hls.id = id;
    hls.kind = opswall::video::SourceKind::Hls;
    hls.uri = http.url(QStringLiteral("/index.m3u8"));
    return hls;
}
double medianOf(QList<double> v) {
    std::sort(v.begin(), v.end());
    return v.isEmpty() ? 0 : v[v.size() / 2];
}
} // namespace

class TestNodesVideoSync : public QObject {
    Q_OBJECT
    // Plays `source` twice on one served clock, the second 1.3 s after the first, and samples
    // both streams' reports for 4 s: each within a frame of the other and of the timeline
    // (base time + latency + position, at some loop), its loop about loopMs long.
    void twoStreamsInStep(const opswall::video::VideoSource &source, qint64 loopMs,
                          const char *what) {
        using opswall::video::VideoStream;
        QString error;
        const auto clock = SharedClock::serve(QStringLiteral("127.0.0.1"), 400, &error);
        QVERIFY2(clock, qPrintable(error));
        opswall::video::PipelineReaper reaper;
        VideoStream a(source.id, source, {}, {}, reaper);
        VideoStream b(source.id, source, {}, {}, reaper);
        a.setSharedClock(clock);
        b.setSharedClock(clock);
        a.start();
        QTest::qWait(1300);
        b.start();
        QTRY_VERIFY_WITH_TIMEOUT(a.syncSample() && b.syncSample() && b.syncSample()->frames >= 20,
                                 15000);
        const SyncSettings &set = clock->settings();
        const auto shownOf = [](const VideoStream &s) {
            const auto x = *s.syncSample();
            return FrameShown{s.key(),   x.rtpTime,   x.clockRate,
                              x.shownNs, x.loopTicks, std::nullopt};
        };
        // Over 4 s: more than one loop of the clips.
        QList<double> skews;
        QList<double> offTimeline;
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < 4000) {
            QTest::qWait(200);
            if (!a.syncSample() || !b.syncSample())
                continue; // a stream between two plays (HLS: the end, then again)
            const FrameShown fa = shownOf(a);
            const FrameShown fb = shownOf(b);
            // The clip's length in 90 kHz ticks, within two frames (HLS: the playlist's sum).
            QVERIFY2(std::abs(qint64(fa.loopTicks) - loopMs * 90) <= 6000,
                     qPrintable(QString::number(fa.loopTicks)));
            if (const auto skew = skewNs(fa, fb))
                skews.append(double(*skew) / 1e6);
            const qint64 position = qint64(fa.rtpTime) * 1000000000LL / fa.clockRate;
            const qint64 loopNs = qint64(fa.loopTicks) * 1000000000LL / fa.clockRate;
            offTimeline.append(
                double(opswall::video::nearestLoop(
                    fa.shownNs - set.baseTimeNs - set.latencyMs * kMs - position, loopNs)) /
                1e6);
        }
        QVERIFY(skews.size() >= 10);
        const double skew = medianOf(skews);
        const double off = medianOf(offTimeline);
        std::printf("RESULT %s on the wall's timeline, two streams started 1.3 s apart on one "
                    "shared clock, %lld samples over 4 s: median skew %.1f ms (max %.1f), shown "
                    "after its timeline time by a median %.1f ms\n",
                    what, qlonglong(skews.size()), skew,
                    *std::max_element(skews.cbegin(), skews.cend(),
                                      [](double x, double y) { return std::abs(x) < std::abs(y); }),
                    off);
        QVERIFY2(std::abs(skew) <= 33, qPrintable(QString::number(skew)));
        QVERIFY2(std::abs(off) <= 33, qPrintable(QString::number(off)));
    }

private Q_SLOTS:
    void initTestCase() { gst_init(nullptr, nullptr); }

    void reportsAreReadAndBounded() {
        QString why;
        const auto good = parseFramesShown(
            R"({"frames":[{"stream":"cam","rtpTime":4294967295,"clockRate":90000,"shownNs":5e9,"trail":30}]})",
            &why);
        QVERIFY2(good, qPrintable(why));
        QCOMPARE(good->size(), 1);
        QCOMPARE(good->at(0).rtpTime, 4294967295u);
        QCOMPARE(good->at(0).shownNs, 5000000000LL);
        QVERIFY(parseFramesShown(R"({"frames":[]})", &why)->isEmpty());
        for (
            const QByteArray &bad :
            {QByteArray("not json"), QByteArray(R"({"frames":{}})"),
             QByteArray(R"({"frames":[{"rtpTime":1,"clockRate":90000,"shownNs":1}]})"),
             QByteArray(
                 R"({"frames":[{"stream":"c","rtpTime":4294967296,"clockRate":90000,"shownNs":1}]})"),
             QByteArray(
                 R"({"frames":[{"stream":"c","rtpTime":1.5,"clockRate":90000,"shownNs":1}]})"),
             QByteArray(R"({"frames":[{"stream":"c","rtpTime":1,"clockRate":0,"shownNs":1}]})"),
             QByteArray(
                 R"({"frames":[{"stream":"c","rtpTime":1,"clockRate":90000,"shownNs":-1}]})"),
             QByteArray(R"({"frames":[)") + QByteArray(70000, ' ') + "]}"}) {
            why.clear();
            QVERIFY2(!parseFramesShown(bad, &why), bad.left(80).constData());
            QVERIFY(!why.isEmpty());
        }
        QByteArray many = R"({"frames":[)";
        for (int i = 0; i <= opswall::nodes::kMaxFrames; ++i)
            many += QByteArray(i ? "," : "") +
                    R"({"stream":"c","rtpTime":1,"clockRate":90000,"shownNs":1})";
        QVERIFY(!parseFramesShown(many + "]}", &why));
        QVERIFY2(why.contains(QLatin1String("more than")), qPrintable(why));
    }

    void skewComparesTheSameMediaInstant() {
        // b shows RTP time 9000 (100 ms later in the stream) 100 ms later: in step.
        QCOMPARE(skewNs(frame(0, 1000 * kMs), frame(9000, 1100 * kMs)), 0);
        // a shows the same frame 12 ms after b.
        QCOMPARE(skewNs(frame(9000, 1112 * kMs), frame(9000, 1100 * kMs)), 12 * kMs);
        QCOMPARE(skewNs(frame(9000, 1100 * kMs), frame(9000, 1112 * kMs)), -12 * kMs);
        // Across the 32-bit wrap of RTP times.
        QCOMPARE(skewNs(frame(4294967295u - 4499, 1000 * kMs), frame(4500, 1100 * kMs)), 0);
        // Not the same stream, another rate, or RTP times too far apart: no skew.
        QVERIFY(!skewNs(frame(0, 0), frame(0, 0, QStringLiteral("other"))));
        FrameShown audio = frame(0, 0);
        audio.clockRate = 48000;
        QVERIFY(!skewNs(frame(0, 0), audio));
        QVERIFY(!skewNs(frame(0, 0), frame(90000u * 61, 0)));
    }

    void trailTakesTheMedianOfItsFrames() {
        SyncTrail trail;
        QVERIFY(!trail.sample());
        // 30 frames at 30 fps (3000 ticks) shown on time at 2 s + n × 33.3 ms; one is late.
        const quint32 start = 4294967295u - 30000; // wraps on the way
        for (int n = 0; n < 30; ++n)
            trail.add(start + quint32(n * 3000), 90000,
                      2000 * kMs + n * 100 * kMs / 3 + (n == 10 ? 40 * kMs : 0));
        const auto s = trail.sample();
        QVERIFY(s);
        QCOMPARE(s->rtpTime, start + 29u * 3000u);
        QCOMPARE(s->frames, 30);
        QVERIFY2(std::abs(s->shownNs - (2000 * kMs + 29 * 100 * kMs / 3)) < 1000,
                 qPrintable(QString::number(s->shownNs)));
        trail.clear();
        QVERIFY(!trail.sample());
    }

    // A frame's time is its RTP time on the fastest arrivals of the last 10 s: late packets (a
    // loaded node) do not move it; the window follows a slower path once the fast one is old.
    void timelineTakesTheFastestArrivals() {
        RtpTimeline line;
        QVERIFY(!line.ptsOf(0, 90000));
        const quint32 start = 4294967295u - 9000; // wraps after 0.1 s
        // 30 fps for 5 s: transit 20 ms, but every third frame 15 ms later (a busy node).
        for (int n = 0; n < 150; ++n)
            line.arrived(start + quint32(n * 3000), 90000,
                         10000 * kMs + n * 100 * kMs / 3 + 20 * kMs + (n % 3 ? 0 : 15 * kMs));
        // RTP time start + 3000 n is due at 10 s + 20 ms + n × 33.3 ms, late packets or not.
        QCOMPARE(*line.ptsOf(start + 3000 * 40, 90000),
                 10000 * kMs + 40 * 100 * kMs / 3 + 20 * kMs);
        QVERIFY(!line.ptsOf(start, 48000)); // another clock
        // 11 s later the path is 5 ms slower: the old minimum has left the window.
        for (int n = 480; n < 510; ++n)
            line.arrived(start + quint32(n * 3000), 90000,
                         10000 * kMs + n * 100 * kMs / 3 + 25 * kMs);
        QCOMPARE(*line.ptsOf(start + 3000 * 500, 90000),
                 10000 * kMs + 500 * 100 * kMs / 3 + 25 * kMs);
    }

    // A new client's first packets come in a burst ahead of the sender's pace: once the start
    // is over, they no longer count.
    void timelineForgetsTheStart() {
        RtpTimeline line;
        for (int n = 0; n < 150; ++n) // 5 s: the first 10 frames 12 ms early, then 20 ms transit
            line.arrived(quint32(n * 3000), 90000,
                         n * 100 * kMs / 3 + (n < 10 ? 8 * kMs : 20 * kMs));
        QCOMPARE(*line.ptsOf(3000 * 140, 90000), 140 * 100 * kMs / 3 + 20 * kMs);
    }

    // A file's position repeats each loop: its skew is taken at the nearest loop.
    void fileSkewIsTakenAtTheNearestLoop() {
        // b shows 2.9 s of the clip 100 ms before a shows 0.0 s of its next loop: in step.
        QCOMPARE(skewNs(clipFrame(0, 10000 * kMs), clipFrame(2900, 9900 * kMs)), 0);
        QCOMPARE(skewNs(clipFrame(2900, 9900 * kMs), clipFrame(0, 10000 * kMs)), 0);
        // a is 12 ms late across the loop, and within one loop.
        QCOMPARE(skewNs(clipFrame(0, 10012 * kMs), clipFrame(2900, 9900 * kMs)), 12 * kMs);
        QCOMPARE(skewNs(clipFrame(1000, 20000 * kMs), clipFrame(1000, 20012 * kMs)), -12 * kMs);
        // Another clip (another length) under the same key, or an RTP report: no skew.
        FrameShown other = clipFrame(0, 0);
        other.loopTicks = 180000;
        QVERIFY(!skewNs(clipFrame(0, 0), other));
        QVERIFY(!skewNs(clipFrame(0, 0), frame(0, 0, QStringLiteral("clip"))));
        QString why;
        const auto parsed = parseFramesShown(
            R"({"frames":[{"stream":"clip","rtpTime":9000,"clockRate":90000,"shownNs":1,"loopTicks":270000}]})",
            &why);
        QVERIFY2(parsed, qPrintable(why));
        QCOMPARE(parsed->at(0).loopTicks, 270000u);
        for (
            const char *bad :
            {R"({"frames":[{"stream":"c","rtpTime":1,"clockRate":90000,"shownNs":1,"loopTicks":0}]})",
             R"({"frames":[{"stream":"c","rtpTime":1,"clockRate":90000,"shownNs":1,"loopTicks":1.5}]})",
             R"({"frames":[{"stream":"c","rtpTime":1,"clockRate":90000,"shownNs":1,"loopTicks":"x"}]})"}) {
            why.clear();
            QVERIFY2(!parseFramesShown(bad, &why), bad);
            QVERIFY2(why.contains(QLatin1String("loopTicks")), qPrintable(why));
        }
    }

    // A trail over a loop's end carries each frame to the newest at the right loop.
    void trailFollowsAFileAcrossItsLoop() {
        SyncTrail trail;
        // 30 frames of a 3 s clip at 30 fps, from 2.5 s on: the last 15 are the next loop.
        for (int n = 0; n < 30; ++n) {
            const qint64 position = (2500 + n * 100 / 3) % 3000;
            trail.add(quint32(position * 90), 90000, 7000 * kMs + n * 100 * kMs / 3, 270000);
        }
        const auto s = trail.sample();
        QVERIFY(s);
        QCOMPARE(s->loopTicks, 270000u);
        QVERIFY2(std::abs(s->shownNs - (7000 * kMs + 29 * 100 * kMs / 3)) < kMs,
                 qPrintable(QString::number(s->shownNs)));
    }

    // The wall's timeline: position = running time mod the clip; a segment's start goes to its
    // occurrence nearest to the time aimed at.
    void timelinePlacesAClip() {
        const FileTimeline t{3000 * kMs};
        QCOMPARE(t.positionAt(7400 * kMs), 1400 * kMs);
        QCOMPARE(t.positionAt(-100 * kMs), 2900 * kMs);
        QCOMPARE(t.runningTimeOf(1400 * kMs, 7300 * kMs), 7400 * kMs);
        // A loop's seek back to 0, a little before or after the loop's end: the coming loop.
        QCOMPARE(t.runningTimeOf(0, 8950 * kMs), 9000 * kMs);
        QCOMPARE(t.runningTimeOf(0, 9040 * kMs), 9000 * kMs);
        QCOMPARE(t.runningTimeOf(2900 * kMs, 100 * kMs), 2900 * kMs); // never negative
        QCOMPARE(t.leadNs(), FileTimeline::kLeadNs);
        QCOMPARE(FileTimeline{800 * kMs}.leadNs(), 200 * kMs); // a quarter of a short clip
        QCOMPARE(opswall::video::nearestLoop(4400 * kMs, 3000 * kMs), 1400 * kMs);
        QCOMPARE(opswall::video::nearestLoop(4600 * kMs, 3000 * kMs), -1400 * kMs);
        QCOMPARE(opswall::video::nearestLoop(-100, 0), -100);
    }

    // A clip the controller stamped with a start: its first frame at its origin, its loops after
    // it; before it the clip waits at its beginning.
    void timelinePlacesAStampedClip() {
        FileTimeline t{3000 * kMs};
        t.originNs = 10000 * kMs;
        QCOMPARE(t.positionAt(10000 * kMs), 0);
        QCOMPARE(t.positionAt(11400 * kMs), 1400 * kMs);
        QCOMPARE(t.positionAt(14400 * kMs), 1400 * kMs); // its second loop
        QCOMPARE(t.positionAt(9700 * kMs), 0);           // not begun: at its beginning
        // Prerolled before the origin (now 9.5 s, lead 0.3 s): the first frame waits for it.
        QCOMPARE(t.runningTimeOf(0, 9800 * kMs), 10000 * kMs);
        QCOMPARE(t.runningTimeOf(0, 8000 * kMs), 10000 * kMs); // never an earlier loop
        QCOMPARE(t.runningTimeOf(1400 * kMs, 11300 * kMs), 11400 * kMs);
        QCOMPARE(t.runningTimeOf(0, 12950 * kMs), 13000 * kMs); // the loop's seek back to 0
    }

    // The controller's starts and trims as a node reads them: bounded and checked.
    void startsAndTrimsAreReadAndBounded() {
        using opswall::nodes::parseStarts;
        using opswall::nodes::parseTrims;
        QString why;
        const auto starts = parseStarts(R"({"starts":{"clip":5e9,"vod":0}})", &why);
        QVERIFY2(starts, qPrintable(why));
        QCOMPARE(starts->value(QStringLiteral("clip")), 5000000000LL);
        QCOMPARE(starts->size(), 2);
        QVERIFY(parseStarts(R"({"starts":{}})", &why)->isEmpty());
        for (const QByteArray &bad :
             {QByteArray("[]"), QByteArray(R"({"starts":[]})"),
              QByteArray(R"({"starts":{"clip":-1}})"), QByteArray(R"({"starts":{"clip":1.5}})"),
              QByteArray(R"({"starts":{"clip":"5"}})"), QByteArray(R"({"starts":{"":5}})")}) {
            why.clear();
            QVERIFY2(!parseStarts(bad, &why), bad.constData());
            QVERIFY(!why.isEmpty());
        }
        const QByteArray trims = R"({"trims":{"node-a":{"clip":-33000000},"node-b":{"cam":5}}})";
        const auto a = parseTrims(trims, QStringLiteral("node-a"), &why);
        QVERIFY2(a, qPrintable(why));
        QCOMPARE(a->value(QStringLiteral("clip")), -33000000LL);
        QCOMPARE(a->size(), 1);
        QVERIFY(parseTrims(trims, QStringLiteral("node-c"), &why)->isEmpty()); // none for it
        QVERIFY(
            !parseTrims(R"({"trims":{"node-a":{"clip":2e9}}})", QStringLiteral("node-a"), &why));
        QVERIFY(!parseTrims(R"({"trims":{"node-a":7}})", QStringLiteral("node-a"), &why));
        // The report's echo of the trim a node applies.
        const auto echoed = parseFramesShown(
            R"({"frames":[{"stream":"cam","rtpTime":1,"clockRate":90000,"shownNs":1,"trimNs":-5}]})",
            &why);
        QVERIFY2(echoed, qPrintable(why));
        QCOMPARE(echoed->at(0).trimNs, std::optional<qint64>(-5));
        QVERIFY(!parseFramesShown(
            R"({"frames":[{"stream":"cam","rtpTime":1,"clockRate":90000,"shownNs":1,"trimNs":"x"}]})",
            &why));
    }

    // Two streams of one real clip on one shared clock, the second started 1.3 s after the
    // first (a node that joins late): both show the position the wall's timeline has, in step.
    void fileStreamsPlayInStepOnTheTimeline() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("clip.mkv"));
        const int rc =
            QProcess::execute(QStringLiteral("gst-launch-1.0"),
                              QStringList{QStringLiteral("-q")} +
                                  QProcess::splitCommand(kClip.arg(90) +
                                                         QStringLiteral(" ! matroskamux ! filesink "
                                                                        "location=") +
                                                         path));
        QCOMPARE(rc, 0);
        opswall::video::VideoSource file;
        file.id = QStringLiteral("clip");
        file.kind = opswall::video::SourceKind::File;
        file.uri = path;
        twoStreamsInStep(file, 3000, "file");
    }

    // HLS video on demand (a playlist with its end) goes on the timeline as a file does.
    void hlsOnDemandPlaysInStepOnTheTimeline() {
        QTemporaryDir dir;
        QProcess producer; // hlssink2 writes the playlist's end at EOS (gst-launch then lingers)
        producer.start(
            QStringLiteral("gst-launch-1.0"),
            QStringList{QStringLiteral("-q")} +
                QProcess::splitCommand(
                    kClip.arg(120) +
                    QStringLiteral(" ! h264parse ! hlssink2 target-duration=1 playlist-length=0 "
                                   "max-files=0 location=%1/seg%05d.ts "
                                   "playlist-location=%1/index.m3u8")
                        .arg(dir.path())));
        QVERIFY2(QTest::qWaitFor([&] { return playlistOf(dir).contains("ENDLIST"); }, 30000),
                 producer.readAllStandardError().constData());
        producer.kill();
        producer.waitForFinished(3000);
        opswall::video::test::HttpTestServer http;
        const auto hls = hlsServed(http, dir, QStringLiteral("vod"));
        QVERIFY(hls);
        twoStreamsInStep(*hls, 4000, "HLS on demand");
    }

    // Live HLS has no duration to loop: it is not put on the timeline (said once) and plays at
    // its own pace from when it prerolled, as on a single box, on the shared clock.
    void liveHlsPlaysAtItsPaceOnTheSharedClock() {
        QTemporaryDir dir;
        QProcess producer;
        producer.start(QStringLiteral("gst-launch-1.0"),
                       QStringList{QStringLiteral("-q")} +
                           QProcess::splitCommand(
                               kClip.arg(-1).replace(QLatin1String("videotestsrc"),
                                                     QLatin1String("videotestsrc is-live=true")) +
                               QStringLiteral(" tune=zerolatency ! h264parse ! hlssink2 "
                                              "target-duration=1 playlist-length=5 max-files=8 "
                                              "location=%1/seg%05d.ts "
                                              "playlist-location=%1/index.m3u8")
                                   .arg(dir.path())));
        QVERIFY2(QTest::qWaitFor([&] { return playlistOf(dir).count(".ts") >= 2; }, 30000),
                 producer.readAllStandardError().constData());
        opswall::video::test::HttpTestServer http;
        const auto served = hlsServed(http, dir, QStringLiteral("live"));
        QVERIFY(served);
        const opswall::video::VideoSource &hls = *served;
        QString error;
        const auto clock = SharedClock::serve(QStringLiteral("127.0.0.1"), 400, &error);
        QVERIFY2(clock, qPrintable(error));
        opswall::video::PipelineReaper reaper;
        opswall::video::VideoStream s(hls.id, hls, {}, {}, reaper);
        s.setSharedClock(clock);
        QTest::ignoreMessage(QtInfoMsg,
                             QRegularExpression(QStringLiteral("^video\\[live\\]: not on the "
                                                               "wall's timeline \\(its duration "
                                                               "is not known")));
        s.start();
        QTRY_COMPARE_WITH_TIMEOUT(s.state(), opswall::video::VideoStream::State::Playing, 15000);
        // At its 30 fps, not a burst of each segment and a frozen picture.
        QList<qint64> arrivalsMs;
        QElapsedTimer t;
        t.start();
        connect(&s, &opswall::video::VideoStream::frameChanged, this,
                [&] { arrivalsMs.append(t.elapsed()); });
        QTRY_VERIFY_WITH_TIMEOUT(arrivalsMs.size() >= 60, 8000);
        disconnect(&s, &opswall::video::VideoStream::frameChanged, this, nullptr);
        qint64 longestGapMs = 0;
        for (qsizetype i = 1; i < arrivalsMs.size(); ++i)
            longestGapMs = std::max(longestGapMs, arrivalsMs[i] - arrivalsMs[i - 1]);
        const double fps = 1000.0 * double(arrivalsMs.size() - 1) /
                           double(std::max<qint64>(1, arrivalsMs.last() - arrivalsMs.first()));
        std::printf("RESULT live HLS on the shared clock: %.1f fps, longest gap %lld ms\n", fps,
                    longestGapMs);
        QVERIFY2(fps > 20 && fps < 40, qPrintable(QString::number(fps)));
        QVERIFY2(longestGapMs < 400, qPrintable(QString::number(longestGapMs)));
        // No position in a clip: it reports its MPEG-TS PTS (app/video/livehlssync.h), 90 kHz
        // without a loop, as an RTP stream does.
        const std::optional<opswall::video::SyncSample> sample = s.syncSample();
        QVERIFY(sample);
        QCOMPARE(sample->clockRate, 90000);
        QCOMPARE(sample->loopTicks, 0u);
        producer.kill();
        producer.waitForFinished(3000);
    }

    void clockDocumentIsChecked() {
        SyncSettings s;
        s.port = 5000;
        s.baseTimeNs = 123456789012345;
        s.latencyMs = 400;
        QString why;
        QCOMPARE(SyncSettings::fromJson(s.toJson(), &why), s);
        for (const char *bad : {R"({"port":0,"baseTimeNs":1,"latencyMs":1})",
                                R"({"port":70000,"baseTimeNs":1,"latencyMs":1})",
                                R"({"port":5000,"baseTimeNs":-1,"latencyMs":1})",
                                R"({"port":5000,"baseTimeNs":1,"latencyMs":10001})",
                                R"({"port":5000,"latencyMs":1})"}) {
            QVERIFY2(!SyncSettings::fromJson(QJsonDocument::fromJson(bad).object(), &why), bad);
            QVERIFY(!why.isEmpty());
        }
    }

    // A real provider and client on loopback: the client syncs and then tells the same time.
    void clientClockFollowsTheProvider() {
        QString error;
        const auto served = SharedClock::serve(QStringLiteral("127.0.0.1"), 300, &error);
        QVERIFY2(served, qPrintable(error));
        QVERIFY(served->settings().port > 0);
        QCOMPARE(served->settings().latencyMs, 300);
        const auto followed =
            SharedClock::follow(QStringLiteral("127.0.0.1"), served->settings(), &error);
        QVERIFY2(followed, qPrintable(error));
        QVERIFY(followed->waitForSync(5000));
        // Give the client a few exchanges to settle its rate, then compare.
        QTest::qWait(1500);
        const qint64 before = served->nowNs();
        const qint64 theirs = followed->nowNs();
        const qint64 after = served->nowNs();
        std::printf("RESULT shared video clock on loopback: client − provider %.3f ms\n",
                    double(theirs - (before + after) / 2) / 1e6);
        QVERIFY2(theirs >= before - 5 * kMs && theirs <= after + 5 * kMs,
                 qPrintable(
                     QStringLiteral("%1 not within [%2, %3]").arg(theirs).arg(before).arg(after)));
    }
};

QTEST_GUILESS_MAIN(TestNodesVideoSync)
#include "tst_nodes_videosync.moc"
