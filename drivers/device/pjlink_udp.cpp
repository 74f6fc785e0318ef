#include "pjlink_udp.h"

namespace opswall::drivers {

namespace asio = boost::asio;
using asio::ip::udp;
using boost::system::error_code;

PjLinkUdp::PjLinkUdp(asio::io_context &io)
    : m_socket(io)
    , m_searchTimer(io) {}

PjLinkUdp::~PjLinkUdp() {
    close();
}

std::shared_ptr<PjLinkUdp> PjLinkUdp::create(asio::io_context &io, unsigned short listenPort,
                                             error_code &ec) {
    std::shared_ptr<PjLinkUdp> self(new PjLinkUdp(io));
    self->m_socket.open(udp::v4(), ec);
    if (!ec)
        self->m_socket.set_option(asio::socket_base::broadcast(true), ec);
    if (!ec)
        self->m_socket.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec)
        self->m_socket.bind(udp::endpoint(udp::v4(), listenPort), ec);
    if (ec)
        return nullptr;
    self->receive();
    return self;
}

unsigned short PjLinkUdp::localPort() const {
    error_code ec;
    const auto ep = m_socket.local_endpoint(ec);
    return ec ? 0 : ep.port();
}

void PjLinkUdp::close() {
    error_code ignored;
    m_socket.close(ignored);
    m_searchTimer.cancel();
}

void PjLinkUdp::receive() {
    m_socket.async_receive_from(
        asio::buffer(m_buffer), m_sender,
        [weak = weak_from_this()](const error_code &ec, std::size_t n) {
            auto self = weak.lock();
            if (!self || ec == asio::error::operation_aborted || !self->m_socket.is_open())
                return;
            if (!ec) {
                const Bytes datagram(self->m_buffer.begin(), self->m_buffer.begin() + long(n));
                const auto from = self->m_sender.address().to_string();
                if (auto note = pjlink::parseNotification(datagram)) {
                    if (note->command == "ACKN") {
                        if (self->m_searchDone)
                            self->m_found.push_back({from, note->parameter});
                    } else if (self->m_onNotification) {
                        self->m_onNotification(from, *note);
                    }
                }
            }
            self->receive();
        });
}

void PjLinkUdp::search(const udp::endpoint &target, std::chrono::milliseconds window,
                       std::function<void(std::vector<FoundDevice>)> done) {
    m_found.clear();
    m_searchDone = std::move(done);
    auto datagram = std::make_shared<Bytes>(pjlink::searchDatagram());
    m_socket.async_send_to(asio::buffer(*datagram), target,
                           [datagram](const error_code &, std::size_t) {});
    m_searchTimer.expires_after(window);
    m_searchTimer.async_wait([weak = weak_from_this()](const error_code &ec) {
        auto self = weak.lock();
        if (!self || ec)
            return;
        auto cb = std::move(self->m_searchDone);
        self->m_searchDone = nullptr;
        cb(std::move(self->m_found));
    });
}

} // namespace opswall::drivers
