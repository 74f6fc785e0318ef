#include "videoitem.h"

#include "core/diagnostics.h"
#include "core/engineservices.h"
#include "glrenderer.h"
#include "gstsupport.h"
#include "videohub.h"
#include "videonode.h"
#include "yuvmaterial.h"

#include <QMetaProperty>
#include <QQmlComponent>
#include <QQmlEngine>
#include <QQuickWindow>
#include <QSGImageNode>
#include <QSGRendererInterface>
#include <QSGTexture>

#include <memory>
#include <utility>

#include <glib.h>

namespace opswall::video {

namespace {
const char *graphicsApiName(QSGRendererInterface::GraphicsApi api) {
    switch (api) {
    case QSGRendererInterface::Software:
        return "the software renderer";
    case QSGRendererInterface::OpenGL:
        return "OpenGL";
    case QSGRendererInterface::Direct3D11:
        return "Direct3D 11";
    case QSGRendererInterface::Vulkan:
        return "Vulkan";
    case QSGRendererInterface::Metal:
        return "Metal";
    case QSGRendererInterface::OpenVG:
        return "OpenVG";
    case QSGRendererInterface::Null:
        return "the null renderer";
    default:
        return "an unknown renderer";
    }
}

// The QML type the qml6 plug-in registers when it loads (gstqt6element.cc, 1.22).
constexpr char kGlItemQml[] = "import org.freedesktop.gstreamer.Qt6GLVideoItem 1.0\n"
                              "GstGLQt6VideoItem {}\n";
constexpr char kGlItemClass[] = "Qt6GLVideoItem";
} // namespace

void VideoItem::renderOnTheNextPass() {
    if (!qEnvironmentVariableIsSet("QT_QPA_UPDATE_IDLE_TIME"))
        qputenv("QT_QPA_UPDATE_IDLE_TIME", "0");
}

VideoItem::VideoItem(QQuickItem *parent)
    : QQuickItem(parent) {
    setFlag(ItemHasContents, true);
}

VideoItem::~VideoItem() {
    unsubscribe();
}

void VideoItem::setBinding(const QVariant &binding) {
    if (binding == m_binding)
        return;
    m_binding = binding;
    Q_EMIT bindingChanged();
    resubscribe();
}

void VideoItem::setHub(VideoHub *hub) {
    if (hub == m_hub)
        return;
    unsubscribe();
    m_hub = hub;
    Q_EMIT hubChanged();
    resubscribe();
}

void VideoItem::setDisplayPath(DisplayPath path) {
    if (path == m_displayPath || path == DisplayPath::Invalid)
        return;
    m_displayPath = path;
    Q_EMIT displayPathChanged();
    resubscribe();
}

void VideoItem::setFillMode(FillMode mode) {
    if (mode == m_fillMode || mode == FillMode::Invalid)
        return;
    m_fillMode = mode;
    placeGlChild();
    Q_EMIT fillModeChanged();
    reportSize();
    update();
}

void VideoItem::classBegin() {
    QQuickItem::classBegin();
    m_complete = false;
}

void VideoItem::componentComplete() {
    QQuickItem::componentComplete();
    m_complete = true;
    if (!m_hub) {
        if (QQmlEngine *engine = qmlEngine(this))
            m_hub = opswall::lookup<VideoHub>(engine);
    }
    resubscribe();
}

void VideoItem::resubscribe() {
    if (!m_complete)
        return;
    unsubscribe();
    if (!m_hub || !m_binding.isValid())
        return;
    if (m_displayPath == DisplayPath::OpenGl)
        prepareGlPath();
    else
        subscribe(nullptr);
}

void VideoItem::subscribe(QObject *glItem) {
    // A source saved after the tile was shown: the hub opens this same stream once it exists.
    m_stream = m_hub->acquire(m_binding, glItem);
    // OPSWALL_VIDEO_TEXTURES=1 when a tile subscribes: RGB32 textures converted on the CPU on
    // every scene graph, as before the picture node and the YUV shader (a diagnostic; bench_video's
    // before-and-after in one run).
    m_texturesOnly = diagnostics::isOn(diagnostics::Switch::VideoTextures);
    m_planesRefused = false; // another stream: the shader path is tried again
    const DisplayPath effective = glItem ? DisplayPath::OpenGl : DisplayPath::Texture;
    if (effective != m_effectivePath) {
        m_effectivePath = effective;
        Q_EMIT effectiveDisplayPathChanged();
    }
    connect(m_stream, &VideoStream::frameChanged, this, &QQuickItem::update);
    connect(m_stream, &VideoStream::stateChanged, this, &QQuickItem::update);
    connect(m_stream, &VideoStream::stateChanged, this, &VideoItem::updateGlChild);
    connect(m_stream, &VideoStream::statsChanged, this, &VideoItem::placeGlChild);
    updateGlChild();
    reportSize();
    Q_EMIT streamChanged();
    update();
}

void VideoItem::prepareGlPath() {
    QString why;
    if (!loadGlDisplayPath(&why)) {
        fallBackToTexture(why);
        return;
    }
    QQuickWindow *win = window();
    if (!win)
        return; // itemChange(ItemSceneChange) comes back here
    if (!win->isSceneGraphInitialized()) {
        // Emitted on the render thread: queued to this thread, then decided here.
        m_waitForSceneGraph = connect(win, &QQuickWindow::sceneGraphInitialized, this,
                                      &VideoItem::resubscribe, Qt::QueuedConnection);
        return;
    }
    const QSGRendererInterface::GraphicsApi api = win->rendererInterface()->graphicsApi();
    if (api != QSGRendererInterface::OpenGL) {
        fallBackToTexture(QStringLiteral("the scene graph runs on %1, not OpenGL")
                              .arg(QLatin1String(graphicsApiName(api))));
        return;
    }
    if (const QString software = softwareGlReason(); !software.isEmpty()) {
        // Said once per process, not once per tile.
        static bool said = false;
        if (!std::exchange(said, true))
            qWarning("video: OpenGL tiles are shown through the texture path: %s",
                     qUtf8Printable(software));
        subscribe(nullptr);
        return;
    }
    QQmlEngine *engine = qmlEngine(this);
    if (!engine) {
        fallBackToTexture(QStringLiteral("the item was not created by a QML engine"));
        return;
    }
    QQmlComponent component(engine);
    component.setData(QByteArray(kGlItemQml), QUrl());
    std::unique_ptr<QObject> created(component.create());
    auto *item = qobject_cast<QQuickItem *>(created.get());
    // qml6glsink's "widget" is a raw pointer cast to Qt6GLVideoItem: be sure that is what it is.
    if (!item || qstrcmp(item->metaObject()->className(), kGlItemClass) != 0) {
        fallBackToTexture(QStringLiteral("GstGLQt6VideoItem cannot be created (%1)")
                              .arg(component.errorString().trimmed()));
        return;
    }
    const QMetaObject *meta = item->metaObject();
    const QMetaProperty ready = meta->property(meta->indexOfProperty("itemInitialized"));
    if (!ready.hasNotifySignal()) {
        fallBackToTexture(QStringLiteral("GstGLQt6VideoItem has no itemInitialized signal"));
        return;
    }
    created.release();
    item->setParent(this); // owned: deleted in unsubscribe() or with this item
    item->setParentItem(this);
    m_glItem = item;
    placeGlChild();
    // itemInitialized flips on the render thread (the item wraps Qt's GL context there).
    connect(item, ready.notifySignal(), this,
            metaObject()->method(metaObject()->indexOfSlot("attachGlStream()")),
            Qt::QueuedConnection);
    attachGlStream();
}

void VideoItem::attachGlStream() {
    if (!m_glItem || m_stream || !m_glItem->property("itemInitialized").toBool())
        return;
    subscribe(m_glItem);
}

bool VideoItem::showsSnapshot() const {
    return m_effectivePath == DisplayPath::OpenGl && m_stream && m_stream->stale() &&
           !m_stream->snapshot().image.isNull();
}

void VideoItem::updateGlChild() {
    if (m_glItem)
        m_glItem->setVisible(!showsSnapshot());
    placeGlChild(); // the stream's picture size may be known now (Fill needs it)
}

void VideoItem::placeGlChild() {
    if (!m_glItem)
        return;
    // qml6glsink draws its picture fitted (or stretched) into its item. Fill: the item is made
    // as large as the picture scaled to cover this one, centred, and this item clips it.
    const QSize picture = m_stream ? m_stream->resolution() : QSize();
    QRectF r(QPointF(0, 0), size());
    if (m_fillMode == FillMode::Fill && !picture.isEmpty() && !size().isEmpty()) {
        const QSizeF covered = QSizeF(picture).scaled(size(), Qt::KeepAspectRatioByExpanding);
        r = QRectF(QPointF((width() - covered.width()) / 2, (height() - covered.height()) / 2),
                   covered);
    }
    m_glItem->setPosition(r.topLeft());
    m_glItem->setSize(r.size());
    m_glItem->setProperty("forceAspectRatio", m_fillMode != FillMode::Stretch);
    setClip(m_fillMode == FillMode::Fill);
}

void VideoItem::fallBackToTexture(const QString &why) {
    qWarning("video: the OpenGL display path (qml6glsink) is not available: %s; showing the "
             "video through the texture path",
             qUtf8Printable(why));
    subscribe(nullptr);
}

void VideoItem::unsubscribe() {
    disconnect(m_waitForSceneGraph);
    if (m_stream) {
        disconnect(m_stream, nullptr, this, nullptr);
        m_stream->removeViewer(this);
        // The OpenGL item's branch leaves the shared pipeline before the item is deleted below.
        if (m_hub)
            m_hub->release(m_stream,
                           m_effectivePath == DisplayPath::OpenGl ? m_glItem.data() : nullptr);
        m_stream = nullptr;
        m_textureSequence = 0;
        Q_EMIT streamChanged();
    }
    // After the stream: this item's branch has left the pipeline (or the pipeline is on its way
    // to NULL); a sink holds only the item's proxy, which the item invalidates as it goes.
    delete m_glItem.data();
}

void VideoItem::reportSize() {
    if (!m_stream)
        return;
    const qreal dpr = window() ? window()->effectiveDevicePixelRatio() : 1.0;
    const QSize pixels = (size() * dpr).toSize();
    m_stream->setViewRequest(this, pixels,
                             m_fillMode == FillMode::Fit ? VideoStream::ScaleNeed::Contain
                                                         : VideoStream::ScaleNeed::Cover,
                             drawsPictures() || drawsPlanes() ? VideoStream::Drawing::Picture
                                                              : VideoStream::Drawing::Texture);
}

void VideoItem::geometryChange(const QRectF &newGeometry, const QRectF &oldGeometry) {
    QQuickItem::geometryChange(newGeometry, oldGeometry);
    if (newGeometry.size() != oldGeometry.size()) {
        placeGlChild();
        reportSize();
        update();
    }
}

void VideoItem::itemChange(ItemChange change, const ItemChangeData &value) {
    QQuickItem::itemChange(change, value);
    if (change != ItemSceneChange)
        return;
    reportSize();
    if (m_displayPath == DisplayPath::OpenGl && !m_stream && value.window)
        resubscribe(); // the OpenGL path waits for a window
}

VideoItem::Placement VideoItem::place(QSizeF item, QSize image, FillMode mode) {
    Placement p;
    if (item.isEmpty() || image.isEmpty())
        return p;
    const QSizeF img(image);
    p.source = QRectF(QPointF(0, 0), img);
    p.target = QRectF(QPointF(0, 0), item);
    if (mode == FillMode::Stretch)
        return p;
    const QSizeF scaled = img.scaled(item, mode == FillMode::Fill ? Qt::KeepAspectRatioByExpanding
                                                                  : Qt::KeepAspectRatio);
    if (mode == FillMode::Fit) {
        p.target = QRectF(
            QPointF((item.width() - scaled.width()) / 2, (item.height() - scaled.height()) / 2),
            scaled);
    } else {
        // Fill: crop the image's centre to the item's aspect ratio.
        const double k = img.width() / scaled.width();
        const QSizeF visible(item.width() * k, item.height() * k);
        p.source = QRectF(
            QPointF((img.width() - visible.width()) / 2, (img.height() - visible.height()) / 2),
            visible);
    }
    return p;
}

void VideoItem::setPaintedRect(const QRectF &rect) {
    if (rect == m_paintedRect)
        return;
    m_paintedRect = rect;
    QMetaObject::invokeMethod(this, &VideoItem::paintedRectChanged, Qt::QueuedConnection);
}

bool VideoItem::drawsPictures() const {
    // The software scene graph: the picture node writes into the window's pixels (videonode.h).
    return !m_texturesOnly && window() &&
           window()->rendererInterface()->graphicsApi() == QSGRendererInterface::Software;
}

bool VideoItem::wantsPlanes() const {
    return !m_texturesOnly && !m_planesRefused && window() &&
           QSGRendererInterface::isApiRhiBased(window()->rendererInterface()->graphicsApi());
}

bool VideoItem::drawsPlanes() const {
    return wantsPlanes() && yuvShaderBuilt(nullptr);
}

void VideoItem::refusePlanes(const QString &why) {
    m_planesRefused = true;
    qWarning("video: the YUV shader path cannot show %s: %s; converting its frames to RGB on the "
             "CPU",
             qUtf8Printable(m_stream ? m_stream->label() : QStringLiteral("a tile")),
             qUtf8Printable(why));
    // The stream converts on its streaming thread from its next frame on (this one: picture()).
    QMetaObject::invokeMethod(this, &VideoItem::reportSize, Qt::QueuedConnection);
}

QSGNode *VideoItem::updatePaintNode(QSGNode *old, UpdatePaintNodeData *) {
    if (m_effectivePath == DisplayPath::OpenGl && !showsSnapshot()) {
        // The GstGLQt6VideoItem child draws, placed by placeGlChild() for the fill mode.
        delete old;
        m_textureSequence = 0;
        if (m_stream && m_stream->hasFrame())
            setPaintedRect(place(size(), m_stream->resolution(), m_fillMode).target);
        return nullptr;
    }
    // Texture path: the newest frame; OpenGL path while not playing: the snapshot, drawn alike.
    const bool snapshot = m_effectivePath == DisplayPath::OpenGl;
    const Frame *frame = !m_stream || !m_stream->hasFrame() ? nullptr
                         : snapshot                         ? &m_stream->snapshot()
                                                            : &m_stream->frame();
    if (!frame || !window() || frame->size().isEmpty()) {
        delete old;
        m_textureSequence = 0;
        return nullptr;
    }
    const Placement p = place(size(), frame->size(), m_fillMode); // the snapshot: as live
    setPaintedRect(p.target);
    const bool picture = !snapshot && frame->yuv && drawsPictures();
    bool planes = false;
    if (!snapshot && frame->yuv && wantsPlanes()) {
        QString why;
        planes = yuvShaderBuilt(&why) && yuvPlanesUsable(*frame->yuv, &why);
        if (!planes)
            refusePlanes(why);
    }
    const QSGNode::NodeType wanted = picture  ? QSGNode::RenderNodeType
                                     : planes ? QSGNode::GeometryNodeType
                                              : QSGNode::BasicNodeType;
    if (old && old->type() != wanted) {
        delete old;
        old = nullptr;
        m_textureSequence = 0;
    }
    if (picture) {
        auto *node = old ? static_cast<PictureNode *>(old) : new PictureNode(window());
        node->setPicture(frame->yuv, frame->sequence, p.source, p.target);
        if (frame->sequence != m_textureSequence) {
            m_textureSequence = frame->sequence;
            m_textureUploadUs = g_get_monotonic_time();
        }
        return node;
    }
    if (planes) {
        // 1:1 (the picture's pixels are the window's): each pixel its own samples, as libyuv
        // converts; scaled, rotated: bilinear, as the texture path's linear filter.
        const QSizeF shown =
            mapRectToScene(p.target).size() * window()->effectiveDevicePixelRatio();
        const bool smooth = qAbs(shown.width() - p.source.width()) > 0.01 ||
                            qAbs(shown.height() - p.source.height()) > 0.01;
        auto *node = old ? static_cast<PlanesNode *>(old) : new PlanesNode();
        if (node->setPicture(window(), frame->yuv, frame->sequence, p.source, p.target, smooth)) {
            if (frame->sequence != m_textureSequence) {
                m_textureSequence = frame->sequence;
                m_textureUploadUs = g_get_monotonic_time();
            }
            return node;
        }
        delete node; // checked above: not reached unless the textures could not be made
        old = nullptr;
        m_textureSequence = 0;
    }
    auto *node = static_cast<TextureNode *>(old);
    if (!node) {
        QSGImageNode *image = window()->createImageNode();
        image->setFiltering(QSGTexture::Linear);
        node = new TextureNode(image);
        m_textureSequence = 0;
    }
    if (frame->sequence != m_textureSequence || !node->image()->texture()) {
        const QImage image = snapshot ? frame->image : m_stream->picture();
        if (image.isNull()) {
            delete node;
            m_textureSequence = 0;
            return nullptr;
        }
        node->setTexture(window()->createTextureFromImage(image));
        m_textureSequence = frame->sequence;
        m_textureUploadUs = g_get_monotonic_time();
    }
    node->image()->setRect(p.target);
    node->image()->setSourceRect(p.source);
    return node;
}

} // namespace opswall::video
