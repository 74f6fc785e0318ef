#include "glrenderer.h"

#include "core/diagnostics.h"

#include <QOffscreenSurface>
#include <QOpenGLContext>
#include <QOpenGLFunctions>

#include <optional>

namespace opswall::video {

QString openGlRenderer() {
    static std::optional<QString> cached;
    if (cached)
        return *cached;
    cached = QString();
    QOpenGLContext context;
    if (!context.create())
        return *cached;
    QOffscreenSurface surface;
    surface.setFormat(context.format());
    surface.create();
    if (!surface.isValid() || !context.makeCurrent(&surface))
        return *cached;
    const auto *name = context.functions()->glGetString(GL_RENDERER);
    cached = name ? QString::fromLatin1(reinterpret_cast<const char *>(name)) : QString();
    context.doneCurrent();
    return *cached;
}

bool isSoftwareRenderer(const QString &renderer) {
    for (const char *name : {"llvmpipe", "softpipe", "swrast", "software rasterizer", "SWR "}) {
        if (renderer.contains(QLatin1String(name), Qt::CaseInsensitive))
            return true;
    }
    return false;
}

QString softwareGlReason() {
    if (diagnostics::isOn(diagnostics::Switch::VideoSoftwareGl))
        return {};
    const QString renderer = openGlRenderer();
    if (!isSoftwareRenderer(renderer))
        return {};
    return QStringLiteral("OpenGL is drawn by %1, a software rasteriser (no GPU): qml6glsink would "
                          "draw every frame on the CPU, the texture path costs less there "
                          "(OPSWALL_VIDEO_SOFTWARE_GL=1 uses it anyway)")
        .arg(renderer);
}

} // namespace opswall::video
