// Stream Deck over USB (PROTOCOLS.md section 7).
//
// Codec: the serial and firmware feature reports of both generations, and what is not such a
// report. The four good reports below were fed to @elgato-stream-deck/core 7.3.2's own
// Gen2PropertiesService / Gen1PropertiesService (a fake device answering getFeatureReport with
// these bytes): they read "CL12K1A00042", "1.01.000", "AL31H1B01234" and "1.0.191203", as here.
//
// Transport (UsbDeck): this host has no /dev/uhid (no uhid module, no modprobe), so no kernel HID
// device can be made for hidapi to find. UsbDeck is therefore driven here through a
// FAILURE-INJECTION FAKE of the HID backend (FakeHid below, not a real peer): decks appear and
// disappear (hot-plug), fail to open, fail a write, refuse 32-byte feature reads; key reports are
// injected and the reports UsbDeck writes are checked byte for byte against the codec. The real
// hidapi backend is exercised on what this host has: no Stream Deck, so a clean Unavailable
// state naming hidapi.
#include "check.h"
#include "fakehid.h"
#include "hid.h"
#include "streamdeck.h"
#include "streamdeck_usb.h"
#include "uhiddeck.h"
#include "usbpanelrig.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>

using namespace opswall::drivers;
using namespace opswall::drivers::streamdeck;
namespace asio = boost::asio;

namespace {

Bytes report(std::initializer_list<int> head, std::size_t size) {
    Bytes b(size, 0);
    std::size_t i = 0;
    for (int v : head)
        b[i++] = std::uint8_t(v);
    return b;
}
Bytes withText(Bytes b, std::size_t at, const std::string &text) {
    std::memcpy(b.data() + at, text.data(), text.size());
    return b;
}
const Model &model(const char *name) {
    return *modelByName(name);
}

using fakehid::FakeDeck;
using fakehid::FakeHid;

// A Stream Deck as the fake: its serial and firmware feature reports as the model has them.
std::shared_ptr<FakeDeck> plugDeck(FakeHid &hid, const std::string &path, std::uint16_t pid,
                                   const std::string &serial) {
    return hid.plug({path, kVendorId, pid, serial, "Stream Deck", 0}, [&](FakeDeck &d) {
        if (modelForProductId(pid)->generation == 2) {
            d.features[0x06] = withText(report({0x06, int(serial.size())}, 32), 2, serial);
            d.features[0x05] = withText(report({0x05, 12}, 32), 6, "1.01.000");
        } else {
            d.features[0x03] = withText(report({0x03}, 17), 5, serial);
            d.features[0x04] = withText(report({0x04}, 17), 5, "1.0.191203");
        }
    });
}

struct Rig : fakehid::UsbPanelRig<UsbDeck> {
    std::shared_ptr<hid::Backend> backend;
    std::shared_ptr<UsbDeck> &deck = panel;

    explicit Rig(std::shared_ptr<hid::Backend> b, UsbDeckSettings s = {})
        : backend(std::move(b)) {
        s.scanIntervalMs = std::min(s.scanIntervalMs, 50);
        start(UsbDeck::create(io, backend, s),
              [](UsbState st, const UsbDeckInfo &info, const std::string &why) {
                  return st == UsbState::Ready ? std::string("ready ") + info.model->name + " " +
                                                     info.serial + " " + info.firmware
                                               : std::string(usbStateName(st)) + ": " + why;
              });
    }
};

Bytes mk2Keys(int pressedKey) {
    Bytes r = report({0x01, 0x00, 15, 0}, 512);
    if (pressedKey >= 0)
        r[4 + std::size_t(pressedKey)] = 1;
    return r;
}

} // namespace

// --- codec ------------------------------------------------------------------------------------

