#include "shell/nodesync.h"

#include "core/diagnostics.h"
#include "core/engineservices.h"
#include "tilelistmodel.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QQuickWindow>
#include <QTimer>

#include <algorithm>
#include <cmath>
#include <memory>
#include <utility>

#ifdef OPSWALL_WITH_NODES
#include "nodes/nodehub.h"
#endif
#ifdef OPSWALL_WITH_VIDEO
#include "video/netclock.h"
#include "video/videohub.h"
#endif

namespace opswall::shell {

namespace {
#ifdef OPSWALL_WITH_VIDEO
constexpr int kSyncWaitMs = 3000;
#endif
} // namespace

bool serveVideoClock([[maybe_unused]] nodes::NodeHub &hub, [[maybe_unused]] QQmlEngine &engine,
                     [[maybe_unused]] const QString &host, [[maybe_unused]] QString *error) {
#if defined(OPSWALL_WITH_NODES) && defined(OPSWALL_WITH_VIDEO)
    video::VideoHub *videoHub = opswall::lookup<video::VideoHub>(&engine);
    if (!videoHub)
        return true;
    QString badLatency;
    const std::optional<int> latency =
        diagnostics::value(diagnostics::Switch::NodeVideoLatencyMs, &badLatency);
    if (!badLatency.isEmpty()) {
        *error = badLatency + QStringLiteral(" (ms)");
        return false;
    }
    const int latencyMs = latency.value_or(video::SharedClock::kDefaultLatencyMs);
    const QString bindHost =
        host == QLatin1String("localhost") ? QStringLiteral("127.0.0.1") : host;
    std::shared_ptr<video::SharedClock> clock =
        video::SharedClock::serve(bindHost, latencyMs, error);
    if (!clock)
        return false;
    videoHub->setSharedClock(clock);
    // The controller's own outputs place the clips its layouts bring on screen as its nodes do.
    QObject::connect(&hub, &nodes::NodeHub::streamStartsChanged, videoHub,
                     [videoHub, &hub] { videoHub->setStreamStarts(hub.streamStarts()); });
    QObject::connect(&hub, &nodes::NodeHub::streamAnchorsChanged, videoHub, [videoHub, &hub] {
        QHash<QString, video::LiveAnchor> anchors;
        const QHash<QString, nodes::StreamAnchor> all = hub.streamAnchors();
        for (auto it = all.cbegin(); it != all.cend(); ++it)
            anchors.insert(it.key(), video::LiveAnchor{it->pts, it->shownNs});
        videoHub->setLiveAnchors(anchors);
    });
    hub.setClock(QJsonDocument(clock->settings().toJson()).toJson(QJsonDocument::Compact),
                 [clock] { return clock->nowNs(); });
    qInfo("opswall: video clock for render nodes on %s:%u (UDP), pipeline latency %d ms",
          qPrintable(bindHost), unsigned(clock->settings().port), latencyMs);
#endif
    return true;
}

SwitchTimer::SwitchTimer(ClockNow now, QObject *parent)
    : QObject(parent)
    , m_now(std::move(now)) {
    m_timer.setSingleShot(true);
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        // The timer has millisecond steps: the last part of a millisecond is waited here.
        while (m_now() >= 0 && m_now() < m_atNs && m_atNs - m_now() < 2000000) {
        }
        if (auto apply = std::exchange(m_pending, nullptr))
            apply();
    });
}

void SwitchTimer::schedule(qint64 atNs, std::function<void()> apply) {
    m_timer.stop();
    m_pending = nullptr;
    const qint64 now = m_now();
    if (atNs <= 0 || now < 0 || atNs <= now)
        return apply();
    m_atNs = atNs;
    m_pending = std::move(apply);
    m_timer.start(int((atNs - now) / 1000000)); // the rest: the timeout's wait
}

void FrameWaiter::await(qml::TileListModel *tiles, Windows windows, ClockNow now,
                        std::function<void(qint64)> done) {
    afterStaging(++m_generation, tiles, windows, now, done);
}

