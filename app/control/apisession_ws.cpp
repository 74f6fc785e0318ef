#include "control/apisession_ws.h"

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <QJsonDocument>

#include <deque>

// The control API's WebSocket event stream (the HTTP sessions are in apisession.cpp).
namespace opswall::control::detail {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;

namespace {

// WebSocket event client: a bounded queue per client; a client that falls behind is dropped.

template<class Stream>
class WsSession : public EventClient, public std::enable_shared_from_this<WsSession<Stream>> {
public:
    WsSession(std::shared_ptr<ServerCore> core, Stream &&stream, QJsonObject hello,
              std::string tokenId, std::vector<Lease> leases)
        : m_core(std::move(core))
        , m_ws(std::move(stream))
        , m_closeTimer(m_core->ioc)
        , m_recheck(m_core->ioc)
        , m_hello(std::move(hello))
        , m_tokenId(std::move(tokenId))
        , m_leases(std::move(leases)) {}
    ~WsSession() override { m_core->metrics.wsClients--; }

    std::string tokenId() const override { return m_tokenId; }

    // The token was revoked: say so in the close frame, and cut the socket after a bound.
    void revoked() override {
        if (!m_open || m_dropping)
            return closeNow();
        closeWith(websocket::close_reason(websocket::close_code::policy_error, "token revoked"));
    }

    void run(Request req) {
        m_core->metrics.wsClients++;
        beast::get_lowest_layer(m_ws).expires_never(); // the websocket has its own timeouts
        websocket::stream_base::timeout t;
        t.handshake_timeout = std::chrono::seconds(5);
        // Nothing from the peer, not even the pong to our ping (sent at half of this): dropped.
        t.idle_timeout = std::chrono::milliseconds(m_core->config.wsIdleTimeoutMs);
        t.keep_alive_pings = true;
        m_ws.set_option(t);
        m_ws.set_option(websocket::stream_base::decorator(
            [](websocket::response_type &res) { res.set(http::field::server, "opswall"); }));
        m_ws.read_message_max(4096);
        m_ws.async_accept(
            req, [self = this->shared_from_this()](beast::error_code ec) { self->onAccept(ec); });
    }

    void deliver(const EventBytes &event) override {
        if (!m_open || m_dropping)
            return;
        if (m_queue.size() >= m_core->config.wsQueueMax ||
            m_queuedBytes + event->size() > m_core->config.wsQueueMaxBytes) {
            drop();
            return;
        }
        m_queue.push_back(event);
        m_queuedBytes += event->size();
        if (m_queue.size() == 1)
            writeNext();
    }

    void closeNow() override {
        m_open = false;
        m_queue.clear();
        m_queuedBytes = 0;
        m_recheck.cancel();
        m_closeTimer.cancel();
        beast::get_lowest_layer(m_ws).close();
        m_leases.clear();
    }

private:
    void onAccept(beast::error_code ec) {
        if (ec)
            return;
        m_open = true;
        m_core->addEventClient(this->shared_from_this());
        deliver(std::make_shared<const std::string>(
            QJsonDocument(m_hello).toJson(QJsonDocument::Compact).toStdString()));
        readLoop();
        recheckToken();
    }

    // Revocation closes the session at once (ServerCore::closeToken); this also catches a token
    // that went away any other way, at the idle timeout's pace.
    void recheckToken() {
        m_recheck.expires_after(std::chrono::milliseconds(m_core->config.wsIdleTimeoutMs / 2));
        m_recheck.async_wait([self = this->shared_from_this()](beast::error_code ec) {
            if (ec || !self->m_open)
                return;
            const bool active =
                self->m_core->service &&
                self->m_core->service->tokens().isActive(QString::fromStdString(self->m_tokenId));
            if (!active)
                return self->revoked();
            self->recheckToken();
        });
    }

    void readLoop() {
        // Clients have nothing to say; reading keeps pings, pongs and close frames flowing.
        m_ws.async_read(m_in, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
            if (ec) {
                self->m_open = false;
                self->m_queue.clear();
                self->m_queuedBytes = 0;
                return;
            }
            self->m_in.consume(self->m_in.size());
            self->readLoop();
        });
    }

    void writeNext() {
        m_ws.text(true);
        m_ws.async_write(asio::buffer(*m_queue.front()),
                         [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                             if (ec) {
                                 self->m_open = false;
                                 self->m_queue.clear();
                                 self->m_queuedBytes = 0;
                                 return;
                             }
                             if (!self->m_queue.empty()) {
                                 self->m_queuedBytes -= self->m_queue.front()->size();
                                 self->m_queue.pop_front();
                             }
                             if (!self->m_queue.empty() && !self->m_dropping)
                                 self->writeNext();
                         });
    }

    void drop() {
        m_core->metrics.wsClientsDropped++;
        const std::string why = "slow consumer: " + std::to_string(m_queue.size()) + " events (" +
                                std::to_string(m_queuedBytes) + " bytes) queued";
        closeWith(websocket::close_reason(websocket::close_code::policy_error, why));
    }

    void closeWith(const websocket::close_reason &reason) {
        m_dropping = true;
        m_recheck.cancel();
        // The close frame may never get through a full socket buffer: cut the socket after a bound.
        m_closeTimer.expires_after(std::chrono::seconds(2));
        m_closeTimer.async_wait([self = this->shared_from_this()](beast::error_code ec) {
            if (!ec)
                self->closeNow();
        });
        m_ws.async_close(
            reason, [self = this->shared_from_this()](beast::error_code) { self->closeNow(); });
    }

    std::shared_ptr<ServerCore> m_core;
    websocket::stream<Stream> m_ws;
    asio::steady_timer m_closeTimer;
    asio::steady_timer m_recheck;
    QJsonObject m_hello;
    std::string m_tokenId;
    std::vector<Lease> m_leases; // the address's and the token's connection slots
    beast::flat_buffer m_in;
    std::deque<EventBytes> m_queue;
    std::size_t m_queuedBytes = 0;
    bool m_open = false;
    bool m_dropping = false;
};

} // namespace

void runWsSession(const std::shared_ptr<ServerCore> &core, PlainStream &&stream, QJsonObject hello,
                  std::string tokenId, std::vector<Lease> leases, Request req) {
    std::make_shared<WsSession<PlainStream>>(core, std::move(stream), std::move(hello),
                                             std::move(tokenId), std::move(leases))
        ->run(std::move(req));
}

void runWsSession(const std::shared_ptr<ServerCore> &core, TlsStream &&stream, QJsonObject hello,
                  std::string tokenId, std::vector<Lease> leases, Request req) {
    std::make_shared<WsSession<TlsStream>>(core, std::move(stream), std::move(hello),
                                           std::move(tokenId), std::move(leases))
        ->run(std::move(req));
}

} // namespace opswall::control::detail
