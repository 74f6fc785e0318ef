// Button panels against the real opswall, configured by an opswall.panels document (--panels):
// the simulated Stream Deck Studio (opswall-streamdeck-sim, itself checked against the npm
// client) gets the key faces and brightness, and its key presses recall presets with the
// panel's own role, audited via=panel; pages switch; the faces follow the wall (the active
// preset, the lock); the deck comes back after it restarts. A serial keypad over a socat
// pseudo-terminal pair and a TCP keypad map their lines to buttons. The OSC listener configured
// by the document (not --osc) sends its feedback to liblo's oscdump as a fixed feedback target.
#include "appundertest.h"
#include "devicesdoc.h"
#include "panelrecalls.h"

#include <QImage>
#include <QJsonArray>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QUdpSocket>

#include <algorithm>

using apptest::ApiResponse;
using apptest::Role;
using apptest::Wall;

namespace {
// A process whose stdout lines the test reads as they come.
class LineProcess {
public:
    QProcess process;
    QStringList lines;

    ~LineProcess() {
        if (process.state() != QProcess::NotRunning) {
            process.kill();
            process.waitForFinished(3000);
        }
    }
    void pump() {
        m_buffer += process.readAllStandardOutput();
        qsizetype nl;
        while ((nl = m_buffer.indexOf('\n')) >= 0) {
            lines << QString::fromUtf8(m_buffer.left(nl)).trimmed();
            m_buffer.remove(0, nl + 1);
        }
    }
    int count(const QRegularExpression &re) {
        pump();
        return int(std::count_if(lines.begin(), lines.end(),
                                 [&](const QString &l) { return re.match(l).hasMatch(); }));
    }
    // Waits until at least n lines match.
    bool waitFor(const QRegularExpression &re, int n = 1, int ms = 10000) {
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < ms) {
            if (count(re) >= n)
                return true;
            QTest::qWait(20);
        }
        return false;
    }

private:
    QByteArray m_buffer;
};

QRegularExpression re(const QString &pattern) {
    return QRegularExpression(QStringLiteral("^") + pattern + QStringLiteral("$"));
}
} // namespace

class TestPanelsDevices : public QObject {
    Q_OBJECT

    Wall m_app;
    LineProcess m_deck;
    LineProcess m_child; // a deck behind m_dock, on its own port
    LineProcess m_dock;  // a device that announces m_child as its child
    quint16 m_childPort = 0;
    LineProcess m_socat;
    LineProcess m_oscdump;
    QTcpServer m_keypadServer;
    QTcpSocket *m_keypad = nullptr; // the wall's connection to our TCP keypad
    QString m_kpPath;               // our end of the serial keypad's pseudo-terminal
    bool m_haveSocat = false;
    bool m_haveOscdump = false;
    QString m_a, m_b; // two demo presets
    QByteArray m_log;

    QByteArray log() {
        m_log += m_app.process.readAllStandardError();
        return m_log;
    }

    // The audited recalls of preset id by the panel `user` (panel:NAME), with that outcome.
    QList<QJsonObject> recalls(const QString &user, const QString &id, bool ok) {
        return paneltest::auditedRecalls(m_app, QStringLiteral("panel"), id, ok, user);
    }
    bool waitForRecall(const QString &user, const QString &id, bool ok, qsizetype before) {
        return paneltest::waitForAuditedRecall(m_app, QStringLiteral("panel"), id, ok, before,
                                               user);
    }
    QString layoutName() { return paneltest::layoutName(m_app); }
    QString presetName(const QString &id) { return paneltest::presetName(m_app, id); }

