#pragma once
// The shell's side of synchronised video and scheduled switches for render nodes (issue #20;
// app/video/netclock.h, app/nodes/videosync.h). Only controllers and nodes use it.
//
//   controller: serveVideoClock ── GstNetTimeProvider + {"port", "baseTimeNs", "latencyMs"}
//               ──> NodeHub (nodewall.rep clock; recalls get "switchAtNs")
//   node:       NodeClient::clockReceived ──> NodeSync ──> GstNetClientClock ──> VideoHub
//               NodeClient::layoutReceived(switchAtNs) ──> NodeSync::schedule ──> applied then

#include <QJsonObject>
#include <QObject>
#include <QString>

#include <functional>
#include <memory>
#include <optional>

#include <QHash>
#include <QList>
#include <QTimer>

class QQmlEngine;
class QQuickWindow;

namespace opswall::nodes {
class NodeHub;
}
namespace opswall::qml {
class TileListModel;
}

namespace opswall::shell {

// Controller: serves the shared video clock on the node link's host (a free UDP port) and runs
// its own live video on it; the hub announces it to nodes and schedules recalls on it. The
// latency is SharedClock::kDefaultLatencyMs, or OPSWALL_NODE_VIDEO_LATENCY_MS (0-10000) from the
// environment. False with *error when the clock cannot be served; true without a video layer.
bool serveVideoClock(nodes::NodeHub &hub, QQmlEngine &engine, const QString &host, QString *error);

// A clock's time in ns (the shared clock); -1 without one.
using ClockNow = std::function<qint64()>;

// A precise one-shot on a clock: a recall's switch time. The timer has millisecond steps; the
// last part of a millisecond is waited out.
class SwitchTimer : public QObject {
public:
    explicit SwitchTimer(ClockNow now, QObject *parent = nullptr);
    // apply() at atNs on the clock; at once when that is past, not given (<= 0) or there is no
    // clock. A newer call replaces one still waiting.
    void schedule(qint64 atNs, std::function<void()> apply);

private:
    ClockNow m_now;
    QTimer m_timer;
    std::function<void()> m_pending;
    qint64 m_atNs = -1;
};

// Waits until every window has drawn a frame of what the wall shows now (after a recall's tiles,
// built ahead, are switched in: tiles->staging()), then done(lastSwapNs): when (now()) the last
// window swapped, -1 without a clock or without windows. A newer wait drops one still waiting.
class FrameWaiter : public QObject {
public:
    using Windows = std::function<QList<QQuickWindow *>()>;
    void await(qml::TileListModel *tiles, Windows windows, ClockNow now,
               std::function<void(qint64 lastSwapNs)> done);

private:
    void afterStaging(quint64 generation, qml::TileListModel *tiles, const Windows &windows,
                      const ClockNow &now, const std::function<void(qint64)> &done);
    quint64 m_generation = 0;
};

class NodeSync : public QObject {
public:
    explicit NodeSync(QString controllerHost, QObject *parent = nullptr);
    ~NodeSync() override;

    // The controller's clock document (NodeClient::clockReceived): kept until the video layer
    // is attached, then followed (a changed document: a new clock, the open streams rebuilt).
    void takeClock(const QJsonObject &doc);
    // The node's video layer: its live streams run on the controller's clock from now on (the
    // first time after waiting, bounded, for the clock's first answer).
    void attachVideo(QQmlEngine &engine);
    // The controller's streams' starts (source id -> ns) and this node's skew trims (stream ->
    // ns), for the video layer (kept until it is attached; app/nodes/README.md).
    void takeStarts(const QHash<QString, qint64> &startsNs);
    void takeTrims(const QHash<QString, qint64> &trimsNs);
    // Live HLS in step (app/video/livehlssync.h): source id -> {MPEG-TS PTS, shown ns}.
    void takeAnchors(const QHash<QString, QPair<quint32, qint64>> &anchors);
    // Test-only (--test-video-delay-ms): every synchronised stream shown this much later.
    void setTestDelay(qint64 delayNs);
    // The shared clock's time, ns; -1 without one.
    qint64 nowNs() const;
    // apply() at switchAtNs on the shared clock; at once when that is past or there is no clock.
    // A newer call replaces one still waiting.
    void schedule(qint64 switchAtNs, std::function<void()> apply);
    // {"frames": [...]} of the synchronised streams for nodewall.rep reportVideo; empty when
    // there is no video or no clock.
    QByteArray videoReport() const;

private:
    void follow();
    void applyTiming(); // starts, trims and the test delay to the video layer
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace opswall::shell
