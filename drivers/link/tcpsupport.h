#pragma once
// What the TCP peers in drivers/ share (the OSC listener, the Stream Deck host and simulator, the
// display simulators): opening a listener, a queue of frames written one at a time, and an
// accepted peer's session.
#include "bytes.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include <array>
#include <cstdint>
#include <deque>
#include <memory>

namespace opswall::drivers {

// Opens `acceptor` on `at`, with SO_REUSEADDR, binds and listens; the first error, or none.
inline boost::system::error_code
listenOn(boost::asio::ip::tcp::acceptor &acceptor, const boost::asio::ip::tcp::endpoint &at,
         int backlog = boost::asio::socket_base::max_listen_connections) {
    boost::system::error_code ec;
    acceptor.open(at.protocol(), ec);
    if (!ec)
        acceptor.set_option(boost::asio::ip::tcp::acceptor::reuse_address(true), ec);
    if (!ec)
        acceptor.bind(at, ec);
    if (!ec)
        acceptor.listen(backlog, ec);
    return ec;
}

// Writes queue.front() to `stream`, pops it once written and goes on while the queue holds more:
// one write in flight at a time, as asio requires. `owner` keeps the stream and the queue alive
// while a write is in flight. After each write `goOn(ec)` says whether to go on: it returns false
// (and closes or drops what it must) on an error or once its owner has stopped.
template<class Stream, class Owner, class GoOn>
void writeQueued(Stream &stream, std::deque<Bytes> &queue, std::shared_ptr<Owner> owner,
                 GoOn goOn) {
    boost::asio::async_write(stream, boost::asio::buffer(queue.front()),
                             [&stream, &queue, owner = std::move(owner), goOn = std::move(goOn)](
                                 boost::system::error_code ec, std::size_t) mutable {
                                 if (!goOn(ec))
                                     return;
                                 queue.pop_front();
                                 if (!queue.empty())
                                     writeQueued(stream, queue, std::move(owner), std::move(goOn));
                             });
}

// writeQueued for an owner with close() and closed() (a session): an error closes it, and a
// closed owner writes no more.
template<class Stream, class Owner>
void writeQueuedUntilClosed(Stream &stream, std::deque<Bytes> &queue,
                            std::shared_ptr<Owner> owner) {
    Owner *o = owner.get();
    writeQueued(stream, queue, std::move(owner), [o](boost::system::error_code ec) {
        if (ec || o->closed())
            o->close();
        return !ec && !o->closed();
    });
}

// One accepted TCP peer (the OSC listener's tablets, the Stream Deck simulator's hosts): its
// socket, one timer (the OSC listener's idleness, the simulator's keep-alive), a read buffer, the
// frames queued for it, and close(), which cancels the timer and closes the socket once.
template<class Derived>
class TcpSession : public std::enable_shared_from_this<Derived> {
public:
    void close() {
        if (m_closed)
            return;
        m_closed = true;
        boost::system::error_code ec;
        m_timer.cancel();
        m_socket.close(ec);
    }
    bool closed() const { return m_closed; }

protected:
    explicit TcpSession(boost::asio::ip::tcp::socket socket)
        : m_socket(std::move(socket))
        , m_timer(m_socket.get_executor()) {}

    // Queues a frame; the first in an empty queue starts writing (writeQueuedUntilClosed).
    void queue(Bytes frame) {
        m_out.push_back(std::move(frame));
        if (m_out.size() == 1)
            writeQueuedUntilClosed(m_socket, m_out, this->shared_from_this());
    }

    boost::asio::ip::tcp::socket m_socket;
    boost::asio::steady_timer m_timer;
    std::array<std::uint8_t, 8192> m_in{};
    std::deque<Bytes> m_out;
    bool m_closed = false;
};

} // namespace opswall::drivers
