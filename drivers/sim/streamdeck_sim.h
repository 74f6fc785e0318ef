#pragma once
// A simulated Stream Deck Studio (or any network-capable model) on TCP, speaking the device side
// of PROTOCOLS.md section 8: it sends keepalives, answers the host's GET_REPORTs (model, serial,
// firmware, child info), takes key pictures, brightness, fill colour and reset, and sends key
// presses when told to. Cora framing by default, legacy blocks on request. Checked against the
// real npm @elgato-stream-deck/tcp client (tests/drivers/peers/streamdeck_peer_check.js).
//
// Runs on the io_context given; every event is reported through onEvent as one line of text
// ("connected 1", "brightness 42", "image 5 731 jpeg", ...), which the executable prints.
#include "streamdeck.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <functional>
#include <list>
#include <memory>
#include <string>

namespace opswall::drivers::sim {

struct StreamDeckSimSettings {
    std::string host = "127.0.0.1";
    unsigned short port = 0;
    std::uint16_t productId = 0x00AA; // Studio
    std::string serial = "OWSIM0001";
    std::string firmware = "1.05.008";
    streamdeck::cora::Framing framing = streamdeck::cora::Framing::Cora;
    int keepaliveMs = 1000;       // the reference client gives up after 5 s of silence
    unsigned short childPort = 0; // non-zero: a child device is attached on that port
};

class StreamDeckSim : public std::enable_shared_from_this<StreamDeckSim> {
public:
    using OnEvent = std::function<void(const std::string &line)>;
    static std::shared_ptr<StreamDeckSim> create(boost::asio::io_context &io,
                                                 StreamDeckSimSettings settings, OnEvent onEvent);
    bool start(std::string *error);
    void stop();
    unsigned short port() const { return m_port; }

    // To every connected host.
    void press(int key, bool down);
    void dropConnections();             // as when the device restarts
    void setChild(unsigned short port); // announce (port != 0) or remove a child, unsolicited

    class Session;

private:
    StreamDeckSim(boost::asio::io_context &io, StreamDeckSimSettings settings, OnEvent onEvent);
    void accept();
    friend class Session;

    boost::asio::io_context &m_io;
    StreamDeckSimSettings m_settings;
    OnEvent m_onEvent;
    boost::asio::ip::tcp::acceptor m_acceptor;
    std::list<std::weak_ptr<Session>> m_sessions;
    std::vector<bool> m_down;
    unsigned short m_port = 0;
    int m_nextConnection = 1;
    bool m_stopped = false;
};

} // namespace opswall::drivers::sim
