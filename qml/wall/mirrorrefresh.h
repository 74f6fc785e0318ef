#pragma once
// Keeps a mirrored part (a ShaderEffectSource of TileLayer.qml) showing its tile's current
// picture on the software scene graph, with Qt's basic or threaded render loop.
//
// Qt's software adaptation (6.4, QSGSoftwareInternalImageNode) draws a ShaderEffectSource
// through a flipped copy of its layer's picture. The layer is grabbed in the node's preprocess,
// in the render phase of a frame; the copy is made only in the node's update(), which the
// ShaderEffectSource calls from updatePaintNode, in the sync phase, before that; and every
// preprocess, grabbing or not, overwrites the node's "copy out of date" flag with whether it
// grabbed. So a frame in which the layer is grabbed draws the copy of the grab before, and the
// new grab is drawn only if the very next sync updates the ShaderEffectSource: when its tile
// changes in two frames in a row, the second change updates the ShaderEffectSource in its sync
// (before the grab of that frame), nothing updates it again, the next frame's preprocess clears
// the flag, and the part keeps the first change's picture for good (an alert list's part showed
// alerts cleared long before). ShaderEffectSource.scheduleUpdate() does not help: it grabs only a
// layer marked dirty, and does not remake the copy.
//
// So after each frame in which the layer was grabbed (known by the layer having been marked dirty,
// its texture provider's textureChanged, while the part was shown), the ShaderEffectSource is
// updated in the next sync, and that sync's frame is drawn:
// - basic loop (the GUI thread draws): the item is updated right after the frame, on the GUI
//   thread; the next frame's sync remakes the copy (that loop draws after every sync);
// - threaded loop (a render thread per window): the GUI thread may already be waiting for the
//   next sync, so a refresh posted to it would come after that sync, one frame too late (a part
//   kept a stale picture). The render thread updates the item itself in the next sync, at
//   QQuickWindow::beforeSynchronizing (the GUI thread blocked; Qt allows an item's update() from
//   the render thread during the sync), so that sync's updatePaintNode remakes the copy. That
//   loop skips drawing a sync that changed no node (remaking the copy marks none dirty), so the
//   GUI thread is also asked to draw one more frame (QQuickWindow::update(), a forced render
//   pass) unless the frame after the remake was drawn already; if it takes the refresh before
//   the render thread's next sync, it updates the item itself.
// Other scene graphs (OpenGL, through RHI) sample the layer's texture itself: nothing is done
// there. Limits: a frame drawn without a sync between the grab and the next sync (a repaint the
// render thread asks for itself; OpsWall asks for none) clears the flag first.
// tst_rendering mirroredPartFollowsItsTile, mirroredAlertListFollowsTheFeed (both loops).

#include <QMetaObject>
#include <QObject>
#include <QPointer>
#include <QQuickItem>
#include <QtQml/qqmlregistration.h>

#include <memory>

class QQuickWindow;

namespace opswall::qml {

class MirrorRefresh : public QObject {
    Q_OBJECT
    QML_ELEMENT
    // The ShaderEffectSource to keep up to date.
    Q_PROPERTY(QQuickItem *mirror READ mirror WRITE setMirror NOTIFY mirrorChanged)
public:
    explicit MirrorRefresh(QObject *parent = nullptr);
    ~MirrorRefresh() override;

    QQuickItem *mirror() const { return m_mirror; }
    void setMirror(QQuickItem *mirror);

    // What the render thread and the GUI thread share; held by the window's connections too, so
    // that a render thread in one of them outlives this object's deletion on the GUI thread.
    struct Shared;

Q_SIGNALS:
    void mirrorChanged();

private:
    void attach(QQuickWindow *window);
    void detach();

    QPointer<QQuickItem> m_mirror;
    QMetaObject::Connection m_windowChanged;
    std::shared_ptr<Shared> m_shared; // of the window attached to, or null
};

} // namespace opswall::qml