TEST_CASE("codec: gen-2 serial report 06 and firmware report 05 (length at [1])") {
    const Model &mk2 = model("mk2");
    EXPECT_EQ(int(serialQuery(mk2).reportId), 0x06);
    EXPECT_EQ(int(firmwareQuery(mk2).reportId), 0x05);
    EXPECT_EQ(serialQuery(mk2).size, std::size_t(32));
    const Bytes serial = withText(report({0x06, 12}, 32), 2, "CL12K1A00042");
    EXPECT_EQ(parseUsbSerial(mk2, serial.data(), serial.size()).value_or("?"),
              std::string("CL12K1A00042"));
    // Firmware: the length counts the 4 bytes of checksum before the text at [6].
    const Bytes fw = withText(report({0x05, 12, 0xDE, 0xAD, 0xBE, 0xEF}, 32), 6, "1.01.000");
    EXPECT_EQ(parseUsbFirmware(mk2, fw.data(), fw.size()).value_or("?"), std::string("1.01.000"));
    // The serial is not the firmware and the other way round.
    EXPECT_TRUE(!parseUsbFirmware(mk2, serial.data(), serial.size()));
    EXPECT_TRUE(!parseUsbSerial(mk2, fw.data(), fw.size()));
}

TEST_CASE("codec: gen-1 serial report 03 [5,17) and firmware report 04 to the first NUL") {
    const Model &orig = model("original");
    EXPECT_EQ(int(serialQuery(orig).reportId), 0x03);
    EXPECT_EQ(int(firmwareQuery(orig).reportId), 0x04);
    const Bytes serial = withText(report({0x03}, 17), 5, "AL31H1B01234");
    EXPECT_EQ(parseUsbSerial(orig, serial.data(), serial.size()).value_or("?"),
              std::string("AL31H1B01234"));
    Bytes fw = withText(report({0x04}, 17), 5, "1.0.191203");
    fw[16] = 'X'; // after the NUL: not part of the version
    EXPECT_EQ(parseUsbFirmware(orig, fw.data(), fw.size()).value_or("?"),
              std::string("1.0.191203"));
}

TEST_CASE("codec: bad feature reports are nullopt, never read past the end") {
    const Model &mk2 = model("mk2");
    const Bytes longer = report({0x06, 40}, 32); // length past the end
    EXPECT_TRUE(!parseUsbSerial(mk2, longer.data(), longer.size()));
    const Bytes empty = report({0x06, 0}, 32);
    EXPECT_TRUE(!parseUsbSerial(mk2, empty.data(), empty.size()));
    const Bytes control = withText(report({0x06, 4}, 32), 2, "AB\x01Z");
    EXPECT_TRUE(!parseUsbSerial(mk2, control.data(), control.size()));
    const Bytes one = report({0x06}, 1);
    EXPECT_TRUE(!parseUsbSerial(mk2, one.data(), one.size()));
    EXPECT_TRUE(!parseUsbSerial(mk2, nullptr, 0));
    const Bytes shortGen1 = report({0x03, 0, 0, 0, 0}, 5);
    EXPECT_TRUE(!parseUsbSerial(model("original"), shortGen1.data(), shortGen1.size()));
    // 40 printable bytes: cut at 32.
    Bytes big = report({0x06, 40}, 64);
    std::fill(big.begin() + 2, big.begin() + 42, 'A');
    EXPECT_EQ(parseUsbSerial(mk2, big.data(), big.size()).value_or("").size(), std::size_t(32));
}

// --- transport, on the failure-injection fake -------------------------------------------------

TEST_CASE("usb (fake HID): no deck is Unavailable with a reason, once, then hot-plug -> Ready") {
    auto hid = std::make_shared<FakeHid>();
    Rig rig(hid);
    EXPECT_TRUE(rig.waitFor([&] { return !rig.states.empty(); }));
    EXPECT_EQ(rig.last(), std::string("unavailable: no Stream Deck on USB (fake)"));
    rig.waitFor([] { return false; }, 200); // several scans: still one state line
    EXPECT_EQ(rig.states.size(), std::size_t(1));
    auto d = plugDeck(*hid, "/dev/hidraw7", 0x0080, "CL12K1A00042");
    EXPECT_TRUE(rig.waitFor([&] { return rig.count("ready") == 1; }));
    EXPECT_EQ(rig.last(), std::string("ready mk2 CL12K1A00042 1.01.000"));
    EXPECT_EQ(rig.deck->info().path, std::string("/dev/hidraw7"));
}

