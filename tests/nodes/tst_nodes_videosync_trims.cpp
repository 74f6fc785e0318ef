// The controller's skew trims (app/nodes/videosync.h SkewTrimmer) and the shared timeline they
// hold nodes to (app/nodes/sharedtimeline.h): a constant skew corrected in steps, only from a
// stable median and the nodes' echo of their trims; a node alone, and each node on its own,
// held to the timeline where it places the stream (files at their start, anchored live HLS),
// RTP between nodes only; the trims persisted, restored and learnt on, kept while shown and
// forgotten after. Pure: no GStreamer.
#include "nodes/sharedtimeline.h"
#include "videosyncframes.h"

#include <QTest>

#include <cstdio>
#include <cstdlib>

using nodetest::clipFrame;
using nodetest::frame;
using nodetest::kMs;
using namespace opswall::nodes;

namespace {
// The controller's trims: node-b shows a clip `offsetMs` later than node-a (plus noise up
// to noiseMs); each round (1 s) both report once with the trims they apply. Returns the
// rounds until the skew is under 5 ms (or -1), the trims and how many times they moved.
struct TrimRun {
    int rounds = -1;
    qint64 trimA = 0;
    qint64 trimB = 0;
    int moves = 0;
};
TrimRun runTrimmer(qint64 offsetMs, qint64 noiseMs, int maxRounds) {
    opswall::nodes::SkewTrimmer trimmer;
    TrimRun run;
    quint64 sequence = 0;
    for (int round = 0; round < maxRounds; ++round) {
        const qint64 nowMs = round * 1000LL;
        const qint64 trimA = trimmer.trimNs(QStringLiteral("a"), QStringLiteral("clip"));
        const qint64 trimB = trimmer.trimNs(QStringLiteral("b"), QStringLiteral("clip"));
        // The same position shown: a at t + its trim, b offset later + its trim.
        const qint64 noise = noiseMs * kMs * ((round * 7919) % 5 - 2) / 2; // -1..1 x noise
        FrameShown fa = clipFrame(1000, 50000 * kMs + trimA);
        FrameShown fb = clipFrame(1000, 50000 * kMs + offsetMs * kMs + trimB + noise);
        fa.trimNs = trimA;
        fb.trimNs = trimB;
        ++sequence;
        if (trimmer.update(
                {{QStringLiteral("a"), sequence, {fa}}, {QStringLiteral("b"), sequence, {fb}}},
                nowMs))
            ++run.moves;
        const qint64 skew = std::llabs(*skewNs(fb, fa));
        if (run.rounds < 0 && skew < 5 * kMs && run.moves > 0)
            run.rounds = round;
    }
    run.trimA = trimmer.trimNs(QStringLiteral("a"), QStringLiteral("clip"));
    run.trimB = trimmer.trimNs(QStringLiteral("b"), QStringLiteral("clip"));
    return run;
}

// A clip stamped to start at 40 s on the shared clock (3 s long: position p is due at
// 40 s + p at any loop), on a clock whose running time 0 is at 10 s.
SharedTimeline clipTimeline() {
    return SharedTimeline::of(R"({"port":5000,"baseTimeNs":9600000000,"latencyMs":400})",
                              {{QStringLiteral("clip"), 40000 * kMs}}, {});
}
SkewTrimmer::OffTimeline placedBy(const SharedTimeline &t) {
    return [t](const FrameShown &f) { return t.lateNs(f); };
}

// Rounds of reports (1 s apart from *nowMs): each node shows position 1 s of the clip late by
// its lateMs against the timeline, its trim in effect. How many rounds moved a trim.
int clipRounds(SkewTrimmer &t, const QHash<QString, qint64> &lateMs, int rounds, qint64 *nowMs,
               quint64 *seq, const SkewTrimmer::OffTimeline &offTimeline) {
    int moves = 0;
    for (int i = 0; i < rounds; ++i) {
        QList<SkewTrimmer::NodeReport> reports;
        ++*seq;
        for (auto it = lateMs.cbegin(); it != lateMs.cend(); ++it) {
            const qint64 trim = t.trimNs(it.key(), QStringLiteral("clip"));
            // 7 loops on: the nearest loop is what counts.
            FrameShown f = clipFrame(1000, 40000 * kMs + 7 * 3000 * kMs + 1000 * kMs +
                                               it.value() * kMs + trim);
            f.trimNs = trim;
            reports.append({it.key(), *seq, {f}});
        }
        *nowMs += 1000;
        moves += t.update(reports, *nowMs, offTimeline) ? 1 : 0;
    }
    return moves;
}
} // namespace

