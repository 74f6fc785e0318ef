#pragma once
// USB HID access for input panels (Stream Deck, X-keys): a small interface over the host's HID
// stack so that the panel transports are the same code on hidapi (hidraw backend, Debian's
// libhidapi-dev) and on the failure-injection fake the unit tests use.
//
// Threading: a Backend may be used from any one thread at a time. A Device is used by exactly
// one thread (the panel's device thread): hidapi's handles are not safe to share between a
// reader and a writer.
#include "bytes.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace opswall::drivers::hid {

struct DeviceInfo {
    std::string path; // hidraw: /dev/hidrawN
    std::uint16_t vendorId = 0;
    std::uint16_t productId = 0;
    std::string serial; // from the USB descriptor; may be empty
    std::string product;
    int interfaceNumber = -1;
};

class Device {
public:
    virtual ~Device() = default;
    // An output report, report id first. Bytes written, or -1 (lastError() says why).
    virtual int write(const Bytes &report) = 0;
    // A feature report, report id first. Bytes sent, or -1.
    virtual int sendFeature(const Bytes &report) = 0;
    // Reads feature report `reportId` into `size` bytes (report id first); nullopt on failure.
    virtual std::optional<Bytes> getFeature(std::uint8_t reportId, std::size_t size) = 0;
    // Waits up to timeoutMs for one input report: its size, 0 on timeout, -1 when the device
    // failed or went away.
    virtual int read(std::uint8_t *buffer, std::size_t size, int timeoutMs) = 0;
    virtual std::string lastError() const = 0;
};

class Backend {
public:
    virtual ~Backend() = default;
    virtual std::string name() const = 0; // "hidapi-hidraw", "fake"
    // Devices of this vendor present now (hot-plug is seen by enumerating again). An empty
    // list and an error when the host's HID stack is unusable (no hidraw, no permission).
    virtual std::vector<DeviceInfo> enumerate(std::uint16_t vendorId, std::string *error) = 0;
    virtual std::unique_ptr<Device> open(const std::string &path, std::string *error) = 0;
};

// hidapi over hidraw; hid_init() runs once per process.
std::shared_ptr<Backend> hidapiBackend();

} // namespace opswall::drivers::hid
