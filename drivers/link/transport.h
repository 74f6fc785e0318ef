#pragma once
// Transports move bytes and nothing else (STYLE.md practice 5): TCP, serial, and an in-memory
// fake with scripted failures. All run their handlers on the io_context they were given; a
// transport is used from that one thread.
#include "bytes.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/serial_port.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <system_error>

namespace opswall::drivers {

class Transport {
public:
    using Done = std::function<void(const boost::system::error_code &)>;
    using OnData = std::function<void(const std::uint8_t *data, std::size_t size)>;

    virtual ~Transport() = default;
    // Reading starts once open succeeds; data and close go to the receiver set here.
    void setReceiver(OnData onData, Done onClosed) {
        m_onData = std::move(onData);
        m_onClosed = std::move(onClosed);
    }
    virtual void open(Done done) = 0; // bounded by the transport's own connect timeout
    virtual void write(Bytes bytes, Done done) = 0;
    virtual void close() = 0; // idempotent; no callbacks after it returns
    virtual bool isOpen() const = 0;
    virtual std::string describe() const = 0;

protected:
    OnData m_onData;
    Done m_onClosed;
};

struct TcpSettings {
    std::string host = "127.0.0.1";
    unsigned short port = 0;
    int connectTimeoutMs = 2000; // NEC SDK uses 2 s
};

std::shared_ptr<Transport> makeTcpTransport(boost::asio::io_context &io, TcpSettings settings);

enum class Parity { Invalid = 0, None, Odd, Even };
enum class StopBits { Invalid = 0, One, OnePointFive, Two };
struct SerialSettings {
    std::string device;
    unsigned baudRate = 9600; // MDC, NEC and LG all default to 9600 8N1
    unsigned characterSize = 8;
    Parity parity = Parity::None;
    StopBits stopBits = StopBits::One;
};

std::shared_ptr<Transport> makeSerialTransport(boost::asio::io_context &io,
                                               SerialSettings settings);

// In-memory transport for tests: a scripted peer answers each write; failures are scripted.
struct FakeScript {
    int failConnects = 0; // the first N opens fail with connection_refused
    int connectDelayMs = 0;
    int replyDelayMs = 0;
    int closeAfterWrites = -1; // the peer hangs up after the Nth write (1-based), once
    bool silent = false;       // swallow writes, never answer
    Bytes greeting;            // sent by the peer right after each open (PJLink)
    // Returns the reply bytes for one write (may be empty); each chunk is delivered separately,
    // so tests can split replies anywhere.
    std::function<std::vector<Bytes>(const Bytes &written)> peer;
};

class FakeTransport final : public Transport, public std::enable_shared_from_this<FakeTransport> {
public:
    FakeTransport(boost::asio::io_context &io, FakeScript script);
    void open(Done done) override;
    void write(Bytes bytes, Done done) override;
    void close() override;
    bool isOpen() const override { return m_open; }
    std::string describe() const override { return "fake"; }

    FakeScript &script() { return m_script; }
    // What was written, when: tests check gaps and ordering.
    struct Written {
        std::chrono::steady_clock::time_point at;
        Bytes bytes;
    };
    const std::vector<Written> &written() const { return m_written; }
    int opens() const { return m_opens; }
    // Pushes unsolicited bytes from the peer.
    void inject(Bytes bytes);
    // The peer hangs up now.
    void hangUp();

private:
    boost::asio::io_context &m_io;
    FakeScript m_script;
    bool m_open = false;
    int m_opens = 0;
    int m_generation = 0;
    std::vector<Written> m_written;
};

} // namespace opswall::drivers
