#include "control/servercore.h"

#include "control/router.h"

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
        Reply r = jsonError(statusForCode(result.code), result.code, result.message, result.field);
        if (!result.data.isEmpty()) { // every issue of a refused layout, who changed what, ...
            QJsonObject o = QJsonDocument::fromJson(r.body).object();
            o.insert(QStringLiteral("details"), result.data);
            r.body = QJsonDocument(o).toJson(QJsonDocument::Compact);
        }
        return r;
    }
    return Reply{successStatus, QJsonDocument(result.data).toJson(QJsonDocument::Compact)};
}

ServerCore::ServerCore(ServerConfig cfg, ControlService *svc)
    : config(std::move(cfg))
    , service(svc)
    , limiter(config.rateBurst, config.ratePerSecond)
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
            work(*svc, std::move(reply));
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

void ServerCore::closeAll() {
    m_closing = true;
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
    return h;
}

} // namespace opswall::control::detail