TEST_CASE("usb (fake HID): key reports become key events; pictures, brightness, reset go out") {
    auto hid = std::make_shared<FakeHid>();
    auto d = plugDeck(*hid, "/dev/hidraw1", 0x0080, "CL12K1A00042");
    Rig rig(hid);
    EXPECT_TRUE(rig.waitFor([&] { return rig.count("ready") == 1; }));
    hid->press(d, mk2Keys(3));
    hid->press(d, mk2Keys(-1));
    hid->press(d, report({0x01, 0x03, 4, 0, 1}, 512)); // not a key report (encoder): nothing
    EXPECT_TRUE(rig.waitFor([&] { return rig.keys.size() >= 2; }));
    rig.waitFor([] { return false; }, 50);
    EXPECT_EQ(rig.keys.size(), std::size_t(2));
    if (rig.keys.size() == 2) {
        EXPECT_EQ(rig.keys[0], std::string("down 3"));
        EXPECT_EQ(rig.keys[1], std::string("up 3"));
    }
    Bytes jpeg(2500, 0x5A);
    jpeg[0] = 0xFF;
    jpeg[1] = 0xD8;
    asio::post(rig.io, [&] {
        rig.deck->setBrightness(42);
        rig.deck->setKeyImage(14, jpeg);
        rig.deck->reset();
        rig.deck->setKeyImage(15, jpeg); // out of range on a 15-key deck: nothing
    });
    const std::vector<Bytes> expected = keyImageReports(model("mk2"), 14, jpeg);
    EXPECT_EQ(expected.size(), std::size_t(3));
    EXPECT_TRUE(rig.waitFor([&] {
        return hid->locked([&] { return d->writes.size() >= 3 && d->sentFeatures.size() >= 2; });
    }));
    rig.waitFor([] { return false; }, 50);
    hid->locked([&] {
        EXPECT_TRUE(d->writes == expected);
        EXPECT_EQ(d->sentFeatures.size(), std::size_t(2));
        if (d->sentFeatures.size() == 2) {
            EXPECT_TRUE(d->sentFeatures[0] == brightnessReport(model("mk2"), 42));
            EXPECT_EQ(toHex(Bytes(d->sentFeatures[0].begin(), d->sentFeatures[0].begin() + 3)),
                      std::string("03 08 2A"));
            EXPECT_TRUE(d->sentFeatures[1] == resetReport(model("mk2")));
        }
        return 0;
    });
}

TEST_CASE("usb (fake HID): a press is read between picture writes, not after all of them") {
    // 15 keys of pictures (45 reports) at 2 ms a report (a slow USB transfer) take ~90 ms to
    // write; a key pressed while they go out is seen after a few of them, not after the last.
    auto hid = std::make_shared<FakeHid>();
    auto d = plugDeck(*hid, "/dev/hidraw1", 0x0080, "CL12K1A00042");
    hid->locked([&] { return d->writeDelayUs = 2000; });
    Rig rig(hid);
    EXPECT_TRUE(rig.waitFor([&] { return rig.count("ready") == 1; }));
    const Bytes jpeg(2500, 0x5A);
    asio::post(rig.io, [&] {
        for (int key = 0; key < 15; ++key)
            rig.deck->setKeyImage(key, jpeg);
    });
    EXPECT_TRUE(rig.waitFor([&] { return hid->locked([&] { return d->writes.size() >= 2; }); }));
    hid->press(d, mk2Keys(7));
    std::size_t writtenAtPress = 0;
    EXPECT_TRUE(rig.waitFor([&] {
        if (rig.keys.empty())
            return false;
        writtenAtPress = hid->locked([&] { return d->writes.size(); });
        return true;
    }));
    EXPECT_EQ(rig.keys.empty() ? std::string() : rig.keys[0], std::string("down 7"));
    EXPECT_TRUE(writtenAtPress < 30);
    EXPECT_TRUE(rig.waitFor([&] { return hid->locked([&] { return d->writes.size() == 45; }); }));
}

