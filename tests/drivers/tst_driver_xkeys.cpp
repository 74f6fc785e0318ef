// X-keys (PROTOCOLS.md section 9).
//
// Codec: golden vectors recorded from the public @xkeys-lib/core 3.3.0 driven with a fake HID
// device (its init writes, key events for given input reports, and the output reports of
// setBacklight, setAllBacklights, setBacklightIntensity and setIndicatorLED on an XK-24 and an
// XK-60), checked byte for byte against our codec.
//
// Transport (xkeys::UsbPanel over hid::Link): this host has no /dev/uhid, so it is driven through
// the FAILURE-INJECTION FAKE HID backend (fakehid.h, not a real peer): the panel answers the
// version request, keys are pressed and released, it is unplugged and plugged again; a panel on
// a non-key interface is not taken.
#include "check.h"
#include "fakehid.h"
#include "usbpanelrig.h"
#include "xkeys.h"
#include "xkeys_usb.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

using namespace opswall::drivers;
using namespace opswall::drivers::xkeys;
namespace asio = boost::asio;

namespace {
Bytes hex(const char *h) {
    Bytes b = fromHex(h).value();
    b.resize(kOutputReport, 0);
    return b;
}
Bytes input(std::initializer_list<int> head) {
    Bytes b(32, 0);
    std::size_t i = 0;
    for (int v : head)
        b[i++] = std::uint8_t(v);
    return b;
}
std::string keys(const std::vector<KeyEvent> &events) {
    std::string s;
    for (const KeyEvent &e : events)
        s += (s.empty() ? "" : ", ") + std::string(e.pressed ? "down " : "up ") +
             std::to_string(e.key);
    return s;
}
const Product &xk24() {
    return *productByName("xk-24");
}
} // namespace

TEST_CASE("golden: XK-24 product ids, interface and layout") {
    EXPECT_TRUE(productFor(1029, 0) == &xk24());
    EXPECT_TRUE(productFor(1027) == &xk24());
    EXPECT_TRUE(productFor(1029, 1) == nullptr); // not the key interface
    EXPECT_TRUE(productFor(0x1234) == nullptr);
    EXPECT_EQ(xk24().keyCount(), 24);
    EXPECT_EQ(productByName("xk-60")->keyCount(), 80);
}

TEST_CASE("golden: XK-24 input reports -> down 3, down 18; then up 3, up 18, down 0 (PS)") {
    KeyTracker t(xk24());
    const Bytes first = input({5, 0x00, 0x04, 0x00, 0x20});
    EXPECT_EQ(keys(t.update(first.data(), first.size())), std::string("down 3, down 18"));
    const Bytes second = input({5, 0x01});
    EXPECT_EQ(keys(t.update(second.data(), second.size())), std::string("up 3, up 18, down 0"));
    // A special report (version answer D6) is not key data; nor is a short one.
    const Bytes version = input({5, 0xD6, 0xFF, 0xFF, 0xFF, 0xFF});
    EXPECT_EQ(keys(t.update(version.data(), version.size())), std::string());
    EXPECT_EQ(keys(t.update(version.data(), 4)), std::string());
    EXPECT_EQ(keys(t.update(nullptr, 0)), std::string());
}

TEST_CASE("golden: init writes 00 D6 then 00 B1, 36 bytes each") {
    EXPECT_TRUE(versionRequest() == hex("00d6"));
    EXPECT_TRUE(stateRequest() == hex("00b1"));
    EXPECT_EQ(versionRequest().size(), std::size_t(36));
}

TEST_CASE("golden: XK-24 backlights, banks, intensity, indicator") {
    const auto blue3 = backlightReports(xk24(), 3, Light::On, Light::Off);
    EXPECT_EQ(blue3.size(), std::size_t(2));
    EXPECT_TRUE(blue3 == (std::vector<Bytes>{hex("00b5020101"), hex("00b5220001")}));
    const auto redFlash3 = backlightReports(xk24(), 3, Light::Off, Light::Flash);
    EXPECT_TRUE(redFlash3 == (std::vector<Bytes>{hex("00b5020001"), hex("00b5220201")}));
    const auto off24 = backlightReports(xk24(), 24, Light::Off, Light::Off);
    EXPECT_TRUE(off24 == (std::vector<Bytes>{hex("00b51d0001"), hex("00b53d0001")}));
    EXPECT_TRUE(backlightReports(xk24(), 25, Light::On, Light::On).empty());
    EXPECT_TRUE(backlightReports(xk24(), 0, Light::On, Light::On).empty());
    EXPECT_TRUE(bankReport(false, 0xFF) == hex("00b600ff"));
    EXPECT_TRUE(bankReport(true, 0) == hex("00b601"));
    EXPECT_TRUE(intensityReport(200, 100) == hex("00bbc864"));
    EXPECT_TRUE(indicatorReport(false, Light::On) == hex("00b30601"));
}

TEST_CASE("golden: XK-60 key 80 red, intensity 255") {
    const Product &xk60 = *productByName("xk-60");
    EXPECT_TRUE(backlightReports(xk60, 80, Light::Off, Light::On) ==
                (std::vector<Bytes>{hex("00b54f0001"), hex("00b59f0101")}));
    EXPECT_TRUE(intensityReport(255, 255) == hex("00bbffff"));
}

