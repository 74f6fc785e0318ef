#include "oscserver.h"
#include "tcpsupport.h"

#include <boost/asio/steady_timer.hpp>

#include <array>
#include <deque>
#include <optional>

namespace opswall::drivers::osc {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using udp = asio::ip::udp;

namespace {

asio::ip::address normalise(const asio::ip::address &a) {
    if (a.is_v6() && a.to_v6().is_v4_mapped())
        return asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6());
    return a;
}

std::optional<std::pair<asio::ip::address, unsigned>> parseNetwork(const std::string &text) {
    const auto slash = text.find('/');
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(text.substr(0, slash), ec);
    if (ec)
        return std::nullopt;
    const unsigned bits = address.is_v4() ? 32 : 128;
    unsigned prefix = bits;
    if (slash != std::string::npos) {
        const std::string p = text.substr(slash + 1);
        if (p.empty() || p.size() > 3 || p.find_first_not_of("0123456789") != std::string::npos)
            return std::nullopt;
        prefix = unsigned(std::stoul(p));
        if (prefix > bits)
            return std::nullopt;
    }
    return std::make_pair(normalise(address), prefix);
}

std::optional<udp::endpoint> parseEndpoint(const std::string &text) {
    const auto colon = text.rfind(':');
    if (colon == std::string::npos || colon + 1 >= text.size())
        return std::nullopt;
    std::string host = text.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    const std::string port = text.substr(colon + 1);
    if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos)
        return std::nullopt;
    const unsigned long p = std::stoul(port);
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(host, ec);
    if (ec || p == 0 || p > 65535)
        return std::nullopt;
    return udp::endpoint(address, static_cast<unsigned short>(p));
}

bool inNetwork(const asio::ip::address &a, const asio::ip::address &net, unsigned prefix) {
    if (a.is_v4() != net.is_v4())
        return false;
    if (a.is_v4()) {
        const std::uint32_t mask = prefix == 0 ? 0 : ~std::uint32_t(0) << (32 - prefix);
        return (a.to_v4().to_uint() & mask) == (net.to_v4().to_uint() & mask);
    }
    const auto x = a.to_v6().to_bytes();
    const auto y = net.to_v6().to_bytes();
    for (unsigned i = 0; i < 16; ++i) {
        const unsigned bitsHere = prefix > i * 8 ? std::min(8u, prefix - i * 8) : 0;
        const std::uint8_t mask = std::uint8_t(bitsHere == 0 ? 0 : 0xFF << (8 - bitsHere));
        if ((x[i] & mask) != (y[i] & mask))
            return false;
    }
    return true;
}

} // namespace

std::string validateSettings(const ServerSettings &s) {
    for (std::size_t i = 0; i < s.allow.size(); ++i)
        if (!parseNetwork(s.allow[i]))
            return "allow[" + std::to_string(i) + "]: '" + s.allow[i] +
                   "' is not an address or a network such as 10.0.0.0/24";
    for (std::size_t i = 0; i < s.feedbackTo.size(); ++i)
        if (!parseEndpoint(s.feedbackTo[i]))
            return "feedbackTo[" + std::to_string(i) + "]: '" + s.feedbackTo[i] +
                   "' is not ADDRESS:PORT";
    return {};
}

std::string Peer::describe() const {
    const std::string where =
        (address.find(':') != std::string::npos ? "[" + address + "]" : address) + ":" +
        std::to_string(port);
    if (kind == Kind::Tcp)
        return "tcp#" + std::to_string(connection) + " " + where;
    return "udp " + where;
}

// One TCP tablet: reads frames (framing detected from its first byte), answers feedback in the
// same framing, closes on a broken stream, on idleness and on a reader too slow for feedback.
class OscServer::Connection : public TcpSession<OscServer::Connection> {
public:
    Connection(std::shared_ptr<OscServer> server, tcp::socket socket, Peer peer)
        : TcpSession(std::move(socket))
        , m_server(std::move(server))
        , m_decoder(m_server->m_settings.limits.maxPacketBytes)
        , m_peer(std::move(peer)) {}

    void start() {
        armIdle();
        read();
    }

    void send(const Bytes &packet) {
        if (m_closed)
            return;
        // A connection that has not talked yet is not a tablet yet, and its framing is unknown:
        // a SLIP reader would take a length prefix for garbage (npm osc does).
        if (!m_talked)
            return;
        const Framing f = m_decoder.framing();
        if (m_out.size() >= m_server->m_settings.maxQueuedPerConnection) {
            m_server->drop("feedback not read fast enough; connection closed", m_peer);
            return close();
        }
        queue(frame(f, packet));
    }