void FrameWaiter::afterStaging(quint64 generation, qml::TileListModel *tiles,
                               const Windows &windows, const ClockNow &now,
                               const std::function<void(qint64)> &done) {
    if (tiles && tiles->staging()) {
        auto conn = std::make_shared<QMetaObject::Connection>();
        *conn = connect(tiles, &qml::TileListModel::stagingChanged, this,
                        [this, conn, generation, tiles, windows, now, done] {
                            if (tiles->staging())
                                return;
                            disconnect(*conn);
                            if (generation == m_generation)
                                afterStaging(generation, tiles, windows, now, done);
                        });
        return;
    }
    const QList<QQuickWindow *> wins = windows();
    if (wins.isEmpty())
        return done(-1);
    auto left = std::make_shared<qsizetype>(wins.size());
    auto lastNs = std::make_shared<qint64>(-1);
    for (QQuickWindow *w : wins) {
        auto conn = std::make_shared<QMetaObject::Connection>();
        *conn = connect(w, &QQuickWindow::frameSwapped, this,
                        [this, conn, generation, left, lastNs, now, done] {
                            disconnect(*conn);
                            if (generation != m_generation)
                                return; // a newer change is on its way to the windows
                            *lastNs = std::max(*lastNs, now());
                            if (--*left == 0)
                                done(*lastNs);
                        });
        w->update();
    }
}

struct NodeSync::Impl {
    QString host;
    std::optional<QJsonObject> clockDoc;
    QHash<QString, qint64> startsNs;
    QHash<QString, qint64> trimsNs;
    QHash<QString, QPair<quint32, qint64>> anchors;
    qint64 testDelayNs = 0;
    std::unique_ptr<SwitchTimer> switchTimer;
#ifdef OPSWALL_WITH_VIDEO
    video::VideoHub *video = nullptr;
    std::shared_ptr<const video::SharedClock> clock;
    std::unique_ptr<QTimer> syncPoll; // until the newest clock has answered (kSyncWaitMs)
#endif
};

NodeSync::NodeSync(QString controllerHost, QObject *parent)
    : QObject(parent)
    , m_impl(std::make_unique<Impl>()) {
    m_impl->host = std::move(controllerHost);
    m_impl->switchTimer = std::make_unique<SwitchTimer>([this] { return nowNs(); });
}

NodeSync::~NodeSync() = default;

void NodeSync::takeClock(const QJsonObject &doc) {
    m_impl->clockDoc = doc;
    follow();
}

void NodeSync::attachVideo([[maybe_unused]] QQmlEngine &engine) {
#ifdef OPSWALL_WITH_VIDEO
    m_impl->video = opswall::lookup<video::VideoHub>(&engine);
    applyTiming();
    follow();
#endif
}

void NodeSync::takeStarts(const QHash<QString, qint64> &startsNs) {
    m_impl->startsNs = startsNs;
    applyTiming();
}

void NodeSync::takeTrims(const QHash<QString, qint64> &trimsNs) {
    if (trimsNs != m_impl->trimsNs) {
        QStringList parts;
        for (auto it = trimsNs.cbegin(); it != trimsNs.cend(); ++it)
            parts.append(QStringLiteral("%1 %2 ms").arg(it.key()).arg(double(it.value()) / 1e6));
        parts.sort();
        qInfo("opswall: node: video skew trims from the controller: %s",
              parts.isEmpty() ? "none" : qPrintable(parts.join(QStringLiteral(", "))));
    }
    m_impl->trimsNs = trimsNs;
    applyTiming();
}

void NodeSync::takeAnchors(const QHash<QString, QPair<quint32, qint64>> &anchors) {
    if (anchors != m_impl->anchors)
        qInfo("opswall: node: live HLS anchors from the controller for %lld stream(s)",
              qlonglong(anchors.size()));
    m_impl->anchors = anchors;
    applyTiming();
}

