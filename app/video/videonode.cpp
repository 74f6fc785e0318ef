#include "videonode.h"

#include <QPainter>
#include <QQuickWindow>
#include <QSGRendererInterface>
#include <QSGTexture>

namespace opswall::video {

TextureNode::TextureNode(QSGImageNode *image)
    : m_image(image) {
    appendChildNode(m_image);
}

void TextureNode::setTexture(QSGTexture *texture) {
    std::unique_ptr<QSGTexture> old = std::move(m_texture);
    m_texture.reset(texture);
    m_image->setTexture(texture);
}

PictureNode::PictureNode(QQuickWindow *window)
    : m_window(window) {}

void PictureNode::setPicture(std::shared_ptr<const YuvPicture> picture, quint64 sequence,
                             const QRectF &source, const QRectF &target) {
    if (sequence == m_sequence && source == m_source && target == m_target)
        return;
    m_picture = std::move(picture);
    m_sequence = sequence;
    m_source = source;
    m_target = target;
    markDirty(QSGNode::DirtyMaterial); // the software renderer repaints the node's rectangle
}

void PictureNode::render(const RenderState *state) {
    if (!m_picture || m_target.isEmpty() || !renderIntoWindow(state))
        renderThroughImage(state);
}

bool PictureNode::renderIntoWindow(const RenderState *state) {
    auto *painter = static_cast<QPainter *>(m_window->rendererInterface()->getResource(
        m_window, QSGRendererInterface::PainterResource));
    QPaintDevice *device = painter ? painter->device() : nullptr;
    if (!device || device->devType() != QInternal::Image)
        return false;
    auto *window = static_cast<QImage *>(device);
    const QImage::Format format = window->format();
    if (format != QImage::Format_RGB32 && format != QImage::Format_ARGB32 &&
        format != QImage::Format_ARGB32_Premultiplied)
        return false; // libyuv writes B, G, R, 255: these formats only
    // 1:1 only: a translation by whole pixels, fully opaque, the source rectangle as big as the
    // target in pixels; the window's image not shared with anyone (bits() would copy it).
    const QTransform transform = matrix() ? matrix()->toTransform() : QTransform();
    const QRectF mapped = transform.mapRect(m_target);
    const QRect pixels = mapped.toRect();
    const QRect source = m_source.toRect();
    if (transform.type() > QTransform::TxTranslate || inheritedOpacity() < 1.0 ||
        QRectF(pixels) != mapped || QRectF(source) != m_source || pixels.size() != source.size() ||
        !window->isDetached())
        return false;
    // The renderer repaints only its dirty region (less what opaque nodes above cover): pixels
    // outside it belong to items that are not drawn again in this frame.
    QRegion region(pixels);
    if (const QRegion *clip = state->clipRegion())
        region &= *clip;
    region &= window->rect();
    uchar *bits = window->bits();
    const qsizetype stride = window->bytesPerLine();
    const QPoint toSource = source.topLeft() - pixels.topLeft();
    for (const QRect &r : region) {
        if (!m_picture->convertTo(r.translated(toSource), bits + r.y() * stride + r.x() * 4,
                                  int(stride)))
            return false;
    }
    return true;
}

void PictureNode::renderThroughImage(const RenderState *state) {
    if (!m_picture)
        return;
    if (m_imageSequence != m_sequence || m_image.size() != m_picture->size()) {
        if (m_image.size() != m_picture->size())
            m_image = QImage(m_picture->size(), QImage::Format_RGB32);
        if (!m_picture->convertTo(m_image))
            return;
        m_imageSequence = m_sequence;
    }
    auto *painter = static_cast<QPainter *>(m_window->rendererInterface()->getResource(
        m_window, QSGRendererInterface::PainterResource));
    if (!painter)
        return;
    // As the software renderer draws an image node (QSGSoftwareImageNode::paint, linear filter).
    if (const QRegion *clip = state->clipRegion(); clip && !clip->isEmpty())
        painter->setClipRegion(*clip, Qt::ReplaceClip); // device coordinates: before the transform
    if (matrix())
        painter->setTransform(matrix()->toTransform());
    painter->setOpacity(inheritedOpacity());
    painter->setRenderHint(QPainter::SmoothPixmapTransform, true);
    painter->drawImage(m_target, m_image, m_source);
}

PlanesNode::PlanesNode()
    : m_geometry(QSGGeometry::defaultAttributes_TexturedPoint2D(), 4) {
    setGeometry(&m_geometry);
    setMaterial(&m_material[0]);
    setOpaqueMaterial(&m_opaque[0]);
}

bool PlanesNode::setPicture(QQuickWindow *window, std::shared_ptr<const YuvPicture> picture,
                            quint64 sequence, const QRectF &source, const QRectF &target,
                            bool smooth) {
    if (!picture)
        return false;
    if (sequence != m_sequence || !m_frame.planes[0]) {
        YuvTextures frame = makeYuvTextures(window, std::move(picture));
        if (!frame.planes[0])
            return false;
        m_frame = std::move(frame); // the previous frame's textures go
        m_sequence = sequence;
        for (int i = 0; i < 2; ++i) {
            m_material[i].setFrame(m_frame);
            m_opaque[i].setFrame(m_frame);
        }
        markDirty(QSGNode::DirtyMaterial);
    }
    if (smooth != m_smooth) {
        m_smooth = smooth;
        setMaterial(&m_material[smooth ? 1 : 0]); // marks the material dirty
        setOpaqueMaterial(&m_opaque[smooth ? 1 : 0]);
    }
    if (source != m_source || target != m_target) {
        m_source = source;
        m_target = target;
        // Texture coordinates in picture pixels: the shader finds each pixel's samples.
        QSGGeometry::updateTexturedRectGeometry(&m_geometry, target, source);
        markDirty(QSGNode::DirtyGeometry);
    }
    return true;
}

} // namespace opswall::video
