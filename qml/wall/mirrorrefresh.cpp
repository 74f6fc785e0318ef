#include "mirrorrefresh.h"

#include <QQuickWindow>
#include <QSGRendererInterface>
#include <QSGTextureProvider>
#include <QThread>

namespace opswall::qml {

MirrorRefresh::MirrorRefresh(QObject *parent)
    : QObject(parent) {}

MirrorRefresh::~MirrorRefresh() {
    detach();
}

void MirrorRefresh::setMirror(QQuickItem *mirror) {
    if (mirror == m_mirror)
        return;
    disconnect(m_windowChanged);
    detach();
    m_mirror = mirror;
    if (mirror) {
        m_windowChanged = connect(mirror, &QQuickItem::windowChanged, this, &MirrorRefresh::attach);
        attach(mirror->window());
    }
    Q_EMIT mirrorChanged();
}

void MirrorRefresh::attach(QQuickWindow *window) {
    detach();
    m_window = window;
    if (!window)
        return;
    m_synced = connect(window, &QQuickWindow::afterSynchronizing, this, &MirrorRefresh::afterSync,
                       Qt::DirectConnection);
    m_rendered = connect(window, &QQuickWindow::afterRendering, this, &MirrorRefresh::afterRender,
                         Qt::DirectConnection);
}

void MirrorRefresh::detach() {
    disconnect(m_synced);
    disconnect(m_rendered);
    disconnect(m_textureChanged);
    m_window = nullptr;
    m_hooked = false;
    m_shown = false;
    m_dirty = false;
}

void MirrorRefresh::afterSync() {
    QQuickWindow *window = m_window;
    if (!m_mirror || !window)
        return;
    if (!m_hooked) {
        m_hooked = true;
        // Only the software adaptation copies the layer's picture (see the header).
        const QSGRendererInterface *ri = window->rendererInterface();
        if (!ri || ri->graphicsApi() != QSGRendererInterface::Software) {
            disconnect(m_synced);
            disconnect(m_rendered);
            return;
        }
        // The ShaderEffectSource's provider forwards its layer's updateRequested (emitted when
        // the layer is marked dirty) as textureChanged; asked for on the render thread.
        if (const QSGTextureProvider *provider = m_mirror->textureProvider())
            m_textureChanged = connect(
                provider, &QSGTextureProvider::textureChanged, this, [this] { m_dirty = true; },
                Qt::DirectConnection);
    }
    m_shown = m_mirror->isVisible() && m_mirror->width() > 0 && m_mirror->height() > 0;
}

void MirrorRefresh::afterRender() {
    // A shown part whose layer was dirty was grabbed in this frame's preprocess.
    if (!m_shown || !m_dirty.exchange(false))
        return;
    if (QThread::currentThread() == thread())
        refresh();
    else // a threaded render loop: the GUI thread updates the item
        QMetaObject::invokeMethod(this, &MirrorRefresh::refresh, Qt::QueuedConnection);
}

void MirrorRefresh::refresh() {
    // Dirty now, updated in the next frame's sync, which remakes the copy from this grab.
    if (m_mirror)
        m_mirror->update();
}

} // namespace opswall::qml
