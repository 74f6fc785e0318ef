#pragma once
// Keeps a mirrored part (a ShaderEffectSource of TileLayer.qml) showing its tile's current
// picture on the software scene graph.
//
// Qt's software adaptation (6.4, QSGSoftwareInternalImageNode) draws a ShaderEffectSource
// through a flipped copy of its layer's picture. The layer is grabbed in the node's preprocess,
// in the render phase of a frame; the copy is made only in the node's update(), which the
// ShaderEffectSource calls from updatePaintNode, in the sync phase, before that; and every
// preprocess, grabbing or not, overwrites the node's "copy out of date" flag with whether it
// grabbed. So a mirror shows the picture of the grab before, and it is right one frame later only
// if the ShaderEffectSource happens to be updated in the very next frame: when its tile changes in
// two frames in a row, the second change updates the ShaderEffectSource in its sync (before the
// grab of that frame), nothing updates it again, the next frame's preprocess clears the flag, and
// the part keeps the first change's picture for good (an alert list's part showed alerts cleared
// long before). ShaderEffectSource.scheduleUpdate() does not help: it grabs only a layer marked
// dirty, and does not remake the copy.
//
// This object updates its ShaderEffectSource right after each frame in which the layer was grabbed,
// so that the next frame's sync remakes the copy from that grab before anything else runs the
// preprocess. A grab is known by the layer having been marked dirty (its texture provider's
// textureChanged: the layer's updateRequested) while the part was shown. Other scene graphs
// (OpenGL, through RHI) sample the layer's texture itself: nothing is done there. Written for the
// software adaptation's own render loop, on the GUI thread (OpsWall sets no QSG_RENDER_LOOP); with
// a render thread the update is posted to the GUI thread, which may come a frame late.
// tst_rendering mirroredPartFollowsItsTile, mirroredAlertListFollowsTheFeed.

#include <QMetaObject>
#include <QObject>
#include <QPointer>
#include <QQuickItem>
#include <QtQml/qqmlregistration.h>

#include <atomic>

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

Q_SIGNALS:
    void mirrorChanged();

private:
    void attach(QQuickWindow *window);
    void detach();
    // On the render thread, the GUI thread waiting (QQuickWindow::afterSynchronizing).
    void afterSync();
    // On the render thread (QQuickWindow::afterRendering).
    void afterRender();
    void refresh();

    QPointer<QQuickItem> m_mirror;
    QPointer<QQuickWindow> m_window;
    QMetaObject::Connection m_windowChanged;
    QMetaObject::Connection m_synced;
    QMetaObject::Connection m_rendered;
    QMetaObject::Connection m_textureChanged;
    bool m_hooked = false; // on the render thread: the texture provider's signal is followed
    std::atomic<bool> m_shown{false}; // the part was in the frame just synchronised
    std::atomic<bool> m_dirty{false}; // the layer was marked dirty since the last refresh
};

} // namespace opswall::qml
