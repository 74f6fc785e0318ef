// Stream Deck: the bytes as a device's TCP stream seen by the host (framing detected), as a
// host's stream seen by the device (Cora and legacy), and each payload as an input report, an
// image packet, the device's answers and a USB serial/firmware feature report. Nothing may crash,
// hang or throw.
#include "streamdeck.h"

#include <cstdint>

using namespace opswall::drivers;
using namespace opswall::drivers::streamdeck;

namespace {
void payloads(cora::Decoder &d, const std::uint8_t *data, std::size_t size) {
    const std::size_t half = size ? data[0] % (size + 1) : 0;
    d.push(data, half);
    d.push(data + half, size - half);
    KeyTracker studio(*modelByName("studio"));
    KeyTracker original(*modelByName("original"));
    KeyImageAssembler images;
    for (int guard = 0; guard < 100000; ++guard) {
        auto next = d.next();
        if (std::holds_alternative<cora::NeedMore>(next))
            break;
        if (std::holds_alternative<cora::Error>(next)) {
            if (d.framing() == cora::Framing::Unknown)
                break;
            continue;
        }
        const Bytes &p = std::get<cora::Message>(next).payload;
        (void)studio.update(p.data(), p.size());
        (void)original.update(p.data(), p.size());
        (void)images.push(p.data(), p.size());
        (void)cora::parseChildInfo(p);
        (void)cora::parseDeviceInfo(p);
        (void)cora::parseSerial(p);
        // The same bytes as USB feature reports (serial, firmware) of both generations.
        for (const char *name : {"mk2", "original"}) {
            (void)parseUsbSerial(*modelByName(name), p.data(), p.size());
            (void)parseUsbFirmware(*modelByName(name), p.data(), p.size());
        }
    }
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    cora::Decoder host(true);
    payloads(host, data, size);
    cora::Decoder deviceCora(false);
    deviceCora.setFraming(cora::Framing::Cora);
    payloads(deviceCora, data, size);
    cora::Decoder deviceLegacy(false);
    deviceLegacy.setFraming(cora::Framing::Legacy);
    payloads(deviceLegacy, data, size);
    return 0;
}