class TestNodesVideoSyncTrims : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void trimsCorrectAConstantSkew() {
        // 70 ms: both nodes move toward each other, a frame at most per step, from stable medians.
        const TrimRun r = runTrimmer(70, 0, 40);
        std::printf("RESULT skew trimmer: 70 ms corrected after %d reports, trims a %+.1f ms "
                    "b %+.1f ms, %d moves\n",
                    r.rounds, r.trimA / 1e6, r.trimB / 1e6, r.moves);
        QVERIFY(r.rounds > 0);
        // One step of a frame each (35 ms wanted): 3.3 ms left, under the release threshold.
        QCOMPARE(r.trimA, opswall::nodes::SkewTrimmer::kStepNs);
        QCOMPARE(r.trimB, -opswall::nodes::SkewTrimmer::kStepNs);
        QCOMPARE(r.moves, 1);
        // Steps of one frame at most: 300 ms is capped at ±100 ms each, after several steps.
        const TrimRun big = runTrimmer(300, 0, 60);
        QCOMPARE(big.trimA, opswall::nodes::SkewTrimmer::kMaxTrimNs);
        QCOMPARE(big.trimB, -opswall::nodes::SkewTrimmer::kMaxTrimNs);
        QVERIFY(big.moves >= 3);
        // Under the engage threshold: nothing moves (hysteresis), noise or not.
        QCOMPARE(runTrimmer(8, 0, 40).moves, 0);
        QCOMPARE(runTrimmer(0, 6, 40).moves, 0);
        // Noisy but stable (±6 ms around 40 ms): corrected, and then it stays put.
        const TrimRun noisy = runTrimmer(40, 6, 60);
        QVERIFY(noisy.rounds > 0);
        QVERIFY2(std::llabs(noisy.trimA - noisy.trimB - 40 * kMs) <= 6 * kMs,
                 qPrintable(QString::number(noisy.trimA - noisy.trimB)));
        QVERIFY2(noisy.moves <= 4, qPrintable(QString::number(noisy.moves)));
    }

    void trimsWaitForAStableMedianAndTheirOwnEcho() {
        SkewTrimmer first;
        SkewTrimmer trimmer; // a fresh one for the steady part
        quint64 seq = 0;
        auto roundOf = [&seq](SkewTrimmer &t, qint64 skewMs, std::optional<qint64> echoB,
                              qint64 nowMs) {
            FrameShown fa = clipFrame(1000, 50000 * kMs);
            FrameShown fb = clipFrame(1000, 50000 * kMs + skewMs * kMs);
            fa.trimNs = t.trimNs(QStringLiteral("a"), QStringLiteral("clip"));
            fb.trimNs = echoB;
            ++seq;
            return t.update({{QStringLiteral("a"), seq, {fa}}, {QStringLiteral("b"), seq, {fb}}},
                            nowMs);
        };
        auto round = [&](qint64 skewMs, std::optional<qint64> echoB, qint64 nowMs) {
            return roundOf(trimmer, skewMs, echoB, nowMs);
        };
        // A node that cannot apply a trim (no echo): never corrected.
        for (int i = 0; i < 10; ++i)
            QVERIFY(!roundOf(first, 60, std::nullopt, i * 1000));
        // Unsteady samples (60, -40, 60, -40, ...): no stable median, nothing moves.
        for (int i = 0; i < 10; ++i)
            QVERIFY(!roundOf(first, i % 2 ? -40 : 60, 0, 20000 + i * 1000));
        QVERIFY(first.trimsOf(QStringLiteral("b")).isEmpty());
        // Steady: after a full window, one move; the same reports again count for nothing.
        int moved = -1;
        for (int i = 0; i < 10 && moved < 0; ++i)
            if (round(60, 0, 40000 + i * 1000))
                moved = i;
        QCOMPARE(moved, SkewTrimmer::kWindow - 1);
        QCOMPARE(trimmer.trimNs(QStringLiteral("b"), QStringLiteral("clip")), -30 * kMs);
        // Until b echoes its new trim, its reports are not samples.
        for (int i = 0; i < 10; ++i)
            QVERIFY(!round(60, 0, 50000 + i * 1000));
        QCOMPARE(trimmer.trimsOf(QStringLiteral("b")).value(QStringLiteral("clip")), -30 * kMs);
        QVERIFY(trimmer.document().contains(R"("b":{"clip":-30000000})"));
    }

    // The store's copy (a controller started again, a standby that took over): the trims come
    // back with when they were last seen, and are learnt on from there; too old ones do not.
    void trimsAreRestoredAndLearntOn() {
        const TrimRun learnt = runTrimmer(70, 0, 40); // a +33.3 / -33.3 ms pair
        SkewTrimmer first;
        quint64 seq = 0;
        const qint64 utc = 1'800'000'000'000LL; // the wall clock, ms
        // One reporting round at nowMs: a shows the clip at t, b offsetMs later, with their trims.
        auto round = [&seq](SkewTrimmer &t, qint64 offsetMs, qint64 nowMs,
                            QStringList nodes = {QStringLiteral("a"), QStringLiteral("b")}) {
            QList<SkewTrimmer::NodeReport> reports;
            ++seq;
            for (const QString &n : nodes) {
                const qint64 trim = t.trimNs(n, QStringLiteral("clip"));
                FrameShown f = clipFrame(
                    1000, 50000 * kMs + (n == QLatin1String("b") ? offsetMs * kMs : 0) + trim);
                f.trimNs = trim;
                reports.append({n, seq, {f}});
            }
            return t.update(reports, nowMs);
        };
        for (int i = 0; i < 40; ++i)
            round(first, 70, i * 1000);
        QCOMPARE(first.trimNs(QStringLiteral("b"), QStringLiteral("clip")), learnt.trimB);
        const QByteArray saved = first.saved(39000, utc);
        QVERIFY2(saved.contains(R"("b":{"clip":{"ns":-33333333,"seenAt":1800000000000})"),
                 saved.constData());

        // Restored a minute later by a process whose clock starts at 0: the trims are back,
        // published as they were, and the skew stays corrected with no new step.
        SkewTrimmer again;
        QString why;
        QCOMPARE(again.restore(saved, 0, utc + 60000, &why), std::optional<int>(2));
        QCOMPARE(again.document(), first.document());
        int moves = 0;
        for (int i = 0; i < 30; ++i)
            moves += round(again, 70, i * 1000) ? 1 : 0;
        QCOMPARE(moves, 0);
        QCOMPARE(again.trimNs(QStringLiteral("b"), QStringLiteral("clip")), learnt.trimB);

        // A restored trim that is wrong now (the delay went away): learnt back toward 0.
        SkewTrimmer stale;
        QCOMPARE(stale.restore(saved, 0, utc + 60000, &why), std::optional<int>(2));
        for (int i = 0; i < 40; ++i)
            round(stale, 0, i * 1000);
        QVERIFY2(std::llabs(stale.trimNs(QStringLiteral("b"), QStringLiteral("clip"))) < 10 * kMs,
                 qPrintable(QString::number(stale.trimNs(QStringLiteral("b"), "clip"))));

        // Seen more than kForgetMs ago: not restored.
        SkewTrimmer late;
        QCOMPARE(late.restore(saved, 0, utc + SkewTrimmer::kForgetMs + 1, &why),
                 std::optional<int>(0));
        QVERIFY(!late.hasTrims());
        // Its forget time counts from seenAt: restored 9 minutes on, forgotten a minute later.
        SkewTrimmer nine;
        QCOMPARE(nine.restore(saved, 0, utc + 9 * 60000, &why), std::optional<int>(2));
        QVERIFY(!nine.update({}, 59000));
        QVERIFY(nine.hasTrims());
        QVERIFY(nine.update({}, 61000)); // forgotten: a change to publish
        QVERIFY(!nine.hasTrims());
        QCOMPARE(nine.document(), QByteArray(R"({"trims":{}})"));

        // Bad documents: refused with a reason, nothing taken.
        for (const QByteArray &bad :
             {QByteArray("nonsense"), QByteArray(R"({"trims":{}})"),
              QByteArray(R"({"version":1,"trims":{"a":{"clip":{"ns":500000000,"seenAt":1}}}})"),
              QByteArray(R"({"version":1,"trims":{"a":{"clip":{"ns":1.5,"seenAt":1}}}})"),
              QByteArray(R"({"version":1,"trims":{"a":{"clip":{"ns":1}}}})"),
              QByteArray(R"({"version":1,"trims":{"":{"clip":{"ns":1,"seenAt":1}}}})"),
              QByteArray(R"({"version":1,"trims":{"a":[]}})")}) {
            SkewTrimmer t;
            why.clear();
            QVERIFY2(!t.restore(bad, 0, utc, &why), bad.constData());
            QVERIFY(!why.isEmpty());
            QVERIFY(!t.hasTrims());
        }
    }

    // A node that stops showing a stream keeps its trim for kForgetMs, then it is forgotten
    // (the stream comes back from 0 there); one that keeps showing it keeps it.
    void trimsOfStreamsNoLongerShownAreForgotten() {
        SkewTrimmer t;
        quint64 seq = 0;
        qint64 now = 0;
        auto round = [&](const QList<std::pair<QString, QString>> &shown) {
            QList<SkewTrimmer::NodeReport> reports;
            ++seq;
            for (const auto &[node, stream] : shown) {
                const qint64 trim = t.trimNs(node, stream);
                FrameShown f = clipFrame(
                    1000, 50000 * kMs + (node == QLatin1String("b") ? 70 * kMs : 0) + trim);
                f.stream = stream;
                f.trimNs = trim;
                bool added = false;
                for (SkewTrimmer::NodeReport &r : reports)
                    if (r.node == node) {
                        r.frames.append(f);
                        added = true;
                    }
                if (!added)
                    reports.append({node, seq, {f}});
            }
            now += 1000;
            return t.update(reports, now);
        };
        const QString a = QStringLiteral("a"), b = QStringLiteral("b");
        for (int i = 0; i < 30; ++i)
            round({{a, "clip"}, {b, "clip"}, {a, "cam"}, {b, "cam"}});
        QVERIFY(t.trimNs(b, "clip") < 0 && t.trimNs(b, "cam") < 0);
        // "cam" leaves every node: kept for the grace period, then forgotten; "clip" stays.
        bool forgotten = false;
        qint64 leftAt = now;
        while (!forgotten && now - leftAt < 2 * SkewTrimmer::kForgetMs)
            forgotten = round({{a, "clip"}, {b, "clip"}});
        QVERIFY(forgotten);
        QVERIFY2(now - leftAt > SkewTrimmer::kForgetMs &&
                     now - leftAt <= SkewTrimmer::kForgetMs + 1000,
                 qPrintable(QString::number(now - leftAt)));
        QCOMPARE(t.trimNs(b, "cam"), 0);
        QCOMPARE(t.trimNs(a, "cam"), 0);
        QVERIFY(t.trimNs(b, "clip") < 0);
        QVERIFY(!t.document().contains("cam"));
        QVERIFY(!t.saved(now, 0).contains("cam"));
    }

    // Where the shared timeline has a frame due: a clip at its start (or the epoch without one,
    // the OpenGL path's "gl:" streams and {"uri"} clips), at the nearest loop; live HLS at its
    // anchor, the trim counted; RTP nowhere; nothing a second or more from it.
    void timelinePlacesFramesOfFilesAndAnchoredLiveHls() {
        const SharedTimeline t =
            SharedTimeline::of(R"({"port":5000,"baseTimeNs":9600000000,"latencyMs":400})",
                               {{QStringLiteral("clip"), 40000 * kMs}},
                               {{QStringLiteral("live"), StreamAnchor{90000, 50000 * kMs}}});
        QCOMPARE(t.epochNs, 10000 * kMs);
        // Position 1 s of the clip is due at 41 s, 44 s, ... (3 s loops).
        QCOMPARE(t.lateNs(clipFrame(1000, 41000 * kMs)), std::optional<qint64>(0));
        QCOMPARE(t.lateNs(clipFrame(1000, 44070 * kMs)), std::optional<qint64>(70 * kMs));
        QCOMPARE(t.lateNs(clipFrame(1000, 43990 * kMs)), std::optional<qint64>(-10 * kMs));
        // A trim in effect is part of what was shown.
        FrameShown trimmed = clipFrame(1000, 44000 * kMs);
        trimmed.trimNs = -70 * kMs;
        QCOMPARE(t.lateNs(trimmed), std::optional<qint64>(0));
        // No start: from the epoch (position 1 s due at 11 s, 14 s, ...).
        FrameShown gl = clipFrame(1000, 14020 * kMs);
        gl.stream = QStringLiteral("gl:clip");
        QCOMPARE(t.lateNs(gl), std::optional<qint64>(20 * kMs));
        // Live HLS: PTS 90000 at 50 s, PTS 180000 (1 s on) at 51 s; its trim counts here.
        FrameShown live = frame(180000, 51040 * kMs, QStringLiteral("live"));
        QCOMPARE(t.lateNs(live), std::optional<qint64>(40 * kMs));
        live.trimNs = -40 * kMs;
        live.shownNs = 51000 * kMs; // shown 40 ms earlier by it: due now
        QCOMPARE(t.lateNs(live), std::optional<qint64>(0));
        // RTP (or live HLS before its anchor): not placed.
        QCOMPARE(t.lateNs(frame(180000, 51000 * kMs)), std::optional<qint64>());
        QCOMPARE(t.lateNs(frame(180000, 51000 * kMs, QStringLiteral("other"))),
                 std::optional<qint64>());
        // More than a second off: not this timeline (a report from before a new start).
        QCOMPARE(t.lateNs(frame(180000, 52100 * kMs, QStringLiteral("live"))),
                 std::optional<qint64>());
        QCOMPARE(t.lateNs(clipFrame(1000, 42200 * kMs)), std::optional<qint64>());
        // Health's figures, to 0.1 ms, for the placed streams only.
        const QJsonObject ms = t.lateMsOf({clipFrame(1000, 44070 * kMs), frame(1, 1)});
        QCOMPARE(ms, QJsonObject({{"clip", 70.0}}));
        // Without a clock an unstamped clip has no place; a bad document is no clock.
        const SharedTimeline noClock = SharedTimeline::of("nonsense", {}, {});
        QCOMPARE(noClock.epochNs, -1);
        QCOMPARE(noClock.lateNs(clipFrame(1000, 41000 * kMs)), std::optional<qint64>());
        QCOMPARE(SharedTimeline::of(R"({"baseTimeNs":-5,"latencyMs":400})", {}, {}).epochNs, -1);
    }

    // A node alone that shows a clip 70 ms late against the timeline: trimmed to it, a frame at
    // most per step. Without the timeline (before: only nodes against each other) it stayed.
    void aNodeAloneIsHeldToTheTimeline() {
        qint64 now = 0;
        quint64 seq = 0;
        SkewTrimmer before;
        QCOMPARE(clipRounds(before, {{"b", 70}}, 60, &now, &seq, {}), 0);
        QVERIFY(!before.hasTrims());

        SkewTrimmer t;
        const SharedTimeline timeline = clipTimeline();
        const int moves = clipRounds(t, {{"b", 70}}, 60, &now, &seq, placedBy(timeline));
        const qint64 trimB = t.trimNs(QStringLiteral("b"), QStringLiteral("clip"));
        std::printf("RESULT skew trimmer: a node alone 70 ms late against the timeline: trim "
                    "%+.1f ms after %d moves\n",
                    trimB / 1e6, moves);
        QCOMPARE(moves, 3); // -33.3, -66.7, -70: steps of a frame at most, until under 3 ms
        QCOMPARE(trimB, -70 * kMs);
        // A second node joins, on the timeline: in step at once, and no trim for it.
        const qint64 joinedAt = now;
        QCOMPARE(clipRounds(t, {{"a", 0}, {"b", 70}}, 30, &now, &seq, placedBy(timeline)), 0);
        QCOMPARE(t.trimNs(QStringLiteral("a"), QStringLiteral("clip")), 0);
        FrameShown a = clipFrame(1000, 41000 * kMs);
        FrameShown b = clipFrame(1000, 41000 * kMs + 70 * kMs + trimB);
        QCOMPARE(skewNs(a, b), std::optional<qint64>(0));
        QVERIFY(now > joinedAt);
    }

    // Two nodes on the timeline: each moves on its own (the late one only), not toward the
    // middle as nodes compared with each other do (runTrimmer: +33.3 and -33.3 ms).
    void eachNodeIsHeldToTheTimelineOnItsOwn() {
        qint64 now = 0;
        quint64 seq = 0;
        SkewTrimmer t;
        const SharedTimeline timeline = clipTimeline();
        QCOMPARE(clipRounds(t, {{"a", 0}, {"b", 70}}, 60, &now, &seq, placedBy(timeline)), 3);
        QCOMPARE(t.trimNs(QStringLiteral("a"), QStringLiteral("clip")), 0);
        QCOMPARE(t.trimNs(QStringLiteral("b"), QStringLiteral("clip")), -70 * kMs);
        // Both early by 15 ms (the timeline moved for both): both trimmed later, apart as before.
        clipRounds(t, {{"a", -15}, {"b", 55}}, 30, &now, &seq, placedBy(timeline));
        QCOMPARE(t.trimNs(QStringLiteral("a"), QStringLiteral("clip")), 15 * kMs);
        QCOMPARE(t.trimNs(QStringLiteral("b"), QStringLiteral("clip")), -55 * kMs);
    }

    // What the timeline does not place is not held to it: an RTP stream alone stays as it is,
    // two nodes of it still meet in the middle; a stream placed for some of its nodes only (a
    // report from before a new start) is passed over until all are.
    void streamsTheTimelineDoesNotPlaceAreComparedBetweenNodes() {
        const SharedTimeline timeline = clipTimeline();
        SkewTrimmer t;
        quint64 seq = 0;
        auto camRound = [&](const QHash<QString, qint64> &lateMs, qint64 nowMs) {
            QList<SkewTrimmer::NodeReport> reports;
            ++seq;
            for (auto it = lateMs.cbegin(); it != lateMs.cend(); ++it) {
                const qint64 trim = t.trimNs(it.key(), QStringLiteral("cam"));
                FrameShown f = frame(90000, 50000 * kMs + it.value() * kMs + trim);
                f.trimNs = trim;
                reports.append({it.key(), seq, {f}});
            }
            return t.update(reports, nowMs, placedBy(timeline));
        };
        for (int i = 0; i < 30; ++i)
            QVERIFY(!camRound({{"b", 70}}, i * 1000));
        QVERIFY(!t.hasTrims());
        for (int i = 30; i < 60; ++i)
            camRound({{"a", 0}, {"b", 70}}, i * 1000);
        QCOMPARE(t.trimNs(QStringLiteral("a"), QStringLiteral("cam")), SkewTrimmer::kStepNs);
        QCOMPARE(t.trimNs(QStringLiteral("b"), QStringLiteral("cam")), -SkewTrimmer::kStepNs);

        // a's clip on the timeline, b's 1.5 s off it (not placed): nothing moves.
        SkewTrimmer mixed;
        for (int i = 0; i < 30; ++i) {
            FrameShown a = clipFrame(1000, 41050 * kMs);
            FrameShown b = clipFrame(1000, 42500 * kMs);
            a.trimNs = 0;
            b.trimNs = 0;
            QVERIFY(!mixed.update({{QStringLiteral("a"), quint64(i + 1), {a}},
                                   {QStringLiteral("b"), quint64(i + 1), {b}}},
                                  i * 1000, placedBy(timeline)));
        }
        QVERIFY(!mixed.hasTrims());
    }

    // Live HLS once anchored: a node alone that shows it late against its anchor is trimmed.
    void aNodeAloneIsHeldToItsLiveAnchor() {
        const SharedTimeline timeline =
            SharedTimeline::of({}, {}, {{QStringLiteral("live"), StreamAnchor{0, 50000 * kMs}}});
        SkewTrimmer t;
        for (int i = 0; i < 60; ++i) {
            const qint64 trim = t.trimNs(QStringLiteral("b"), QStringLiteral("live"));
            // PTS i s shown at 50 s + i s, 40 ms late, plus its trim.
            FrameShown f = frame(quint32(i * 90000), (50000 + i * 1000 + 40) * kMs + trim,
                                 QStringLiteral("live"));
            f.trimNs = trim;
            t.update({{QStringLiteral("b"), quint64(i + 1), {f}}}, i * 1000, placedBy(timeline));
        }
        QCOMPARE(t.trimNs(QStringLiteral("b"), QStringLiteral("live")), -40 * kMs);
    }
};

QTEST_GUILESS_MAIN(TestNodesVideoSyncTrims)
#include "tst_nodes_videosync_trims.moc"
