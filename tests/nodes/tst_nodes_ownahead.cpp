// A controller's own outputs (--role controller --outputs: NodeRoles::ownOutputsState) take a new
// list of the layouts expected next, while a recall waits for its switch time, only after the
// list from before the recall, and alone once it is applied (app/shell/follower.h), as a node
// does: the live state takes the list at once, and that list may no longer name the layout the
// own outputs are about to switch to.
//
// A controller as an opswall process on loopback, offscreen, drawing output 0 itself, keeping no
// layout built (--kept-layouts 0), driven through its API. A briefing of three steps: A (60
// tiles), B (10), C (60). While A is shown the list is [B, A]: B's 10 tiles are built ahead. Once
// B is shown the list is [C, A, B] (next, previous, current), and the views' 120 tiles built ahead
// are C's and A's: B is cut. The own outputs log each switch ("the controller's own outputs:
// revision R switched in: B tiles built for it, T taken built ahead or kept, ...").
//
// Fails without the hold: the own state took [C, A, B] while still showing A, let B's tiles go
// (nothing keeps them), and built all 10 at B's switch. A new list is not held back whole either:
// it is taken at once after the list from before the recall (the source "coming"), so A, which
// the list that came with the start names, is built ahead before its own switch.
#include "nodecluster.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTest>

#include <memory>
#include <optional>

namespace {

// n colour tiles named prefix0, prefix1, ... (100 × 100 mm each, 10 a row, all on output 0's
// display L) over a background of the same colour.
QJsonObject gridLayout(const QString &prefix, int n, const QString &colour) {
    QJsonArray tiles;
    for (int i = 0; i < n; ++i)
        tiles.append(QJsonObject{{"id", prefix + QString::number(i)},
                                 {"kind", "color"},
                                 {"title", ""},
                                 {"frame", false},
                                 {"rect", QJsonObject{{"x", (i % 10) * 100},
                                                      {"y", (i / 10) * 100},
                                                      {"width", 100},
                                                      {"height", 100}}},
                                 {"z", 0},
                                 {"binding", QJsonObject{{"color", colour}}}});
    return {{"schemaVersion", 1},
            {"kind", "opswall.layout"},
            {"name", prefix},
            {"background", colour},
            {"tiles", tiles}};
}

} // namespace

class TestNodesOwnAhead : public QObject {
    Q_OBJECT

    std::unique_ptr<nodetest::Cluster> m_c;

    QString log() const { return QString::fromUtf8(m_c->controller.log); }

    // True once the own outputs show the controller's live revision (30 s at most).
    bool ownShowsLive(quint64 *revision) {
        *revision = m_c->liveRevision();
        return QTest::qWaitFor(
            [&] {
                return quint64(m_c->health()["ownOutputs"].toObject()["revision"].toInteger()) ==
                       *revision;
            },
            30000);
    }

private Q_SLOTS:
    void init() { m_c = std::make_unique<nodetest::Cluster>(); }
    void cleanup() { m_c.reset(); }

    // Stepping from A to B: B, built ahead while A was shown, switches in on the own outputs
    // with nothing built at the switch, and is shown.
    void aStepRecalledKeepsItsTilesBuiltAheadUntilItsSwitch() {
        QString why;
        QVERIFY2(m_c->start(&why, QStringLiteral(NODES_WALL),
                            {QStringLiteral("--outputs"), QStringLiteral("0"),
                             QStringLiteral("--kept-layouts"), QStringLiteral("0"),
                             QStringLiteral("--ahead-recent"), QStringLiteral("0")}),
                 qPrintable(why));
        // Recalls wait for a switch time on the shared clock (the video clock).
        QVERIFY2(m_c->controller.log.contains("video clock for render nodes on"),
                 m_c->controller.log.constData());
        const QJsonArray steps{
            QJsonObject{{"title", "A"}, {"layout", gridLayout("a", 60, "#d02020")}},
            QJsonObject{{"title", "B"}, {"layout", gridLayout("b", 10, "#20b040")}},
            QJsonObject{{"title", "C"}, {"layout", gridLayout("c", 60, "#2040d0")}}};
        const QJsonObject briefing{{"schemaVersion", 1},
                                   {"kind", "opswall.briefing"},
                                   {"title", "Own ahead"},
                                   {"steps", steps}};
        const auto saved = m_c->api("POST", QStringLiteral("/briefings"), {{"briefing", briefing}});
        QCOMPARE(saved.status, 201);
        const int id = nodetest::Cluster::json(saved)["id"].toInt();

        QCOMPARE(m_c->api("POST", QStringLiteral("/briefings/%1/start").arg(id)).status, 200);
        quint64 revision = 0;
        QVERIFY(ownShowsLive(&revision));
        // A itself, named by the list that came with its recall ([B, A]), was built ahead while
        // its switch time came: that list is taken at once, after the one from before the recall
        // (here none). Held until the switch, it built all 60 at the switch.
        const auto switchOf = [this](quint64 r) {
            const QRegularExpression line(
                QStringLiteral("the controller's own outputs: revision %1 switched in: (\\d+) "
                               "tiles built for it, (\\d+) taken built ahead")
                    .arg(r));
            QRegularExpressionMatch m;
            (void)QTest::qWaitFor( // no match: the caller says which switch was not logged
                [&] {
                    m = line.match(log());
                    return m.hasMatch();
                },
                10000);
            return m;
        };
        const QRegularExpressionMatch first = switchOf(revision);
        QVERIFY2(first.hasMatch(), "the own outputs logged no switch to A");
        QVERIFY2(first.captured(2).toInt() > 0, qPrintable(first.captured(0)));
        // A shown, [B, A] expected: B's 10 tiles built ahead in the own outputs' model (the only
        // list since the start: no other source names a layout).
        const QRegularExpression builtAhead(
            QStringLiteral("the controller's own outputs: the layouts expected next are built "
                           "ahead: \\d+ tiles of 2 layouts"));
        QVERIFY2(QTest::qWaitFor([&] { return builtAhead.match(log()).hasMatch(); }, 60000),
                 "the own outputs never built step B ahead");

        QCOMPARE(m_c->api("POST", QStringLiteral("/briefings/current/next")).status, 200);
        QVERIFY(ownShowsLive(&revision));
        const QRegularExpressionMatch m = switchOf(revision);
        QVERIFY2(m.hasMatch(), "the own outputs logged no switch");
        QCOMPARE(m.captured(1).toInt(), 0); // nothing built at the switch
        QCOMPARE(m.captured(2).toInt(), 10);
        // And B is what output 0 shows.
        QVERIFY2(QTest::qWaitFor(
                     [&] {
                         const std::optional<QRgb> px = m_c->centreOf(0, &why);
                         return px && std::abs(qRed(*px) - 0x20) < 40 &&
                                std::abs(qGreen(*px) - 0xb0) < 40 &&
                                std::abs(qBlue(*px) - 0x40) < 40;
                     },
                     10000),
                 qPrintable(why));
    }
};

QTEST_MAIN(TestNodesOwnAhead)
#include "tst_nodes_ownahead.moc"
