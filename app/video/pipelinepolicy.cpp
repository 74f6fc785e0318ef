#include "pipelinepolicy.h"

#include "gstptr.h"

#include <gst/gst.h>

namespace opswall::video {

namespace {

// Sources a custom pipeline may start from: the network and capture elements the built-in kinds
// use. No filesrc, multifilesrc, giosrc, appsrc, fdsrc, shmsrc, tcpserversrc, …
const QStringList kSources{
    QStringLiteral("rtspsrc"),      QStringLiteral("srtsrc"),  QStringLiteral("udpsrc"),
    QStringLiteral("souphttpsrc"),  QStringLiteral("v4l2src"), QStringLiteral("videotestsrc"),
    QStringLiteral("audiotestsrc"),
};

// Plumbing that neither reads nor writes anything outside the pipeline.
const QStringList kPlumbing{
    QStringLiteral("queue"),           QStringLiteral("multiqueue"),
    QStringLiteral("capsfilter"),      QStringLiteral("decodebin"),
    QStringLiteral("rtpjitterbuffer"), QStringLiteral("videoconvert"),
    QStringLiteral("videoscale"),      QStringLiteral("videorate"),
    QStringLiteral("videoflip"),       QStringLiteral("videocrop"),
    QStringLiteral("videobox"),        QStringLiteral("deinterlace"),
    QStringLiteral("audioconvert"),    QStringLiteral("audioresample"),
    QStringLiteral("timeoverlay"),     QStringLiteral("clockoverlay"),
    QStringLiteral("textoverlay"),     QStringLiteral("bin"), // "( … )": its children are checked
};

// Klass words that make an element one of the codec kinds that only transform a stream.
const QStringList kCodecWords{QStringLiteral("Decoder"), QStringLiteral("Demuxer"),
                              QStringLiteral("Parser"), QStringLiteral("Depayloader")};
// Klass words that make any element unacceptable however else it is classed.
const QStringList kNeverWords{QStringLiteral("Sink"), QStringLiteral("Source"),
                              QStringLiteral("Muxer"), QStringLiteral("Encoder"),
                              QStringLiteral("Payloader")};

QString klassOf(GstElementFactory *factory) {
    const gchar *k = gst_element_factory_get_metadata(factory, GST_ELEMENT_METADATA_KLASS);
    return k ? QString::fromUtf8(k) : QString();
}

} // namespace

QStringList allowedCustomPipelineSources() {
    return kSources;
}

bool customPipelineElementAllowed(const QString &factoryName, const QString &klass) {
    if (kSources.contains(factoryName) || kPlumbing.contains(factoryName))
        return true;
    const QStringList words = klass.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    for (const QString &w : words)
        if (kNeverWords.contains(w))
            return false;
    for (const QString &w : words)
        if (kCodecWords.contains(w))
            return true;
    return false;
}

std::optional<QString> checkCustomPipelineBin(GstBin *bin, const char *skipName) {
    GstIterator *it = gst_bin_iterate_recurse(bin);
    QStringList refused; // every element refused, "'filesink' (Sink/File)"
    std::optional<QString> failure;
    GValue item = G_VALUE_INIT;
    bool done = false;
    while (!done) {
        switch (gst_iterator_next(it, &item)) {
        case GST_ITERATOR_OK: {
            auto *element = GST_ELEMENT(g_value_get_object(&item));
            GstElementFactory *factory = gst_element_get_factory(element);
            // Our own decodebin and what it holds are not the description's.
            bool skip = false;
            for (GstObject *o = GST_OBJECT(element); skipName && o && !skip;
                 o = GST_OBJECT_PARENT(o))
                skip = g_strcmp0(GST_OBJECT_NAME(o), skipName) == 0;
            if (!skip) {
                if (!factory) {
                    // A bin made by the parser for "( … )" has no factory; its children are
                    // visited by the recursive iterator.
                    if (!GST_IS_BIN(element))
                        refused.append(QStringLiteral("an element without a factory"));
                } else {
                    const QString factoryName =
                        QString::fromUtf8(gst_plugin_feature_get_name(GST_PLUGIN_FEATURE(factory)));
                    const QString klass = klassOf(factory);
                    if (!customPipelineElementAllowed(factoryName, klass))
                        refused.prepend(
                            QStringLiteral("'%1' (%2)")
                                .arg(factoryName, klass.isEmpty() ? QStringLiteral("?") : klass));
                }
            }
            g_value_reset(&item);
            break;
        }
        case GST_ITERATOR_RESYNC:
            refused.clear();
            gst_iterator_resync(it);
            break;
        case GST_ITERATOR_ERROR:
            failure = QStringLiteral("the pipeline's elements could not be listed");
            done = true;
            break;
        case GST_ITERATOR_DONE:
            done = true;
            break;
        }
    }
    g_value_unset(&item);
    gst_iterator_free(it);
    if (failure)
        return failure;
    if (refused.isEmpty())
        return std::nullopt;
    refused.removeDuplicates();
    return QStringLiteral("%1 %2 not allowed in a custom pipeline: only network or capture "
                          "sources (%3), decoders, demuxers, parsers, depayloaders, queues, caps "
                          "filters and converters are")
        .arg(refused.size() == 1 ? QStringLiteral("element ") + refused.first()
                                 : QStringLiteral("elements ") + refused.join(QStringLiteral(", ")),
             refused.size() == 1 ? QStringLiteral("is") : QStringLiteral("are"),
             kSources.join(QStringLiteral(", ")));
}

std::optional<QString> checkCustomPipeline(const QString &description) {
    GError *rawError = nullptr;
    GstElement *parsed = gst_parse_launch_full(
        description.toUtf8().constData(), nullptr,
        GstParseFlags(GST_PARSE_FLAG_PLACE_IN_BIN | GST_PARSE_FLAG_FATAL_ERRORS), &rawError);
    ErrorPtr error(rawError);
    if (parsed)
        gst_object_ref_sink(parsed);
    ElementPtr owned(parsed);
    if (!owned || error)
        return QStringLiteral("does not parse: %1")
            .arg(error ? QString::fromUtf8(error->message) : QStringLiteral("?"));
    if (!GST_IS_BIN(owned.get())) {
        // A single element: check it alone.
        GstElementFactory *factory = gst_element_get_factory(owned.get());
        const QString name =
            factory ? QString::fromUtf8(gst_plugin_feature_get_name(GST_PLUGIN_FEATURE(factory)))
                    : QString();
        const QString klass = factory ? klassOf(factory) : QString();
        if (!customPipelineElementAllowed(name, klass))
            return QStringLiteral("element '%1' (%2) is not allowed in a custom pipeline")
                .arg(name, klass);
        return std::nullopt;
    }
    return checkCustomPipelineBin(GST_BIN(owned.get()));
}

} // namespace opswall::video
