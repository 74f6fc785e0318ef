#include "videosource.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QRegularExpression>
#include <QUrl>

namespace opswall::video {

namespace {

struct KindName {
    SourceKind kind;
    const char *name;
};
constexpr KindName kKindNames[] = {
    {SourceKind::Rtsp, "rtsp"},         {SourceKind::Srt, "srt"},
    {SourceKind::RtpUdp, "rtp"},        {SourceKind::Hls, "hls"},
    {SourceKind::Http, "http"},         {SourceKind::File, "file"},
    {SourceKind::V4l2, "v4l2"},         {SourceKind::TestPattern, "testpattern"},
    {SourceKind::Pipeline, "pipeline"},
};

const QStringList kPatterns = {
    QStringLiteral("smpte"),    QStringLiteral("snow"),       QStringLiteral("black"),
    QStringLiteral("white"),    QStringLiteral("red"),        QStringLiteral("green"),
    QStringLiteral("blue"),     QStringLiteral("checkers-8"), QStringLiteral("ball"),
    QStringLiteral("smpte100"), QStringLiteral("bar"),        QStringLiteral("colors"),
    QStringLiteral("gradient")};

SourceError fault(const QString &field, const QString &message) {
    return SourceError{field, message};
}

} // namespace

QString sourceKindName(SourceKind kind) {
    for (const auto &k : kKindNames) {
        if (k.kind == kind)
            return QString::fromLatin1(k.name);
    }
    return {};
}

SourceKind sourceKindFromName(const QString &name) {
    for (const auto &k : kKindNames) {
        if (name == QLatin1String(k.name))
            return k.kind;
    }
    return SourceKind::Invalid;
}

QString VideoSource::label() const {
    if (!isConference())
        return name.isEmpty() ? id : name;
    if (site.isEmpty())
        return participant;
    if (participant.isEmpty())
        return site;
    return site + QStringLiteral(" — ") + participant;
}

std::optional<QString> checkUrl(SourceKind kind, const QString &uri) {
    if (uri.trimmed().isEmpty())
        return QStringLiteral("is empty; a stream URL is required");
    if (uri != uri.trimmed() || uri.contains(QLatin1Char(' ')))
        return QStringLiteral("'%1' contains spaces; percent-encode them (%20)").arg(uri);
    const QUrl url(uri, QUrl::StrictMode);
    if (!url.isValid())
        return QStringLiteral("'%1' is not a valid URL (%2)").arg(uri, url.errorString());
    const QString scheme = url.scheme().toLower();
    if (scheme.isEmpty())
        return QStringLiteral("'%1' has no scheme (expected e.g. rtsp://host/path)").arg(uri);

    QStringList schemes;
    bool needHost = true;
    switch (kind) {
    case SourceKind::Rtsp:
        schemes = {QStringLiteral("rtsp"), QStringLiteral("rtsps"), QStringLiteral("rtspt"),
                   QStringLiteral("rtspu")};
        break;
    case SourceKind::Srt:
        schemes = {QStringLiteral("srt")};
        needHost = false; // a listener binds to all interfaces: srt://:9000
        break;
    case SourceKind::Hls:
    case SourceKind::Http:
        schemes = {QStringLiteral("http"), QStringLiteral("https")};
        break;
    case SourceKind::File:
        schemes = {QStringLiteral("file")};
        needHost = false;
        break;
    default:
        return QStringLiteral("a URL is not used by this kind of source");
    }
    if (!schemes.contains(scheme))
        return QStringLiteral("'%1' has scheme '%2'; a %3 source needs %4://")
            .arg(uri, scheme, sourceKindName(kind), schemes.join(QStringLiteral(":// or ")));
    if (needHost && url.host().isEmpty())
        return QStringLiteral("'%1' has no host (expected %2://host[:port]/path)").arg(uri, scheme);
    if (url.port() == 0 || url.port() > 65535)
        return QStringLiteral("'%1' has an invalid port").arg(uri);
    if (kind == SourceKind::Srt && url.port() < 0)
        return QStringLiteral("'%1' has no port (expected srt://host:port)").arg(uri);
    if (kind == SourceKind::File && !QDir::isAbsolutePath(url.path()))
        return QStringLiteral("'%1' is not an absolute file path").arg(uri);
    return std::nullopt;
}

std::optional<SourceError> validateSource(const VideoSource &s) {
    static const QRegularExpression idPattern(QStringLiteral("^[A-Za-z0-9._-]{1,64}$"));
    if (!idPattern.match(s.id).hasMatch())
        return fault(
            QStringLiteral("id"),
            QStringLiteral("'%1' is not a valid id (1-64 of A-Z a-z 0-9 . _ -)").arg(s.id));
    if (s.latencyMs < 0 || s.latencyMs > 10000)
        return fault(QStringLiteral("latencyMs"),
                     QStringLiteral("%1 is out of range (0-10000 ms)").arg(s.latencyMs));
    switch (s.kind) {
    case SourceKind::Invalid:
        return fault(QStringLiteral("kind"), QStringLiteral("is missing or unknown"));
    case SourceKind::Rtsp:
    case SourceKind::Srt:
    case SourceKind::Hls:
    case SourceKind::Http:
        if (auto bad = checkUrl(s.kind, s.uri))
            return fault(QStringLiteral("uri"), *bad);
        if (s.kind == SourceKind::Rtsp && s.transport == RtspTransport::Invalid)
            return fault(QStringLiteral("transport"), QStringLiteral("must be 'tcp' or 'udp'"));
        if (s.kind == SourceKind::Srt && s.srtMode == SrtMode::Invalid)
            return fault(QStringLiteral("srtMode"),
                         QStringLiteral("must be 'caller' or 'listener'"));
        if (s.kind == SourceKind::Srt && s.srtMode == SrtMode::Caller &&
            QUrl(s.uri).host().isEmpty())
            return fault(QStringLiteral("uri"),
                         QStringLiteral("an SRT caller needs a host (srt://host:port)"));
        break;
    case SourceKind::File: {
        const QString path = s.uri.startsWith(QLatin1String("file:")) ? QUrl(s.uri).path() : s.uri;
        if (path.isEmpty() || !QDir::isAbsolutePath(path))
            return fault(QStringLiteral("uri"),
                         QStringLiteral("'%1' is not an absolute file path").arg(s.uri));
        break;
    }
    case SourceKind::RtpUdp:
        if (!s.sdp.contains(QLatin1String("m=video")))
            return fault(QStringLiteral("sdp"),
                         QStringLiteral("must be an SDP description with an 'm=video' line"));
        if (s.sdp.indexOf(QLatin1String("m=")) != s.sdp.indexOf(QLatin1String("m=video")))
            return fault(QStringLiteral("sdp"),
                         QStringLiteral("the 'm=video' line must be the first media line"));
        break;
    case SourceKind::V4l2:
        if (!s.device.startsWith(QLatin1String("/dev/")))
            return fault(
                QStringLiteral("device"),
                QStringLiteral("'%1' is not a device path (expected /dev/videoN)").arg(s.device));
        break;
    case SourceKind::TestPattern:
        if (!kPatterns.contains(s.pattern))
            return fault(QStringLiteral("pattern"),
                         QStringLiteral("'%1' is unknown (one of %2)")
                             .arg(s.pattern, kPatterns.join(QStringLiteral(", "))));
        if (s.size.width() < 16 || s.size.height() < 16 || s.size.width() > 7680 ||
            s.size.height() > 4320)
            return fault(QStringLiteral("width"),
                         QStringLiteral("size must be 16x16 to 7680x4320"));
        if (s.fps < 1 || s.fps > 120)
            return fault(QStringLiteral("fps"), QStringLiteral("must be 1-120"));
        break;
    case SourceKind::Pipeline:
        if (s.pipeline.trimmed().isEmpty())
            return fault(QStringLiteral("pipeline"), QStringLiteral("is empty"));
        if (s.pipeline.contains(QLatin1String("appsink")))
            return fault(QStringLiteral("pipeline"),
                         QStringLiteral("must end at the video output; the display sink is added "
                                        "by OpsWall"));
        break;
    }
    return std::nullopt;
}

QJsonObject VideoSource::toJson() const {
    QJsonObject o{{QStringLiteral("id"), id}, {QStringLiteral("kind"), sourceKindName(kind)}};
    if (!name.isEmpty())
        o.insert(QStringLiteral("name"), name);
    switch (kind) {
    case SourceKind::Rtsp:
        o.insert(QStringLiteral("transport"),
                 transport == RtspTransport::Udp ? QStringLiteral("udp") : QStringLiteral("tcp"));
        [[fallthrough]];
    case SourceKind::Hls:
    case SourceKind::Http:
        o.insert(QStringLiteral("uri"), uri);
        break;
    case SourceKind::Srt:
        o.insert(QStringLiteral("uri"), uri);
        o.insert(QStringLiteral("srtMode"), srtMode == SrtMode::Listener
                                                ? QStringLiteral("listener")
                                                : QStringLiteral("caller"));
        break;
    case SourceKind::File:
        o.insert(QStringLiteral("uri"), uri);
        o.insert(QStringLiteral("loop"), loop);
        break;
    case SourceKind::RtpUdp:
        o.insert(QStringLiteral("sdp"), sdp);
        break;
    case SourceKind::V4l2:
        o.insert(QStringLiteral("device"), device);
        break;
    case SourceKind::TestPattern:
        o.insert(QStringLiteral("pattern"), pattern);
        o.insert(QStringLiteral("width"), size.width());
        o.insert(QStringLiteral("height"), size.height());
        o.insert(QStringLiteral("fps"), fps);
        break;
    case SourceKind::Pipeline:
        o.insert(QStringLiteral("pipeline"), pipeline);
        break;
    case SourceKind::Invalid:
        break;
    }
    o.insert(QStringLiteral("latencyMs"), latencyMs);
    if (isConference())
        o.insert(QStringLiteral("conference"),
                 QJsonObject{{QStringLiteral("site"), site},
                             {QStringLiteral("participant"), participant}});
    return o;
}

SourceParse sourceFromJson(const QJsonObject &o, const QString &prefix) {
    SourceParse out;
    const auto fail = [&](const QString &field, const QString &message) {
        out.error = SourceError{prefix + field, message};
        return out;
    };
    // A misspelt field must not be dropped silently (the operator would wonder why it does
    // nothing).
    static const QStringList known{
        QStringLiteral("id"),        QStringLiteral("name"),      QStringLiteral("kind"),
        QStringLiteral("uri"),       QStringLiteral("transport"), QStringLiteral("srtMode"),
        QStringLiteral("loop"),      QStringLiteral("sdp"),       QStringLiteral("device"),
        QStringLiteral("pattern"),   QStringLiteral("width"),     QStringLiteral("height"),
        QStringLiteral("fps"),       QStringLiteral("pipeline"),  QStringLiteral("latencyMs"),
        QStringLiteral("conference")};
    for (auto it = o.begin(); it != o.end(); ++it)
        if (!known.contains(it.key()))
            return fail(it.key().left(64),
                        QStringLiteral("is not a field of a video source (expected one of: %1)")
                            .arg(known.join(QStringLiteral(", "))));
    const auto str = [&](const char *key, QString *into) -> bool {
        const QJsonValue v = o.value(QLatin1String(key));
        if (v.isUndefined() || v.isNull())
            return true;
        if (!v.isString())
            return false;
        *into = v.toString();
        return true;
    };
    const auto integer = [&](const char *key, int *into, int lo, int hi) -> bool {
        const QJsonValue v = o.value(QLatin1String(key));
        if (v.isUndefined())
            return true;
        if (!v.isDouble() || v.toDouble() != double(v.toInt()) || v.toInt() < lo || v.toInt() > hi)
            return false;
        *into = v.toInt();
        return true;
    };

    VideoSource s;
    for (const char *key : {"id", "name", "uri", "sdp", "device", "pipeline", "pattern"}) {
        QString value;
        if (!str(key, &value))
            return fail(QLatin1String(key), QStringLiteral("must be a string"));
        if (!o.contains(QLatin1String(key)))
            continue;
        const QLatin1String k(key);
        if (k == QLatin1String("id"))
            s.id = value;
        else if (k == QLatin1String("name"))
            s.name = value;
        else if (k == QLatin1String("uri"))
            s.uri = value;
        else if (k == QLatin1String("sdp"))
            s.sdp = value;
        else if (k == QLatin1String("device"))
            s.device = value;
        else if (k == QLatin1String("pipeline"))
            s.pipeline = value;
        else
            s.pattern = value;
    }
    if (!o.value(QLatin1String("id")).isString())
        return fail(QStringLiteral("id"), QStringLiteral("is required (a string)"));
    QString kind;
    if (!str("kind", &kind) || kind.isEmpty())
        return fail(QStringLiteral("kind"), QStringLiteral("is required (a string)"));
    s.kind = sourceKindFromName(kind);
    if (s.kind == SourceKind::Invalid)
        return fail(QStringLiteral("kind"),
                    QStringLiteral("'%1' is unknown (rtsp, srt, rtp, hls, http, file, v4l2, "
                                   "testpattern, pipeline)")
                        .arg(kind));
    QString transport;
    if (!str("transport", &transport))
        return fail(QStringLiteral("transport"), QStringLiteral("must be a string"));
    if (!transport.isEmpty())
        s.transport = transport == QLatin1String("tcp")   ? RtspTransport::Tcp
                      : transport == QLatin1String("udp") ? RtspTransport::Udp
                                                          : RtspTransport::Invalid;
    QString mode;
    if (!str("srtMode", &mode))
        return fail(QStringLiteral("srtMode"), QStringLiteral("must be a string"));
    if (!mode.isEmpty())
        s.srtMode = mode == QLatin1String("caller")     ? SrtMode::Caller
                    : mode == QLatin1String("listener") ? SrtMode::Listener
                                                        : SrtMode::Invalid;
    if (!integer("latencyMs", &s.latencyMs, 0, 10000))
        return fail(QStringLiteral("latencyMs"), QStringLiteral("must be an integer 0-10000"));
    int w = s.size.width(), h = s.size.height();
    if (!integer("width", &w, 16, 7680))
        return fail(QStringLiteral("width"), QStringLiteral("must be an integer 16-7680"));
    if (!integer("height", &h, 16, 4320))
        return fail(QStringLiteral("height"), QStringLiteral("must be an integer 16-4320"));
    s.size = QSize(w, h);
    if (!integer("fps", &s.fps, 1, 120))
        return fail(QStringLiteral("fps"), QStringLiteral("must be an integer 1-120"));
    const QJsonValue loop = o.value(QLatin1String("loop"));
    if (!loop.isUndefined() && !loop.isBool())
        return fail(QStringLiteral("loop"), QStringLiteral("must be true or false"));
    s.loop = loop.toBool(true);
    const QJsonValue conf = o.value(QLatin1String("conference"));
    if (!conf.isUndefined()) {
        if (!conf.isObject())
            return fail(QStringLiteral("conference"),
                        QStringLiteral("must be an object {\"site\", \"participant\"}"));
        const QJsonObject c = conf.toObject();
        for (const char *key : {"site", "participant"}) {
            const QJsonValue v = c.value(QLatin1String(key));
            if (!v.isUndefined() && !v.isString())
                return fail(QStringLiteral("conference.") + QLatin1String(key),
                            QStringLiteral("must be a string"));
        }
        s.site = c.value(QLatin1String("site")).toString();
        s.participant = c.value(QLatin1String("participant")).toString();
        if (!s.isConference())
            return fail(QStringLiteral("conference"),
                        QStringLiteral("needs a site or a participant"));
    }
    if (auto bad = validateSource(s))
        return fail(bad->field, bad->message);
    out.source = s;
    return out;
}

SourceImport importSources(const QByteArray &json) {
    SourceImport out;
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        out.errors.append({QString(), QStringLiteral("not valid JSON at offset %1: %2")
                                          .arg(parseError.offset)
                                          .arg(parseError.errorString())});
        return out;
    }
    if (!doc.isObject()) {
        out.errors.append({QString(), QStringLiteral("the document must be a JSON object")});
        return out;
    }
    const QJsonObject root = doc.object();
    const QJsonValue version = root.value(QLatin1String("schemaVersion"));
    if (!version.isDouble() || version.toInt() < 1) {
        out.errors.append(
            {QStringLiteral("schemaVersion"), QStringLiteral("is required (a positive integer)")});
        return out;
    }
    if (version.toInt() > kSourcesSchemaVersion) {
        out.errors.append({QStringLiteral("schemaVersion"),
                           QStringLiteral("%1 is newer than this program understands (%2)")
                               .arg(version.toInt())
                               .arg(kSourcesSchemaVersion)});
        return out;
    }
    const QJsonValue list = root.value(QLatin1String("sources"));
    if (!list.isArray()) {
        out.errors.append({QStringLiteral("sources"), QStringLiteral("must be an array")});
        return out;
    }
    QStringList seen;
    const QJsonArray array = list.toArray();
    for (qsizetype i = 0; i < array.size(); ++i) {
        const QString prefix = QStringLiteral("sources[%1].").arg(i);
        if (!array.at(i).isObject()) {
            out.errors.append({prefix.chopped(1), QStringLiteral("must be an object")});
            continue;
        }
        SourceParse parsed = sourceFromJson(array.at(i).toObject(), prefix);
        if (parsed.error) {
            out.errors.append(*parsed.error);
            continue;
        }
        if (seen.contains(parsed.source->id)) {
            out.errors.append({prefix + QStringLiteral("id"),
                               QStringLiteral("'%1' is used twice").arg(parsed.source->id)});
            continue;
        }
        seen.append(parsed.source->id);
        out.sources.append(*parsed.source);
    }
    if (!out.ok())
        out.sources.clear();
    return out;
}