TEST_CASE("usb (fake HID): unplugged -> Unavailable naming the device; plugged again -> Ready") {
    auto hid = std::make_shared<FakeHid>();
    auto d = plugDeck(*hid, "/dev/hidraw2", 0x006C, "XL0001");
    Rig rig(hid);
    EXPECT_TRUE(rig.waitFor([&] { return rig.count("ready xl XL0001") == 1; }));
    hid->press(d, report({0x01, 0x00, 32, 0, 0, 1}, 512)); // key 1 held when it goes
    EXPECT_TRUE(rig.waitFor([&] { return rig.keys.size() == 1; }));
    hid->unplug("/dev/hidraw2");
    EXPECT_TRUE(rig.waitFor([&] { return rig.count("unavailable") == 1; }));
    EXPECT_EQ(rig.last(),
              std::string("unavailable: lost /dev/hidraw2: read failed: No such device"));
    EXPECT_TRUE(rig.deck->state() == UsbState::Unavailable);
    // Nothing is sent while it is away (and nothing crashes).
    asio::post(rig.io, [&] { rig.deck->setBrightness(10); });
    auto again = plugDeck(*hid, "/dev/hidraw3", 0x006C, "XL0001");
    EXPECT_TRUE(rig.waitFor([&] { return rig.count("ready xl XL0001") == 2; }));
    EXPECT_EQ(rig.deck->info().path, std::string("/dev/hidraw3"));
    // Keys start from "all up" on the new device: pressing key 1 is a fresh press.
    hid->press(again, report({0x01, 0x00, 32, 0, 0, 1}, 512));
    EXPECT_TRUE(rig.waitFor([&] { return rig.keys.size() == 2; }));
    EXPECT_EQ(rig.keys.back(), std::string("down 1"));
    EXPECT_TRUE(hid->locked([&] { return again->sentFeatures.empty(); }));
}

TEST_CASE("usb (fake HID): a failing write drops the device and it is found again") {
    auto hid = std::make_shared<FakeHid>();
    auto d = plugDeck(*hid, "/dev/hidraw4", 0x0080, "MK2A");
    Rig rig(hid);
    EXPECT_TRUE(rig.waitFor([&] { return rig.count("ready") == 1; }));
    hid->locked([&] { return d->failWrites = true; });
    asio::post(rig.io, [&] { rig.deck->setKeyImage(0, Bytes(100, 1)); });
    EXPECT_TRUE(rig.waitFor([&] { return rig.count("unavailable") == 1; }));
    EXPECT_EQ(rig.last(),
              std::string("unavailable: lost /dev/hidraw4: output report failed: Broken pipe "
                          "(injected)"));
    hid->locked([&] { return d->failWrites = false; });
    EXPECT_TRUE(rig.waitFor([&] { return rig.count("ready") == 2; }));
    EXPECT_EQ(hid->locked([&] { return hid->opens; }), 2);
}

TEST_CASE("usb (fake HID): the configured serial picks its deck; others are named, not used") {
    auto hid = std::make_shared<FakeHid>();
    plugDeck(*hid, "/dev/hidraw5", 0x0080, "OTHER1");
    UsbDeckSettings s;
    s.serial = "WANTED";
    Rig rig(hid, s);
    EXPECT_TRUE(rig.waitFor([&] { return !rig.states.empty(); }));
    EXPECT_EQ(rig.last(), std::string("unavailable: no Stream Deck with serial 'WANTED' on USB "
                                      "(fake), 1 other present"));
    plugDeck(*hid, "/dev/hidraw6", 0x0063, "WANTED");
    EXPECT_TRUE(rig.waitFor([&] { return rig.count("ready mini WANTED") == 1; }));
    EXPECT_EQ(rig.deck->info().path, std::string("/dev/hidraw6"));
}

TEST_CASE("usb (fake HID): open refused and HID unusable are Unavailable with the reason") {
    auto hid = std::make_shared<FakeHid>();
    hid->enumerateError = "no hidraw (injected)";
    Rig rig(hid);
    EXPECT_TRUE(rig.waitFor([&] { return !rig.states.empty(); }));
    EXPECT_EQ(rig.last(), std::string("unavailable: HID unusable (fake): no hidraw (injected)"));
    hid->locked([&] {
        hid->enumerateError.clear();
        hid->failOpen = true;
        return 0;
    });
    plugDeck(*hid, "/dev/hidraw9", 0x0080, "X");
    EXPECT_TRUE(rig.waitFor([&] { return rig.count("unavailable") == 2; }));
    EXPECT_EQ(rig.last(), std::string("unavailable: cannot open /dev/hidraw9: Permission denied "
                                      "(injected)"));
    hid->locked([&] { return hid->failOpen = false; });
    EXPECT_TRUE(rig.waitFor([&] { return rig.count("ready") == 1; }));
}

