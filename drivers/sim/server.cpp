#include "server.h"
#include "pjlink.h"
#include "responders.h"
#include "tcpsupport.h"

#include <boost/asio/post.hpp>
#include <boost/asio/serial_port.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include <array>
#include <deque>

namespace opswall::drivers::sim {

namespace asio = boost::asio;
using asio::ip::tcp;
using asio::ip::udp;
using boost::system::error_code;

namespace {

// One conversation over a byte stream: greeting, then request frames -> responder -> writes.
// Writes go out strictly in order through a queue, each after the scripted delay.
template<typename Stream>
class Conversation : public std::enable_shared_from_this<Conversation<Stream>> {
public:
    Conversation(Stream stream, std::shared_ptr<SimBank> bank)
        : m_stream(std::move(stream))
        , m_bank(std::move(bank))
        , m_responder(makeResponder(*m_bank))
        , m_framer(m_responder->requestFramer())
        , m_timer(m_stream.get_executor()) {}
    void start() {
        if (auto g = m_responder->greeting(); !g.empty())
            enqueue(std::move(g), false, false);
        read();
    }
    void stop() {
        m_stopped = true;
        error_code ignored;
        m_stream.close(ignored);
        m_timer.cancel();
    }

private:
    void read() {
        m_stream.async_read_some(asio::buffer(m_buffer), [self = this->shared_from_this()](
                                                             const error_code &ec, std::size_t n) {
            if (ec || self->m_stopped)
                return;
            self->m_framer->push(self->m_buffer.data(), n);
            self->drain();
            if (!self->m_stopped)
                self->read();
        });
    }
    void drain() {
        for (;;) {
            auto d = m_framer->next();
            if (std::holds_alternative<NeedMore>(d))
                return;
            if (!std::holds_alternative<Frame>(d))
                continue; // a display ignores what it cannot parse
            SimFaults &f = m_bank->faults;
            if (f.dropNext > 0) {
                --f.dropNext;
                stop();
                return;
            }
            auto reply = m_responder->handle(std::get<Frame>(d).bytes);
            if (f.silent)
                continue;
            for (std::size_t i = 0; i < reply.writes.size(); ++i) {
                const bool last = i + 1 == reply.writes.size();
                enqueue(std::move(reply.writes[i]), true,
                        last && (reply.close || f.closeAfterReply));
            }
        }
    }
    struct Pending {
        Bytes bytes;
        bool close;
    };
    void enqueue(Bytes bytes, bool applyFaults, bool closeAfter) {
        const SimFaults &f = m_bank->faults;
        if (applyFaults && f.garbageBytes > 0) {
            Bytes junk;
            for (int i = 0; i < f.garbageBytes; ++i)
                junk.push_back(std::uint8_t(0x5A + 13 * i)); // never a frame start
            bytes.insert(bytes.begin(), junk.begin(), junk.end());
        }
        if (applyFaults && f.splitBytes) {
            for (std::size_t i = 0; i < bytes.size(); ++i)
                m_queue.push_back({Bytes{bytes[i]}, closeAfter && i + 1 == bytes.size()});
        } else {
            m_queue.push_back({std::move(bytes), closeAfter});
        }
        if (!m_writing)
            writeNext(applyFaults ? f.delayMs : 0);
    }
    void writeNext(int delayMs) {
        if (m_queue.empty() || m_stopped) {
            m_writing = false;
            return;
        }
        m_writing = true;
        m_timer.expires_after(std::chrono::milliseconds(delayMs));
        m_timer.async_wait([self = this->shared_from_this()](const error_code &ec) {
            if (ec || self->m_stopped)
                return;
            auto &front = self->m_queue.front();
            asio::async_write(self->m_stream, asio::buffer(front.bytes),
                              [self](const error_code &e, std::size_t) {
                                  if (e || self->m_stopped)
                                      return;
                                  const bool close = self->m_queue.front().close;
                                  self->m_queue.pop_front();
                                  if (close) {
                                      self->stop();
                                      return;
                                  }
                                  self->writeNext(0);
                              });
        });
    }

