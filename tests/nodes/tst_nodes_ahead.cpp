// Render nodes build the layouts the controller expects next ahead (app/nodes/nodeahead.h,
// nodewall.rep ahead), as the controller's own views do: a controller and one node as opswall
// processes on loopback, offscreen, driven through the controller's API. The node keeps no
// layout built (--kept-layouts 0), so only what it builds ahead can spare a recall its build. The
// node logs each switch with what it built for it ("revision N switched in: B tiles built for
// it, T taken built ahead or kept, ..."); its output is grabbed through the controller (GET
// /api/v1/outputs/0/snapshot) and must show the recalled layout.
//
// Fails without the replication: a step or a preset built ahead on the controller is built by the
// node at the switch (B = 1).
#include "nodecluster.h"
#include "nodelayouts.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTest>

#include <memory>
#include <optional>

namespace {

using nodetest::Process;

// One colour over the whole canvas, its tile named id (distinct per layout: nothing persists).
QJsonObject colourLayout(const QString &id, const QString &colour) {
    QJsonObject layout = nodetest::colourLayout(id, colour);
    QJsonObject tile = nodetest::colourTile(colour);
    tile.insert(QStringLiteral("id"), id);
    layout.insert(QStringLiteral("tiles"), QJsonArray{tile});
    return layout;
}

struct Colour {
    QString name;
    QString hex;
    int r, g, b;
};
const Colour kRed{QStringLiteral("red"), QStringLiteral("#d02020"), 0xd0, 0x20, 0x20};
const Colour kGreen{QStringLiteral("green"), QStringLiteral("#20b040"), 0x20, 0xb0, 0x40};
const Colour kBlue{QStringLiteral("blue"), QStringLiteral("#2040d0"), 0x20, 0x40, 0xd0};
const Colour kGrey{QStringLiteral("grey"), QStringLiteral("#808080"), 0x80, 0x80, 0x80};

// What the node built for a switch, from its log line.
struct Switch {
    int built = -1;
    int taken = -1;
};

} // namespace

class TestNodesAhead : public QObject {
    Q_OBJECT

    nodetest::Cluster &m_cluster() { return *m_c; }
    std::unique_ptr<nodetest::Cluster> m_c; // a fresh controller, store and node per test
    std::unique_ptr<Process> m_node;

    // Starts the controller (more: its arguments) and node-a on output 0 with no layout kept.
    bool startClusterAndNode(const QStringList &more, QString *why) {
        if (!m_cluster().start(why, QStringLiteral(NODES_WALL), more))
            return false;
        m_cluster().startNode(m_node, QStringLiteral("node-a"), QStringLiteral("0"),
                              m_cluster().nodeTokenFile,
                              {QStringLiteral("--kept-layouts"), QStringLiteral("0")});
        if (!QTest::qWaitFor(
                [&] {
                    return m_cluster().nodeHealth(QStringLiteral("node-a"))["connected"].toBool();
                },
                60000)) {
            *why = QStringLiteral("the node did not link");
            return false;
        }
        return true;
    }

    // True once the node reports the controller's live revision (30 s at most).
    bool nodeShowsLive(quint64 *revision) {
        *revision = m_cluster().liveRevision();
        return QTest::qWaitFor(
            [&] {
                return quint64(m_cluster()
                                   .nodeHealth(QStringLiteral("node-a"))["revision"]
                                   .toInteger()) == *revision;
            },
            30000);
    }

    // The node's log line for the switch to revision (10 s at most for it to come).
    Switch switchOf(quint64 revision) {
        const QRegularExpression line(
            QStringLiteral("revision %1 switched in: (\\d+) tiles built for it, (\\d+) taken "
                           "built ahead")
                .arg(revision));
        Switch s; // built -1 when the line did not come
        (void)QTest::qWaitFor(
            [&] {
                const QRegularExpressionMatch m = line.match(QString::fromUtf8(m_node->log));
                if (!m.hasMatch())
                    return false;
                s = {m.captured(1).toInt(), m.captured(2).toInt()};
                return true;
            },
            10000);
        return s;
    }

    // How many times the node said the layouts expected next were built ahead.
    int aheadBuiltLines() const {
        return int(m_node->log.count("the layouts expected next are built ahead"));
    }
    // Waits until it says so once more than `before` (60 s at most).
    bool aheadBuiltAfter(int before) {
        return QTest::qWaitFor([&] { return aheadBuiltLines() > before; }, 60000);
    }

    bool outputShows(const Colour &c, QString *why) {
        return QTest::qWaitFor(
            [&] {
                const std::optional<QRgb> px = m_cluster().centreOf(0, why);
                if (!px)
                    return false;
                *why = QStringLiteral("output 0 shows rgb(%1, %2, %3), not %4")
                           .arg(qRed(*px))
                           .arg(qGreen(*px))
                           .arg(qBlue(*px))
                           .arg(c.name);
                return std::abs(qRed(*px) - c.r) < 40 && std::abs(qGreen(*px) - c.g) < 40 &&
                       std::abs(qBlue(*px) - c.b) < 40;
            },
            10000);
    }

    int recall(int preset) {
        const auto r = m_cluster().api("POST", QStringLiteral("/presets/%1/recall").arg(preset));
        return r.status;
    }

private Q_SLOTS:
    void init() { m_c = std::make_unique<nodetest::Cluster>(); }
    void cleanup() {
        m_node.reset();
        m_c.reset();
    }
    void briefingStepsAreBuiltAheadOnTheNode();
    void recalledPresetsAreBuiltAheadOnTheNode();
};

