#include "afterframe.h"

#include <QQuickWindow>

#include <algorithm>

namespace opswall::qml {

AfterFrame::AfterFrame(QObject *parent)
    : QObject(parent) {
    m_bound.setSingleShot(true);
    connect(&m_bound, &QTimer::timeout, this, &AfterFrame::finish);
}

AfterFrame::~AfterFrame() {
    cancel();
}

void AfterFrame::arm(const QList<QQuickWindow *> &windows, int boundMs) {
    cancel();
    for (QQuickWindow *w : windows) {
        if (!w || !w->isExposed() ||
            std::any_of(m_pending.cbegin(), m_pending.cend(),
                        [w](const Watch &p) { return p.window == w; }))
            continue;
        Watch watch{w, std::make_shared<std::atomic<bool>>(false), {}};
        // Direct: on the render thread, while this thread waits for the sync.
        watch.connections.append(connect(
            w, &QQuickWindow::beforeSynchronizing, w, [synced = watch.synced] { *synced = true; },
            Qt::DirectConnection));
        watch.connections.append(connect(
            w, &QQuickWindow::frameSwapped, this, [this, w] { swapped(w); }, Qt::QueuedConnection));
        m_pending.append(watch);
    }
    m_bound.start(m_pending.isEmpty() ? 0 : boundMs); // nothing to wait for: on the next turn
}

void AfterFrame::cancel() {
    m_bound.stop();
    for (const Watch &watch : std::as_const(m_pending))
        for (const QMetaObject::Connection &c : watch.connections)
            disconnect(c);
    m_pending.clear();
}

void AfterFrame::swapped(QQuickWindow *window) {
    const auto it = std::find_if(m_pending.begin(), m_pending.end(),
                                 [window](const Watch &p) { return p.window == window; });
    if (it == m_pending.end() || !*it->synced)
        return;
    for (const QMetaObject::Connection &c : it->connections)
        disconnect(c);
    m_pending.erase(it);
    if (m_pending.isEmpty())
        finish();
}

void AfterFrame::finish() {
    cancel();
    Q_EMIT drawn();
}

} // namespace opswall::qml