QString BindingRef::key() const {
    if (!sourceId.isEmpty())
        return sourceId;
    if (adhoc)
        return QStringLiteral("uri:") + adhoc->uri;
    return QString();
}

BindingRef parseBinding(const QVariant &binding) {
    BindingRef ref;
    const QVariantMap map = binding.toMap();
    if (map.contains(QStringLiteral("source"))) {
        ref.sourceId = map.value(QStringLiteral("source")).toString();
        if (ref.sourceId.isEmpty())
            ref.error = QStringLiteral("binding.source is empty");
        return ref;
    }
    if (!map.contains(QStringLiteral("uri"))) {
        ref.error = QStringLiteral("binding needs \"source\" (a source id) or \"uri\"");
        return ref;
    }
    const QString uri = map.value(QStringLiteral("uri")).toString();
    const QString scheme = QUrl(uri).scheme().toLower();
    VideoSource s;
    s.id = QStringLiteral("adhoc");
    s.uri = uri;
    s.name = map.value(QStringLiteral("label"), uri).toString();
    if (scheme.startsWith(QLatin1String("rtsp"))) {
        s.kind = SourceKind::Rtsp;
        if (scheme == QLatin1String("rtspu"))
            s.transport = RtspTransport::Udp;
    } else if (scheme == QLatin1String("srt")) {
        s.kind = SourceKind::Srt;
        if (QUrl(uri).host().isEmpty() || QUrl(uri).query().contains(QLatin1String("listener")))
            s.srtMode = SrtMode::Listener;
    } else if (scheme == QLatin1String("http") || scheme == QLatin1String("https")) {
        s.kind =
            QUrl(uri).path().endsWith(QLatin1String(".m3u8")) ? SourceKind::Hls : SourceKind::Http;
    } else if (scheme == QLatin1String("file")) {
        s.kind = SourceKind::File;
    } else {
        ref.error =
            scheme.isEmpty()
                ? QStringLiteral("Invalid URL '%1': no scheme (expected e.g. rtsp://host/path)")
                      .arg(uri)
                : QStringLiteral("Invalid URL '%1': unsupported scheme '%2'").arg(uri, scheme);
        return ref;
    }
    if (auto bad = validateSource(s)) {
        ref.error = QStringLiteral("Invalid URL: %1").arg(bad->message);
        return ref;
    }
    ref.adhoc = s;
    return ref;
}

} // namespace opswall::video
