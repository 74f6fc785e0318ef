#pragma once
// Internal to the control servers (not installed, not for other layers): the state shared by the
// listeners and sessions on the io thread, and the hop to the GUI thread and back.
//
//   io thread                               GUI thread
//   session --onGui(work, onReply)--------> work(reply)   (QMetaObject::invokeMethod, queued)
//   onReply(reply) <---asio::post---------- reply(Reply)  (must be called once)
//
// The GUI side never holds a session: it holds the core and a call id, so every session lives and
// dies on the io thread. A call the GUI does not answer within actionTimeoutMs gets a 504.

#include "control/controlservice.h"
#include "control/metrics.h"
#include "control/ratelimiter.h"
#include "control/serverconfig.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <QByteArray>
#include <QPointer>

#include <chrono>
#include <exception>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace opswall::control::detail {

namespace asio = boost::asio;

struct Reply {
    int status = 200;
    QByteArray body;
    QByteArray contentType = "application/json";
    int retryAfterSeconds = 0;
};

Reply jsonError(int status, const QString &code, const QString &message, const QString &field = {});
// Retry-After of a 503 store_unavailable (a lock held elsewhere, a full disk).
inline constexpr int kStoreRetryAfterSeconds = 5;
Reply fromResult(const ActionResult &result, int successStatus);
// 503 store_unavailable with Retry-After, for a read or write the database refused (error: what
// was thrown).
Reply storeUnavailableReply(std::exception_ptr error);

// Anything the shutdown must be able to cut off.
class Closable {
public:
    virtual ~Closable() = default;
    virtual void closeNow() = 0; // io thread
    // The token id a long-lived session (WebSocket, line) runs under; empty when none.
    virtual std::string tokenId() const { return {}; }
    // Its token was revoked: end the session at once (a session may say why first).
    virtual void revoked() { closeNow(); }
};

// Holds one of an address's or a token's connection slots; giving it back on destruction.
using Lease = std::shared_ptr<void>;

// One broadcast event: the same bytes go to every client.
using EventBytes = std::shared_ptr<const std::string>;

class EventClient : public Closable {
public:
    virtual void deliver(const EventBytes &event) = 0; // io thread
};

struct ServerCore : std::enable_shared_from_this<ServerCore> {
    ServerCore(ServerConfig cfg, ControlService *svc);

    ServerConfig config;
    QPointer<ControlService> service; // GUI thread object: touch only inside onGui work
    asio::io_context ioc{1};
    std::optional<asio::ssl::context> tls;
    ServerMetrics metrics;
    RateLimiter limiter;          // io thread
    const std::int64_t startedMs; // epoch
    ProcessSampler sampler;       // GUI thread

    using ReplyFn = std::function<void(Reply)>;
    using GuiWork = std::function<void(ControlService &, ReplyFn reply)>;
    // io thread: runs work on the GUI thread; onReply runs on the io thread exactly once.
    void onGui(GuiWork work, std::function<void(Reply)> onReply);

    void track(const std::shared_ptr<Closable> &c); // io thread; weak
    void own(const std::shared_ptr<Closable> &c);   // io thread; kept until closeAll
    // A listening socket the shutdown closes (the API's and the line protocol's). io thread.
    void ownAcceptor(std::shared_ptr<boost::asio::ip::tcp::acceptor> acceptor);
    void addEventClient(const std::shared_ptr<EventClient> &c); // io thread
    void broadcast(const EventBytes &event);                    // io thread
    void closeAll();                                            // io thread, at shutdown
    void closeToken(const std::string &tokenId);                // io thread: revoked

    // io thread. A slot for one more connection from this address (nullptr when it holds
    // maxConnectionsPerAddress already), or for one more long-lived session of this token.
    Lease leaseAddress(const std::string &address);
    Lease leaseToken(const std::string &tokenId);
    int sessionsOfToken(const std::string &tokenId) const;

    // The rate-limit key of an address: its network prefix ("ip:10.1.2.0/24").
    std::string ipKey(const std::string &address) const;

    // io thread. A refused request (401 unauthenticated, 403 forbidden read, failed LOGIN) goes
    // to the audit log through AuditLog::append on the GUI thread: the first per address and
    // status in a minute at once, the rest of that minute as one row with their count.
    void auditRefusal(const std::string &address, const QString &remote, const QString &via,
                      int status, const QString &what, const QString &message,
                      const std::optional<Caller> &caller = std::nullopt);

    static std::int64_t nowMs();

    // Open connections per address and sessions per token (io thread; see lease()).
    std::map<std::string, int> m_perAddress;
    std::map<std::string, int> m_perToken;
    // GUI thread: the body of GET /health.
    QJsonObject healthJson(ControlService &svc);

private:
    struct Pending {
        std::function<void(Reply)> onReply;
        std::unique_ptr<asio::steady_timer> timer;
    };
    void complete(std::uint64_t id, Reply reply); // io thread
    std::uint64_t m_nextCall = 1;
    std::map<std::uint64_t, Pending> m_pending;
    std::list<std::weak_ptr<Closable>> m_sessions;
    std::vector<std::shared_ptr<Closable>> m_owned;
    std::list<std::weak_ptr<EventClient>> m_eventClients;
    bool m_closing = false;
    Lease lease(std::map<std::string, int> ServerCore::*table, const std::string &key, int limit);
    struct RefusalWindow {
        std::int64_t startMs = 0;
        int suppressed = 0;
        QString remote, via, what, message;
        std::optional<Caller> caller;
    };
    std::map<std::pair<std::string, int>, RefusalWindow> m_refusals; // (address, status)
    std::unique_ptr<asio::steady_timer> m_refusalTimer;
    void writeRefusal(const RefusalWindow &w, int status, int count); // io thread -> GUI
    void flushRefusals(bool all);
    void armRefusalTimer();
};

} // namespace opswall::control::detail
