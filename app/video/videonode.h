#pragma once
// The scene-graph nodes VideoItem draws a frame with.
//
// TextureNode: the RGB32 image as a texture on a QSGImageNode (every backend). On the software
// backend the texture keeps the image as it is and the renderer copies it into the window.
//
// PictureNode (software backend only): the frame's I420 picture converted by libyuv straight into
// the window's pixels, inside the region the renderer repaints, so the RGB32 picture is written
// once, where it is shown, instead of converted on the streaming thread and then copied into the
// window (bench_video [1]: that copy was 13 % of the process's samples for a 1080p tile). Where
// the picture cannot go 1:1 into the window (a scaled, rotated, translucent or fractionally
// placed tile, a device that is not an image) it is converted once per frame into an image that
// is drawn as the texture path draws it.
//
// PlanesNode (scene graphs on QRhi: OpenGL, Vulkan, …): the frame's I420 planes uploaded as
// textures and converted to RGB by a fragment shader (yuvmaterial.h), so no RGB image is made on
// the CPU; the same pixels as the CPU path's libyuv conversion.

#include "frameconvert.h"
#include "yuvmaterial.h"

#include <QImage>
#include <QRectF>
#include <QSGGeometryNode>
#include <QSGImageNode>
#include <QSGRenderNode>

#include <memory>

class QQuickWindow;

namespace opswall::video {

class TextureNode : public QSGNode {
public:
    explicit TextureNode(QSGImageNode *image);
    // Owns the texture: a new one per frame, the old one deleted here (QSGImageNode's
    // setOwnsTexture does not cover replacement).
    void setTexture(QSGTexture *texture);
    QSGImageNode *image() const { return m_image; }

private:
    QSGImageNode *m_image; // child node, deleted by QSGNode
    std::unique_ptr<QSGTexture> m_texture;
};

class PictureNode : public QSGRenderNode {
public:
    explicit PictureNode(QQuickWindow *window);
    // `source` (within the picture) drawn into `target` (item coordinates); `sequence` names the
    // picture (a new one is drawn again).
    void setPicture(std::shared_ptr<const YuvPicture> picture, quint64 sequence,
                    const QRectF &source, const QRectF &target);

    void render(const RenderState *state) override;
    StateFlags changedStates() const override { return {}; }
    RenderingFlags flags() const override { return BoundedRectRendering | OpaqueRendering; }
    QRectF rect() const override { return m_target; }

private:
    bool renderIntoWindow(const RenderState *state);
    void renderThroughImage(const RenderState *state);

    QQuickWindow *m_window;
    std::shared_ptr<const YuvPicture> m_picture;
    quint64 m_sequence = 0;
    QRectF m_source;
    QRectF m_target;
    QImage m_image;              // the fallback's RGB32 picture
    quint64 m_imageSequence = 0; // the picture m_image holds
};

class PlanesNode : public QSGGeometryNode {
public:
    PlanesNode();
    // `source` (picture pixels) drawn into `target` (item coordinates); `sequence` names the
    // picture (a new one is uploaded). `smooth`: bilinear, for a picture drawn larger or smaller
    // than its pixels; else each pixel gets its own samples, as libyuv gives them. False (the
    // node unchanged) where the picture cannot be drawn so (yuvPlanesUsable).
    bool setPicture(QQuickWindow *window, std::shared_ptr<const YuvPicture> picture,
                    quint64 sequence, const QRectF &source, const QRectF &target, bool smooth);

private:
    QSGGeometry m_geometry;
    // [smooth]: a translucent tile's material, and the one used while the inherited opacity is 1.
    YuvMaterial m_material[2] = {YuvMaterial(true, false), YuvMaterial(true, true)};
    YuvMaterial m_opaque[2] = {YuvMaterial(false, false), YuvMaterial(false, true)};
    YuvTextures m_frame; // the textures the materials draw
    quint64 m_sequence = 0;
    QRectF m_source;
    QRectF m_target;
    bool m_smooth = false;
};

} // namespace opswall::video
