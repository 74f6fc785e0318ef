// Live HLS on a wall of several processes (issue #20): how far apart two players of one live
// playlist show the same picture, both on one shared clock (as two render nodes are). The
// producer is real: gst-launch-1.0 … hlssink2 writing a live playlist (a window of segments,
// the oldest deleted), served by HttpTestServer over HTTP. Its picture says which frame it is:
// SMPTE bars scrolled 4 px to the left per frame (videotestsrc horizontal-speed), so the white
// bar's right edge gives the frame number modulo 240 (8 s at 30 fps), read from the frames the
// streams hand to their tiles. Each frame's shown time (the shared clock when the stream took
// it) minus its frame number's place in the stream gives the player's delay; the skew is the
// difference of the two players' median delays.
#include "liveplaylist.h"
#include "video/gstsupport.h"
#include "video/livehlssync.h"
#include "video/netclock.h"
#include "video/videostream.h"

#include "core/mediatime.h"

#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cstdio>
#include <optional>

using namespace opswall::video;

namespace {
constexpr int kWidth = 960;
constexpr int kSpeed = 4;                              // px per frame
constexpr int kPeriodFrames = kWidth / kSpeed;         // the picture repeats after 240 frames
constexpr qint64 kFrameNs = 1000000000LL / 30;         // 30 fps
constexpr qint64 kPeriodNs = kPeriodFrames * kFrameNs; // 8 s

bool white(QRgb p) {
    return qRed(p) > 180 && qGreen(p) > 180 && qBlue(p) > 180;
}
bool yellow(QRgb p) {
    return qRed(p) > 180 && qGreen(p) > 180 && qBlue(p) < 90;
}

// The frame number (modulo kPeriodFrames) of a picture of the scrolled bars; nullopt where the
// white bar's edge is not found (a picture of another size, a decoding artefact).
std::optional<int> frameNumberOf(const QImage &picture) {
    if (picture.width() != kWidth || picture.height() < 20)
        return std::nullopt;
    const QImage rgb = picture.convertToFormat(QImage::Format_RGB32);
    const auto *row = reinterpret_cast<const QRgb *>(rgb.constScanLine(10));
    for (int x = 0; x < kWidth; ++x) {
        // White up to x, yellow from x + 2 on (the edge blurred over a pixel or two).
        if (white(row[x]) && white(row[(x + kWidth - 2) % kWidth]) &&
            yellow(row[(x + 3) % kWidth]) && yellow(row[(x + 5) % kWidth])) {
            // Frame 0 has the edge at the first bar's width; it moves left kSpeed px a frame.
            const int edge0 = kWidth / 7;
            const int moved = ((edge0 - x) % kWidth + kWidth) % kWidth;
            return int(std::lround(double(moved) / kSpeed)) % kPeriodFrames;
        }
    }
    return std::nullopt;
}

double medianOf(QList<double> v) {
    std::sort(v.begin(), v.end());
    return v.isEmpty() ? 0 : v[v.size() / 2];
}
} // namespace

class TestVideoLiveHls : public QObject {
    Q_OBJECT

    // A player's frames: when each was taken (shared clock) minus its place in the stream, at
    // the loop of the picture nearest to the first one's; the median of those.
    struct Delays {
        QList<double> ns;
        qint64 first = 0;
        int unread = 0;
        void add(qint64 shownNs, int frame) {
            const qint64 d = shownNs - frame * kFrameNs;
            if (ns.isEmpty())
                first = d;
            ns.append(double(first + opswall::core::nearestLoop(d - first, kPeriodNs)));
        }
    };

private Q_SLOTS:
    void initTestCase() {
        QString error;
        QVERIFY2(initGStreamer(&error), qPrintable(error));
    }

