#include "updatehold.h"

#include <QEvent>
#include <QQuickWindow>

namespace opswall::qml {

UpdateHold::UpdateHold(QObject *parent)
    : QObject(parent) {
    m_limit.setSingleShot(true);
    m_limit.setTimerType(Qt::PreciseTimer);
    m_limit.setInterval(kMaxHoldMs);
    connect(&m_limit, &QTimer::timeout, this, &UpdateHold::release);
}

UpdateHold::~UpdateHold() {
    release();
}

void UpdateHold::hold(const QList<QQuickWindow *> &windows) {
    for (QQuickWindow *w : windows) {
        if (!w || m_windows.contains(w))
            continue;
        w->installEventFilter(this);
        m_windows.append(w);
    }
    if (!m_windows.isEmpty() && !m_limit.isActive())
        m_limit.start();
}

void UpdateHold::release() {
    m_limit.stop();
    const QList<QPointer<QQuickWindow>> windows = std::exchange(m_windows, {});
    const QSet<QObject *> held = std::exchange(m_held, {});
    for (const QPointer<QQuickWindow> &w : windows) {
        if (!w)
            continue;
        w->removeEventFilter(this);
        // Its request was taken (QWindow clears its pending flag before delivering one): ask
        // again. The switch's own changes asked already where they touched the window.
        if (held.contains(w.data()))
            w->requestUpdate();
    }
}

bool UpdateHold::eventFilter(QObject *watched, QEvent *event) {
    if (event->type() == QEvent::UpdateRequest && !m_windows.isEmpty()) {
        m_held.insert(watched);
        ++m_taken;
        return true;
    }
    return QObject::eventFilter(watched, event);
}

} // namespace opswall::qml
