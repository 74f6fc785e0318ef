#include "tilereadiness.h"

#include <algorithm>

namespace opswall::qml {

void TileReadiness::report(QObject *frame, const QString &tileId, bool ready) {
    if (!frame)
        return;
    if (ready) {
        forget(frame);
        return;
    }
    auto it = m_notReady.find(frame);
    if (it != m_notReady.end()) {
        it->tileId = tileId;
        return;
    }
    Entry entry{tileId,
                connect(frame, &QObject::destroyed, this, [this, frame] { forget(frame); })};
    m_notReady.insert(frame, std::move(entry));
    Q_EMIT notReadyChanged();
}

void TileReadiness::forget(QObject *frame) {
    const auto it = m_notReady.constFind(frame);
    if (it == m_notReady.constEnd())
        return;
    disconnect(it->destroyed);
    m_notReady.erase(it);
    Q_EMIT notReadyChanged();
}

QStringList TileReadiness::notReadyIds() const {
    QStringList ids;
    ids.reserve(m_notReady.size());
    for (const Entry &e : m_notReady)
        ids.append(e.tileId);
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    return ids;
}

} // namespace opswall::qml
