#pragma once
// The YUV shader path (scene graphs on QRhi: OpenGL, Vulkan, …): a frame's I420 planes become
// three textures as they are, and a fragment shader (shaders/yuv.frag, compiled by qsb) converts
// them to RGB with libyuv's own fixed-point coefficients for the stream's colorimetry, so the
// pixels are the CPU path's (tst_video_yuvshader compares them). No RGB image is made on the CPU.
//
// Each plane is uploaded as an RGBA8 texture a quarter of its row length wide (four 8-bit samples
// per texel): QSGPlainTexture uploads such a QImage without converting or copying it, where an
// 8-bit grey image would be converted to RGBA first, and a one-channel texture needs Qt's private
// QRhi API. The shader picks each sample out of its texel. That needs rows of a multiple of 4 bytes
// (GStreamer's I420 layout, and YuvPool's scaled pictures); anything else stays on the CPU path.

#include "frameconvert.h"

#include <QSGMaterial>
#include <QSGTexture>

#include <array>
#include <memory>

class QQuickWindow;

namespace opswall::video {

// Whether this build has the shader (built with Qt Shader Tools and libyuv); else why not.
bool yuvShaderBuilt(QString *why);
// Whether `picture` can be drawn by the shader: false, with why, when its rows cannot be uploaded
// as they are (not a multiple of 4 bytes) or it has no coefficients.
bool yuvPlanesUsable(const YuvPicture &picture, QString *why);

// One frame's planes as textures (made in updatePaintNode; each holds the picture until it is
// uploaded).
struct YuvTextures {
    std::array<std::unique_ptr<QSGTexture>, 3> planes;
    YuvPicture::Coefficients coefficients;
    QSize size;                  // the picture's
    std::array<QSize, 2> texels; // the Y and the chroma textures' sizes
};
// Null planes where the picture is not usable (yuvPlanesUsable).
YuvTextures makeYuvTextures(QQuickWindow *window, std::shared_ptr<const YuvPicture> picture);

class YuvMaterial : public QSGMaterial {
public:
    // `blending`: the material for a translucent tile (QSGGeometryNode::setMaterial); without it
    // the opaque one (setOpaqueMaterial). `smooth`: bilinear, for a picture drawn larger or
    // smaller than its pixels; else each pixel gets its own samples, as libyuv gives them (a
    // shader program of its own each: a material type each).
    YuvMaterial(bool blending, bool smooth);
    QSGMaterialType *type() const override;
    QSGMaterialShader *createShader(QSGRendererInterface::RenderMode mode) const override;
    int compare(const QSGMaterial *other) const override;

    // Not owned: the node's textures of the frame it shows.
    void setFrame(const YuvTextures &frame);

    QSGTexture *plane(int i) const { return m_planes[size_t(i)]; }
    const std::array<float, 16> &parameters() const { return m_parameters; }

private:
    std::array<QSGTexture *, 3> m_planes{};
    std::array<float, 16> m_parameters{}; // gains, gainsR, luma, chroma (shaders/yuv.frag)
    bool m_smooth;
};

} // namespace opswall::video