TEST_CASE("usb (fake HID): a gen-1 deck refusing 32-byte feature reads is asked for 17") {
    auto hid = std::make_shared<FakeHid>();
    auto d = plugDeck(*hid, "/dev/hidraw8", 0x0060, "AL31H1B01234");
    d->refuseOver17 = true;
    Rig rig(hid);
    EXPECT_TRUE(rig.waitFor([&] { return rig.count("ready") == 1; }));
    EXPECT_EQ(rig.last(), std::string("ready original AL31H1B01234 1.0.191203"));
    hid->locked([&] {
        EXPECT_TRUE(d->featureSizesAsked == (std::vector<std::size_t>{32, 17, 32, 17}));
        return 0;
    });
    // The Original numbers its keys right to left: HID position 0 is key 4.
    Bytes r = report({0x01}, 512);
    r[1] = 1;
    hid->press(d, r);
    EXPECT_TRUE(rig.waitFor([&] { return rig.keys.size() == 1; }));
    EXPECT_EQ(rig.keys.front(), std::string("down 4"));
}

// --- the real hidapi backend on this host -----------------------------------------------------

TEST_CASE("usb (hidapi-hidraw, real): a state with a reason, Unavailable where no deck is") {
    auto backend = hid::hidapiBackend();
    std::string error;
    const auto present = backend->enumerate(kVendorId, &error);
    std::printf("hidapi-hidraw: %zu device(s) with VID 0FD9 on this host%s%s\n", present.size(),
                error.empty() ? "" : ", error: ", error.c_str());
    Rig rig(backend);
    EXPECT_TRUE(rig.waitFor([&] { return !rig.states.empty(); }));
    std::printf("state: %s\n", rig.last().c_str());
    if (present.empty())
        EXPECT_TRUE(rig.last().rfind("unavailable: ", 0) == 0 &&
                    rig.last().find("hidapi-hidraw") != std::string::npos);
    EXPECT_TRUE(!rig.last().empty());
}

TEST_CASE("usb (uhid + hidapi-hidraw, real kernel device): found, keys, brightness, unplugged") {
    // A kernel HID device where the host allows one (/dev/uhid); skipped, saying so, where not.
    uhid::Mk2 device;
    std::string why;
    if (!device.open("OWUHID0001", &why)) {
        std::printf("SKIP: no kernel HID device can be made on this host (%s); the USB deck is "
                    "tested on the HID fake only\n",
                    why.c_str());
        return;
    }
    UsbDeckSettings s;
    s.serial = "OWUHID0001";
    Rig rig(hid::hidapiBackend(), s);
    EXPECT_TRUE(rig.waitFor([&] { return rig.count("ready") == 1; }, 10000));
    EXPECT_EQ(rig.last(), std::string("ready mk2 OWUHID0001 1.01.000"));
    EXPECT_TRUE(rig.deck->info().path.rfind("/dev/hidraw", 0) == 0);
    device.input(mk2Keys(3));
    device.input(mk2Keys(-1));
    EXPECT_TRUE(rig.waitFor([&] { return rig.keys.size() >= 2; }));
    EXPECT_EQ(rig.keys.empty() ? std::string() : rig.keys[0], std::string("down 3"));
    asio::post(rig.io, [&] { rig.deck->setBrightness(42); });
    EXPECT_TRUE(rig.waitFor([&] {
        for (const auto &f : device.features())
            if (f.size() >= 3 && f[0] == 0x03 && f[1] == 0x08 && f[2] == 42)
                return true;
        return false;
    }));
    const std::string path = rig.deck->info().path;
    device.destroy();
    EXPECT_TRUE(rig.waitFor([&] { return rig.last().rfind("unavailable: ", 0) == 0; }));
    std::printf("unplugged: %s (was %s)\n", rig.last().c_str(), path.c_str());
}

CHECK_MAIN
