// The USB panels plugged into the host, as `wallctl panel list` shows them from the real opswall:
// the wall's hot-plug monitor (hid::Monitor, every second) lists the Stream Decks and X-keys it
// finds under GET /panels "usb", configured as a panel or not, and wallctl prints them after the
// panels with English and Vietnamese headings. These hosts have no such device: the test plugs
// them in through hidapi's enumeration (tests/panels/fakehidapi.cpp, preloaded into the wall's
// process) by writing the list the wall enumerates, and pulls them out by rewriting it.
#include "appundertest.h"

#include <QJsonArray>
#include <QProcessEnvironment>

using apptest::Wall;

namespace {

// An X-keys XK-24 shows three interfaces; the keys are on interface 0 (the others emulate a
// keyboard and a mouse): listed once.
constexpr const char *kDeck =
    "/dev/hidraw-opswall-test-deck 0fd9 0080 0 CL12K1A00042 Stream Deck MK.2";
constexpr const char *kXkeys[] = {
    "/dev/hidraw-opswall-test-xk0 05f3 0405 0 XK24-0042 XK-24",
    "/dev/hidraw-opswall-test-xk1 05f3 0405 1 XK24-0042 XK-24",
    "/dev/hidraw-opswall-test-xk2 05f3 0405 2 XK24-0042 XK-24",
};

} // namespace

class TestPanelsUsb : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void pluggedInPanelsAreListedByWallctl();
    void pulledOutPanelsLeaveTheList();

private:
    bool plug(const QStringList &lines) {
        QFile f(m_devices);
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return false;
        f.write(lines.join(u'\n').toUtf8() + '\n');
        return true;
    }
    qsizetype usbCount() const {
        return jsonOf(m_app.api("GET", QStringLiteral("/panels")).body)
            .value(QStringLiteral("usb"))
            .toArray()
            .size();
    }
    QString panelList() const {
        const apptest::Run r = m_app.wallctl({QStringLiteral("panel"), QStringLiteral("list")});
        return r.exitCode == 0 ? QString::fromUtf8(r.out)
                               : QStringLiteral("exit %1: %2").arg(r.exitCode).arg(r.err);
    }

    Wall m_app;
    QString m_devices;
};

void TestPanelsUsb::initTestCase() {
    m_devices = m_app.dir.filePath(QStringLiteral("usb-devices"));
    QStringList lines{QString::fromLatin1(kDeck)};
    for (const char *x : kXkeys)
        lines << QString::fromLatin1(x);
    QVERIFY(plug(lines));
    // One configured panel (a TCP keypad nobody serves), so that the wall watches USB.
    const QString panels = m_app.dir.filePath(QStringLiteral("panels.json"));
    QFile doc(panels);
    QVERIFY(doc.open(QIODevice::WriteOnly));
    doc.write(QStringLiteral(R"({"kind": "opswall.panels", "schemaVersion": 1, "panels": [
        {"id": "keypad", "name": "Bàn phím phòng họp", "type": "keypad-tcp",
         "host": "127.0.0.1", "port": %1, "lines": {"K1": 0},
         "pages": [{"id": "main", "buttons": [{"key": 0, "action": "layout.undo"}]}]}]})")
                  .arg(apptest::freePort())
                  .toUtf8());
    doc.close();
    m_app.extraArgs = {QStringLiteral("--panels"), panels};
    m_app.captureLog = true;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("LD_PRELOAD"), QStringLiteral(FAKEHIDAPI_PATH));
    env.insert(QStringLiteral("OPSWALL_TEST_HID_DEVICES"), m_devices);
    m_app.process.setProcessEnvironment(env);
    QString why;
    QVERIFY2(m_app.start(&why), qPrintable(why));
}

void TestPanelsUsb::pluggedInPanelsAreListedByWallctl() {
    QTRY_COMPARE_WITH_TIMEOUT(usbCount(), qsizetype(2), 10000);
    const QString out = panelList();
    QVERIFY2(out.contains(QStringLiteral("Panels · Bàn phím điều khiển (1)\n")), qPrintable(out));
    QVERIFY2(out.contains(QStringLiteral("keypad  Bàn phím phòng họp")), qPrintable(out));
    QVERIFY2(out.contains(QStringLiteral("Plugged in by USB · Cắm qua USB (2)\n")),
             qPrintable(out));
    QVERIFY2(out.contains(QStringLiteral(
                 "  /dev/hidraw-opswall-test-deck  Stream Deck mk2  0fd9:0080  serial · số sê-ri "
                 "CL12K1A00042  not configured · chưa cấu hình\n")),
             qPrintable(out));
    QVERIFY2(out.contains(QStringLiteral("  /dev/hidraw-opswall-test-xk0  X-keys xk-24  05f3:0405  "
                                         "serial · số sê-ri XK24-0042  not configured · chưa cấu "
                                         "hình\n")),
             qPrintable(out));
    QVERIFY2(!out.contains(QStringLiteral("test-xk1")), qPrintable(out));
    // --json: the answer as it came, "usb" with it.
    const apptest::Run json =
        m_app.wallctl({QStringLiteral("panel"), QStringLiteral("list"), QStringLiteral("--json")});
    QCOMPARE(json.exitCode, 0);
    QCOMPARE(apptest::json(json).value(QStringLiteral("usb")).toArray().size(), qsizetype(2));
    QVERIFY2(m_app.log.contains("usb: Stream Deck mk2 (0fd9:0080, serial CL12K1A00042) plugged in "
                                "at /dev/hidraw-opswall-test-deck"),
             m_app.log.right(3000).constData());
}

void TestPanelsUsb::pulledOutPanelsLeaveTheList() {
    QStringList xkeys;
    for (const char *x : kXkeys)
        xkeys << QString::fromLatin1(x);
    QVERIFY(plug(xkeys)); // the deck pulled out
    QTRY_COMPARE_WITH_TIMEOUT(usbCount(), qsizetype(1), 10000);
    QString out = panelList();
    QVERIFY2(out.contains(QStringLiteral("Plugged in by USB · Cắm qua USB (1)\n")),
             qPrintable(out));
    QVERIFY2(!out.contains(QStringLiteral("Stream Deck")), qPrintable(out));
    QVERIFY2(out.contains(QStringLiteral("X-keys xk-24")), qPrintable(out));
    QVERIFY2(m_app.log.contains("usb: Stream Deck mk2 (0fd9:0080, serial CL12K1A00042) unplugged "
                                "from /dev/hidraw-opswall-test-deck"),
             m_app.log.right(3000).constData());
    QVERIFY(plug({})); // and the X-keys
    QTRY_COMPARE_WITH_TIMEOUT(usbCount(), qsizetype(0), 10000);
    out = panelList();
    QVERIFY2(
        out.contains(QStringLiteral("Plugged in by USB · Cắm qua USB (0)\n  none · không có\n")),
        qPrintable(out));
    QVERIFY(m_app.stop());
}

QTEST_GUILESS_MAIN(TestPanelsUsb)
#include "tst_panels_usb.moc"
