#pragma once
// The host side of a Stream Deck Studio or Network Dock over TCP (PROTOCOLS.md section 8): we
// connect to the device (port 5343 by default), answer its keepalives, learn its model and
// serial, turn its input reports into key events, and send key pictures, brightness and reset.
// Cora and legacy framing are both spoken (chosen from the device's first bytes). The link is
// declared dead when the device is silent for `silenceTimeoutMs` (the reference client uses 5 s)
// and reopened with a bounded backoff for as long as the client runs: either side may restart.
// A child device (a Stream Deck plugged into a Network Dock or a Studio) is announced on a port
// of its own; onChild() tells the owner, which opens another client on that port.
//
// Everything runs on the io_context given; callbacks come back on it.
#include "reconnect.h"
#include "streamdeck.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <string>

namespace opswall::drivers::streamdeck {

struct TcpClientSettings {
    std::string host = "127.0.0.1";
    unsigned short port = 5343;
    int connectTimeoutMs = 3000;
    int silenceTimeoutMs = 5000;
    int queryTimeoutMs = 5000;
    ReconnectPolicy reconnect{250, 5000, 1 << 30, true};
};

enum class LinkState { Invalid = 0, Connecting, Connected, Ready, Disconnected };
const char *linkStateName(LinkState s);

struct DeviceInfo {
    const Model *model = nullptr; // nullptr for a Network Dock without a child
    std::uint16_t productId = 0;
    std::string serial;
    cora::Framing framing = cora::Framing::Unknown;
};

class TcpClient : public std::enable_shared_from_this<TcpClient> {
public:
    using OnState = std::function<void(LinkState, const DeviceInfo &, const std::string &why)>;
    using OnKey = std::function<void(const KeyEvent &)>;
    using OnChild = std::function<void(const cora::ChildInfo &)>;

    static std::shared_ptr<TcpClient> create(boost::asio::io_context &io,
                                             TcpClientSettings settings);
    void setCallbacks(OnState onState, OnKey onKey, OnChild onChild = {});

    void start();
    void stop(); // no callbacks after it returns (io thread)

    // Ignored unless Ready. The picture is encoded and transformed for the model already.
    void setKeyImage(int key, const Bytes &encoded);
    void setBrightness(int percent);
    void reset();

    LinkState state() const { return m_state; }
    const DeviceInfo &info() const { return m_info; }
    std::uint64_t keepalivesAnswered() const { return m_keepalives; }

private:
    TcpClient(boost::asio::io_context &io, TcpClientSettings settings);
    void connect();
    void onConnected();
    void read();
    void handle(const cora::Message &m);
    void send(const cora::Message &m);
    void writeNext();
    void drop(const std::string &why); // close and schedule a reconnect
    void setState(LinkState s, const std::string &why = {});
    void armWatchdog();
    void query(std::uint8_t reportId, bool verbatim);

    boost::asio::io_context &m_io;
    TcpClientSettings m_settings;
    OnState m_onState;
    OnKey m_onKey;
    OnChild m_onChild;
    boost::asio::ip::tcp::socket m_socket;
    boost::asio::steady_timer m_timer;    // connect timeout, then reconnect delay
    boost::asio::steady_timer m_watchdog; // silence
    std::unique_ptr<cora::Decoder> m_decoder;
    std::unique_ptr<KeyTracker> m_keys;
    std::array<std::uint8_t, 4096> m_in{};
    std::deque<Bytes> m_out;
    std::chrono::steady_clock::time_point m_lastReceived;
    std::chrono::steady_clock::time_point m_queriedAt;
    DeviceInfo m_info;
    LinkState m_state = LinkState::Disconnected;
    int m_failures = 0;
    std::uint32_t m_nextId = 1;
    std::uint64_t m_generation = 0; // bumps on every (re)connect; stale handlers check it
    std::uint64_t m_keepalives = 0;
    bool m_stopped = true;
};

} // namespace opswall::drivers::streamdeck