TEST_CASE("codec: the version answer (firmware [10], product id LE16 [11])") {
    const Bytes v = input({5, 0xD6, 0, 0, 0, 0, 0, 0, 0, 0, 9, 0x05, 0x04});
    const auto parsed = parseVersion(v.data(), v.size());
    EXPECT_TRUE(parsed.has_value());
    if (parsed) {
        EXPECT_EQ(parsed->unitId, 5);
        EXPECT_EQ(parsed->firmware, 9);
        EXPECT_EQ(int(parsed->productId), 1029);
    }
    EXPECT_TRUE(!parseVersion(v.data(), 12));
    const Bytes keysReport = input({5, 0x00, 1});
    EXPECT_TRUE(!parseVersion(keysReport.data(), keysReport.size()));
}

namespace {
using fakehid::FakeDeck;
using fakehid::FakeHid;

// An XK-24 as the fake: answers 00 D6 with its version, 00 B1 with its (empty) key state.
std::shared_ptr<FakeDeck> plugXk24(FakeHid &hid, const std::string &path, int iface = 0) {
    return hid.plug({path, kVendorId, 1029, "", "XK-24", iface}, [](FakeDeck &d) {
        d.answer = [](const Bytes &w, std::deque<Bytes> &in) {
            if (w.size() > 1 && w[1] == 0xD6)
                in.push_back(input({3, 0xD6, 0, 0, 0, 0, 0, 0, 0, 0, 7, 0x05, 0x04}));
            else if (w.size() > 1 && w[1] == 0xB1)
                in.push_back(input({3, 0x02}));
        };
    });
}

struct Rig : fakehid::UsbPanelRig<UsbPanel> {
    explicit Rig(std::shared_ptr<hid::Backend> backend) {
        UsbSettings s;
        s.scanIntervalMs = 50;
        start(UsbPanel::create(io, std::move(backend), s),
              [](bool ready, const UsbInfo &info, const std::string &why) {
                  return ready ? std::string("ready ") + info.product->name + " " + info.firmware
                               : "unavailable: " + why;
              });
    }
};
} // namespace

TEST_CASE("usb (fake HID): X-keys found, version read, keys, backlights, unplug and back") {
    auto hid = std::make_shared<FakeHid>();
    hid->plug({"/dev/hidraw1", kVendorId, 1029, "", "XK-24 (mouse)", 2}); // not the key interface
    Rig rig(hid);
    EXPECT_TRUE(rig.waitFor([&] { return !rig.states.empty(); }));
    EXPECT_EQ(rig.last(), std::string("unavailable: no X-keys panel on USB (fake)"));
    auto d = plugXk24(*hid, "/dev/hidraw2");
    EXPECT_TRUE(rig.waitFor([&] { return rig.states.size() == 2; }));
    EXPECT_EQ(rig.last(), std::string("ready xk-24 v7, unit 3"));
    EXPECT_TRUE(hid->locked([&] {
        return d->writes.size() == 2 && d->writes[0] == versionRequest() &&
               d->writes[1] == stateRequest();
    }));
    hid->press(d, input({3, 0x00, 0x00, 0x01})); // column 1, row 0: key 7
    hid->press(d, input({3, 0x00}));
    EXPECT_TRUE(rig.waitFor([&] { return rig.keys.size() == 2; }));
    EXPECT_TRUE(rig.keys == (std::vector<std::string>{"down 7", "up 7"}));
    asio::post(rig.io, [&] {
        rig.panel->setBacklight(7, Light::On, Light::Flash);
        rig.panel->setIntensity(255, 128);
    });
    const auto lights = backlightReports(xk24(), 7, Light::On, Light::Flash);
    EXPECT_TRUE(rig.waitFor([&] { return hid->locked([&] { return d->writes.size() == 5; }); }));
    EXPECT_TRUE(hid->locked([&] {
        return d->writes[2] == lights[0] && d->writes[3] == lights[1] &&
               d->writes[4] == intensityReport(255, 128);
    }));
    hid->unplug("/dev/hidraw2");
    EXPECT_TRUE(rig.waitFor([&] { return rig.states.size() == 3; }));
    EXPECT_EQ(rig.last(),
              std::string("unavailable: lost /dev/hidraw2: read failed: No such device"));
    plugXk24(*hid, "/dev/hidraw3");
    EXPECT_TRUE(rig.waitFor([&] { return rig.states.size() == 4; }));
    EXPECT_EQ(rig.last(), std::string("ready xk-24 v7, unit 3"));
    EXPECT_EQ(rig.panel->info().path, std::string("/dev/hidraw3"));
}

TEST_CASE("usb (fake HID): an X-keys that never answers the version is still used") {
    auto hid = std::make_shared<FakeHid>();
    hid->plug({"/dev/hidraw4", kVendorId, 1121, "", "XK-60", 0});
    Rig rig(hid);
    EXPECT_TRUE(rig.waitFor([&] { return rig.states.size() == 1; }));
    EXPECT_EQ(rig.last(), std::string("ready xk-60 "));
}

CHECK_MAIN
