#pragma once
// What the TCP peers in drivers/ share (the OSC listener, the Stream Deck host and simulator, the
// display simulators): opening a listener, and a queue of frames written one at a time.
#include "bytes.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>

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

} // namespace opswall::drivers