    void tap(int key) {
        m_deck.process.write(QStringLiteral("tap %1\n").arg(key).toUtf8());
        m_deck.process.waitForBytesWritten(1000);
    }

private Q_SLOTS:
    void initTestCase() {
        // The simulated Studio.
        m_deck.process.start(QStringLiteral(STREAMDECK_SIM_PATH),
                             {QStringLiteral("--port"), QStringLiteral("0"),
                              QStringLiteral("--serial"), QStringLiteral("OWDESK1"),
                              QStringLiteral("--keepalive-ms"), QStringLiteral("500")});
        QVERIFY(m_deck.process.waitForStarted(5000));
        QVERIFY(m_deck.waitFor(re(QStringLiteral("ready tcp 127\\.0\\.0\\.1:\\d+"))));
        const quint16 deckPort = m_deck.lines.first().section(u':', -1).toUShort();
        // A child deck and the device (a Studio standing in for a Network Dock) announcing it.
        m_child.process.start(QStringLiteral(STREAMDECK_SIM_PATH),
                              {QStringLiteral("--port"), QStringLiteral("0"),
                               QStringLiteral("--serial"), QStringLiteral("OWCHILD1"),
                               QStringLiteral("--keepalive-ms"), QStringLiteral("500")});
        QVERIFY(m_child.process.waitForStarted(5000));
        QVERIFY(m_child.waitFor(re(QStringLiteral("ready tcp 127\\.0\\.0\\.1:\\d+"))));
        m_childPort = m_child.lines.first().section(u':', -1).toUShort();
        m_dock.process.start(QStringLiteral(STREAMDECK_SIM_PATH),
                             {QStringLiteral("--port"), QStringLiteral("0"),
                              QStringLiteral("--serial"), QStringLiteral("OWDOCK1"),
                              QStringLiteral("--keepalive-ms"), QStringLiteral("500"),
                              QStringLiteral("--child-port"), QString::number(m_childPort)});
        QVERIFY(m_dock.process.waitForStarted(5000));
        QVERIFY(m_dock.waitFor(re(QStringLiteral("ready tcp 127\\.0\\.0\\.1:\\d+"))));
        const quint16 dockPort = m_dock.lines.first().section(u':', -1).toUShort();
        // The serial keypad: a socat pseudo-terminal pair; the wall opens drv, we write kp.
        const QString drv = m_app.dir.filePath(QStringLiteral("drv"));
        m_kpPath = m_app.dir.filePath(QStringLiteral("kp"));
        m_haveSocat = !QStandardPaths::findExecutable(QStringLiteral("socat")).isEmpty();
        if (m_haveSocat) {
            m_socat.process.start(QStringLiteral("socat"),
                                  {QStringLiteral("pty,raw,echo=0,link=") + drv,
                                   QStringLiteral("pty,raw,echo=0,link=") + m_kpPath});
            QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(drv) && QFile::exists(m_kpPath), 5000);
        }
        // The TCP keypad: a server the wall connects to (a serial-to-Ethernet gateway).
        QVERIFY(m_keypadServer.listen(QHostAddress::LocalHost, 0));
        // liblo's oscdump as a fixed feedback target.
        const quint16 dumpPort = testports::freeUdpPort();
        m_haveOscdump = !QStandardPaths::findExecutable(QStringLiteral("oscdump")).isEmpty();
        if (m_haveOscdump) {
            m_oscdump.process.start(QStringLiteral("oscdump"),
                                    {QStringLiteral("-L"), QString::number(dumpPort)});
            QVERIFY(m_oscdump.process.waitForStarted(3000));
        }
        // First start: learn the demo presets' ids.
        m_app.captureErrors = true;
        QString why;
        QVERIFY2(m_app.start(&why), qPrintable(why));
        const QStringList presets = paneltest::presetIds(m_app);
        QVERIFY(presets.size() >= 2);
        m_a = presets[0];
        m_b = presets[1];
        QVERIFY(m_app.stop());
        // The panels document, then the wall again with it.
        devicesdoc::Peers peers;
        peers.deckPort = deckPort;
        peers.dockPort = dockPort;
        peers.keypadPort = m_keypadServer.serverPort();
        peers.oscPort = testports::freeUdpPort();
        peers.oscdumpPort = dumpPort;
        peers.presetA = m_a.toInt();
        peers.presetB = m_b.toInt();
        if (m_haveSocat)
            peers.serialKeypad = drv;
        const QJsonObject withSerial = devicesdoc::document(peers);
        const QString path = m_app.dir.filePath(QStringLiteral("panels.json"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QJsonDocument(withSerial).toJson());
        f.close();
        m_app.extraArgs = {QStringLiteral("--panels"), path};
        QVERIFY2(m_app.start(&why), qPrintable(why));
    }

