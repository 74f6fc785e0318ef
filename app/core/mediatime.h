#pragma once
// Pure, header-only: media times that repeat (a looping clip on the wall's timeline,
// app/video/filetimeline.h), shared by the video layer and the controller's skew figures
// (app/nodes/videosync.h), which do not link each other.

#include <QString>
#include <QtGlobal>

namespace opswall::core {

// valueNs minus the multiple of loopNs nearest to it, in (-loopNs/2, loopNs/2]; valueNs itself
// for loopNs <= 0 (no loop).
inline qint64 nearestLoop(qint64 valueNs, qint64 loopNs) {
    if (loopNs <= 0)
        return valueNs;
    qint64 r = valueNs % loopNs;
    if (r < 0)
        r += loopNs;
    if (r > loopNs / 2)
        r -= loopNs;
    return r;
}

// The video source a stream key names: a {"source": id} stream is keyed by the id, its OpenGL
// path's stream by "gl:<id>". Starts and live anchors are per source, trims per stream.
inline QString sourceOfStream(const QString &streamKey) {
    return streamKey.startsWith(QLatin1String("gl:")) ? streamKey.mid(3) : streamKey;
}

} // namespace opswall::core
