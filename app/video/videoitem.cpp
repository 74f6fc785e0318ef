#include "videoitem.h"

#include "core/engineservices.h"
#include "videohub.h"

#include <QQmlEngine>
#include <QQuickWindow>
#include <QSGImageNode>
#include <QSGTexture>

#include <memory>

namespace opswall::video {

namespace {
// Holds the image node and owns its texture: a new texture per frame, the old one deleted here
// on the render thread (QSGImageNode::setOwnsTexture does not cover replacement).
class VideoNode : public QSGNode {
public:
    explicit VideoNode(QSGImageNode *image)
        : m_image(image) {
        appendChildNode(m_image);
    }
    void setTexture(QSGTexture *texture) {
        std::unique_ptr<QSGTexture> old = std::move(m_texture);
        m_texture.reset(texture);
        m_image->setTexture(texture);
    }
    QSGImageNode *image() const { return m_image; }

private:
    QSGImageNode *m_image; // child node, deleted by QSGNode
    std::unique_ptr<QSGTexture> m_texture;
};
} // namespace

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

void VideoItem::setFillMode(FillMode mode) {
    if (mode == m_fillMode || mode == FillMode::Invalid)
        return;
    m_fillMode = mode;
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
    m_stream = m_hub->acquire(m_binding);
    connect(m_stream, &VideoStream::frameChanged, this, &QQuickItem::update);
    connect(m_stream, &VideoStream::stateChanged, this, &QQuickItem::update);
    reportSize();
    Q_EMIT streamChanged();
    update();
}

void VideoItem::unsubscribe() {
    if (!m_stream)
        return;
    disconnect(m_stream, nullptr, this, nullptr);
    m_stream->removeViewer(this);
    if (m_hub)
        m_hub->release(m_stream);
    m_stream = nullptr;
    m_textureSequence = 0;
    Q_EMIT streamChanged();
}

void VideoItem::reportSize() {
    if (!m_stream)
        return;
    const qreal dpr = window() ? window()->effectiveDevicePixelRatio() : 1.0;
    const QSize pixels = (size() * dpr).toSize();
    m_stream->setViewRequest(this, pixels,
                             m_fillMode == FillMode::Fit ? VideoStream::ScaleNeed::Contain
                                                         : VideoStream::ScaleNeed::Cover);
}

void VideoItem::geometryChange(const QRectF &newGeometry, const QRectF &oldGeometry) {
    QQuickItem::geometryChange(newGeometry, oldGeometry);
    if (newGeometry.size() != oldGeometry.size()) {
        reportSize();
        update();
    }
}

void VideoItem::itemChange(ItemChange change, const ItemChangeData &value) {
    QQuickItem::itemChange(change, value);
    if (change == ItemSceneChange)
        reportSize();
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

QSGNode *VideoItem::updatePaintNode(QSGNode *old, UpdatePaintNodeData *) {
    auto *node = static_cast<VideoNode *>(old);
    if (!m_stream || !m_stream->hasFrame() || m_stream->frame().image.isNull() || !window()) {
        delete node;
        m_textureSequence = 0;
        return nullptr;
    }
    const Frame &frame = m_stream->frame();
    if (!node) {
        QSGImageNode *image = window()->createImageNode();
        image->setFiltering(QSGTexture::Linear);
        node = new VideoNode(image);
        m_textureSequence = 0;
    }
    if (frame.sequence != m_textureSequence || !node->image()->texture()) {
        node->setTexture(window()->createTextureFromImage(frame.image));
        m_textureSequence = frame.sequence;
    }
    const Placement p = place(size(), frame.image.size(), m_fillMode);
    node->image()->setRect(p.target);
    node->image()->setSourceRect(p.source);
    if (p.target != m_paintedRect) {
        m_paintedRect = p.target;
        QMetaObject::invokeMethod(this, &VideoItem::paintedRectChanged, Qt::QueuedConnection);
    }
    return node;
}

} // namespace opswall::video