    bool talked() const { return m_talked; }
    const Peer &peer() const { return m_peer; }

private:
    void armIdle() {
        m_timer.expires_after(std::chrono::milliseconds(m_server->m_settings.idleTimeoutMs));
        m_timer.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
            auto self = weak.lock();
            if (ec || !self || self->m_closed)
                return;
            self->close();
        });
    }

    void read() {
        m_socket.async_read_some(asio::buffer(m_in), [self = shared_from_this()](
                                                         boost::system::error_code ec,
                                                         std::size_t n) { self->onRead(ec, n); });
    }

    void onRead(boost::system::error_code ec, std::size_t n) {
        if (m_closed || m_server->m_stopped)
            return;
        if (ec)
            return close();
        armIdle();
        m_decoder.push(m_in.data(), n);
        for (;;) {
            auto next = m_decoder.next();
            if (std::holds_alternative<NeedMore>(next))
                break;
            if (const Error *e = std::get_if<Error>(&next)) {
                m_server->drop("broken stream (" + e->what + "); connection closed", m_peer);
                return close();
            }
            const Bytes &packet = std::get<Bytes>(next);
            // The first packet that decodes makes this connection a feedback target; the app
            // is told so it can send the current state.
            m_server->deliver(packet.data(), packet.size(), m_peer, [this] {
                if (!m_talked) {
                    m_talked = true;
                    if (m_server->m_onNewPeer)
                        m_server->m_onNewPeer(m_peer);
                }
            });
            if (m_closed || m_server->m_stopped)
                return;
        }
        read();
    }

    std::shared_ptr<OscServer> m_server;
    StreamDecoder m_decoder;
    Peer m_peer;
    bool m_talked = false; // a packet decoded: the framing is known, feedback may go out
};

std::shared_ptr<OscServer> OscServer::create(asio::io_context &io, ServerSettings settings,
                                             OnMessage onMessage, OnDrop onDrop,
                                             OnNewPeer onNewPeer) {
    return std::shared_ptr<OscServer>(new OscServer(io, std::move(settings), std::move(onMessage),
                                                    std::move(onDrop), std::move(onNewPeer)));
}

OscServer::OscServer(asio::io_context &io, ServerSettings settings, OnMessage onMessage,
                     OnDrop onDrop, OnNewPeer onNewPeer)
    : m_io(io)
    , m_settings(std::move(settings))
    , m_onMessage(std::move(onMessage))
    , m_onDrop(std::move(onDrop))
    , m_onNewPeer(std::move(onNewPeer))
    , m_udp(io)
    , m_acceptor(io)
    , m_datagram(m_settings.limits.maxPacketBytes + 1) {}

OscServer::~OscServer() {
    boost::system::error_code ec;
    m_udp.close(ec);
    m_acceptor.close(ec);
}

bool OscServer::start(std::string *error) {
    if (const std::string bad = validateSettings(m_settings); !bad.empty()) {
        *error = bad;
        return false;
    }
    for (const std::string &entry : m_settings.allow) {
        const auto net = parseNetwork(entry);
        m_allow.push_back(Network{net->first, net->second});
    }
    for (const std::string &entry : m_settings.feedbackTo)
        m_feedback.push_back(*parseEndpoint(entry));
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(m_settings.host, ec);
    if (ec) {
        *error = "'" + m_settings.host + "' is not an IP address";
        return false;
    }
    // Port 0: the TCP port the system picks must be free for UDP too; try a few times.
    for (int attempt = 0; attempt < 20; ++attempt) {
        m_acceptor = tcp::acceptor(m_io);
        m_udp = udp::socket(m_io);
        ec = listenOn(m_acceptor, tcp::endpoint(address, m_settings.port));
        if (ec) {
            *error = "cannot listen on TCP " + m_settings.host + ":" +
                     std::to_string(m_settings.port) + ": " + ec.message();
            return false;
        }
        const unsigned short port = m_acceptor.local_endpoint().port();
        const udp::endpoint uep(address, port);
        m_udp.open(uep.protocol(), ec);
        if (!ec)
            m_udp.bind(uep, ec);
        if (!ec)
            m_udp.non_blocking(true, ec); // feedback is skipped rather than block the io thread
        if (!ec) {
            m_port = port;
            break;
        }
        if (m_settings.port != 0) {
            *error = "cannot listen on UDP " + m_settings.host + ":" + std::to_string(port) + ": " +
                     ec.message();
            return false;
        }
    }
    if (m_port == 0) {
        *error = "no port free for both UDP and TCP";
        return false;
    }
    receiveUdp();
    accept();
    return true;
}

void OscServer::stop() {
    m_stopped = true;
    boost::system::error_code ec;
    m_udp.close(ec);
    m_acceptor.close(ec);
    for (auto &w : m_connections)
        if (auto c = w.lock())
            c->close();
    m_connections.clear();
    m_udpPeers.clear();
}

bool OscServer::allowed(const asio::ip::address &a) const {
    const auto n = normalise(a);
    for (const Network &net : m_allow)
        if (inNetwork(n, net.address, net.prefix))
            return true;
    return false;
}

void OscServer::drop(const std::string &reason, const Peer &peer) {
    ++m_stats.dropped;
    if (m_onDrop)
        m_onDrop(reason, peer);
}

void OscServer::deliver(const std::uint8_t *data, std::size_t size, const Peer &peer,
                        const std::function<void()> &onDecoded) {
    const Decoded d = decode(data, size, m_settings.limits);
    if (const Error *e = std::get_if<Error>(&d)) {
        drop("malformed packet (" + e->what + " at byte " + std::to_string(e->offset) + ")", peer);
        return;
    }
    ++m_stats.packets;
    if (onDecoded)
        onDecoded();
    for (const Message &m : std::get<std::vector<Message>>(d)) {
        if (m_stopped)
            return;
        ++m_stats.messages;
        if (m_onMessage)
            m_onMessage(m, peer);
    }
}

