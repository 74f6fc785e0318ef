// Panels without hardware: the opswall.panels document (fixtures, every refusal naming its
// field, bindings checked against what the wall has, briefing actions bind by name),
// the OSC address space, the rate-limited log, and the key faces as the app draws them (written
// as PNGs next to the test for a person to look at, and checked by pixel); USB panels through
// PanelService on the failure-injection HID fake (tests/drivers/fakehid.h: these hosts have no
// /dev/uhid): faces and backlights written, presses acting with the panel's caller, unplugging.
#include "panels/keyface.h"
#include "panels/oscmap.h"
#include "panels/panelsconfig.h"
#include "panels/panelservice.h"

#include "core/permissions.h"
#include "fakehid.h"
#include "xkeys.h"

#include <QBuffer>
#include <QDir>
#include <QFile>
#include <QFontDatabase>
#include <QGuiApplication>
#include <QImageReader>
#include <QJsonDocument>
#include <QPainter>
#include <QTest>

#include <initializer_list>
#include <mutex>

using namespace opswall;
using namespace opswall::panels;
namespace osc = opswall::drivers::osc;
namespace sd = opswall::drivers::streamdeck;

namespace {
QByteArray fixture(const char *name) {
    QFile f(QStringLiteral(PANELS_TEST_DIR "/fixtures/") + QString::fromLatin1(name));
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

BindingContext wallContext() {
    BindingContext c;
    c.actions = knownActionTypes();
    c.presets = {1, 2, 3};
    c.displays = {QStringLiteral("r1c1"), QStringLiteral("r1c2")};
    return c;
}

QStringList issueTexts(const ParsedPanels &p) {
    QStringList out;
    for (const Issue &i : p.issues)
        out << i.toString();
    return out;
}

bool anyStartsWith(const QStringList &list, const QString &prefix) {
    for (const QString &s : list)
        if (s.startsWith(prefix))
            return true;
    return false;
}

// The first of `prefixes` no issue starts with, said with every issue; empty when each has one.
QString missingIssue(const QStringList &issues, std::initializer_list<const char *> prefixes) {
    for (const char *prefix : prefixes)
        if (!anyStartsWith(issues, QString::fromUtf8(prefix)))
            return QStringLiteral("no issue '%1' in:\n").arg(QString::fromUtf8(prefix)) +
                   issues.join(u'\n');
    return {};
}

// A Stream Deck MK.2 on the HID fake, its serial (CL12K1A00042) in its feature report 06.
std::shared_ptr<fakehid::FakeDeck> plugMk2(fakehid::FakeHid &hid, const std::string &path) {
    return hid.plug({path, sd::kVendorId, 0x0080, "CL12K1A00042", "SD", 0},
                    [](fakehid::FakeDeck &d) {
                        drivers::Bytes serial(32, 0);
                        serial[0] = 0x06;
                        serial[1] = 12;
                        const char *text = "CL12K1A00042";
                        std::copy(text, text + 12, serial.begin() + 2);
                        d.features[0x06] = serial;
                    });
}

// Log lines, kept while a test looks for them (and passed on to the usual handler).
struct LogCapture {
    static inline std::mutex mutex;
    static inline QStringList lines;
    static inline QtMessageHandler previous = nullptr;
    LogCapture() {
        std::lock_guard lock(mutex);
        lines.clear();
        previous = qInstallMessageHandler(
            [](QtMsgType type, const QMessageLogContext &context, const QString &message) {
                {
                    std::lock_guard held(mutex);
                    lines << message;
                }
                if (previous)
                    previous(type, context, message);
            });
    }
    ~LogCapture() { qInstallMessageHandler(previous); }
    bool has(const QString &part) const {
        std::lock_guard lock(mutex);
        return anyContains(lines, part);
    }
    static bool anyContains(const QStringList &list, const QString &part) {
        for (const QString &l : list)
            if (l.contains(part))
                return true;
        return false;
    }
};

// The share of pixels of img close to colour c.
double share(const QImage &img, const QColor &c, int tolerance = 24) {
    int n = 0;
    for (int y = 0; y < img.height(); ++y)
        for (int x = 0; x < img.width(); ++x) {
            const QColor p = img.pixelColor(x, y);
            if (std::abs(p.red() - c.red()) <= tolerance &&
                std::abs(p.green() - c.green()) <= tolerance &&
                std::abs(p.blue() - c.blue()) <= tolerance)
                ++n;
        }
    return double(n) / (img.width() * img.height());
}
} // namespace

class TestPanelsUnits : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        const QDir fonts(QStringLiteral(OPSWALL_ASSETS_DIR "/fonts"));
        for (const QString &f : fonts.entryList({QStringLiteral("*.ttf")}))
            QVERIFY(QFontDatabase::addApplicationFont(fonts.filePath(f)) >= 0);
        QDir().mkpath(QStringLiteral("faces"));
    }

    void validFixtureLoadsAndRoundTrips() {
        const ParsedPanels p = parsePanels(fixture("panels-valid.json"), wallContext());
        QVERIFY2(p.config, qPrintable(issueTexts(p).join(u'\n')));
        QCOMPARE(p.config->panels.size(), 3);
        const Panel &desk = p.config->panels[0];
        QCOMPARE(desk.name, QStringLiteral("Bàn chủ trì"));
        QCOMPARE(desk.type, PanelType::StreamDeckTcp);
        QCOMPARE(desk.pages.size(), 2);
        QCOMPARE(desk.pages[0].button(0)->label, QStringLiteral("Đầu tư công"));
        QCOMPARE(p.config->osc.role, Role::Leader);
        QCOMPARE(p.config->panels[1].lines.value(QStringLiteral("K02")), 1);
        // What is stored loads back the same.
        const QJsonObject stored = toJson(*p.config);
        const ParsedPanels again = parsePanels(stored, wallContext());
        QVERIFY2(again.config, qPrintable(issueTexts(again).join(u'\n')));
        QCOMPARE(toJson(*again.config), stored);
    }

    void badFixtureNamesEveryField() {
        const ParsedPanels p = parsePanels(fixture("panels-bad.json"), wallContext());
        QVERIFY(!p.config);
        const QStringList issues = issueTexts(p);
        const QString missing = missingIssue(
            issues, {"colour", "osc.listen", "osc.allow[0]", "osc.role", "panels[0].brightness",
                     "panels[0].pages[0].buttons[0].params.id: no preset 99",
                     "panels[0].pages[0].buttons[1].key: key 0 has another button",
                     "panels[0].pages[0].buttons[1].action: 'wall.selfdestruct' is not an action",
                     "panels[0].pages[0].buttons[2].key: must be 0 to 31",
                     "panels[0].pages[0].buttons[3].action: the panel's role leader may not",
                     "panels[0].pages[0].buttons[3].params.displays[0]: no display 'r9c9'",
                     "panels[0].pages[0].buttons[4].params.page",
                     "panels[0].pages[0].buttons[5].colour", "panels[1].id: 'desk' is used",
                     "panels[1].lines.K1", "panels[2].type", "panels[2].pages"});
        QVERIFY2(missing.isEmpty(), qPrintable(missing));
        // Not JSON at all.
        QVERIFY(!parsePanels(QByteArray("{nope"), wallContext()).config);
        // A link's role (render node, hot standby) is no role for a panel or the OSC listener.
        for (const char *link : {"node", "standby"}) {
            const ParsedPanels linked = parsePanels(
                QStringLiteral(
                    R"({"kind": "opswall.panels", "schemaVersion": 1, "osc": {"role": "%1"},
                        "panels": [{"id": "k", "type": "keypad-tcp", "host": "127.0.0.1",
                                    "port": 9, "role": "%1", "pages": []}]})")
                    .arg(QLatin1String(link))
                    .toUtf8(),
                wallContext());
            QVERIFY(!linked.config);
            const QStringList linkIssues = issueTexts(linked);
            QVERIFY2(anyStartsWith(linkIssues, QStringLiteral("osc.role: must be viewer")),
                     qPrintable(linkIssues.join(u'\n')));
            QVERIFY2(anyStartsWith(linkIssues, QStringLiteral("panels[0].role: must be viewer")),
                     qPrintable(linkIssues.join(u'\n')));
            QVERIFY2(linkIssues.join(u'\n').contains(QStringLiteral("got '%1'").arg(link)),
                     qPrintable(linkIssues.join(u'\n')));
        }
    }

    void briefingActionsBind() {
        // The briefing actions are in the permission table: a panel binds them by name, and an
        // action the wall does not have is still refused.
        const QByteArray doc = R"({"kind": "opswall.panels", "schemaVersion": 1, "panels": [
            {"id": "p", "type": "keypad-tcp", "host": "127.0.0.1", "port": 4001,
             "lines": {"N": 0, "P": 1, "B": 2}, "pages": [{"id": "main", "buttons": [
               {"key": 0, "action": "briefing.next"}, {"key": 1, "action": "briefing.previous"},
               {"key": 2, "action": "briefing.blank"}]}]}]})";
        const ParsedPanels bound = parsePanels(doc, wallContext());
        QVERIFY2(bound.config, qPrintable(issueTexts(bound).join(u'\n')));
        BindingContext without = wallContext();
        without.actions.removeAll(QStringLiteral("briefing.next"));
        const ParsedPanels refused = parsePanels(doc, without);
        QVERIFY(!refused.config);
        QVERIFY(issueTexts(refused).first().contains(
            QLatin1String("'briefing.next' is not an action")));
    }

    void usbPanelsChildDecksAndFocusKeys() {
        // USB Stream Decks and X-keys, a deck behind a dock, tile.focus keys: parsed, checked,
        // stored and loaded back the same.
        const QByteArray doc = R"({"kind": "opswall.panels", "schemaVersion": 1, "panels": [
            {"id": "lectern", "type": "streamdeck-usb", "serial": "CL12K1A00042", "model": "mk2",
             "pages": [{"id": "main", "buttons": [
               {"key": 14, "action": "tile.focus", "params": {"id": "t1", "toggle": true}}]}]},
            {"id": "rack", "type": "xkeys-usb", "model": "xk-24", "brightness": 40,
             "pages": [{"id": "main", "buttons": [
               {"key": 24, "action": "tile.focus",
                "params": {"id": "t2", "displays": ["r1c1", "r1c2"]}},
               {"key": 0, "action": "tile.unfocus", "params": {"id": "t2"}}]}]},
            {"id": "dock", "type": "streamdeck-tcp", "host": "10.0.0.40", "child": true,
             "pages": [{"id": "main", "buttons": [{"key": 0, "action": "briefing.next"}]}]}]})";
        const ParsedPanels p = parsePanels(doc, wallContext());
        QVERIFY2(p.config, qPrintable(issueTexts(p).join(u'\n')));
        QCOMPARE(p.config->panels[0].type, PanelType::StreamDeckUsb);
        QCOMPARE(p.config->panels[0].serial, QStringLiteral("CL12K1A00042"));
        QCOMPARE(p.config->panels[1].type, PanelType::XkeysUsb);
        QCOMPARE(p.config->panels[1].brightness, 40);
        QVERIFY(p.config->panels[2].child);
        const QJsonObject stored = toJson(*p.config);
        const ParsedPanels again = parsePanels(stored, wallContext());
        QVERIFY2(again.config, qPrintable(issueTexts(again).join(u'\n')));
        QCOMPARE(toJson(*again.config), stored);
        // What is wrong is named.
        const QByteArray bad = R"({"kind": "opswall.panels", "schemaVersion": 1, "panels": [
            {"id": "a", "type": "streamdeck-usb", "model": "mk2", "serial": "bad\u0001",
             "pages": [{"id": "main", "buttons": [{"key": 15, "action": "tile.focus"}]}]},
            {"id": "b", "type": "xkeys-usb", "model": "xk-9000", "child": true, "pages": [
              {"id": "main", "buttons": [{"key": 1, "action": "tile.focus",
                "params": {"id": "t1", "displays": ["r9c9"]}}]}]}]})";
        const QStringList issues = issueTexts(parsePanels(bad, wallContext()));
        const QString missing = missingIssue(
            issues,
            {"panels[0].serial", "panels[0].pages[0].buttons[0].key: must be 0 to 14",
             "panels[0].pages[0].buttons[0].params.id", "panels[1].model", "panels[1].child",
             "panels[1].pages[0].buttons[0].params.displays[0]: no display 'r9c9'"});
        QVERIFY2(missing.isEmpty(), qPrintable(missing));
    }

    void usbDeckAndXkeysThroughTheService() {
        namespace xk = opswall::drivers::xkeys;
        auto hid = std::make_shared<fakehid::FakeHid>();
        auto deck = plugMk2(*hid, "/dev/hidraw7");
        auto rack = hid->plug({"/dev/hidraw8", xk::kVendorId, 1029, "", "XK-24", 0});
        QList<QPair<Action, Caller>> submitted;
        PanelService service([&](const Action &a, const Caller &c, PanelService::Done done) {
            submitted.append({a, c});
            done(ActionResult::success());
        });
        service.setHidBackend(hid);
        const ParsedPanels parsed = parsePanels(QByteArray(R"({"kind": "opswall.panels",
            "schemaVersion": 1, "panels": [
            {"id": "lectern", "type": "streamdeck-usb", "model": "mk2", "pages": [{"id": "main",
             "buttons": [{"key": 0, "label": "Đầu tư công", "action": "preset.recall",
                          "params": {"id": 1}},
                         {"key": 1, "label": "Tiếp", "action": "briefing.next"}]}]},
            {"id": "rack", "type": "xkeys-usb", "model": "xk-24", "pages": [{"id": "main",
             "buttons": [{"key": 1, "action": "preset.recall", "params": {"id": 2}},
                         {"key": 3, "action": "briefing.previous"}]}]}]})"),
                                                wallContext());
        QVERIFY2(parsed.config, qPrintable(issueTexts(parsed).join(u'\n')));
        service.startPanels(parsed.config->panels);
        const auto state = [&](const QString &id) {
            for (const QJsonValue &v : service.status())
                if (v[QLatin1String("id")].toString() == id)
                    return v.toObject();
            return QJsonObject();
        };
        QTRY_COMPARE_WITH_TIMEOUT(
            state(QStringLiteral("lectern"))[QLatin1String("state")].toString(),
            QStringLiteral("ready"), 5000);
        QCOMPARE(state(QStringLiteral("lectern"))[QLatin1String("serial")].toString(),
                 QStringLiteral("CL12K1A00042"));
        QTRY_COMPARE_WITH_TIMEOUT(state(QStringLiteral("rack"))[QLatin1String("state")].toString(),
                                  QStringLiteral("ready"), 5000);
        QCOMPARE(state(QStringLiteral("rack"))[QLatin1String("keys")].toInt(), 25);
        // The deck: brightness 70 %, then a whole JPEG face on each of its 15 keys (the last
        // packet of each key's picture), key 0's as the service draws it.
        const auto lastPackets = [&] {
            return hid->locked([&] {
                QSet<int> keys;
                for (const drivers::Bytes &w : deck->writes)
                    if (w.size() == 1024 && w[0] == 0x02 && w[1] == 0x07 && w[3] == 1)
                        keys.insert(w[2]);
                return keys.size();
            });
        };
        QTRY_COMPARE_WITH_TIMEOUT(lastPackets(), 15, 10000);
        const auto [writes, features] =
            hid->locked([&] { return std::make_pair(deck->writes, deck->sentFeatures); });
        QVERIFY(!features.empty());
        QCOMPARE(int(features[0][1]), 0x08);
        QCOMPARE(int(features[0][2]), 70);
        sd::KeyImageAssembler assembler;
        std::optional<sd::KeyImageAssembler::Image> key0;
        for (const drivers::Bytes &w : writes)
            if (auto img = assembler.push(w.data(), w.size()); img && img->key == 0)
                key0 = img;
        QVERIFY(key0.has_value());
        QImage picture;
        QVERIFY(picture.loadFromData(key0->bytes.data(), int(key0->bytes.size()), "JPEG"));
        QCOMPARE(picture.size(), QSize(72, 72));
        // The X-keys: intensity 70 %, bound keys lit blue, unbound ones dark.
        const xk::Product &xk24 = *xk::productByName("xk-24");
        const auto wrote = [&](const drivers::Bytes &report) {
            return hid->locked([&] {
                return std::find(rack->writes.begin(), rack->writes.end(), report) !=
                       rack->writes.end();
            });
        };
        QTRY_VERIFY_WITH_TIMEOUT(wrote(xk::intensityReport(178, 178)), 5000);
        QTRY_VERIFY_WITH_TIMEOUT(
            wrote(xk::backlightReports(xk24, 1, xk::Light::On, xk::Light::Off)[0]), 5000);
        QVERIFY(wrote(xk::backlightReports(xk24, 2, xk::Light::Off, xk::Light::Off)[0]));
        // Presses act as the panel, with the device as the remote.
        drivers::Bytes keys(512, 0);
        keys[0] = 0x01;
        keys[2] = 15;
        keys[4 + 1] = 1;
        hid->press(deck, keys);
        drivers::Bytes xkeys(32, 0);
        xkeys[2] = 0x01; // column 0, row 0: key 1
        hid->press(rack, xkeys);
        QTRY_COMPARE_WITH_TIMEOUT(submitted.size(), 2, 5000);
        QList<QString> seen;
        for (const auto &[action, caller] : submitted)
            seen << action.type + u' ' + caller.user + u' ' + caller.remote + u' ' + caller.via;
        QVERIFY2(seen.contains(QStringLiteral(
                     "briefing.next panel:lectern streamdeck-usb /dev/hidraw7 panel")),
                 qPrintable(seen.join(u'\n')));
        QVERIFY2(
            seen.contains(QStringLiteral("preset.recall panel:rack xkeys-usb /dev/hidraw8 panel")),
            qPrintable(seen.join(u'\n')));
        // The wall recalls preset 2: the X-keys key bound to it turns red as well.
        service.onWallEvent(
            {{QStringLiteral("type"), QStringLiteral("preset.recall")}, {QStringLiteral("id"), 2}});
        QTRY_VERIFY_WITH_TIMEOUT(
            wrote(xk::backlightReports(xk24, 1, xk::Light::On, xk::Light::On)[1]), 5000);
        // Its indicator LEDs: green while live; red off, then on while the wall is locked.
        QVERIFY(wrote(xk::indicatorReport(false, xk::Light::On)));
        QVERIFY(wrote(xk::indicatorReport(true, xk::Light::Off)));
        QVERIFY(!wrote(xk::indicatorReport(true, xk::Light::On)));
        service.onWallEvent({{QStringLiteral("type"), QStringLiteral("lock.acquire")}});
        QTRY_VERIFY_WITH_TIMEOUT(wrote(xk::indicatorReport(true, xk::Light::On)), 5000);
        // Unplugged: unavailable with the reason.
        hid->unplug(QStringLiteral("/dev/hidraw7").toStdString());
        QTRY_VERIFY_WITH_TIMEOUT(
            state(QStringLiteral("lectern"))[QLatin1String("why")].toString().startsWith(
                QLatin1String("lost /dev/hidraw7")),
            5000);
        QCOMPARE(state(QStringLiteral("lectern"))[QLatin1String("state")].toString(),
                 QStringLiteral("unavailable"));
        service.stop();
    }

    // Hot-plug without udev: what is plugged in shows up in usbDevices() (GET /api/v1/panels
    // "usb") with a log line, configured or not, the deck in use names its panel; unplugged, it
    // disappears with a log line. X-keys list only their key interface.
    void usbHotPlugIsListedAndLogged() {
        namespace xk = opswall::drivers::xkeys;
        LogCapture log;
        auto hid = std::make_shared<fakehid::FakeHid>();
        hid->plug({"/dev/hidraw8", xk::kVendorId, 0x0405, "", "XK-24", 0});
        hid->plug({"/dev/hidraw9", xk::kVendorId, 0x0405, "", "XK-24", 1}); // its keyboard
        PanelService service([](const Action &, const Caller &, PanelService::Done done) {
            done(ActionResult::success());
        });
        service.setHidBackend(hid);
        service.setUsbScanIntervalMs(50);
        const ParsedPanels parsed = parsePanels(QByteArray(R"({"kind": "opswall.panels",
            "schemaVersion": 1, "panels": [{"id": "lectern", "type": "streamdeck-usb",
            "model": "mk2", "serial": "CL12K1A00042", "pages": [{"id": "main", "buttons": [
            {"key": 0, "label": "Tiếp", "action": "briefing.next"}]}]}]})"),
                                                wallContext());
        QVERIFY2(parsed.config, qPrintable(issueTexts(parsed).join(u'\n')));
        service.startPanels(parsed.config->panels);
        const auto listed = [&](const QString &key) {
            QStringList out;
            for (const QJsonValue &v : service.usbDevices())
                out << v[QLatin1String("path")].toString() + u' ' + v[key].toString();
            return out.join(u',');
        };
        QTRY_COMPARE_WITH_TIMEOUT(listed(QStringLiteral("model")),
                                  QStringLiteral("/dev/hidraw8 xk-24"), 5000);
        QVERIFY(
            log.has(QStringLiteral("usb: X-keys xk-24 (05f3:0405) plugged in at /dev/hidraw8")));
        QVERIFY(!log.has(QStringLiteral("/dev/hidraw9")));
        const auto state = [&] { return service.status()[0][QLatin1String("state")].toString(); };
        QCOMPARE(state(), QStringLiteral("unavailable"));

        plugMk2(*hid, "/dev/hidraw7");
        QTRY_COMPARE_WITH_TIMEOUT(listed(QStringLiteral("panel")),
                                  QStringLiteral("/dev/hidraw7 lectern,/dev/hidraw8 "), 5000);
        QCOMPARE(state(), QStringLiteral("ready"));
        QVERIFY(log.has(QStringLiteral(
            "usb: Stream Deck mk2 (0fd9:0080, serial CL12K1A00042) plugged in at /dev/hidraw7")));

        hid->unplug("/dev/hidraw7");
        QTRY_COMPARE_WITH_TIMEOUT(listed(QStringLiteral("model")),
                                  QStringLiteral("/dev/hidraw8 xk-24"), 5000);
        QVERIFY(log.has(QStringLiteral("usb: Stream Deck mk2 (0fd9:0080, serial CL12K1A00042) "
                                       "unplugged from /dev/hidraw7")));
        QTRY_COMPARE_WITH_TIMEOUT(state(), QStringLiteral("unavailable"), 5000);
        // Plugged in again: listed and in use again.
        plugMk2(*hid, "/dev/hidraw7");
        QTRY_COMPARE_WITH_TIMEOUT(listed(QStringLiteral("panel")),
                                  QStringLiteral("/dev/hidraw7 lectern,/dev/hidraw8 "), 5000);
        service.stop();
    }

    void oscAddressSpace() {
        auto req = [](osc::Message m) { return oscRequest(m); };
        OscRequest r = req({"/opswall/preset/recall", {osc::Arg::int32(3)}});
        QCOMPARE(r.kind, OscRequest::Kind::Action);
        QCOMPARE(r.action.type, QStringLiteral("preset.recall"));
        QCOMPARE(r.action.params.value(QStringLiteral("id")).toInt(), 3);
        // TouchOSC sends whole floats.
        QCOMPARE(req({"/opswall/preset/recall", {osc::Arg::float32(2.0f)}})
                     .action.params.value(QStringLiteral("id"))
                     .toInt(),
                 2);
        QCOMPARE(req({"/opswall/briefing/next", {}}).action.type, QStringLiteral("briefing.next"));
        QCOMPARE(req({"/opswall/briefing/previous", {}}).action.type,
                 QStringLiteral("briefing.previous"));
        r = req({"/opswall/blank", {osc::Arg::int32(1)}});
        QCOMPARE(r.action.type, QStringLiteral("briefing.blank"));
        QVERIFY(r.action.params.isEmpty()); // the wall's briefing.blank takes no parameters
        QCOMPARE(req({"/opswall/blank", {osc::Arg::int32(0)}}).action.type,
                 QStringLiteral("briefing.unblank"));
        QCOMPARE(req({"/opswall/lock", {osc::Arg::int32(0)}}).action.type,
                 QStringLiteral("lock.release"));
        QCOMPARE(req({"/opswall/audio/unmute", {osc::Arg::string("demo-vc")}})
                     .action.params.value(QStringLiteral("source"))
                     .toString(),
                 QStringLiteral("demo-vc"));
        QCOMPARE(req({"/opswall/sync", {}}).kind, OscRequest::Kind::Sync);
        // Patterns: one method is fine, several are refused as ambiguous.
        QCOMPARE(req({"/opswall/briefing/{next}", {}}).action.type,
                 QStringLiteral("briefing.next"));
        r = req({"/opswall/briefing/*", {}});
        QCOMPARE(r.kind, OscRequest::Kind::Invalid);
        QVERIFY(r.error.contains(QLatin1String("matches")));
        // Wrong arguments name the address.
        for (const osc::Message &m :
             {osc::Message{"/opswall/preset/recall", {}},
              osc::Message{"/opswall/preset/recall", {osc::Arg::string("3")}},
              osc::Message{"/opswall/preset/recall", {osc::Arg::float32(2.5f)}},
              osc::Message{"/opswall/preset/recall", {osc::Arg::int32(-1)}},
              osc::Message{"/opswall/blank", {osc::Arg::int32(2)}},
              osc::Message{"/opswall/nothing", {}}}) {
            r = req(m);
            QCOMPARE(r.kind, OscRequest::Kind::Invalid);
            QVERIFY2(r.error.startsWith(QLatin1String("/opswall/")), qPrintable(r.error));
        }
        // Feedback.
        OscFeedbackState st;
        auto fb = oscFeedback(
            {{QStringLiteral("type"), QStringLiteral("preset.recall")}, {QStringLiteral("id"), 4}},
            st);
        QCOMPARE(fb.size(), std::size_t(1));
        QCOMPARE(fb[0].describe(), std::string("/opswall/preset/active ,i 4"));
        fb = oscFeedback({{QStringLiteral("type"), QStringLiteral("lock.acquire")},
                          {QStringLiteral("by"), QStringLiteral("e2e-leader")}},
                         st);
        QCOMPARE(fb[0].describe(), std::string("/opswall/lock ,is 1 \"e2e-leader\""));
        // A briefing event carries the running briefing's state (as the dispatcher publishes it).
        fb = oscFeedback({{QStringLiteral("type"), QStringLiteral("briefing.next")},
                          {QStringLiteral("briefing"), QJsonObject{{QStringLiteral("active"), true},
                                                                   {QStringLiteral("step"), 3}}}},
                         st);
        QCOMPARE(fb.size(), std::size_t(1));
        QCOMPARE(fb[0].describe(), std::string("/opswall/briefing/step ,i 3"));
        fb = oscFeedback(
            {{QStringLiteral("type"), QStringLiteral("briefing.end")},
             {QStringLiteral("briefing"), QJsonObject{{QStringLiteral("active"), false}}}},
            st);
        QCOMPARE(fb[0].describe(), std::string("/opswall/briefing/step ,i 0"));
        QVERIFY(oscFeedback({{QStringLiteral("type"), QStringLiteral("tile.move")}}, st).empty());
        QCOMPARE(oscFullState(st).size(), std::size_t(3));
    }

    void rateLimitedLog() {
        RateLimitedLog log(2, 1000);
        QCOMPARE(log.admit(QStringLiteral("a"), 0), QStringLiteral("a"));
        QCOMPARE(log.admit(QStringLiteral("b"), 10), QStringLiteral("b"));
        QVERIFY(log.admit(QStringLiteral("c"), 20).isEmpty());
        QVERIFY(log.admit(QStringLiteral("d"), 30).isEmpty());
        QCOMPARE(log.admit(QStringLiteral("e"), 1500),
                 QStringLiteral("e (2 similar line(s) held back before this one)"));
    }

    void keyFacesAsAPersonSeesThem() {
        const QSize size(144, 112);
        KeyFace preset;
        preset.kind = KeyFace::Kind::Preset;
        preset.label = QStringLiteral("Đầu tư công");
        preset.thumbnail = {QRectF(0, 0, 0.5, 0.5), QRectF(0.5, 0, 0.5, 1),
                            QRectF(0, 0.5, 0.5, 0.5)};
        KeyFace active = preset;
        active.active = true;
        KeyFace locked = preset;
        locked.locked = true;
        KeyFace alert;
        alert.kind = KeyFace::Kind::Alert;
        alert.label = QStringLiteral("Xác nhận cảnh báo");
        alert.alertCount = 3;
        KeyFace page;
        page.kind = KeyFace::Kind::Page;
        page.label = QStringLiteral("Trang 2");
        const QImage idle = renderKeyFace(preset, size);
        const QImage lit = renderKeyFace(active, size);
        const QImage held = renderKeyFace(locked, size);
        const QImage alerts = renderKeyFace(alert, size);
        const QImage next = renderKeyFace(page, size);
        // A sheet of faces to look at.
        QImage sheet(size.width() * 5 + 40, size.height() + 20, QImage::Format_RGB32);
        sheet.fill(Qt::black);
        {
            QPainter p(&sheet);
            int x = 10;
            for (const QImage *img : {&idle, &lit, &held, &alerts, &next}) {
                p.drawImage(x, 10, *img);
                x += size.width() + 5;
            }
        }
        QVERIFY(sheet.save(QStringLiteral("faces/key-faces.png")));
        // The active preset is lit (green), the idle one is not.
        QVERIFY2(share(lit, QColor(0x1F, 0x7A, 0x4D)) > 0.4, "the active preset is lit");
        QVERIFY(share(idle, QColor(0x1F, 0x7A, 0x4D)) < 0.01);
        // The label is drawn (light text pixels in the lower half).
        QVERIFY(share(idle.copy(0, 60, 144, 52), QColor(0xF2, 0xF4, 0xF7), 40) > 0.02);
        // The lock shows an amber frame; alerts a red badge.
        QVERIFY(share(held, QColor(0xE8, 0xA3, 0x17), 30) > 0.03);
        QVERIFY(share(idle, QColor(0xE8, 0xA3, 0x17), 30) < 0.005);
        QVERIFY(share(alerts, QColor(0xD6, 0x36, 0x36), 30) > 0.03);
        // Vietnamese diacritics: "Đầu" draws more ink than "Dau" would (the marks are there).
        KeyFace plain = preset;
        plain.label = QStringLiteral("Dau tu cong");
        QVERIFY(share(renderKeyFace(plain, size).copy(0, 60, 144, 52), QColor(0xF2, 0xF4, 0xF7),
                      40) < share(idle.copy(0, 60, 144, 52), QColor(0xF2, 0xF4, 0xF7), 40));
    }

    void facesAreEncodedAsEachModelNeeds() {
        // A face marked in its top-left corner.
        QImage face(144, 112, QImage::Format_RGB32);
        face.fill(Qt::black);
        {
            QPainter p(&face);
            p.fillRect(0, 0, 40, 30, Qt::white);
        }
        auto decode = [](const QByteArray &bytes) {
            QImage img;
            img.loadFromData(bytes);
            return img;
        };
        // Studio: JPEG, upright.
        const QByteArray studio = encodeKeyFace(face, *sd::modelByName("studio"));
        QVERIFY(studio.startsWith("\xFF\xD8") && studio.endsWith("\xFF\xD9"));
        QImage back = decode(studio);
        QCOMPARE(back.size(), QSize(144, 112));
        QVERIFY(qGray(back.pixel(5, 5)) > 200 && qGray(back.pixel(138, 106)) < 60);
        // MK.2: 72 px JPEG turned 180 degrees (the deck turns it back).
        back = decode(encodeKeyFace(face, *sd::modelByName("mk2")));
        QCOMPARE(back.size(), QSize(72, 72));
        QVERIFY(qGray(back.pixel(68, 68)) > 200 && qGray(back.pixel(3, 3)) < 60);
        // Original: BMP mirrored in x.
        const QByteArray bmp = encodeKeyFace(face, *sd::modelByName("original"));
        QVERIFY(bmp.startsWith("BM"));
        back = decode(bmp);
        QVERIFY(qGray(back.pixel(68, 3)) > 200 && qGray(back.pixel(3, 3)) < 60);
        // The key faces of a real model fit its image packets.
        QVERIFY(!sd::keyImageReports(*sd::modelByName("studio"), 0,
                                     opswall::drivers::Bytes(studio.begin(), studio.end()))
                     .empty());
    }
};

QTEST_MAIN(TestPanelsUnits)
#include "tst_panels_units.moc"
