#include "mirrorrefresh.h"

#include <QCoreApplication>
#include <QQuickWindow>
#include <QSGRendererInterface>
#include <QSGTextureProvider>
#include <QThread>

#include <atomic>

namespace opswall::qml {

struct MirrorRefresh::Shared {
    // Written on the GUI thread; read there, or on the render thread during a sync (the GUI thread
    // blocked).
    QPointer<QQuickItem> mirror;
    QPointer<QQuickWindow> window;
    QThread *guiThread = nullptr;
    QMetaObject::Connection beforeSync, afterSync, afterRender; // the GUI thread's
    // During a sync only (the render thread's, or the GUI thread's with the basic loop).
    QMetaObject::Connection textureChanged;
    bool hooked = false;  // the texture provider's signal is followed (or nothing is to be done)
    bool software = true; // the software adaptation (the only one that copies the layer)
    // Across the threads.
    std::atomic<bool> shown{false};    // the part was in the frame just synchronised
    std::atomic<bool> dirty{false};    // the layer was marked dirty since the last grab seen
    std::atomic<bool> pending{false};  // a grab was drawn with the copy of the one before
    std::atomic<bool> remade{false};   // a sync remade the copy; no frame drawn since
    std::atomic<bool> threaded{false}; // the window draws on a thread other than the GUI thread

    // QQuickWindow::beforeSynchronizing: the render thread (the GUI thread blocked), or the GUI
    // thread with the basic loop. Updated now, the item's updatePaintNode in this very sync
    // remakes the copy from the last grab.
    void syncing() {
        if (!pending.exchange(false))
            return;
        if (QQuickItem *item = mirror) {
            item->update();
            remade = true;
        }
    }

    // QQuickWindow::afterSynchronizing.
    void synced(const std::shared_ptr<Shared> &self) {
        QQuickItem *item = mirror;
        QQuickWindow *win = window;
        if (!item || !win)
            return;
        if (!hooked) {
            hooked = true;
            // Only the software adaptation copies the layer's picture (see the header).
            const QSGRendererInterface *ri = win->rendererInterface();
            software = ri && ri->graphicsApi() == QSGRendererInterface::Software;
            // The ShaderEffectSource's provider forwards its layer's updateRequested (emitted when
            // the layer is marked dirty) as textureChanged; asked for on the render thread.
            if (software)
                if (const QSGTextureProvider *provider = item->textureProvider())
                    textureChanged = QObject::connect(
                        provider, &QSGTextureProvider::textureChanged, provider,
                        [self] { self->dirty = true; }, Qt::DirectConnection);
        }
        shown = software && item->isVisible() && item->width() > 0 && item->height() > 0;
    }

    // QQuickWindow::afterRendering, on the thread that draws the window: a shown part whose layer
    // was dirty was grabbed in this frame's preprocess, and drawn with the copy of the grab before.
    void rendered(const std::shared_ptr<Shared> &self) {
        remade = false; // the copy remade in this frame's sync (if any) is drawn now
        if (!shown || !dirty.exchange(false))
            return;
        pending = true;
        if (QThread::currentThread() == guiThread) {
            refresh(); // the basic loop: the next frame's sync remakes the copy
            return;
        }
        threaded = true;
        QMetaObject::invokeMethod(
            QCoreApplication::instance(), [self] { self->refresh(); }, Qt::QueuedConnection);
    }

    // On the GUI thread.
    void refresh() {
        const bool wasPending = pending.exchange(false);
        QQuickItem *item = mirror;
        QQuickWindow *win = window;
        if (!item || !win)
            return;
        // Dirty now, updated in the next frame's sync, which remakes the copy from the grab.
        if (wasPending)
            item->update();
        // The threaded loop draws a sync only if a node changed (the remade copy changes none):
        // a frame is asked for unless one was drawn after the render thread remade the copy.
        if (threaded && (wasPending || remade))
            win->update();
    }
};

MirrorRefresh::MirrorRefresh(QObject *parent)
    : QObject(parent) {}

MirrorRefresh::~MirrorRefresh() {
    disconnect(m_windowChanged);
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
    if (!window || !m_mirror)
        return;
    auto s = std::make_shared<Shared>();
    s->mirror = m_mirror;
    s->window = window;
    s->guiThread = thread();
    // Direct: on the thread that draws the window (the window as the context: no queueing). The
    // functors hold the shared state, so that a render thread inside one of them while this object
    // is deleted still has it.
    s->beforeSync = connect(
        window, &QQuickWindow::beforeSynchronizing, window, [s] { s->syncing(); },
        Qt::DirectConnection);
    s->afterSync = connect(
        window, &QQuickWindow::afterSynchronizing, window, [s] { s->synced(s); },
        Qt::DirectConnection);
    s->afterRender = connect(
        window, &QQuickWindow::afterRendering, window, [s] { s->rendered(s); },
        Qt::DirectConnection);
    m_shared = std::move(s);
}

void MirrorRefresh::detach() {
    if (!m_shared)
        return;
    // On the GUI thread, so not during a sync: the render thread reads the pointers only then.
    Shared &s = *m_shared;
    disconnect(s.beforeSync);
    disconnect(s.afterSync);
    disconnect(s.afterRender);
    disconnect(s.textureChanged);
    s.mirror = nullptr;
    s.window = nullptr;
    m_shared.reset();
}

} // namespace opswall::qml