    Stream m_stream;
    std::shared_ptr<SimBank> m_bank;
    std::unique_ptr<Responder> m_responder;
    std::unique_ptr<Framer> m_framer;
    asio::steady_timer m_timer;
    std::array<std::uint8_t, 1024> m_buffer{};
    std::deque<Pending> m_queue;
    bool m_writing = false;
    bool m_stopped = false;
};

class TcpServer final : public SimTcpServer, public std::enable_shared_from_this<TcpServer> {
public:
    TcpServer(asio::io_context &io, std::shared_ptr<SimBank> bank)
        : m_acceptor(io)
        , m_bank(std::move(bank)) {}
    error_code listen(unsigned short port) {
        const error_code ec =
            listenOn(m_acceptor, tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
        if (!ec)
            accept();
        return ec;
    }
    unsigned short port() const override {
        error_code ec;
        return m_acceptor.local_endpoint(ec).port();
    }
    void stop() override {
        error_code ignored;
        m_acceptor.close(ignored);
        for (auto &w : m_conversations)
            if (auto c = w.lock())
                c->stop();
        m_conversations.clear();
    }
    std::string describe() const override {
        return std::string(protocolKindName(m_bank->kind)) +
               " simulator on tcp 127.0.0.1:" + std::to_string(port());
    }
    int connections() const override { return m_accepted; }

private:
    void accept() {
        m_acceptor.async_accept([self = shared_from_this()](const error_code &ec, tcp::socket s) {
            if (ec)
                return;
            ++self->m_accepted;
            auto c = std::make_shared<Conversation<tcp::socket>>(std::move(s), self->m_bank);
            self->m_conversations.erase(std::remove_if(self->m_conversations.begin(),
                                                       self->m_conversations.end(),
                                                       [](const auto &w) { return w.expired(); }),
                                        self->m_conversations.end());
            self->m_conversations.push_back(c);
            c->start();
            self->accept();
        });
    }
    tcp::acceptor m_acceptor;
    std::shared_ptr<SimBank> m_bank;
    std::vector<std::weak_ptr<Conversation<tcp::socket>>> m_conversations;
    int m_accepted = 0;
};

class SerialServer final : public SimServer {
public:
    SerialServer(std::shared_ptr<Conversation<asio::serial_port>> c, std::string device)
        : m_conversation(std::move(c))
        , m_device(std::move(device)) {}
    ~SerialServer() override { stop(); }
    void stop() override { m_conversation->stop(); }
    std::string describe() const override { return "simulator on serial " + m_device; }
    int connections() const override { return 1; }

private:
    std::shared_ptr<Conversation<asio::serial_port>> m_conversation;
    std::string m_device;
};

class PjLinkUdpServer final : public SimPjLinkUdp,
                              public std::enable_shared_from_this<PjLinkUdpServer> {
public:
    PjLinkUdpServer(asio::io_context &io, std::shared_ptr<SimBank> bank)
        : m_socket(io)
        , m_bank(std::move(bank)) {}
    error_code listen(unsigned short port) {
        error_code ec;
        m_socket.open(udp::v4(), ec);
        if (!ec)
            m_socket.bind(udp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
        if (!ec)
            receive();
        return ec;
    }
    unsigned short port() const override {
        error_code ec;
        return m_socket.local_endpoint(ec).port();
    }
    void notify(const udp::endpoint &to, const std::string &command,
                const std::string &parameter) override {
        send(to, pjlink::encode(pjlink::Line{'2', command, '=', parameter}));
    }
    void stop() override {
        error_code ignored;
        m_socket.close(ignored);
    }

private:
    void send(const udp::endpoint &to, Bytes bytes) {
        auto buffer = std::make_shared<Bytes>(std::move(bytes));
        m_socket.async_send_to(asio::buffer(*buffer), to,
                               [buffer](const error_code &, std::size_t) {});
    }
    void receive() {
        m_socket.async_receive_from(
            asio::buffer(m_buffer), m_sender,
            [self = shared_from_this()](const error_code &ec, std::size_t n) {
                if (ec == asio::error::operation_aborted || !self->m_socket.is_open())
                    return;
                const std::string text(self->m_buffer.begin(), self->m_buffer.begin() + long(n));
                if (!ec && text.rfind("%2SRCH", 0) == 0)
                    self->send(self->m_sender,
                               pjlink::encode(pjlink::Line{'2', "ACKN", '=', self->m_bank->mac}));
                self->receive();
            });
    }
    udp::socket m_socket;
    std::shared_ptr<SimBank> m_bank;
    udp::endpoint m_sender;
    std::array<std::uint8_t, 256> m_buffer{};
};

} // namespace

std::shared_ptr<SimTcpServer> listenTcp(asio::io_context &io, std::shared_ptr<SimBank> bank,
                                        unsigned short port, error_code &ec) {
    auto server = std::make_shared<TcpServer>(io, std::move(bank));
    ec = server->listen(port);
    return ec ? nullptr : server;
}

std::shared_ptr<SimServer> serveSerial(asio::io_context &io, std::shared_ptr<SimBank> bank,
                                       const std::string &device, error_code &ec) {
    asio::serial_port port(io);
    port.open(device, ec);
    if (ec)
        return nullptr;
    auto c = std::make_shared<Conversation<asio::serial_port>>(std::move(port), std::move(bank));
    c->start();
    return std::make_shared<SerialServer>(std::move(c), device);
}

std::shared_ptr<SimPjLinkUdp> listenPjLinkUdp(asio::io_context &io, std::shared_ptr<SimBank> bank,
                                              unsigned short port, error_code &ec) {
    auto server = std::make_shared<PjLinkUdpServer>(io, std::move(bank));
    ec = server->listen(port);
    return ec ? nullptr : server;
}

} // namespace opswall::drivers::sim
