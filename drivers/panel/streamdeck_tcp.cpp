#include "streamdeck_tcp.h"
#include "tcpsupport.h"

#include <boost/asio/connect.hpp>

namespace opswall::drivers::streamdeck {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

const char *linkStateName(LinkState s) {
    switch (s) {
    case LinkState::Connecting:
        return "connecting";
    case LinkState::Connected:
        return "connected";
    case LinkState::Ready:
        return "ready";
    case LinkState::Disconnected:
        return "disconnected";
    case LinkState::Invalid:
        break;
    }
    return "invalid";
}

std::shared_ptr<TcpClient> TcpClient::create(asio::io_context &io, TcpClientSettings settings) {
    return std::shared_ptr<TcpClient>(new TcpClient(io, std::move(settings)));
}

TcpClient::TcpClient(asio::io_context &io, TcpClientSettings settings)
    : m_io(io)
    , m_settings(std::move(settings))
    , m_socket(io)
    , m_timer(io)
    , m_watchdog(io) {}

void TcpClient::setCallbacks(OnState onState, OnKey onKey, OnChild onChild) {
    m_onState = std::move(onState);
    m_onKey = std::move(onKey);
    m_onChild = std::move(onChild);
}

void TcpClient::start() {
    m_stopped = false;
    connect();
}

void TcpClient::stop() {
    m_stopped = true;
    ++m_generation;
    boost::system::error_code ec;
    m_timer.cancel();
    m_watchdog.cancel();
    m_socket.close(ec);
    m_out.clear();
}

void TcpClient::setState(LinkState s, const std::string &why) {
    if (s == m_state && why.empty())
        return;
    m_state = s;
    if (m_onState && !m_stopped)
        m_onState(s, m_info, why);
}

void TcpClient::connect() {
    if (m_stopped)
        return;
    const std::uint64_t gen = ++m_generation;
    boost::system::error_code ec;
    m_socket.close(ec);
    m_socket = tcp::socket(m_io);
    m_out.clear();
    m_decoder = std::make_unique<cora::Decoder>(true);
    m_info = DeviceInfo{};
    m_keys.reset();
    setState(LinkState::Connecting);
    const auto address = asio::ip::make_address(m_settings.host, ec);
    if (ec)
        return drop("'" + m_settings.host + "' is not an IP address");
    m_timer.expires_after(std::chrono::milliseconds(m_settings.connectTimeoutMs));
    m_timer.async_wait([self = shared_from_this(), gen](boost::system::error_code e) {
        if (e || self->m_generation != gen || self->m_stopped)
            return;
        self->drop("connect timed out");
    });
    m_socket.async_connect(tcp::endpoint(address, m_settings.port),
                           [self = shared_from_this(), gen](boost::system::error_code e) {
                               if (self->m_generation != gen || self->m_stopped)
                                   return;
                               if (e)
                                   return self->drop("connect: " + e.message());
                               self->m_timer.cancel();
                               self->onConnected();
                           });
}

void TcpClient::onConnected() {
    // TCP is up; the device speaks first (a keepalive). "Connected" once it has.
    m_lastReceived = std::chrono::steady_clock::now();
    armWatchdog();
    read();
}

void TcpClient::armWatchdog() {
    const std::uint64_t gen = m_generation;
    m_watchdog.expires_after(std::chrono::milliseconds(500));
    m_watchdog.async_wait([self = shared_from_this(), gen](boost::system::error_code e) {
        if (e || self->m_generation != gen || self->m_stopped)
            return;
        const auto now = std::chrono::steady_clock::now();
        if (now - self->m_lastReceived >
            std::chrono::milliseconds(self->m_settings.silenceTimeoutMs))
            return self->drop("the device has been silent for " +
                              std::to_string(self->m_settings.silenceTimeoutMs) + " ms");
        if (self->m_state == LinkState::Connected &&
            now - self->m_queriedAt > std::chrono::milliseconds(self->m_settings.queryTimeoutMs))
            return self->drop("the device did not say what it is");
        self->armWatchdog();
    });
}

void TcpClient::read() {
    const std::uint64_t gen = m_generation;
    m_socket.async_read_some(asio::buffer(m_in), [self = shared_from_this(),
                                                  gen](boost::system::error_code e, std::size_t n) {
        if (self->m_generation != gen || self->m_stopped)
            return;
        if (e)
            return self->drop(e == asio::error::eof ? "the device closed the connection"
                                                    : "read: " + e.message());
        self->m_lastReceived = std::chrono::steady_clock::now();
        self->m_decoder->push(self->m_in.data(), n);
        for (;;) {
            auto next = self->m_decoder->next();
            if (std::holds_alternative<cora::NeedMore>(next))
                break;
            if (const auto *err = std::get_if<cora::Error>(&next)) {
                if (self->m_decoder->framing() == cora::Framing::Unknown)
                    return self->drop("not a Stream Deck: " + err->what);
                continue; // Cora resynchronises on the next magic
            }
            self->handle(std::get<cora::Message>(next));
            if (self->m_generation != gen || self->m_stopped)
                return;
        }
        self->read();
    });
}

void TcpClient::query(std::uint8_t reportId, bool verbatim) {
    cora::Message q;
    q.op = cora::HidOp::GetReport;
    q.id = m_nextId++;
    if (verbatim) {
        q.flags = cora::kVerbatim;
        q.payload = {reportId};
    } else {
        q.payload = {0x03, reportId};
    }
    m_queriedAt = std::chrono::steady_clock::now();
    send(q);
}

void TcpClient::handle(const cora::Message &m) {
    m_info.framing = m_decoder->framing();
    const Bytes &p = m.payload;
    if (cora::isKeepAlive(m)) {
        send(cora::keepAliveAck(m));
        ++m_keepalives;
        if (m_state == LinkState::Connecting) {
            m_failures = 0;
            setState(LinkState::Connected);
            query(0x80, false); // what are you (a primary device answers 03 80)
        }
        return;
    }
    if (auto child = cora::parseChildInfo(p)) {
        if (m_onChild)
            m_onChild(*child);
        return;
    }
    if (auto ids = cora::parseDeviceInfo(p)) {
        m_info.productId = ids->second;
        m_info.model = modelForProductId(ids->second);
        if (m_info.model && m_info.model->keyCount() > 0)
            m_keys = std::make_unique<KeyTracker>(*m_info.model);
        query(0x84, false); // serial
        query(0x1C, false); // a child device, if any
        return;
    }
    if (auto serial = cora::parseSerial(p)) {
        m_info.serial = *serial;
        if (m_state == LinkState::Connected)
            setState(LinkState::Ready);
        return;
    }
    if (!p.empty() && p[0] == 0x01 && m_keys) {
        for (const KeyEvent &e : m_keys->update(p.data(), p.size()))
            if (m_onKey)
                m_onKey(e);
    }
}

void TcpClient::send(const cora::Message &m) {
    const cora::Framing f = m_decoder && m_decoder->framing() == cora::Framing::Legacy
                                ? cora::Framing::Legacy
                                : cora::Framing::Cora;
    m_out.push_back(cora::encode(f, m, cora::kLegacyToDevice));
    if (m_out.size() == 1)
        writeNext();
}

void TcpClient::writeNext() {
    const std::uint64_t gen = m_generation;
    writeQueued(m_socket, m_out, shared_from_this(), [this, gen](boost::system::error_code e) {
        if (m_generation != gen || m_stopped)
            return false;
        if (e)
            drop("write: " + e.message());
        return !e;
    });
}

void TcpClient::drop(const std::string &why) {
    if (m_stopped)
        return;
    ++m_generation;
    boost::system::error_code ec;
    m_socket.close(ec);
    m_watchdog.cancel();
    m_out.clear();
    setState(LinkState::Disconnected, why);
    const ReconnectDecision d = m_settings.reconnect.decide(LinkEvent::Closed, m_failures++);
    const int delayMs =
        d.action == LinkAction::Reconnect ? d.delayMs : m_settings.reconnect.maxDelayMs;
    const std::uint64_t gen = m_generation;
    m_timer.expires_after(std::chrono::milliseconds(delayMs));
    m_timer.async_wait([self = shared_from_this(), gen](boost::system::error_code e) {
        if (e || self->m_generation != gen || self->m_stopped)
            return;
        self->connect();
    });
}

void TcpClient::setKeyImage(int key, const Bytes &encoded) {
    if (m_state != LinkState::Ready || !m_info.model)
        return;
    for (Bytes &report : keyImageReports(*m_info.model, key, encoded)) {
        cora::Message w;
        w.flags = cora::kVerbatim;
        w.op = cora::HidOp::Write;
        w.payload = std::move(report);
        send(w);
    }
}

void TcpClient::setBrightness(int percent) {
    if (m_state != LinkState::Ready || !m_info.model)
        return;
    cora::Message r;
    r.flags = cora::kVerbatim;
    r.op = cora::HidOp::SendReport;
    r.payload = brightnessReport(*m_info.model, percent);
    send(r);
}

void TcpClient::reset() {
    if (m_state != LinkState::Ready || !m_info.model)
        return;
    cora::Message r;
    r.flags = cora::kVerbatim;
    r.op = cora::HidOp::SendReport;
    r.payload = resetReport(*m_info.model);
    send(r);
}

} // namespace opswall::drivers::streamdeck
