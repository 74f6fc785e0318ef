#pragma once
// The OSC listener: UDP and TCP on one port (TCP framing detected per connection), on the
// io_context it is given; every handler runs there. It only moves bytes and applies the
// allow-list: decoding is osc.h's, and what a message means is the app's.
//
//   auto server = OscServer::create(io, settings, onMessage, onDrop);
//   std::string error;
//   if (!server->start(&error)) ...;          // binds TCP and UDP on settings.host:port
//   server->sendToPeers(message);             // io thread: feedback to every tablet that has
//                                             // talked to us (UDP: to its source address; TCP:
//                                             // on its connection, in its framing), and to the
//                                             // fixed feedback targets
//   server->stop();                           // no callbacks after it returns (io thread)
//
// OSC has no authentication: a packet whose source address is not allowed is dropped before it
// is decoded (onDrop says why), and so is a TCP connection from such an address.
#include "osc.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <string>
#include <vector>

namespace opswall::drivers::osc {

struct ServerSettings {
    std::string host = "127.0.0.1";
    unsigned short port = 0; // 0: a free port (the same number for UDP and TCP); port() tells
    // Source addresses accepted: an address ("10.0.0.7") or a network ("10.0.0.0/24"). Loopback
    // only by default.
    std::vector<std::string> allow = {"127.0.0.0/8", "::1"};
    // UDP feedback also goes to these ("10.0.0.7:9001"): tablets such as TouchOSC listen on a
    // port of their own rather than on the one they send from.
    std::vector<std::string> feedbackTo;
    std::size_t maxConnections = 16;
    int idleTimeoutMs = 60 * 60 * 1000;       // a silent TCP tablet is closed after this
    std::size_t maxUdpPeers = 32;             // the oldest is forgotten beyond this
    int udpPeerExpiryMs = 8 * 60 * 60 * 1000; // a working day
    std::size_t maxQueuedPerConnection = 256; // feedback packets; a slower reader is closed
    Limits limits;
};

// Empty when every allow entry and feedback target parses; otherwise the entry at fault.
std::string validateSettings(const ServerSettings &s);

struct Peer {
    enum class Kind { Invalid = 0, Udp, Tcp };
    Kind kind = Kind::Invalid;
    std::string address;
    unsigned short port = 0;
    std::uint64_t connection = 0; // TCP: the connection's number; UDP: 0
    std::string describe() const; // "udp 127.0.0.1:53211", "tcp#3 127.0.0.1:40112"
};

class OscServer : public std::enable_shared_from_this<OscServer> {
public:
    using OnMessage = std::function<void(const Message &, const Peer &)>;
    // reason in words; called for refused sources, undecodable packets and broken TCP streams.
    using OnDrop = std::function<void(const std::string &reason, const Peer &)>;
    // A peer heard from for the first time (or again after it was forgotten): the app sends it
    // the current state.
    using OnNewPeer = std::function<void(const Peer &)>;

    static std::shared_ptr<OscServer> create(boost::asio::io_context &io, ServerSettings settings,
                                             OnMessage onMessage, OnDrop onDrop,
                                             OnNewPeer onNewPeer = {});
    ~OscServer();

    bool start(std::string *error);
    void stop();
    unsigned short port() const { return m_port; }

    void sendToPeers(const Message &message);
    void sendTo(const Peer &peer, const Message &message);
    std::size_t udpPeerCount() const { return m_udpPeers.size(); }
    std::size_t tcpConnectionCount() const;

    struct Stats {
        std::uint64_t packets = 0;  // accepted and decoded
        std::uint64_t messages = 0; // handed to onMessage
        std::uint64_t dropped = 0;  // refused source, undecodable, broken stream
        std::uint64_t sent = 0;     // feedback packets sent
    };
    const Stats &stats() const { return m_stats; }

    class Connection; // one TCP connection (oscserver.cpp)

private:
    OscServer(boost::asio::io_context &io, ServerSettings settings, OnMessage onMessage,
              OnDrop onDrop, OnNewPeer onNewPeer);
    void receiveUdp();
    void accept();
    bool allowed(const boost::asio::ip::address &a) const;
    void rememberUdp(const boost::asio::ip::udp::endpoint &from, const Peer &peer);
    void deliver(const std::uint8_t *data, std::size_t size, const Peer &peer,
                 const std::function<void()> &onDecoded = {});
    void drop(const std::string &reason, const Peer &peer);
    friend class Connection;

    struct UdpPeer {
        boost::asio::ip::udp::endpoint endpoint;
        std::chrono::steady_clock::time_point lastSeen;
    };
    struct Network {
        boost::asio::ip::address address;
        unsigned prefix = 0;
    };

    boost::asio::io_context &m_io;
    ServerSettings m_settings;
    OnMessage m_onMessage;
    OnDrop m_onDrop;
    OnNewPeer m_onNewPeer;
    std::vector<Network> m_allow;
    std::vector<boost::asio::ip::udp::endpoint> m_feedback;
    boost::asio::ip::udp::socket m_udp;
    boost::asio::ip::tcp::acceptor m_acceptor;
    boost::asio::ip::udp::endpoint m_from;
    std::vector<std::uint8_t> m_datagram;
    std::list<UdpPeer> m_udpPeers; // most recent first
    std::list<std::weak_ptr<Connection>> m_connections;
    std::uint64_t m_nextConnection = 1;
    unsigned short m_port = 0;
    bool m_stopped = false;
    Stats m_stats;
};

} // namespace opswall::drivers::osc
