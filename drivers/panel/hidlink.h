#pragma once
// One USB HID panel through a HID backend (hidapi over hidraw in the app): finds the device by
// enumerating its vendor id (every `scanIntervalMs` while it has none: hot-plug without udev),
// opens it, lets the protocol identify it (feature reads on the device thread), then delivers
// its input reports and writes what the protocol queues. When no device is present, or the one
// in use is unplugged or fails, the state is "unavailable" with the reason, and scanning goes on.
// Stream Decks (streamdeck_usb.h) and X-keys (xkeys_usb.h) are thin layers over it.
//
// Threading: the public calls and every callback except Identify are on the io_context given.
// While a device is open, one device thread owns the HID handle (hidapi handles are not shared
// between threads): it reads input reports with a short timeout and, between reads, writes what
// the io thread queued for it.
#include "hid.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <functional>
#include <memory>
#include <string>

namespace opswall::drivers::hid {

struct LinkSettings {
    std::uint16_t vendorId = 0;
    std::string what = "HID panel"; // in reasons: "no Stream Deck on USB (hidapi-hidraw)"
    std::string serial;             // the device with this serial; empty: the first that matches
    int scanIntervalMs = 1000;
    int readTimeoutMs = 10; // also the longest a queued write waits for the device thread
    std::size_t readSize = 512;
    std::size_t maxQueued = 4096; // reports waiting for the device thread; more are dropped
};

struct Identity {
    std::string path;
    std::uint16_t productId = 0;
    int interfaceNumber = -1;
    std::string serial; // the descriptor's, unless Identify read a better one
    std::string firmware;
};

class Link : public std::enable_shared_from_this<Link> {
public:
    // Which enumerated devices are this kind of panel (io thread).
    using Match = std::function<bool(const DeviceInfo &)>;
    // Runs on the device thread right after opening: read serial, firmware (may be empty).
    using Identify = std::function<void(Device &, Identity &)>;
    using OnState = std::function<void(bool ready, const Identity &, const std::string &why)>;
    using OnReport = std::function<void(const Bytes &)>;

    static std::shared_ptr<Link> create(boost::asio::io_context &io,
                                        std::shared_ptr<Backend> backend, LinkSettings settings,
                                        Match match, Identify identify = {});
    ~Link();
    void setCallbacks(OnState onState, OnReport onReport);

    void start(); // scans at once; unavailable (with why) is reported when nothing is found
    void stop();  // joins the device thread; no callbacks after it returns (io thread)

    // Queued for the device thread; false (dropped) unless ready or when the queue is full.
    bool write(Bytes report);
    bool sendFeature(Bytes report);

    bool ready() const { return m_ready; }
    const Identity &identity() const { return m_identity; }

private:
    struct Worker;
    Link(boost::asio::io_context &io, std::shared_ptr<Backend> backend, LinkSettings settings,
         Match match, Identify identify);
    void scan();
    void scheduleScan();
    void opened(std::uint64_t generation, Identity identity);
    void lost(std::uint64_t generation, const std::string &why);
    void report(std::uint64_t generation, const Bytes &bytes);
    void setState(bool ready, const std::string &why);
    void closeWorker();
    bool enqueue(bool feature, Bytes report);

    boost::asio::io_context &m_io;
    std::shared_ptr<Backend> m_backend;
    LinkSettings m_settings;
    Match m_match;
    Identify m_identify;
    OnState m_onState;
    OnReport m_onReport;
    boost::asio::steady_timer m_timer;
    std::shared_ptr<Worker> m_worker;
    Identity m_identity;
    bool m_ready = false;
    bool m_reported = false; // a state was reported (the first "unavailable" is said)
    std::string m_why;
    std::uint64_t m_generation = 0;
    bool m_stopped = true;
};

} // namespace opswall::drivers::hid
