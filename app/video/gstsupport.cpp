#include "gstsupport.h"

#include "gstptr.h"

#include "core/redact.h"

#include <QCoreApplication>

#include <gst/gst.h>

#include <cstdio>
#include <cstdlib>
#include <utility>

namespace opswall::video {

namespace {
struct Needed {
    const char *element;
    const char *package;
    const char *feature; // nullptr: required
};
constexpr Needed kElements[] = {
    {"uridecodebin", "gstreamer1.0-plugins-base", nullptr},
    {"decodebin", "gstreamer1.0-plugins-base", nullptr},
    {"appsink", "gstreamer1.0-plugins-base", nullptr},
    {"videoconvert", "gstreamer1.0-plugins-base", nullptr},
    {"videoscale", "gstreamer1.0-plugins-base", nullptr},
    {"videotestsrc", "gstreamer1.0-plugins-base", nullptr},
    {"audioconvert", "gstreamer1.0-plugins-base", nullptr},
    {"volume", "gstreamer1.0-plugins-base", nullptr},
    {"queue", "libgstreamer1.0-0", nullptr},
    {"identity", "libgstreamer1.0-0", nullptr},
    {"rtspsrc", "gstreamer1.0-plugins-good", nullptr},
    {"rtph264depay", "gstreamer1.0-plugins-good", nullptr},
    {"h264parse", "gstreamer1.0-plugins-bad", nullptr},
    {"avdec_h264", "gstreamer1.0-libav", nullptr},
    {"timeoverlay", "gstreamer1.0-x", "clock overlay on test patterns"},
    {"srtsrc", "gstreamer1.0-plugins-bad", "SRT sources"},
    {"tsdemux", "gstreamer1.0-plugins-bad", "SRT and HLS (MPEG-TS)"},
    {"hlsdemux", "gstreamer1.0-plugins-bad", "HLS sources"},
    {"souphttpsrc", "gstreamer1.0-plugins-good", "HTTP and HLS sources"},
    {"sdpdemux", "gstreamer1.0-plugins-bad", "RTP/UDP sources with SDP"},
    {"v4l2src", "gstreamer1.0-plugins-good", "V4L2 capture devices"},
    {"autoaudiosink", "gstreamer1.0-plugins-good", "audio output"},
    {"qml6glsink", "gstreamer1.0-qt6", "zero-copy OpenGL path"},
    {"glupload", "gstreamer1.0-gl", "zero-copy OpenGL path"},
};

bool has(const char *element) {
    FactoryPtr factory(gst_element_factory_find(element));
    return factory != nullptr;
}

// GST_DEBUG's lines, as GStreamer's default handler writes them, but through the one redaction
// (core/redact.h): rtspsrc and souphttpsrc print their location, a camera's password with it.
void redactingLog(GstDebugCategory *category, GstDebugLevel level, const gchar *file,
                  const gchar *function, gint line, GObject *object, GstDebugMessage *message,
                  gpointer out) {
    if (level > gst_debug_category_get_threshold(category))
        return;
    gchar *text = gst_debug_log_get_line(category, level, file, function, line, object, message);
    if (!text)
        return;
    const QString qtext = QString::fromUtf8(text);
    g_free(text);
    const QByteArray bytes = (mayHoldSecret(qtext) ? redactText(qtext) : qtext).toUtf8();
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), static_cast<FILE *>(out));
    std::fflush(static_cast<FILE *>(out));
}

// In place of gst_debug_log_default, writing where it would (GST_DEBUG_FILE, else stderr).
void installRedactingLog() {
    FILE *out = stderr;
    if (const char *path = std::getenv("GST_DEBUG_FILE"); path && *path)
        if (FILE *file = std::fopen(path, "w"))
            out = file; // open for the life of the process, as GStreamer's own handler keeps it
    gst_debug_remove_log_function(gst_debug_log_default);
    gst_debug_add_log_function(redactingLog, out, nullptr);
}
} // namespace

bool initGStreamer(QString *error) {
    if (gst_is_initialized())
        return true;
    GError *raw = nullptr;
    if (!gst_init_check(nullptr, nullptr, &raw)) {
        ErrorPtr owned(raw);
        if (error)
            *error = QStringLiteral("GStreamer could not start: %1")
                         .arg(QString::fromUtf8(owned ? owned->message : "unknown error"));
        return false;
    }
    installRedactingLog();
    return true;
}

PluginCheck checkPlugins() {
    PluginCheck check;
    for (const Needed &n : kElements) {
        if (has(n.element))
            continue;
        const QString entry =
            QStringLiteral("%1 (%2)").arg(QLatin1String(n.element), QLatin1String(n.package));
        if (n.feature)
            check.missingOptional.append(entry + QStringLiteral(": ") + QLatin1String(n.feature));
        else
            check.missingRequired.append(entry);
    }
    return check;
}

