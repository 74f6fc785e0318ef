// The pieces of synchronised video for render nodes (issue #20): the controller's reading of the
// nodes' reports and its skew formula (app/nodes/videosync.h), a node's trail of shown frames
// and the clock document (app/video/netclock.h), and the shared clock itself: a real
// GstNetTimeProvider followed by a real GstNetClientClock over loopback UDP.
#include "nodes/videosync.h"
#include "video/netclock.h"

#include <QJsonDocument>
#include <QTest>

#include <gst/gst.h>

using opswall::nodes::FrameShown;
using opswall::nodes::parseFramesShown;
using opswall::nodes::skewNs;
using opswall::video::RtpTimeline;
using opswall::video::SharedClock;
using opswall::video::SyncSettings;
using opswall::video::SyncTrail;

namespace {
constexpr qint64 kMs = 1000000;
FrameShown frame(quint32 rtp, qint64 shownNs, const QString &stream = QStringLiteral("cam")) {
    return {stream, rtp, 90000, shownNs};
}
} // namespace

class TestNodesVideoSync : public QObject {
    Q_OBJECT
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
