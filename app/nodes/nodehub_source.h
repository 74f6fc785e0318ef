#pragma once
// NodeHub's replicated object (nodewall.rep), shared by nodehub.cpp (the published properties)
// and nodehub_link.cpp (the link, hello and liveness). Private to app/nodes.

#include "nodes/nodehub.h"
#include "rep_nodewall_merged.h"

namespace opswall::nodes {

// The replicated object; its slots are what nodes call.
class NodeWallSourceImpl : public NodeWallSimpleSource {
public:
    explicit NodeWallSourceImpl(NodeHub *hub)
        : m_hub(hub) {}
    void report(const QString &nodeId, const QByteArray &linkKey, quint64 shownRevision,
                double fps) override {
        m_hub->onReport(nodeId, linkKey, shownRevision, fps);
    }
    void snapshotTaken(int requestId, const QByteArray &linkKey, const QByteArray &jpeg,
                       const QString &why) override {
        m_hub->onSnapshotTaken(requestId, linkKey, jpeg, why);
    }
    // The properties are read-only for replicas; the hub sets them.
    void publishWall(const QByteArray &doc) { setWall(doc); }
    void publishLayout(const QByteArray &doc) { setLayout(doc); }
    void publishAhead(const QByteArray &doc) { setAhead(doc); }
    void publishSources(const QByteArray &doc) { setSources(doc); }
    void publishIndicators(const QByteArray &doc) { setIndicators(doc); }
    void publishAlerts(const QByteArray &doc) { setAlerts(doc); }
    void publishFeeds(const QByteArray &doc) { setFeeds(doc); }
    void publishClock(const QByteArray &doc) { setClock(doc); }
    void publishStarts(const QByteArray &doc) { setStarts(doc); }
    void publishTrims(const QByteArray &doc) { setTrims(doc); }
    void publishAnchors(const QByteArray &doc) { setAnchors(doc); }
    void reportVideo(const QString &nodeId, const QByteArray &linkKey,
                     const QByteArray &frames) override {
        m_hub->onVideoReport(nodeId, linkKey, frames);
    }
    void reportSwitch(const QString &nodeId, const QByteArray &linkKey, quint64 revision,
                      qint64 shownNs) override {
        m_hub->onSwitchReport(nodeId, linkKey, revision, shownNs);
    }
    void nodeBeat(const QString &nodeId, const QByteArray &linkKey) override {
        m_hub->onNodeBeat(nodeId, linkKey);
    }
    void nodeBusy(const QString &nodeId, const QByteArray &linkKey, int ms) override {
        m_hub->onNodeBusy(nodeId, linkKey, ms);
    }
    QByteArray seriesOf(const QStringList &indicators) override {
        return m_hub->seriesOf(indicators);
    }

private:
    NodeHub *m_hub;
};

} // namespace opswall::nodes
