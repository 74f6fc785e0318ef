#pragma once
// GStreamer start-up and the pure helpers that turn GStreamer vocabulary into words for people:
// required elements checked once with a clear message, codec names, error classification.

#include <QString>
#include <QStringList>

#include <glib.h>

namespace opswall::video {

// gst_init once (idempotent); returns false with a message when GStreamer cannot start.
bool initGStreamer(QString *error = nullptr);

struct PluginCheck {
    QStringList missingRequired; // "rtspsrc (gstreamer1.0-plugins-good)"
    QStringList missingOptional; // features that are off: "srtsrc (gstreamer1.0-plugins-bad): SRT"
    bool ok() const { return missingRequired.isEmpty(); }
    // One paragraph for the log and the start-up screen; empty when nothing is missing.
    QString message() const;
};
PluginCheck checkPlugins(); // call after initGStreamer

// The optional OpenGL display path (qml6glsink): loads the qml6 plug-in, which registers the QML
// type GstGLQt6VideoItem (org.freedesktop.gstreamer.Qt6GLVideoItem 1.0) as it loads, so call it
// before creating QML that uses the type. False, with the missing packages in `why`, when the
// elements are not installed.
bool loadGlDisplayPath(QString *why);

// "video/x-h264" → "H.264"; unknown media types are returned as they are.
QString codecName(const QString &mediaType);

struct ErrorClass {
    bool fatal = false; // retrying cannot help
    QString text;       // for the tile
};
// Classifies a bus ERROR (domain/code as GStreamer posts them) for the supervisor.
ErrorClass classifyError(GQuark domain, int code, const QString &message, const QString &debug,
                         const QString &host);

} // namespace opswall::video