void OscServer::rememberUdp(const udp::endpoint &from, const Peer &peer) {
    const auto now = std::chrono::steady_clock::now();
    const auto expiry = std::chrono::milliseconds(m_settings.udpPeerExpiryMs);
    m_udpPeers.remove_if([&](const UdpPeer &p) { return now - p.lastSeen > expiry; });
    for (auto it = m_udpPeers.begin(); it != m_udpPeers.end(); ++it)
        if (it->endpoint == from) {
            it->lastSeen = now;
            m_udpPeers.splice(m_udpPeers.begin(), m_udpPeers, it);
            return;
        }
    m_udpPeers.push_front(UdpPeer{from, now});
    while (m_udpPeers.size() > m_settings.maxUdpPeers)
        m_udpPeers.pop_back();
    if (m_onNewPeer)
        m_onNewPeer(peer);
}

void OscServer::receiveUdp() {
    m_udp.async_receive_from(
        asio::buffer(m_datagram), m_from,
        [self = shared_from_this()](boost::system::error_code ec, std::size_t n) {
            if (self->m_stopped || ec == asio::error::operation_aborted)
                return;
            if (!ec) {
                Peer peer{Peer::Kind::Udp, normalise(self->m_from.address()).to_string(),
                          self->m_from.port(), 0};
                if (!self->allowed(self->m_from.address())) {
                    self->drop("source address not allowed", peer);
                } else if (n > self->m_settings.limits.maxPacketBytes) {
                    self->drop("datagram over the size limit", peer);
                } else {
                    // Only a tablet that speaks OSC becomes a feedback target.
                    const udp::endpoint from = self->m_from;
                    self->deliver(self->m_datagram.data(), n, peer,
                                  [&] { self->rememberUdp(from, peer); });
                }
            }
            if (!self->m_stopped)
                self->receiveUdp();
        });
}

std::size_t OscServer::tcpConnectionCount() const {
    std::size_t n = 0;
    for (const auto &w : m_connections)
        if (auto c = w.lock(); c && !c->closed())
            ++n;
    return n;
}

void OscServer::accept() {
    m_acceptor.async_accept([self = shared_from_this()](boost::system::error_code ec,
                                                        tcp::socket socket) {
        if (self->m_stopped || ec == asio::error::operation_aborted || !self->m_acceptor.is_open())
            return;
        if (!ec) {
            boost::system::error_code pec;
            const auto ep = socket.remote_endpoint(pec);
            Peer peer{Peer::Kind::Tcp, pec ? "unknown" : normalise(ep.address()).to_string(),
                      pec ? std::uint16_t(0) : ep.port(), self->m_nextConnection++};
            self->m_connections.remove_if([](const auto &w) {
                auto c = w.lock();
                return !c || c->closed();
            });
            if (pec || !self->allowed(ep.address())) {
                self->drop("source address not allowed; connection refused", peer);
                socket.close(pec);
            } else if (self->m_connections.size() >= self->m_settings.maxConnections) {
                self->drop("too many OSC connections; connection refused", peer);
                socket.close(pec);
            } else {
                auto c = std::make_shared<Connection>(self, std::move(socket), peer);
                self->m_connections.push_back(c);
                c->start();
            }
        }
        self->accept();
    });
}

void OscServer::sendTo(const Peer &peer, const Message &message) {
    if (m_stopped)
        return;
    const Bytes packet = encode(message);
    if (packet.empty())
        return;
    if (peer.kind == Peer::Kind::Tcp) {
        for (auto &w : m_connections)
            if (auto c = w.lock(); c && c->talked() && c->peer().connection == peer.connection) {
                c->send(packet);
                ++m_stats.sent;
            }
        return;
    }
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(peer.address, ec);
    if (ec)
        return;
    m_udp.send_to(asio::buffer(packet), udp::endpoint(address, peer.port), 0, ec);
    if (!ec)
        ++m_stats.sent;
}

void OscServer::sendToPeers(const Message &message) {
    if (m_stopped)
        return;
    const Bytes packet = encode(message);
    if (packet.empty())
        return;
    boost::system::error_code ec;
    // The socket is non-blocking: a send that would block (buffer full) is skipped.
    auto sendUdp = [&](const udp::endpoint &to) {
        m_udp.send_to(asio::buffer(packet), to, 0, ec);
        if (!ec)
            ++m_stats.sent;
    };
    for (const UdpPeer &p : m_udpPeers)
        sendUdp(p.endpoint);
    for (const udp::endpoint &to : m_feedback) {
        bool already = false;
        for (const UdpPeer &p : m_udpPeers)
            already = already || p.endpoint == to;
        if (!already)
            sendUdp(to);
    }
    for (auto &w : m_connections)
        if (auto c = w.lock(); c && !c->closed() && c->talked()) {
            c->send(packet);
            ++m_stats.sent;
        }
}

} // namespace opswall::drivers::osc