// A running briefing's next step is built ahead on the node: each step switches in with nothing
// built for it, and shows its colour; the list follows the steps (step 3 is built ahead once step
// 2 is shown). A preset in no list (the briefing ended) is built at its switch and shown.
void TestNodesAhead::briefingStepsAreBuiltAheadOnTheNode() {
    QString why;
    QVERIFY2(startClusterAndNode({QStringLiteral("--ahead-recent"), QStringLiteral("0")}, &why),
             qPrintable(why));
    QJsonArray steps;
    for (const Colour &c : {kRed, kGreen, kBlue})
        steps.append(QJsonObject{{"title", c.name}, {"layout", colourLayout(c.name, c.hex)}});
    const QJsonObject briefing{
        {"schemaVersion", 1}, {"kind", "opswall.briefing"}, {"title", "Ahead"}, {"steps", steps}};
    const auto saved =
        m_cluster().api("POST", QStringLiteral("/briefings"), {{"briefing", briefing}});
    QCOMPARE(saved.status, 201);
    const int id = nodetest::Cluster::json(saved)["id"].toInt();
    const int grey = m_cluster().savePreset(kGrey.name, colourLayout(kGrey.name, kGrey.hex));
    QVERIFY(grey > 0);

    int lines = aheadBuiltLines();
    QCOMPARE(m_cluster().api("POST", QStringLiteral("/briefings/%1/start").arg(id)).status, 200);
    quint64 revision = 0;
    QVERIFY(nodeShowsLive(&revision));
    QVERIFY2(outputShows(kRed, &why), qPrintable(why));
    for (const Colour &step : {kGreen, kBlue}) {
        // The next step is built ahead on the node (after the one shown now was applied).
        QVERIFY2(aheadBuiltAfter(lines), "the node never built the next step ahead");
        lines = aheadBuiltLines();
        QCOMPARE(m_cluster().api("POST", QStringLiteral("/briefings/current/next")).status, 200);
        QVERIFY(nodeShowsLive(&revision));
        const Switch s = switchOf(revision);
        QVERIFY2(s.built >= 0, "the node logged no switch");
        QCOMPARE(s.built, 0); // nothing built at the switch: taken as built ahead
        QCOMPARE(s.taken, 1);
        QVERIFY2(outputShows(step, &why), qPrintable(why));
    }

    // Ended: nothing is expected any more. A preset in no list is built at its switch, and shown.
    QCOMPARE(m_cluster().api("POST", QStringLiteral("/briefings/current/end")).status, 200);
    QCOMPARE(recall(grey), 200);
    QVERIFY(nodeShowsLive(&revision));
    const Switch s = switchOf(revision);
    QCOMPARE(s.built, 1);
    QCOMPARE(s.taken, 0);
    QVERIFY2(outputShows(kGrey, &why), qPrintable(why));
}

// The presets recalled most of late (--ahead-recent) are built ahead on the node, and the list
// follows the recalls: red, recalled once, is built ahead (not kept: the node keeps no layout)
// while blue is shown, so recalling it again builds nothing; green, never recalled, is in no list
// before its recall.
void TestNodesAhead::recalledPresetsAreBuiltAheadOnTheNode() {
    QString why;
    QVERIFY2(startClusterAndNode({QStringLiteral("--ahead-recent"), QStringLiteral("3")}, &why),
             qPrintable(why));
    QHash<QString, int> presets;
    for (const Colour &c : {kRed, kGreen, kBlue}) {
        presets.insert(c.name, m_cluster().savePreset(c.name, colourLayout(c.name, c.hex)));
        QVERIFY(presets.value(c.name) > 0);
    }
    quint64 revision = 0;
    // Red, then blue: each recalled for the first time, so in no list before its recall: built at
    // its switch, or ahead while its switch time came when the list that comes with its recall
    // (the most recalled, now naming it) is taken before it (app/shell/follower.h).
    const auto builtOnce = [this](quint64 r) {
        const Switch s = switchOf(r);
        return s.built + s.taken == 1;
    };
    QCOMPARE(recall(presets.value(kRed.name)), 200);
    QVERIFY(nodeShowsLive(&revision));
    QVERIFY(builtOnce(revision));
    int lines = aheadBuiltLines();
    QCOMPARE(recall(presets.value(kBlue.name)), 200);
    QVERIFY(nodeShowsLive(&revision));
    QVERIFY(builtOnce(revision));
    QVERIFY2(outputShows(kBlue, &why), qPrintable(why));
    // The list now has blue and red; red is built ahead.
    QVERIFY2(aheadBuiltAfter(lines), "the node never built the recalled presets ahead");

    QCOMPARE(recall(presets.value(kRed.name)), 200);
    QVERIFY(nodeShowsLive(&revision));
    Switch s = switchOf(revision);
    QCOMPARE(s.built, 0);
    QCOMPARE(s.taken, 1);
    QVERIFY2(outputShows(kRed, &why), qPrintable(why));

    // Green, never recalled: in no list before its recall (built at its switch, or while its
    // switch time came, as red and blue at first).
    QCOMPARE(recall(presets.value(kGreen.name)), 200);
    QVERIFY(nodeShowsLive(&revision));
    QVERIFY(builtOnce(revision));
    QVERIFY2(outputShows(kGreen, &why), qPrintable(why));
}

QTEST_MAIN(TestNodesAhead)
#include "tst_nodes_ahead.moc"