    void deckGetsBrightnessAndEveryKeyFace() {
        QVERIFY2(m_deck.waitFor(re(QStringLiteral("connected 1"))),
                 qPrintable(m_deck.lines.join(u'\n')));
        QVERIFY(m_deck.waitFor(re(QStringLiteral("brightness 70"))));
        // 32 keys, each a whole JPEG.
        for (int key : {0, 1, 2, 31})
            QVERIFY2(m_deck.waitFor(re(QStringLiteral("image %1 \\d+ jpeg").arg(key))),
                     qPrintable(m_deck.lines.join(u'\n')));
        QCOMPARE(m_deck.count(re(QStringLiteral("image \\d+ \\d+ not-jpeg"))), 0);
        const QJsonArray panels =
            jsonOf(m_app.api("GET", QStringLiteral("/panels")).body)[QLatin1String("items")]
                .toArray();
        if (!panels.isEmpty()) { // the route comes with the API step
            QCOMPARE(panels[0][QLatin1String("state")].toString(), QStringLiteral("ready"));
            QCOMPARE(panels[0][QLatin1String("serial")].toString(), QStringLiteral("OWDESK1"));
        }
    }

    void deckKeyRecallsAPresetAndTheFacesFollow() {
        const qsizetype before = recalls(QStringLiteral("panel:desk"), m_b, true).size();
        const int facesOfKey1 = m_deck.count(re(QStringLiteral("image 1 \\d+ jpeg")));
        tap(1);
        QVERIFY2(waitForRecall(QStringLiteral("panel:desk"), m_b, true, before), log().constData());
        QCOMPARE(layoutName(), presetName(m_b));
        // Key 1 is now lit: its face is sent again.
        QVERIFY(m_deck.waitFor(re(QStringLiteral("image 1 \\d+ jpeg")), facesOfKey1 + 1));
        // The OSC feedback target heard it too.
        if (m_haveOscdump)
            QVERIFY2(m_oscdump.waitFor(QRegularExpression(
                         QStringLiteral("/opswall/preset/active i %1$").arg(m_b))),
                     qPrintable(m_oscdump.lines.join(u'\n')));
    }

    // The face a key shows now, over the API: key 1's preset is on the wall, so its face is lit
    // green and key 0's is not; a press on key 0 swaps them.
    void keyFacesOverTheApi() {
        const auto lit = [&](int key) {
            const apptest::ApiResponse r =
                m_app.api("GET", QStringLiteral("/panels/desk/keys/%1/face.png").arg(key));
            QImage face;
            if (r.status != 200 || !face.loadFromData(r.body, "PNG") ||
                face.size() != QSize(144, 112))
                return -1.0; // the Studio's key size
            int green = 0;
            for (int y = 0; y < face.height(); ++y)
                for (int x = 0; x < face.width(); ++x)
                    green += face.pixelColor(x, y) == QColor(0x1F, 0x7A, 0x4D);
            return double(green) / (face.width() * face.height());
        };
        if (layoutName() != presetName(m_b)) { // run on its own
            tap(1);
            QTRY_COMPARE_WITH_TIMEOUT(layoutName(), presetName(m_b), 10000);
        }
        QTRY_VERIFY_WITH_TIMEOUT(lit(1) > 0.4, 5000);
        QVERIFY2(lit(0) >= 0 && lit(0) < 0.05, qPrintable(QString::number(lit(0))));
        tap(0);
        QTRY_VERIFY_WITH_TIMEOUT(lit(0) > 0.4, 10000);
        QVERIFY(lit(1) >= 0 && lit(1) < 0.05);
        QCOMPARE(m_app.api("GET", QStringLiteral("/panels/desk/keys/32/face.png")).status, 404);
        QCOMPARE(m_app.api("GET", QStringLiteral("/panels/nobody/keys/0/face.png")).status, 404);
        QCOMPARE(m_app.api("GET", QStringLiteral("/panels/desk/keys/x/face.png")).status, 400);
    }

    void pagesSwitchAndActOnTheirOwnButtons() {
        const int faces = m_deck.count(re(QStringLiteral("image \\d+ \\d+ jpeg")));
        tap(31);
        QVERIFY(m_deck.waitFor(re(QStringLiteral("image \\d+ \\d+ jpeg")), faces + 32));
        tap(0); // "Tắt tiếng" on the audio page
        QTRY_VERIFY_WITH_TIMEOUT(
            m_app.api("GET", QStringLiteral("/audit?action=audio.set&limit=20"))
                .body.contains("panel:desk"),
            10000);
        tap(31);
        QVERIFY(m_deck.waitFor(re(QStringLiteral("image \\d+ \\d+ jpeg")), faces + 64));
    }

