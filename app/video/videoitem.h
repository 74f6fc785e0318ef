#pragma once
// The Qt Quick item that shows a stream's newest frame, on both scene-graph backends (software
// and OpenGL): on the software scene graph a PictureNode converts the frame's I420 picture
// straight into the window; on the others (QRhi: OpenGL, Vulkan, …) a PlanesNode uploads its
// planes and a shader converts them (yuvmaterial.h); where that cannot be used (no shader in the
// build, a frame whose rows cannot be uploaded as they are: said once in the log) the frame's
// RGB32 image, converted on the CPU, becomes a texture (createTextureFromImage) on a QSGImageNode
// (videonode.h).
// It subscribes to the VideoHub found in its QML engine (or set explicitly) for its binding, and
// tells the stream how big it draws so scaling happens in GStreamer.
//
// Opt-in OpenGL display path (displayPath: VideoItem.OpenGl, for machines with a GPU): a
// GstGLQt6VideoItem child, created once this window's scene graph runs on OpenGL, and a branch
// (queue ! glupload ! qml6glsink) of the source's one OpenGL pipeline that draws into it: every
// OpenGL tile of a source shares one stream and one decoder, as on the texture path. Start order
// (STACK-NOTES, GStreamer's qmlsink example): the qml6 plug-in is loaded (registering the QML type)
// before the child is created, and the pipeline starts only after the child reports itemInitialized
// (it has wrapped Qt's GL context). Without OpenGL (software backend, offscreen) or without the
// plug-ins the tile falls back to the texture path and says why in the log. While the stream is
// not playing (the sinks clear their items when the pipeline stops) the child is hidden and the
// item draws the stream's snapshot (a small recent frame) the way the texture path draws frames,
// so the tile keeps its dimmed last frame under the stale badge there too. On llvmpipe it costs as
// much as the texture path (~51% vs ~50% per 1080p30) and does not work on the software backend at
// all.

#include "videohub.h"
#include "videostream.h"

#include <QPointer>
#include <QQuickItem>

namespace opswall::video {

class VideoItem : public QQuickItem {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QVariant binding READ binding WRITE setBinding NOTIFY bindingChanged)
    Q_PROPERTY(opswall::video::VideoHub *hub READ hub WRITE setHub NOTIFY hubChanged)
    Q_PROPERTY(opswall::video::VideoStream *stream READ stream NOTIFY streamChanged)
    Q_PROPERTY(FillMode fillMode READ fillMode WRITE setFillMode NOTIFY fillModeChanged)
    Q_PROPERTY(QRectF paintedRect READ paintedRect NOTIFY paintedRectChanged)
    Q_PROPERTY(
        DisplayPath displayPath READ displayPath WRITE setDisplayPath NOTIFY displayPathChanged)
    Q_PROPERTY(DisplayPath effectiveDisplayPath READ effectiveDisplayPath NOTIFY
                   effectiveDisplayPathChanged)

public:
    enum class FillMode { Invalid = 0, Fit, Fill, Stretch };
    Q_ENUM(FillMode)
    // Texture: appsink frames → QSGTexture, any backend, one pipeline shared by every tile of a
    // source. OpenGl: qml6glsink into a child item, one branch of the source's OpenGL pipeline
    // (shared by the source's OpenGL tiles; Fill: the child covers the item and is clipped).
    enum class DisplayPath { Invalid = 0, Texture, OpenGl };
    Q_ENUM(DisplayPath)

    explicit VideoItem(QQuickItem *parent = nullptr);
    ~VideoItem() override;

    QVariant binding() const { return m_binding; }
    void setBinding(const QVariant &binding);
    VideoHub *hub() const { return m_hub; }
    void setHub(VideoHub *hub);
    VideoStream *stream() const { return m_stream; }
    FillMode fillMode() const { return m_fillMode; }
    void setFillMode(FillMode mode);
    QRectF paintedRect() const { return m_paintedRect; }
    DisplayPath displayPath() const { return m_displayPath; }
    void setDisplayPath(DisplayPath path);
    DisplayPath effectiveDisplayPath() const { return m_effectivePath; }

