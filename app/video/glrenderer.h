#pragma once
// Which OpenGL implementation draws this process's windows, for the choice of a video tile's
// display path (VideoItem): on a software rasteriser (Mesa's llvmpipe, softpipe, swrast) the
// OpenGL display path (qml6glsink) draws every frame on the CPU, in this process, at about the
// texture path's cost or more (STACK-NOTES; app/video/README.md), so tiles there prefer the
// texture path, which converts once per stream with libyuv.

#include <QString>

namespace opswall::video {

// GL_RENDERER of a context made once for the question (GUI thread; cached). Empty where no
// OpenGL context can be made.
QString openGlRenderer();
// Pure: whether a GL_RENDERER string names a software rasteriser.
bool isSoftwareRenderer(const QString &renderer);
// Why the OpenGL display path is not used on this machine's renderer; empty where it is (a
// GPU, or OPSWALL_VIDEO_SOFTWARE_GL=1 in the environment: the tests that exercise the path
// under Xvfb, a measurement).
QString softwareGlReason();

} // namespace opswall::video
