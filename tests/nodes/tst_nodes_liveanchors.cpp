// The controller's live HLS anchors (liveanchors.h): the document nodes read (bounded, checked),
// and which report anchors which stream.
#include "nodes/liveanchors.h"

#include <QTest>

using namespace opswall::nodes;

class TestNodesLiveAnchors : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void documentRoundTrips() {
        const QHash<QString, StreamAnchor> anchors{{QStringLiteral("cam"), {4294967295u, 123}},
                                                   {QStringLiteral("news"), {0, 4000000000000}}};
        QString why;
        const auto parsed = parseAnchors(anchorsDocument(anchors), &why);
        QVERIFY2(parsed, qPrintable(why));
        QCOMPARE(*parsed, anchors);
        QCOMPARE(parseAnchors(R"({"anchors":{}})", &why)->size(), 0);
    }
    void badDocumentsAreRefusedWithAReason_data() {
        QTest::addColumn<QByteArray>("doc");
        QTest::newRow("not JSON") << QByteArray("{");
        QTest::newRow("no anchors") << QByteArray(R"({"starts":{}})");
        QTest::newRow("pts too big")
            << QByteArray(R"({"anchors":{"a":{"pts":4294967296,"shownNs":1}}})");
        QTest::newRow("pts negative") << QByteArray(R"({"anchors":{"a":{"pts":-1,"shownNs":1}}})");
        QTest::newRow("pts fraction") << QByteArray(R"({"anchors":{"a":{"pts":1.5,"shownNs":1}}})");
        QTest::newRow("no time") << QByteArray(R"({"anchors":{"a":{"pts":1}}})");
        QTest::newRow("not an object") << QByteArray(R"({"anchors":{"a":5}})");
        QTest::newRow("empty name") << QByteArray(R"({"anchors":{"":{"pts":1,"shownNs":1}}})");
        QByteArray many = "{\"anchors\":{";
        for (int i = 0; i <= kMaxFrames; ++i)
            many += QByteArray(i ? "," : "") + "\"s" + QByteArray::number(i) +
                    "\":{\"pts\":1,\"shownNs\":1}";
        QTest::newRow("too many") << many + "}}";
        QTest::newRow("too big") << QByteArray(kMaxFramesDocBytes + 1, ' ');
    }
    void badDocumentsAreRefusedWithAReason() {
        QFETCH(QByteArray, doc);
        QString why;
        QVERIFY(!parseAnchors(doc, &why));
        QVERIFY(!why.isEmpty());
    }
    void theFirstReportOfALiveStreamAnchorsIt() {
        LiveAnchors anchors;
        QVERIFY(!anchors.setOnScreen({QStringLiteral("live"), QStringLiteral("vod")}));
        const FrameShown live{QStringLiteral("live"), 900000, 90000, 5000000000, 0, 10000000};
        const FrameShown vod{QStringLiteral("vod"), 100, 90000, 5000000000, 900000, {}};
        const FrameShown rtp{QStringLiteral("camera"), 100, 90000, 5000000000, 0, {}};
        QVERIFY(anchors.take(QStringLiteral("a"), {vod, rtp, live}, 2000000000));
        // The node's own trim taken out, the margin added; a clip with a loop and a stream that
        // is not a live source on screen get none.
        QCOMPARE(anchors.anchors(),
                 (QHash<QString, StreamAnchor>{{QStringLiteral("live"), {900000, 6990000000}}}));
        // A later report (another node) does not move it.
        FrameShown later = live;
        later.shownNs += 3000000000;
        QVERIFY(!anchors.take(QStringLiteral("a"), {later}, 2000000000));
        QCOMPARE(anchors.anchors().value(QStringLiteral("live")).shownNs, 6990000000);
        // Off screen: forgotten; back on screen: anchored anew from the next report.
        QVERIFY(anchors.setOnScreen({}));
        QVERIFY(anchors.anchors().isEmpty());
        QVERIFY(!anchors.take(QStringLiteral("a"), {later}, 2000000000));
        anchors.setOnScreen({QStringLiteral("live")});
        QVERIFY(anchors.take(QStringLiteral("a"), {later}, 2000000000));
        QCOMPARE(anchors.anchors().value(QStringLiteral("live")).shownNs, 9990000000);
    }
    void anAnchorANodeCannotReachMovesLater() {
        LiveAnchors anchors;
        anchors.setOnScreen({QStringLiteral("live")});
        const qint64 margin = 2000000000;
        // Node a anchors PTS 0 at 1 s + the margin = 3 s.
        QVERIFY(anchors.take(QStringLiteral("a"),
                             {{QStringLiteral("live"), 0, 90000, 1000000000, 0, {}}}, margin));
        // Node b shows PTS 90000 (due at 4 s) at 4.1 s: late but within kLateNs, and on time
        // after: no move.
        const FrameShown slightly{QStringLiteral("live"), 90000, 90000, 4100000000, 0, {}};
        QCOMPARE(LiveAnchors::lateNs(slightly, anchors.anchors().value(QStringLiteral("live"))),
                 100000000);
        for (int i = 0; i < 5; ++i)
            QVERIFY(!anchors.take(QStringLiteral("b"), {slightly}, margin));
        // Node c shows it 1.5 s late, report after report (its trim of 50 ms taken out): after
        // kLateReports of them the anchor moves that much later plus kLateMarginNs, once.
        const FrameShown late{QStringLiteral("live"), 90000, 90000, 5550000000, 0, 50000000};
        for (int i = 1; i < LiveAnchors::kLateReports; ++i)
            QVERIFY(!anchors.take(QStringLiteral("c"), {late}, margin));
        QVERIFY(anchors.take(QStringLiteral("c"), {late}, margin));
        QCOMPARE(anchors.anchors().value(QStringLiteral("live")).shownNs,
                 3000000000 + 1500000000 + LiveAnchors::kLateMarginNs);
        // One on-time report in between starts the count again.
        FrameShown later = late;
        later.shownNs += 2500000000; // late again against the moved anchor
        QVERIFY(!anchors.take(QStringLiteral("c"), {later}, margin));
        QVERIFY(!anchors.take(QStringLiteral("c"), {late}, margin)); // on time now
        QVERIFY(!anchors.take(QStringLiteral("c"), {later}, margin));
        QVERIFY(!anchors.take(QStringLiteral("c"), {later}, margin));
        // At most kMaxMoves moves per anchor: reports 1 s late against the anchor as it is.
        const auto oneSecondLate = [&] {
            FrameShown f{QStringLiteral("live"), 90000, 90000, 0, 0, {}};
            f.shownNs =
                anchors.anchors().value(QStringLiteral("live")).shownNs + 1000000000 + 1000000000;
            return f;
        };
        int moves = 1;
        for (int i = 0; i < 4 * LiveAnchors::kLateReports; ++i)
            moves += anchors.take(QStringLiteral("c"), {oneSecondLate()}, margin) ? 1 : 0;
        QCOMPARE(moves, LiveAnchors::kMaxMoves);
        // Pictures far from the anchor, report after report: the stream's timestamps jumped
        // (an encoder restarted), so it is anchored anew from that report.
        const FrameShown restarted{QStringLiteral("live"), 12345, 90000, 90000000000, 0, {}};
        for (int i = 1; i < LiveAnchors::kLateReports; ++i)
            QVERIFY(!anchors.take(QStringLiteral("c"), {restarted}, margin));
        QVERIFY(anchors.take(QStringLiteral("c"), {restarted}, margin));
        QCOMPARE(anchors.anchors().value(QStringLiteral("live")),
                 (StreamAnchor{12345, 90000000000 + margin}));
    }
    void anOpenGlPathReportAnchorsItsSource() {
        // A node showing the source on the OpenGL display path reports the stream "gl:<id>";
        // the anchor is the source's, which every node applies whatever its path.
        LiveAnchors anchors;
        QVERIFY(!anchors.setOnScreen({QStringLiteral("live")}));
        const FrameShown gl{QStringLiteral("gl:live"), 900000, 90000, 5000000000, 0, 10000000};
        QVERIFY(anchors.take(QStringLiteral("a"), {gl}, 2000000000));
        QCOMPARE(anchors.anchors().size(), 1);
        QCOMPARE(anchors.anchors().value(QStringLiteral("live")),
                 (StreamAnchor{900000, 5000000000 - 10000000 + 2000000000}));
        // The same source through the texture path afterwards: already anchored.
        const FrameShown tex{QStringLiteral("live"), 990000, 90000, 6000000000, 0, {}};
        QVERIFY(!anchors.take(QStringLiteral("b"), {tex}, 2000000000));
        // Off screen: neither report anchors anything.
        QVERIFY(anchors.setOnScreen({}));
        QVERIFY(!anchors.take(QStringLiteral("a"), {gl}, 2000000000));
        QVERIFY(anchors.anchors().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestNodesLiveAnchors)
#include "tst_nodes_liveanchors.moc"
