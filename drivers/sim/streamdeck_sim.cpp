#include "streamdeck_sim.h"
#include "tcpsupport.h"

#include <boost/asio/steady_timer.hpp>

#include <array>
#include <cstdio>
#include <deque>

namespace opswall::drivers::sim {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
namespace cora = streamdeck::cora;

namespace {
std::string hexByte(unsigned v) {
    char b[3];
    std::snprintf(b, sizeof b, "%02x", v & 0xFF);
    return b;
}
bool isQuery(std::uint8_t id) {
    switch (id) {
    case 0x80:
    case 0x83:
    case 0x84:
    case 0x85:
    case 0x86:
    case 0x8A:
    case 0x1C:
        return true;
    default:
        return false;
    }
}
} // namespace

class StreamDeckSim::Session : public TcpSession<StreamDeckSim::Session> {
public:
    Session(std::shared_ptr<StreamDeckSim> sim, tcp::socket socket, int number)
        : TcpSession(std::move(socket))
        , m_sim(std::move(sim))
        , m_decoder(false)
        , m_number(number) {
        m_decoder.setFraming(m_sim->m_settings.framing);
    }

    void start() {
        m_sim->m_onEvent("accepted " + std::to_string(m_number));
        sendKeepalive();
        read();
    }

    void send(const cora::Message &m) {
        if (m_closed)
            return;
        queue(cora::encode(m_sim->m_settings.framing, m, cora::kLegacyToHost));
    }

private:
    void sendKeepalive() {
        if (m_closed)
            return;
        send(cora::keepAlive(std::uint8_t(m_number), m_nextId++));
        m_timer.expires_after(std::chrono::milliseconds(m_sim->m_settings.keepaliveMs));
        m_timer.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
            if (auto self = weak.lock(); self && !ec)
                self->sendKeepalive();
        });
    }

    void read() {
        m_socket.async_read_some(
            asio::buffer(m_in),
            [self = shared_from_this()](boost::system::error_code ec, std::size_t n) {
                if (self->m_closed)
                    return;
                if (ec) {
                    self->m_sim->m_onEvent("closed " + std::to_string(self->m_number));
                    return self->close();
                }
                self->m_decoder.push(self->m_in.data(), n);
                for (;;) {
                    auto next = self->m_decoder.next();
                    if (std::holds_alternative<cora::NeedMore>(next))
                        break;
                    if (const auto *e = std::get_if<cora::Error>(&next)) {
                        self->m_sim->m_onEvent("error " + e->what);
                        if (self->m_decoder.framing() == cora::Framing::Unknown)
                            return self->close();
                        continue;
                    }
                    self->handle(std::get<cora::Message>(next));
                }
                self->read();
            });
    }

    void handle(const cora::Message &m) {
        const Bytes &p = m.payload;
        const StreamDeckSimSettings &s = m_sim->m_settings;
        if (p.size() >= 3 && p[0] == 0x03 && p[1] == 0x1A) {
            if (!m_acked) {
                m_acked = true;
                m_sim->m_onEvent("connected " + std::to_string(m_number));
            }
            return;
        }
        const bool legacy = s.framing == cora::Framing::Legacy;
        const bool get = legacy ? (p.size() >= 2 && p[0] == 0x03 && isQuery(p[1]))
                                : m.op == cora::HidOp::GetReport;
        if (get) {
            if ((m.flags & cora::kVerbatim) || p.size() < 2 || p[0] != 0x03)
                return; // a question for a child device: a primary without one stays silent
            m_sim->m_onEvent("query " + hexByte(p[1]));
            switch (p[1]) {
            case 0x80:
                return send(cora::deviceInfoAnswer(m.id, streamdeck::kVendorId, s.productId));
            case 0x84:
                return send(cora::serialAnswer(m.id, s.serial));
            case 0x83:
            case 0x86:
            case 0x8A:
                return send(cora::firmwareAnswer(m.id, p[1], s.firmware));
            case 0x85: {
                cora::Message mac = cora::firmwareAnswer(m.id, 0x85, "");
                return send(mac);
            }
            case 0x1C:
                return send(cora::childInfo(m.id, m_sim->m_settings.childPort != 0,
                                            streamdeck::kVendorId, 0x0080, "OWSIMCHILD",
                                            m_sim->m_settings.childPort));
            default:
                return;
            }
        }
        if (p.size() >= 2 && p[0] == 0x03) {
            switch (p[1]) {
            case 0x08:
                return m_sim->m_onEvent("brightness " + std::to_string(p.size() > 2 ? p[2] : 0));
            case 0x06:
                if (p.size() >= 6)
                    m_sim->m_onEvent("fill " + std::to_string(p[2]) + " " + hexByte(p[3]) +
                                     hexByte(p[4]) + hexByte(p[5]));
                return;
            case 0x02:
                return m_sim->m_onEvent("reset");
            case 0x05:
                return m_sim->m_onEvent("clear");
            default:
                return m_sim->m_onEvent("feature " + hexByte(p[1]));
            }
        }
        if (p.size() >= 8 && p[0] == 0x02 && p[1] == 0x07) {
            if (auto image = m_images.push(p.data(), p.size())) {
                const Bytes &b = image->bytes;
                const bool jpeg = b.size() >= 4 && b[0] == 0xFF && b[1] == 0xD8 &&
                                  b[b.size() - 2] == 0xFF && b[b.size() - 1] == 0xD9;
                m_sim->m_onEvent("image " + std::to_string(image->key) + " " +
                                 std::to_string(b.size()) + (jpeg ? " jpeg" : " not-jpeg"));
            }
            return;
        }
    }

    std::shared_ptr<StreamDeckSim> m_sim;
    cora::Decoder m_decoder;
    streamdeck::KeyImageAssembler m_images;
    int m_number;
    std::uint32_t m_nextId = 1;
    bool m_acked = false;
};