void NodeSync::setTestDelay(qint64 delayNs) {
    m_impl->testDelayNs = delayNs;
    applyTiming();
}

void NodeSync::applyTiming() {
#ifdef OPSWALL_WITH_VIDEO
    if (!m_impl->video)
        return;
    m_impl->video->setTestDelay(m_impl->testDelayNs);
    m_impl->video->setStreamStarts(m_impl->startsNs);
    m_impl->video->setStreamTrims(m_impl->trimsNs);
    QHash<QString, video::LiveAnchor> anchors;
    for (auto it = m_impl->anchors.cbegin(); it != m_impl->anchors.cend(); ++it)
        anchors.insert(it.key(), video::LiveAnchor{it->first, it->second});
    m_impl->video->setLiveAnchors(anchors);
#endif
}

void NodeSync::follow() {
#ifdef OPSWALL_WITH_VIDEO
    if (!m_impl->video || !m_impl->clockDoc)
        return;
    QString why;
    const std::optional<video::SyncSettings> settings =
        video::SyncSettings::fromJson(*m_impl->clockDoc, &why);
    if (!settings) {
        qWarning("opswall: node: the controller's video clock is not valid here (%s); video and "
                 "switches are not synchronised",
                 qPrintable(why));
        return;
    }
    if (m_impl->clock && m_impl->clock->settings() == *settings)
        return;
    std::shared_ptr<video::SharedClock> clock =
        video::SharedClock::follow(m_impl->host, *settings, &why);
    if (!clock) {
        qWarning("opswall: node: %s; video and switches are not synchronised", qPrintable(why));
        return;
    }
    const bool synced = clock->synced();
    qInfo("opswall: node: video on the controller's clock at %s:%u, pipeline latency %d ms%s",
          qPrintable(m_impl->host), unsigned(settings->port), settings->latencyMs,
          synced ? "" : " (not synchronised yet)");
    m_impl->clock = clock;
    m_impl->video->setSharedClock(clock);
    m_impl->syncPoll.reset();
    if (synced)
        return;
    // Its first answer is awaited without holding the GUI thread (which must keep the link, e.g.
    // to move to a standby controller): the streams started meanwhile are made again on the
    // synchronised clock once it has answered; a clock that does not answer within kSyncWaitMs
    // (a lost UDP port) is said once, and the streams are made again when it answers later.
    m_impl->syncPoll = std::make_unique<QTimer>();
    auto waited = std::make_shared<QElapsedTimer>();
    waited->start();
    auto warned = std::make_shared<bool>(false);
    connect(m_impl->syncPoll.get(), &QTimer::timeout, this, [this, clock, waited, warned] {
        if (clock->synced()) {
            m_impl->syncPoll.release()->deleteLater();
            qInfo("opswall: node: the controller's video clock answered after %lld ms; the "
                  "streams are made again on it",
                  waited->elapsed());
            m_impl->video->setSharedClock(clock);
        } else if (!*warned && waited->elapsed() > kSyncWaitMs) {
            *warned = true;
            qWarning("opswall: node: the controller's video clock has not answered in %d ms "
                     "(UDP); video and switches are not synchronised until it does",
                     kSyncWaitMs);
        }
    });
    m_impl->syncPoll->start(20);
#endif
}

qint64 NodeSync::nowNs() const {
#ifdef OPSWALL_WITH_VIDEO
    if (m_impl->clock)
        return m_impl->clock->nowNs();
#endif
    return -1;
}

void NodeSync::schedule(qint64 switchAtNs, std::function<void()> apply) {
    m_impl->switchTimer->schedule(switchAtNs, std::move(apply));
}

QByteArray NodeSync::videoReport() const {
#ifdef OPSWALL_WITH_VIDEO
    if (m_impl->video && m_impl->clock)
        return QJsonDocument(QJsonObject{{QStringLiteral("frames"), m_impl->video->syncSamples()}})
            .toJson(QJsonDocument::Compact);
#endif
    return {};
}

} // namespace opswall::shell