    void tcpKeypadLineRecallsAPreset() {
        QTRY_VERIFY_WITH_TIMEOUT(m_keypadServer.hasPendingConnections() || m_keypad, 10000);
        if (!m_keypad)
            m_keypad = m_keypadServer.nextPendingConnection();
        QVERIFY(m_keypad);
        // Show A first, so the keypad's recall of B is a change.
        tap(0);
        QTRY_COMPARE_WITH_TIMEOUT(layoutName(), presetName(m_a), 10000);
        const qsizetype before = recalls(QStringLiteral("panel:keypad-tcp"), m_b, true).size();
        m_keypad->write("NOISE\r\nP1 DOWN\r\n");
        m_keypad->flush();
        QVERIFY(waitForRecall(QStringLiteral("panel:keypad-tcp"), m_b, true, before));
        QCOMPARE(layoutName(), presetName(m_b));
        QTRY_VERIFY_WITH_TIMEOUT(log().contains("line 'NOISE' is not in its map"), 5000);
    }

    void serialKeypadOverAPseudoTerminal() {
        if (!m_haveSocat)
            QSKIP("socat is not installed");
        QFile kp(m_kpPath);
        QVERIFY(kp.open(QIODevice::WriteOnly | QIODevice::Unbuffered));
        const qsizetype before = recalls(QStringLiteral("panel:keypad-serial"), m_a, true).size();
        // The wall may still be opening its end: send until it acts (a keypad repeats too).
        QElapsedTimer t;
        t.start();
        bool acted = false;
        while (!acted && t.elapsed() < 10000) {
            kp.write("K01\r");
            acted = waitForRecall(QStringLiteral("panel:keypad-serial"), m_a, true, before);
        }
        QVERIFY(acted);
        QCOMPARE(layoutName(), presetName(m_a));
    }

    void wallctlListsBindsAndTestsKeys() {
        QString why;
        if (m_app.tokens.isEmpty())
            QVERIFY2(m_app.makeRoleTokens(&why), qPrintable(why));
        const apptest::Run list = m_app.wallctl(
            {QStringLiteral("panel"), QStringLiteral("list"), QStringLiteral("--json")});
        QCOMPARE(list.exitCode, 0);
        const QJsonArray items = apptest::json(list)[QLatin1String("items")].toArray();
        QVERIFY2(!items.isEmpty(), list.out.constData());
        QCOMPARE(items[0][QLatin1String("id")].toString(), QStringLiteral("desk"));
        QCOMPARE(items[0][QLatin1String("state")].toString(), QStringLiteral("ready"));
        QCOMPARE(items[0][QLatin1String("serial")].toString(), QStringLiteral("OWDESK1"));
        // Bind key 2 to preset A: stored, and the key shows its new face at once.
        const int facesOfKey2 = m_deck.count(re(QStringLiteral("image 2 \\d+ jpeg")));
        const apptest::Run bind = m_app.wallctl(
            {QStringLiteral("panel"), QStringLiteral("bind"), QStringLiteral("desk"),
             QStringLiteral("2"), QStringLiteral("preset.recall"), QStringLiteral("id=") + m_a,
             QStringLiteral("--label"), QStringLiteral("Giao ban")},
            m_app.tokens.value(Role::Operator));
        QVERIFY2(bind.exitCode == 0, bind.err.constData());
        QVERIFY(m_deck.waitFor(re(QStringLiteral("image 2 \\d+ jpeg")), facesOfKey2 + 1));
        QVERIFY(m_app.api("GET", QStringLiteral("/panels/desk")).body.contains("Giao ban"));
        // Refusals name the field.
        const apptest::Run badAction =
            m_app.wallctl({QStringLiteral("panel"), QStringLiteral("bind"), QStringLiteral("desk"),
                           QStringLiteral("3"), QStringLiteral("wall.explode")});
        QCOMPARE(badAction.exitCode, 1);
        QVERIFY2(badAction.err.contains("wall.explode") && badAction.err.contains("action"),
                 badAction.err.constData());
        const apptest::Run badPreset = m_app.wallctl(
            {QStringLiteral("panel"), QStringLiteral("bind"), QStringLiteral("desk"),
             QStringLiteral("3"), QStringLiteral("preset.recall"), QStringLiteral("id=999")});
        QCOMPARE(badPreset.exitCode, 1);
        QVERIFY2(badPreset.err.contains("no preset 999"), badPreset.err.constData());
        // Test-press key 2 as the panel: the recall is the panel's, audited via=panel.
        if (layoutName() == presetName(m_a)) {
            tap(1);
            QTRY_COMPARE_WITH_TIMEOUT(layoutName(), presetName(m_b), 10000);
        }
        const qsizetype before = recalls(QStringLiteral("panel:desk"), m_a, true).size();
        const apptest::Run test = m_app.wallctl({QStringLiteral("panel"), QStringLiteral("test"),
                                                 QStringLiteral("desk"), QStringLiteral("2")},
                                                m_app.tokens.value(Role::Technician));
        QVERIFY2(test.exitCode == 0, test.err.constData());
        QVERIFY(waitForRecall(QStringLiteral("panel:desk"), m_a, true, before));
        // A viewer may not press keys.
        QCOMPARE(m_app
                     .wallctl({QStringLiteral("panel"), QStringLiteral("test"),
                               QStringLiteral("desk"), QStringLiteral("2")},
                              m_app.tokens.value(Role::Viewer))
                     .exitCode,
                 4);
    }