    // Both players without an anchor (each on a timeline of its own from where it joined), and
    // with the anchor taken from the first one as a controller takes it from its first node's
    // report: the second one then shows each picture within a frame of the first.
    void liveHlsSkewBetweenTwoPlayers_data() {
        QTest::addColumn<bool>("anchored");
        QTest::newRow("own timelines") << false;
        QTest::newRow("anchored") << true;
    }
    void liveHlsSkewBetweenTwoPlayers() {
        QFETCH(bool, anchored);
        test::LivePlayers live;
        const QString why = live.start(
            QStringLiteral("videotestsrc is-live=true pattern=smpte horizontal-speed=%1 ! "
                           "video/x-raw,width=%2,height=120,framerate=30/1 ! x264enc "
                           "key-int-max=30 tune=zerolatency speed-preset=ultrafast ! h264parse ! "
                           "hlssink2 target-duration=1 playlist-length=5 max-files=10 "
                           "location=%3/seg%05d.ts playlist-location=%3/index.m3u8")
                .arg(kSpeed)
                .arg(kWidth)
                .arg(live.dir()));
        QVERIFY2(why.isEmpty(), qPrintable(why));
        const std::shared_ptr<SharedClock> &clock = live.clock();
        VideoStream a(live.source().id, live.source(), {}, {}, live.reaper());
        VideoStream b(live.source().id, live.source(), {}, {}, live.reaper());
        Delays da;
        Delays db;
        bool sampling = false;
        const auto note = [&](VideoStream &s, Delays &d) {
            if (!sampling)
                return;
            const qint64 now = clock->nowNs();
            if (const std::optional<int> n = frameNumberOf(s.picture()))
                d.add(now, *n);
            else
                ++d.unread;
        };
        connect(&a, &VideoStream::frameChanged, this, [&] { note(a, da); });
        connect(&b, &VideoStream::frameChanged, this, [&] { note(b, db); });
        a.setSharedClock(clock);
        b.setSharedClock(clock);
        // The live playlist is not on the wall's timeline (no duration): said once per stream.
        QTest::ignoreMessage(QtInfoMsg,
                             QRegularExpression(QStringLiteral("^video\\[live\\]: not on the "
                                                               "wall's timeline")));
        QTest::ignoreMessage(QtInfoMsg,
                             QRegularExpression(QStringLiteral("^video\\[live\\]: not on the "
                                                               "wall's timeline")));
        a.start();
        std::optional<LiveAnchor> anchor;
        if (anchored) {
            // The controller's anchor (app/nodes/liveanchors.h): the first player's report of
            // the stream (its frames' MPEG-TS PTS and when they were shown) plus the margin.
            QVERIFY2(QTest::qWaitFor(
                         [&] {
                             const std::optional<SyncSample> s = a.syncSample();
                             return s && s->clockRate == 90000 && s->frames >= 10;
                         },
                         20000),
                     qPrintable(QStringLiteral("no MPEG-TS PTS from the first player (%1: %2)")
                                    .arg(a.stateName(), a.lastError())));
            const SyncSample first = *a.syncSample();
            anchor = LiveAnchor{first.rtpTime, first.shownNs + kLiveAnchorMarginNs};
            a.setLiveAnchor(anchor);
            b.setLiveAnchor(anchor);
        } else {
            QTest::qWait(1700); // the second node joins later, at another point of the segments
        }
        b.start();
        QVERIFY2(QTest::qWaitFor(
                     [&] {
                         return a.state() == VideoStream::State::Playing &&
                                b.state() == VideoStream::State::Playing;
                     },
                     20000),
                 qPrintable(QStringLiteral("%1 (%2), %3 (%4)")
                                .arg(a.stateName(), a.lastError(), b.stateName(), b.lastError())));
        // The anchored players are in place once their frames of the anchor's time show.
        QTest::qWait(anchored ? 1000 + int(kLiveAnchorMarginNs / 1000000) : 1000);
        sampling = true;
        QTest::qWait(6000);
        sampling = false;
        QVERIFY2(da.ns.size() >= 60 && db.ns.size() >= 60,
                 qPrintable(QStringLiteral("frames read: %1 and %2 (unread %3 and %4)")
                                .arg(da.ns.size())
                                .arg(db.ns.size())
                                .arg(da.unread)
                                .arg(db.unread)));
        const double delayA = medianOf(da.ns);
        const double delayB = medianOf(db.ns);
        const double skewMs =
            double(opswall::core::nearestLoop(qint64(delayB - delayA), kPeriodNs)) / 1e6;
        // How steady each player's delay is: the spread of its frames around its median.
        const auto spread = [](const Delays &d, double median) {
            QList<double> off;
            for (double v : d.ns)
                off.append(std::abs(v - median) / 1e6);
            std::sort(off.begin(), off.end());
            return off[off.size() * 9 / 10];
        };
        // The same from the players' own reports (MPEG-TS PTS and shown time), as the controller
        // measures two nodes (app/nodes/videosync.h).
        QString reported = QStringLiteral("no report");
        const std::optional<SyncSample> sa = a.syncSample();
        const std::optional<SyncSample> sb = b.syncSample();
        if (sa && sb && sa->clockRate == 90000 && sb->clockRate == 90000)
            reported = QStringLiteral("%1 ms by their MPEG-TS PTS reports")
                           .arg(double((sb->shownNs - sa->shownNs) -
                                       ticksApartNs(sb->rtpTime, sa->rtpTime)) /
                                    1e6,
                                0, 'f', 1);
        std::printf("RESULT live HLS (hlssink2, 1 s segments, 5 in the playlist), two players on "
                    "one shared clock, %s, the second started %s, %lld and %lld frames over 6 s: "
                    "the second shows the same picture %.1f ms after the first (%s; frames "
                    "within %.1f and %.1f ms of each player's median, p90)\n",
                    anchored ? "on the first one's anchor (+2 s)" : "each on its own timeline",
                    anchored ? "once the anchor was set" : "1.7 s later", qlonglong(da.ns.size()),
                    qlonglong(db.ns.size()), skewMs, qPrintable(reported), spread(da, delayA),
                    spread(db, delayB));
        // Both play the stream at its pace, each at one steady delay.
        QVERIFY2(spread(da, delayA) < 100 && spread(db, delayB) < 100, "a player is not steady");
        // Anchored, the same picture within a frame at 30 fps on both, and the jump to the
        // anchor (the first player waits 2 s for its next frame) is not taken for a stall.
        if (anchored) {
            QVERIFY2(std::abs(skewMs) <= 1000.0 / 30,
                     qPrintable(QStringLiteral("skew %1 ms").arg(skewMs)));
            QCOMPARE(a.pipelinesBuilt(), 1);
            QCOMPARE(b.pipelinesBuilt(), 1);
        }
    }
};

QTEST_GUILESS_MAIN(TestVideoLiveHls)
#include "tst_video_livehls.moc"