bool loadGlDisplayPath(QString *why) {
    QStringList missing;
    for (const auto &[element, package] :
         {std::pair{"qml6glsink", "gstreamer1.0-qt6"}, std::pair{"glupload", "gstreamer1.0-gl"}}) {
        FactoryPtr factory(gst_element_factory_find(element));
        if (!factory) {
            missing.append(
                QStringLiteral("%1 (%2)").arg(QLatin1String(element), QLatin1String(package)));
            continue;
        }
        // Loading the plug-in runs its init, which registers the QML types (transfer full).
        FactoryPtr loaded(
            GST_ELEMENT_FACTORY(gst_plugin_feature_load(GST_PLUGIN_FEATURE(factory.get()))));
        if (!loaded)
            missing.append(QStringLiteral("%1 (cannot be loaded)").arg(QLatin1String(element)));
    }
    if (why && !missing.isEmpty())
        *why =
            QStringLiteral("missing GStreamer elements %1").arg(missing.join(QStringLiteral(", ")));
    return missing.isEmpty();
}

QString PluginCheck::message() const {
    QStringList parts;
    if (!missingRequired.isEmpty())
        parts.append(QStringLiteral("Video is unavailable: missing GStreamer elements %1. Install "
                                    "the packages named in brackets.")
                         .arg(missingRequired.join(QStringLiteral(", "))));
    if (!missingOptional.isEmpty())
        parts.append(QStringLiteral("Optional video features are off: %1.")
                         .arg(missingOptional.join(QStringLiteral("; "))));
    return parts.join(QLatin1Char(' '));
}

QString codecName(const QString &mediaType) {
    static const QList<QPair<QString, QString>> names = {
        {QStringLiteral("video/x-h264"), QStringLiteral("H.264")},
        {QStringLiteral("video/x-h265"), QStringLiteral("H.265")},
        {QStringLiteral("video/x-vp8"), QStringLiteral("VP8")},
        {QStringLiteral("video/x-vp9"), QStringLiteral("VP9")},
        {QStringLiteral("video/x-av1"), QStringLiteral("AV1")},
        {QStringLiteral("image/jpeg"), QStringLiteral("Motion JPEG")},
        {QStringLiteral("video/mpeg"), QStringLiteral("MPEG video")},
        {QStringLiteral("video/x-raw"), QStringLiteral("raw video")},
        {QStringLiteral("video/x-theora"), QStringLiteral("Theora")},
    };
    for (const auto &[type, name] : names) {
        if (mediaType == type)
            return name;
    }
    return mediaType;
}

ErrorClass classifyError(GQuark domain, int code, const QString &message, const QString &debug,
                         const QString &host) {
    const auto tr = [](const char *text) {
        return QCoreApplication::translate("VideoStream", text);
    };
    ErrorClass c;
    if (domain == GST_STREAM_ERROR &&
        (code == GST_STREAM_ERROR_CODEC_NOT_FOUND || code == GST_STREAM_ERROR_WRONG_TYPE)) {
        c.fatal = true;
        c.text = tr("Unsupported codec (no decoder installed)");
        return c;
    }
    if (domain == GST_CORE_ERROR && code == GST_CORE_ERROR_MISSING_PLUGIN) {
        c.fatal = true;
        c.text = tr("A GStreamer plug-in is missing: %1").arg(message);
        return c;
    }
    const QString all = message + QLatin1Char(' ') + debug;
    if (all.contains(QLatin1String("resolv"), Qt::CaseInsensitive) ||
        all.contains(QLatin1String("Name or service not known")) ||
        all.contains(QLatin1String("Temporary failure in name resolution"))) {
        c.text = tr("Unknown host '%1'").arg(host);
        return c;
    }
    if (all.contains(QLatin1String("Connection refused")) ||
        all.contains(QLatin1String("Could not connect"))) {
        c.text = tr("Connection refused by %1").arg(host);
        return c;
    }
    if (domain == GST_RESOURCE_ERROR && code == GST_RESOURCE_ERROR_NOT_AUTHORIZED) {
        c.fatal = true;
        c.text = tr("Not authorised: check the user name and password");
        return c;
    }
    if (domain == GST_RESOURCE_ERROR && code == GST_RESOURCE_ERROR_NOT_FOUND) {
        c.text = tr("Stream not found: %1").arg(message);
        return c;
    }
    c.text = message.isEmpty() ? tr("Stream error") : message;
    return c;
}

} // namespace opswall::video