    // Stream Deck over USB where the host has none (no hidraw device with VID 0FD9 here): the
    // panel is listed as unavailable with the reason, said once in the log, and a test press
    // still acts as the panel (the bindings do not need the device).
    void usbDeckWithoutADeviceIsUnavailable() {
        QJsonObject lectern;
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                const QJsonArray items =
                    jsonOf(m_app.api("GET", QStringLiteral("/panels")).body)[QLatin1String("items")]
                        .toArray();
                for (const QJsonValue &v : items)
                    if (v[QLatin1String("id")].toString() == QLatin1String("lectern"))
                        lectern = v.toObject();
                return lectern[QLatin1String("why")].toString().contains(
                    QLatin1String("hidapi-hidraw"));
            }(),
            5000);
        QCOMPARE(lectern[QLatin1String("type")].toString(), QStringLiteral("streamdeck-usb"));
        QCOMPARE(lectern[QLatin1String("state")].toString(), QStringLiteral("unavailable"));
        QCOMPARE(lectern[QLatin1String("model")].toString(), QStringLiteral("mk2"));
        // The hot-plug list: what this host has plugged in (no Stream Deck or X-keys here).
        const QJsonValue usb = jsonOf(m_app.api("GET", QStringLiteral("/panels")).body)["usb"];
        QVERIFY(usb.isArray());
        QCOMPARE(usb.toArray().size(), 0);
        QTRY_VERIFY_WITH_TIMEOUT(log().contains("panel lectern: unavailable: "), 5000);
        QTest::qWait(2500); // two more scans: the state line is not repeated
        QCOMPARE(log().count("panel lectern: unavailable: "), 1);
        QString why;
        if (m_app.tokens.isEmpty())
            QVERIFY2(m_app.makeRoleTokens(&why), qPrintable(why));
        if (layoutName() == presetName(m_a)) {
            tap(1);
            QTRY_COMPARE_WITH_TIMEOUT(layoutName(), presetName(m_b), 10000);
        }
        const qsizetype before = recalls(QStringLiteral("panel:lectern"), m_a, true).size();
        const apptest::Run test = m_app.wallctl({QStringLiteral("panel"), QStringLiteral("test"),
                                                 QStringLiteral("lectern"), QStringLiteral("14")},
                                                m_app.tokens.value(Role::Technician));
        QVERIFY2(test.exitCode == 0, test.err.constData());
        QVERIFY(waitForRecall(QStringLiteral("panel:lectern"), m_a, true, before));
    }

    // "Focus a tile" on a key: bound with wallctl, pressed as the panel (toggle: the same key
    // puts it back), audited via=panel; and wallctl tile focus/unfocus on some displays.
    void focusKeyFillsTheWallWithATileAndPutsItBack() {
        QString why;
        if (m_app.tokens.isEmpty())
            QVERIFY2(m_app.makeRoleTokens(&why), qPrintable(why));
        const auto tiles = [this] {
            return jsonOf(m_app.api("GET", QStringLiteral("/tiles")).body)[QLatin1String("items")]
                .toArray();
        };
        const QJsonArray live = tiles();
        QVERIFY(!live.isEmpty());
        const QString id = live[0][QLatin1String("id")].toString();
        const auto rectOf = [&] {
            for (const QJsonValue &t : tiles())
                if (t[QLatin1String("id")].toString() == id)
                    return t[QLatin1String("rect")].toObject();
            return QJsonObject();
        };
        const QJsonObject before = rectOf();
        const apptest::Run bind = m_app.wallctl(
            {QStringLiteral("panel"), QStringLiteral("bind"), QStringLiteral("desk"),
             QStringLiteral("5"), QStringLiteral("tile.focus"), QStringLiteral("id=") + id,
             QStringLiteral("toggle=true"), QStringLiteral("--label"), QStringLiteral("Phóng to")},
            m_app.tokens.value(Role::Operator));
        QVERIFY2(bind.exitCode == 0, bind.err.constData());
        tap(5);
        QTRY_VERIFY_WITH_TIMEOUT(rectOf() != before, 10000);
        const QJsonObject focused = rectOf();
        QCOMPARE(focused[QLatin1String("x")].toDouble(), 0.0);
        QVERIFY(focused[QLatin1String("width")].toDouble() >
                before[QLatin1String("width")].toDouble());
        tap(5); // the same key: back where it was
        QTRY_COMPARE_WITH_TIMEOUT(rectOf(), before, 10000);
        const QJsonArray audit =
            jsonOf(m_app.api("GET", QStringLiteral("/audit?action=tile.focus&limit=20"))
                       .body)[QLatin1String("items")]
                .toArray();
        QVERIFY(std::count_if(audit.begin(), audit.end(), [](const QJsonValue &r) {
                    return r[QLatin1String("user")].toString() == QLatin1String("panel:desk") &&
                           r[QLatin1String("via")].toString() == QLatin1String("panel");
                }) >= 2);
        // wallctl: one display, then back; unfocusing again is refused (409, exit 1).
        const apptest::Run focus =
            m_app.wallctl({QStringLiteral("tile"), QStringLiteral("focus"), id,
                           QStringLiteral("--displays"), QStringLiteral("r1c2")},
                          m_app.tokens.value(Role::Operator));
        QVERIFY2(focus.exitCode == 0, focus.err.constData());
        QTRY_VERIFY_WITH_TIMEOUT(rectOf() != before, 10000);
        QVERIFY(rectOf()[QLatin1String("x")].toDouble() > 0);
        const apptest::Run unfocus =
            m_app.wallctl({QStringLiteral("tile"), QStringLiteral("unfocus"), id},
                          m_app.tokens.value(Role::Operator));
        QVERIFY2(unfocus.exitCode == 0, unfocus.err.constData());
        QTRY_COMPARE_WITH_TIMEOUT(rectOf(), before, 10000);
        const apptest::Run again =
            m_app.wallctl({QStringLiteral("tile"), QStringLiteral("unfocus"), id},
                          m_app.tokens.value(Role::Operator));
        QVERIFY(again.exitCode != 0);
        QVERIFY2(again.err.contains("not focused"), again.err.constData());
    }

    void lockIsShownOnTheKeysAndRefusesThePress() {
        const int faces = m_deck.count(re(QStringLiteral("image \\d+ \\d+ jpeg")));
        const ApiResponse lock =
            m_app.api("POST", QStringLiteral("/lock"),
                      {{QStringLiteral("ttlSeconds"), 60}, {QStringLiteral("reason"), "briefing"}});
        QVERIFY2(lock.status == 200 || lock.status == 201, lock.body.constData());
        // Every face on the page gets the lock frame.
        QVERIFY(m_deck.waitFor(re(QStringLiteral("image \\d+ \\d+ jpeg")), faces + 32));
        const QString live = layoutName();
        const QString other = live == presetName(m_a) ? m_b : m_a;
        const qsizetype before = recalls(QStringLiteral("panel:desk"), other, false).size();
        tap(other == m_a ? 0 : 1);
        QVERIFY(waitForRecall(QStringLiteral("panel:desk"), other, false, before));
        QCOMPARE(layoutName(), live);
        QTRY_VERIFY_WITH_TIMEOUT(log().contains("refused"), 5000);
        QCOMPARE(m_app.api("DELETE", QStringLiteral("/lock")).status, 200);
    }

    // A deck behind a Network Dock: the wall asks the dock for its child, connects to the port
    // it announces, and the child is the panel (faces, keys). Either side may restart.
    void childDeckBehindADockIsThePanel() {
        QVERIFY2(m_dock.waitFor(re(QStringLiteral("connected 1"))),
                 qPrintable(m_dock.lines.join(u'\n')));
        QVERIFY2(m_child.waitFor(re(QStringLiteral("connected 1"))),
                 qPrintable(m_child.lines.join(u'\n')));
        QVERIFY(m_child.waitFor(re(QStringLiteral("image 1 \\d+ jpeg"))));
        QCOMPARE(m_dock.count(re(QStringLiteral("image \\d+ \\d+ jpeg"))), 0);
        const auto dock = [this] {
            for (const QJsonValue &v :
                 jsonOf(m_app.api("GET", QStringLiteral("/panels")).body)[QLatin1String("items")]
                     .toArray())
                if (v[QLatin1String("id")].toString() == QLatin1String("dock"))
                    return v.toObject();
            return QJsonObject();
        };
        QTRY_COMPARE_WITH_TIMEOUT(dock()[QLatin1String("state")].toString(),
                                  QStringLiteral("ready"), 5000);
        QCOMPARE(dock()[QLatin1String("serial")].toString(), QStringLiteral("OWCHILD1"));
        QCOMPARE(dock()[QLatin1String("childPort")].toInt(), int(m_childPort));
        const auto tapChild = [this](int key) {
            m_child.process.write(QByteArray("tap ") + QByteArray::number(key) + '\n');
        };
        if (layoutName() == presetName(m_b)) {
            tapChild(0);
            QTRY_COMPARE_WITH_TIMEOUT(layoutName(), presetName(m_a), 10000);
        }
        qsizetype before = recalls(QStringLiteral("panel:dock"), m_b, true).size();
        tapChild(1);
        QVERIFY(waitForRecall(QStringLiteral("panel:dock"), m_b, true, before));
        // The child restarts: the wall reconnects to it and draws its faces again.
        const int faces = m_child.count(re(QStringLiteral("image 0 \\d+ jpeg")));
        m_child.process.write("drop\n");
        QVERIFY2(m_child.waitFor(re(QStringLiteral("connected 2")), 1, 15000),
                 qPrintable(m_child.lines.join(u'\n')));
        QVERIFY(m_child.waitFor(re(QStringLiteral("image 0 \\d+ jpeg")), faces + 1));
        // The dock restarts: it is reconnected and announces the same child; the child's
        // connection is kept (no third connection).
        m_dock.process.write("drop\n");
        QVERIFY2(m_dock.waitFor(re(QStringLiteral("connected 2")), 1, 15000),
                 qPrintable(m_dock.lines.join(u'\n')));
        QTest::qWait(1000);
        QCOMPARE(m_child.count(re(QStringLiteral("connected 3"))), 0);
        // The child is unplugged from the dock, then plugged in again.
        m_dock.process.write("child 0\n");
        QTRY_VERIFY_WITH_TIMEOUT(dock()[QLatin1String("why")].toString().contains(
                                     QLatin1String("no child deck attached")),
                                 5000);
        QTRY_VERIFY_WITH_TIMEOUT(log().contains("panel dock: no child deck attached"), 5000);
        m_dock.process.write(QByteArray("child ") + QByteArray::number(m_childPort) + '\n');
        QVERIFY2(m_child.waitFor(re(QStringLiteral("connected 3")), 1, 15000),
                 qPrintable(m_child.lines.join(u'\n')));
        QTRY_COMPARE_WITH_TIMEOUT(dock()[QLatin1String("state")].toString(),
                                  QStringLiteral("ready"), 10000);
        before = recalls(QStringLiteral("panel:dock"), m_a, true).size();
        tapChild(0);
        QVERIFY(waitForRecall(QStringLiteral("panel:dock"), m_a, true, before));
    }

    void deckComesBackAfterARestart() {
        const int faces = m_deck.count(re(QStringLiteral("image 0 \\d+ jpeg")));
        m_deck.process.write("drop\n");
        QVERIFY2(m_deck.waitFor(re(QStringLiteral("connected 2")), 1, 15000),
                 qPrintable(m_deck.lines.join(u'\n')));
        QVERIFY(m_deck.waitFor(re(QStringLiteral("image 0 \\d+ jpeg")), faces + 1));
        const qsizetype before = recalls(QStringLiteral("panel:desk"), m_b, true).size();
        tap(1);
        QVERIFY(waitForRecall(QStringLiteral("panel:desk"), m_b, true, before));
    }

    void cleanupTestCase() { QVERIFY(m_app.stop()); }
};

QTEST_GUILESS_MAIN(TestPanelsDevices)
#include "tst_panels_devices.moc"