    // Pure geometry: where the picture goes in the item, and which part of it (fill crops).
    struct Placement {
        QRectF target;
        QRectF source;
    };
    static Placement place(QSizeF item, QSize image, FillMode mode);

    // Qt renders a window on its update request, which QPlatformWindow::requestUpdate delivers
    // from a QT_QPA_UPDATE_IDLE_TIME ms timer, 5 ms by default (on platforms that keep Qt's
    // default, offscreen among them): every video frame waited up to 5 ms on the GUI thread
    // before it was drawn (bench_video [3], the upload stage: 6.2 ms median before, 0.2 ms
    // after). This sets it to 0 (render on the event loop's next pass; frames that reach a busy
    // GUI thread together are still drawn in one render) unless the environment sets it. Qt reads
    // it once, at the first update request: call before the first window is shown.
    static void renderOnTheNextPass();

    // The newest frame this item made a texture of, or handed to its picture node, and when
    // (g_get_monotonic_time, µs): the latency benchmark's upload stage. Render thread (read it
    // there, e.g. afterRendering).
    quint64 textureSequence() const { return m_textureSequence; }
    qint64 textureUploadUs() const { return m_textureUploadUs; }

Q_SIGNALS:
    void bindingChanged();
    void hubChanged();
    void streamChanged();
    void fillModeChanged();
    void paintedRectChanged();
    void displayPathChanged();
    void effectiveDisplayPathChanged();

protected:
    void classBegin() override;
    void componentComplete() override;
    void geometryChange(const QRectF &newGeometry, const QRectF &oldGeometry) override;
    void itemChange(ItemChange change, const ItemChangeData &value) override;
    QSGNode *updatePaintNode(QSGNode *old, UpdatePaintNodeData *) override;

private Q_SLOTS:
    void attachGlStream(); // the GL child item has wrapped Qt's context: start its stream

private:
    void resubscribe();
    void subscribe(QObject *glItem);
    void prepareGlPath();
    void fallBackToTexture(const QString &why);
    bool showsSnapshot() const; // OpenGL path, stream not playing: this item draws its snapshot
    void placeGlChild();        // size and position of the OpenGL child for the fill mode
    void updateGlChild();       // GUI thread: the child is hidden while the snapshot shows
    void unsubscribe();
    void reportSize();
    bool drawsPictures() const; // the window's scene graph is the software one
    bool wantsPlanes() const;   // the window's scene graph is on QRhi: the YUV shader path
    bool drawsPlanes() const;   // … and this build has the shader
    void refusePlanes(const QString &why);   // render thread (GUI blocked): the CPU path from now
    void setPaintedRect(const QRectF &rect); // render thread (GUI blocked): signal queued

    QVariant m_binding;
    QPointer<VideoHub> m_hub;
    QPointer<VideoStream> m_stream;
    FillMode m_fillMode = FillMode::Fit;
    QRectF m_paintedRect;
    bool m_texturesOnly = false;  // OPSWALL_VIDEO_TEXTURES=1: RGB32 textures converted on the CPU
    bool m_planesRefused = false; // the shader path could not draw a frame (logged)
    quint64 m_textureSequence = 0;
    qint64 m_textureUploadUs = 0;
    bool m_complete = true; // false between classBegin and componentComplete (QML creation)
    DisplayPath m_displayPath = DisplayPath::Texture;
    DisplayPath m_effectivePath = DisplayPath::Texture;
    QPointer<QQuickItem> m_glItem;               // GstGLQt6VideoItem child (OpenGL path)
    QMetaObject::Connection m_waitForSceneGraph; // OpenGL path: until the scene graph runs
};

} // namespace opswall::video
