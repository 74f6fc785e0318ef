// NodeHub: the answers to a request for a picture of a node's output (requestSnapshot; GET
// /api/v1/outputs/{i}/snapshot on the controller), taken only with the asked node's link key.
#include "nodes/nodehub.h"

#include <QTimer>

namespace opswall::nodes {

void NodeHub::onSnapshotTaken(int requestId, const QByteArray &linkKey, const QByteArray &jpeg,
                              const QString &why) {
    const auto it = m_pending.find(requestId);
    if (it == m_pending.end())
        return;
    if (linkKey != m_nodes.value(it->nodeId).linkKey) {
        qWarning("opswall: node link: a picture for request %d came without the key of node "
                 "'%s''s link; ignored",
                 requestId, qPrintable(it->nodeId));
        return;
    }
    finishSnapshot(requestId, jpeg, why);
}

void NodeHub::finishSnapshot(int requestId, const QByteArray &jpeg, const QString &why) {
    const auto it = m_pending.find(requestId);
    if (it == m_pending.end())
        return;
    Pending p = *it;
    m_pending.erase(it);
    delete p.timer;
    p.done(!jpeg.isEmpty(), jpeg, jpeg.isEmpty() ? why : QString());
}

} // namespace opswall::nodes
