#include "control/servercore.h"

#include "control/ratelimiter.h"
#include "control/router.h"
#include "core/redact.h"

#include <boost/asio/post.hpp>

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonDocument>
#include <QMetaObject>

namespace opswall::control::detail {

Reply jsonError(int status, const QString &code, const QString &message, const QString &field) {
    return Reply{status, ApiError{status, code, message, field}.toJson()};
}

Reply fromResult(const ActionResult &result, int successStatus) {
    if (!result.ok) {
        Reply r = jsonError(statusForCode(result.code), result.code, redactText(result.message),
                            result.field);
        if (!result.data.isEmpty()) { // every issue of a refused layout, who changed what, ...
            QJsonObject o = QJsonDocument::fromJson(r.body).object();
            o.insert(QStringLiteral("details"), redactJson(result.data));
            r.body = QJsonDocument(o).toJson(QJsonDocument::Compact);
        }
        if (result.code == QLatin1String("store_unavailable"))
            r.retryAfterSeconds = kStoreRetryAfterSeconds;
        return r;
    }
    // A new token's secret is the one secret an answer carries, once, to the admin who made it.
    QJsonObject data = redactJson(result.data);
    if (result.data.value(QStringLiteral("token")).toString().startsWith(QLatin1String("owt_")))
        data.insert(QStringLiteral("token"), result.data.value(QStringLiteral("token")));
    return Reply{successStatus, QJsonDocument(data).toJson(QJsonDocument::Compact)};
}

Reply storeUnavailableReply(std::exception_ptr error) {
    const QString why = store::errorText(error);
    Reply r = jsonError(503, QStringLiteral("store_unavailable"),
                        QStringLiteral("store unavailable; retry later (%1)").arg(why));
    r.retryAfterSeconds = kStoreRetryAfterSeconds;
    return r;
}

ServerCore::ServerCore(ServerConfig cfg, ControlService *svc)
    : config(std::move(cfg))
    , service(svc)
    , limiter(config.rateBurst, config.ratePerSecond, config.rateMaxKeys)
    , startedMs(nowMs()) {
    sampler.sample(); // a baseline: the first health answer reports CPU since the start
}

std::int64_t ServerCore::nowMs() {
    return QDateTime::currentMSecsSinceEpoch();
}

void ServerCore::onGui(GuiWork work, std::function<void(Reply)> onReply) {
    const std::uint64_t id = m_nextCall++;
    auto timer = std::make_unique<asio::steady_timer>(ioc);
    timer->expires_after(std::chrono::milliseconds(config.actionTimeoutMs));
    std::weak_ptr<ServerCore> weak = weak_from_this();
    timer->async_wait([weak, id](boost::system::error_code ec) {
        if (ec)
            return;
        if (auto core = weak.lock())
            core->complete(id, jsonError(504, QStringLiteral("timeout"),
                                         QStringLiteral("the wall did not answer in time")));
    });
    m_pending.emplace(id, Pending{std::move(onReply), std::move(timer)});

    QPointer<ControlService> svc = service;
    if (!svc) {
        complete(id, jsonError(503, QStringLiteral("unavailable"),
                               QStringLiteral("the control service is gone")));
        return;
    }
    std::shared_ptr<ServerCore> self = shared_from_this();
    // Runs on the GUI thread (the service's thread). `reply` may be called there later.
    QMetaObject::invokeMethod(
        svc.data(),
        [self, id, svc, work = std::move(work)]() {
            if (!svc)
                return;
            auto reply = [self, id](Reply r) {
                asio::post(self->ioc, [self, id, r = std::move(r)]() mutable {
                    self->complete(id, std::move(r));
                });
            };
            // A database failure while reading or writing answers 503 and keeps the wall up.
            try {
                work(*svc, reply);
            } catch (const std::exception &) {
                reply(storeUnavailableReply(std::current_exception()));
            }
        },
        Qt::QueuedConnection);
}

void ServerCore::complete(std::uint64_t id, Reply reply) {
    auto it = m_pending.find(id);
    if (it == m_pending.end())
        return; // timed out already, or shutting down
    Pending p = std::move(it->second);
    m_pending.erase(it);
    p.timer->cancel();
    p.onReply(std::move(reply));
}

void ServerCore::track(const std::shared_ptr<Closable> &c) {
    m_sessions.remove_if([](const auto &w) { return w.expired(); });
    m_sessions.push_back(c);
    if (m_closing)
        c->closeNow();
}

namespace {
class AcceptorHandle : public Closable {
public:
    explicit AcceptorHandle(std::shared_ptr<boost::asio::ip::tcp::acceptor> a)
        : m_acceptor(std::move(a)) {}
    void closeNow() override {
        boost::system::error_code ec;
        m_acceptor->close(ec);
    }

private:
    std::shared_ptr<boost::asio::ip::tcp::acceptor> m_acceptor;
};
} // namespace

void ServerCore::ownAcceptor(std::shared_ptr<boost::asio::ip::tcp::acceptor> acceptor) {
    own(std::make_shared<AcceptorHandle>(std::move(acceptor)));
}

void ServerCore::own(const std::shared_ptr<Closable> &c) {
    m_owned.push_back(c);
    if (m_closing)
        c->closeNow();
}

void ServerCore::addEventClient(const std::shared_ptr<EventClient> &c) {
    m_eventClients.remove_if([](const auto &w) { return w.expired(); });
    m_eventClients.push_back(c);
    track(c);
}

void ServerCore::broadcast(const EventBytes &event) {
    metrics.eventsPublished++;
    for (auto it = m_eventClients.begin(); it != m_eventClients.end();) {
        if (auto c = it->lock()) {
            c->deliver(event);
            ++it;
        } else {
            it = m_eventClients.erase(it);
        }
    }
}

void ServerCore::closeToken(const std::string &tokenId) {
    if (tokenId.empty())
        return;
    // Collect first: revoked() may close a session and change the lists.
    std::vector<std::shared_ptr<Closable>> hit;
    for (auto &w : m_sessions)
        if (auto c = w.lock(); c && c->tokenId() == tokenId)
            hit.push_back(c);
    for (auto &c : hit)
        c->revoked();
}

namespace {
// One slot of a counted table (connections per address, sessions per token), given back when the
// last holder lets go of it.
struct Slot {
    Slot(std::weak_ptr<ServerCore> c, std::map<std::string, int> ServerCore::*t, std::string k)
        : core(std::move(c))
        , table(t)
        , key(std::move(k)) {}
    Slot(const Slot &) = delete;
    Slot &operator=(const Slot &) = delete;
    std::weak_ptr<ServerCore> core;
    std::map<std::string, int> ServerCore::*table;
    std::string key;
    ~Slot() {
        if (auto c = core.lock()) {
            auto &t = (*c).*table;
            auto it = t.find(key);
            if (it != t.end() && --it->second <= 0)
                t.erase(it);
        }
    }
};
} // namespace

Lease ServerCore::lease(std::map<std::string, int> ServerCore::*table, const std::string &key,
                        int limit) {
    auto &t = this->*table;
    auto it = t.find(key);
    if (it != t.end() && it->second >= limit)
        return nullptr;
    ++t[key];
    return std::make_shared<Slot>(weak_from_this(), table, key);
}

Lease ServerCore::leaseAddress(const std::string &address) {
    return lease(&ServerCore::m_perAddress, address, config.maxConnectionsPerAddress);
}

Lease ServerCore::leaseToken(const std::string &tokenId) {
    return lease(&ServerCore::m_perToken, tokenId, config.maxSessionsPerToken);
}

int ServerCore::sessionsOfToken(const std::string &tokenId) const {
    const auto it = m_perToken.find(tokenId);
    return it == m_perToken.end() ? 0 : it->second;
}

std::string ServerCore::ipKey(const std::string &address) const {
    return addressPrefixKey(address, config.rateIpv4PrefixBits, config.rateIpv6PrefixBits);
}

namespace {
constexpr std::size_t kMaxRefusalWindows = 4096;
} // namespace

void ServerCore::auditRefusal(const std::string &address, const QString &remote, const QString &via,
                              int status, const QString &what, const QString &message,
                              const std::optional<Caller> &caller) {
    if (m_closing)
        return;
    const std::int64_t now = nowMs();
    // Keyed by the address's prefix, like the rate limit: rotating addresses makes no more rows.
    const auto key = std::make_pair(ipKey(address), status);
    auto it = m_refusals.find(key);
    if (it != m_refusals.end() && now - it->second.startMs < config.auditRefusalWindowMs) {
        it->second.suppressed++;
        return;
    }
    if (it != m_refusals.end()) {
        if (it->second.suppressed > 0)
            writeRefusal(it->second, status, it->second.suppressed);
        m_refusals.erase(it);
    }
    if (m_refusals.size() >= kMaxRefusalWindows)
        flushRefusals(true); // bounded: write what is pending and start afresh
    RefusalWindow w{now, 0, remote, via, what.left(200), message.left(200), caller};
    writeRefusal(w, status, 1);
    m_refusals.emplace(key, std::move(w));
    if (!m_refusalTimer) {
        m_refusalTimer = std::make_unique<asio::steady_timer>(ioc);
        armRefusalTimer();
    }
}

void ServerCore::armRefusalTimer() {
    m_refusalTimer->expires_after(std::chrono::milliseconds(config.auditRefusalWindowMs / 4));
    std::weak_ptr<ServerCore> weak = weak_from_this();
    m_refusalTimer->async_wait([weak](boost::system::error_code ec) {
        auto core = weak.lock();
        if (ec || !core || core->m_closing)
            return;
        core->flushRefusals(false);
        core->armRefusalTimer();
    });
}

void ServerCore::flushRefusals(bool all) {
    const std::int64_t now = nowMs();
    for (auto it = m_refusals.begin(); it != m_refusals.end();) {
        if (all || now - it->second.startMs >= config.auditRefusalWindowMs) {
            if (it->second.suppressed > 0)
                writeRefusal(it->second, it->first.second, it->second.suppressed);
            it = m_refusals.erase(it);
        } else {
            ++it;
        }
    }
}

void ServerCore::writeRefusal(const RefusalWindow &w, int status, int count) {
    QPointer<ControlService> svc = service;
    if (!svc)
        return;
    Caller who = w.caller.value_or(Caller{QString(), Role::Invalid, w.remote, w.via});
    who.remote = w.remote;
    who.via = w.via;
    const Action action{QStringLiteral("auth.refused"),
                        QJsonObject{{QStringLiteral("status"), status},
                                    {QStringLiteral("request"), redactText(w.what)},
                                    {QStringLiteral("count"), count}}};
    const ActionResult result = ActionResult::failure(
        status == 403 ? QStringLiteral("forbidden") : QStringLiteral("unauthorized"),
        count > 1 ? QStringLiteral("%1 (%2 times within a minute)").arg(w.message).arg(count)
                  : w.message);
    QMetaObject::invokeMethod(
        svc.data(),
        [svc, who, action, result] {
            if (!svc)
                return;
            try {
                svc->audit().append(who, action, result);
            } catch (const std::exception &e) {
                qWarning("control: could not audit a refused request: %s", e.what());
            }
        },
        Qt::QueuedConnection);
}

void ServerCore::closeAll() {
    m_closing = true;
    if (m_refusalTimer)
        m_refusalTimer->cancel();
    flushRefusals(true);
    for (auto &[id, p] : m_pending)
        p.timer->cancel();
    m_pending.clear();
    for (auto &w : m_sessions)
        if (auto c = w.lock())
            c->closeNow();
    m_sessions.clear();
    m_eventClients.clear();
    for (auto &c : m_owned)
        c->closeNow();
    m_owned.clear();
}

QJsonObject ServerCore::healthJson(ControlService &svc) {
    const ProcessStats ps = sampler.sample();
    QJsonObject h{{QStringLiteral("status"), QStringLiteral("ok")},
                  {QStringLiteral("version"), QCoreApplication::applicationVersion()},
                  {QStringLiteral("uptimeSeconds"), double(nowMs() - startedMs) / 1000.0},
                  {QStringLiteral("cpuPercent"), ps.cpuPercent},
                  {QStringLiteral("memoryRssBytes"), double(ps.rssBytes)},
                  {QStringLiteral("apiClients"), double(metrics.httpConnections.load())},
                  {QStringLiteral("eventClients"), double(metrics.wsClients.load())},
                  {QStringLiteral("lineClients"), double(metrics.lineClients.load())}};
    if (ActionSink *sink = svc.sink()) {
        const QJsonObject wall = sink->snapshot(QStringLiteral("health"));
        for (auto it = wall.begin(); it != wall.end(); ++it)
            if (!h.contains(it.key()))
                h.insert(it.key(), it.value());
    }
    return redactJson(h); // streams are keyed by URI when a tile names one
}

} // namespace opswall::control::detail