std::shared_ptr<StreamDeckSim>
StreamDeckSim::create(asio::io_context &io, StreamDeckSimSettings settings, OnEvent onEvent) {
    return std::shared_ptr<StreamDeckSim>(
        new StreamDeckSim(io, std::move(settings), std::move(onEvent)));
}

StreamDeckSim::StreamDeckSim(asio::io_context &io, StreamDeckSimSettings settings, OnEvent onEvent)
    : m_io(io)
    , m_settings(std::move(settings))
    , m_onEvent(std::move(onEvent))
    , m_acceptor(io) {
    const auto *model = streamdeck::modelForProductId(m_settings.productId);
    m_down.assign(std::size_t(model ? model->keyCount() : 0), false);
}

bool StreamDeckSim::start(std::string *error) {
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(m_settings.host, ec);
    if (ec) {
        *error = "bad address " + m_settings.host;
        return false;
    }
    ec = listenOn(m_acceptor, tcp::endpoint(address, m_settings.port), 8);
    if (ec) {
        *error = ec.message();
        return false;
    }
    m_port = m_acceptor.local_endpoint().port();
    accept();
    return true;
}

void StreamDeckSim::stop() {
    m_stopped = true;
    boost::system::error_code ec;
    m_acceptor.close(ec);
    dropConnections();
}

void StreamDeckSim::accept() {
    m_acceptor.async_accept([self = shared_from_this()](boost::system::error_code ec,
                                                        tcp::socket socket) {
        if (ec == asio::error::operation_aborted || self->m_stopped)
            return;
        if (!ec) {
            auto s = std::make_shared<Session>(self, std::move(socket), self->m_nextConnection++);
            self->m_sessions.remove_if([](const auto &w) {
                auto c = w.lock();
                return !c || c->closed();
            });
            self->m_sessions.push_back(s);
            s->start();
        }
        self->accept();
    });
}

void StreamDeckSim::press(int key, bool down) {
    if (key < 0 || std::size_t(key) >= m_down.size())
        return;
    m_down[std::size_t(key)] = down;
    cora::Message m;
    m.payload.assign(4 + m_down.size(), 0);
    m.payload[0] = 0x01;
    m.payload[1] = 0x00;
    m.payload[2] = std::uint8_t(m_down.size() & 0xFF);
    m.payload[3] = std::uint8_t(m_down.size() >> 8);
    for (std::size_t i = 0; i < m_down.size(); ++i)
        m.payload[4 + i] = m_down[i] ? 1 : 0;
    for (auto &w : m_sessions)
        if (auto s = w.lock())
            s->send(m);
}

void StreamDeckSim::dropConnections() {
    for (auto &w : m_sessions)
        if (auto s = w.lock())
            s->close();
    m_sessions.clear();
}

void StreamDeckSim::setChild(unsigned short port) {
    m_settings.childPort = port;
    for (auto &w : m_sessions)
        if (auto s = w.lock())
            s->send(
                cora::childInfo(0, port != 0, streamdeck::kVendorId, 0x0080, "OWSIMCHILD", port));
}

} // namespace opswall::drivers::sim
