#include "yuvmaterial.h"

#include <QFile>
#include <QQuickWindow>
#include <QSGMaterialShader>

#include <cstring>

namespace opswall::video {

namespace {
constexpr char kVertexShader[] = ":/opswall/video/shaders/yuv.vert.qsb";
constexpr char kFragmentShader[] = ":/opswall/video/shaders/yuv.frag.qsb";
constexpr char kSmoothFragmentShader[] = ":/opswall/video/shaders/yuv_smooth.frag.qsb";

// The uniform block of shaders/yuv.{vert,frag} (std140).
constexpr int kMatrixAt = 0;
constexpr int kParametersAt = 64; // gains, gainsR, luma, chroma
constexpr int kOpacityAt = 128;
constexpr int kBlockSize = 132;

class YuvShader : public QSGMaterialShader {
public:
    explicit YuvShader(bool smooth) {
        setShaderFileName(VertexStage, QString::fromLatin1(kVertexShader));
        setShaderFileName(FragmentStage,
                          QString::fromLatin1(smooth ? kSmoothFragmentShader : kFragmentShader));
    }

    bool updateUniformData(RenderState &state, QSGMaterial *newMaterial, QSGMaterial *) override {
        QByteArray *block = state.uniformData();
        if (block->size() < kBlockSize)
            return false;
        char *data = block->data();
        if (state.isMatrixDirty()) {
            const QMatrix4x4 m = state.combinedMatrix();
            std::memcpy(data + kMatrixAt, m.constData(), 64);
        }
        const auto *material = static_cast<const YuvMaterial *>(newMaterial);
        std::memcpy(data + kParametersAt, material->parameters().data(), 64);
        const float opacity = state.opacity();
        std::memcpy(data + kOpacityAt, &opacity, 4);
        return true;
    }

    void updateSampledImage(RenderState &state, int binding, QSGTexture **texture,
                            QSGMaterial *newMaterial, QSGMaterial *) override {
        const int plane = binding - 1; // bindings 1, 2, 3: Y, U, V
        if (plane < 0 || plane > 2)
            return;
        QSGTexture *t = static_cast<const YuvMaterial *>(newMaterial)->plane(plane);
        if (!t)
            return;
        t->commitTextureOperations(state.rhi(), state.resourceUpdateBatch()); // the upload
        *texture = t;
    }
};

void releasePicture(void *held) {
    delete static_cast<std::shared_ptr<const YuvPicture> *>(held);
}
} // namespace

bool yuvShaderBuilt(QString *why) {
#if defined(OPSWALL_HAVE_YUV_SHADER) && defined(OPSWALL_HAVE_LIBYUV)
    static const bool found = QFile::exists(QString::fromLatin1(kVertexShader)) &&
                              QFile::exists(QString::fromLatin1(kFragmentShader)) &&
                              QFile::exists(QString::fromLatin1(kSmoothFragmentShader));
    if (!found && why)
        *why = QStringLiteral("the compiled shaders are missing from the resources");
    return found;
#else
    if (why)
        *why = QStringLiteral("this build has no YUV shader (it needs Qt Shader Tools, "
                              "qt6-shadertools-dev, and libyuv, libyuv-dev)");
    return false;
#endif
}

bool yuvPlanesUsable(const YuvPicture &picture, QString *why) {
    for (int i = 0; i < 3; ++i) {
        if (!picture.plane(i) || picture.stride(i) <= 0 || picture.stride(i) % 4 != 0) {
            if (why)
                *why = QStringLiteral("the frame's plane %1 has rows of %2 bytes, not a multiple "
                                      "of 4")
                           .arg(i)
                           .arg(picture.stride(i));
            return false;
        }
    }
    if (picture.size().isEmpty() || picture.coefficients().yg == 0) {
        if (why)
            *why = QStringLiteral("the frame has no colour conversion");
        return false;
    }
    return true;
}

YuvTextures makeYuvTextures(QQuickWindow *window, std::shared_ptr<const YuvPicture> picture) {
    YuvTextures out;
    if (!window || !picture || !yuvPlanesUsable(*picture, nullptr))
        return out;
    out.size = picture->size();
    out.coefficients = picture->coefficients();
    for (int i = 0; i < 3; ++i) {
        const int rows = i == 0 ? out.size.height() : (out.size.height() + 1) / 2;
        const QSize texels(picture->stride(i) / 4, rows);
        // The plane's bytes as they are; the image holds the picture until the upload is done.
        const QImage image(picture->plane(i), texels.width(), texels.height(), picture->stride(i),
                           QImage::Format_RGBA8888_Premultiplied, &releasePicture,
                           new std::shared_ptr<const YuvPicture>(picture));
        out.planes[size_t(i)].reset(window->createTextureFromImage(image));
        out.planes[size_t(i)]->setFiltering(QSGTexture::Nearest); // samples, not blends of four
        out.texels[i == 0 ? 0 : 1] = texels;
    }
    return out;
}

YuvMaterial::YuvMaterial(bool blending, bool smooth)
    : m_smooth(smooth) {
    setFlag(Blending, blending);
}

QSGMaterialType *YuvMaterial::type() const {
    static QSGMaterialType exact;
    static QSGMaterialType smooth;
    return m_smooth ? &smooth : &exact;
}

QSGMaterialShader *YuvMaterial::createShader(QSGRendererInterface::RenderMode) const {
    return new YuvShader(m_smooth);
}

int YuvMaterial::compare(const QSGMaterial *other) const {
    const auto *o = static_cast<const YuvMaterial *>(other);
    for (size_t i = 0; i < 3; ++i) {
        const qint64 a = m_planes[i] ? m_planes[i]->comparisonKey() : 0;
        const qint64 b = o->m_planes[i] ? o->m_planes[i]->comparisonKey() : 0;
        if (a != b)
            return a < b ? -1 : 1;
    }
    if (const int c = std::memcmp(m_parameters.data(), o->m_parameters.data(),
                                  sizeof(float) * m_parameters.size()))
        return c < 0 ? -1 : 1;
    return 0; // the same type: the same smoothing
}

void YuvMaterial::setFrame(const YuvTextures &frame) {
    for (size_t i = 0; i < 3; ++i)
        m_planes[i] = frame.planes[i].get();
    const YuvPicture::Coefficients &k = frame.coefficients;
    const QSize chroma((frame.size.width() + 1) / 2, (frame.size.height() + 1) / 2);
    m_parameters = {k.yg,
                    k.ub,
                    k.ug,
                    k.vg,
                    k.vr,
                    k.biasB,
                    k.biasG,
                    k.biasR,
                    float(frame.size.width()),
                    float(frame.size.height()),
                    float(frame.texels[0].width()),
                    float(frame.texels[0].height()),
                    float(chroma.width()),
                    float(chroma.height()),
                    float(frame.texels[1].width()),
                    float(frame.texels[1].height())};
}

} // namespace opswall::video
