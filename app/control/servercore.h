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
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <QByteArray>
#include <QPointer>

#include <chrono>
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

// Anything the shutdown must be able to cut off.
class Closable {
public:
    virtual ~Closable() = default;
    virtual void closeNow() = 0; // io thread
};

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

    void track(const std::shared_ptr<Closable> &c);             // io thread; weak
    void own(const std::shared_ptr<Closable> &c);               // io thread; kept until closeAll
    void addEventClient(const std::shared_ptr<EventClient> &c); // io thread
    void broadcast(const EventBytes &event);                    // io thread
    void closeAll();                                            // io thread, at shutdown

    static std::int64_t nowMs();
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
};

} // namespace opswall::control::detail
