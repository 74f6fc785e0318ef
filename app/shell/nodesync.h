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

class QQmlEngine;

namespace opswall::nodes {
class NodeHub;
}

namespace opswall::shell {

// Controller: serves the shared video clock on the node link's host (a free UDP port) and runs
// its own live video on it; the hub announces it to nodes and schedules recalls on it. The
// latency is SharedClock::kDefaultLatencyMs, or OPSWALL_NODE_VIDEO_LATENCY_MS (0-10000) from the
// environment. False with *error when the clock cannot be served; true without a video layer.
bool serveVideoClock(nodes::NodeHub &hub, QQmlEngine &engine, const QString &host, QString *error);

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
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace opswall::shell
