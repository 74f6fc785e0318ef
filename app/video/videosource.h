#pragma once
// A video source as operators define it: where the stream comes from and how to open it. Plain
// value type, stored in SQLite (SourceStore) and imported from JSON; no GStreamer here.
//
// JSON form (one object of "sources" in an import file, or one stored row):
//   {"id": "cam-1", "name": "Gate camera", "kind": "rtsp", "uri": "rtsp://10.0.0.5/stream1",
//    "transport": "tcp", "latencyMs": 200,
//    "conference": {"site": "Province of Kandal", "participant": "Governor"}}

#include <QJsonObject>
#include <QList>
#include <QSize>
#include <QString>
#include <QStringList>
#include <QVariant>

#include <optional>

namespace opswall::video {

enum class SourceKind {
    Invalid = 0,
    Rtsp,        // rtsp://, rtsps://  (transport tcp or udp)
    Srt,         // srt://host:port (caller) or srt://:port (listener)
    RtpUdp,      // RTP over UDP described by an SDP text
    Hls,         // http(s)://…/x.m3u8
    Http,        // progressive http(s):// stream (MPEG-TS, MP4, MJPEG)
    File,        // a local file, looped
    V4l2,        // a capture device, /dev/videoN
    TestPattern, // videotestsrc, for calibration and demos
    Pipeline,    // a custom gst-launch description (experts only)
};

enum class RtspTransport { Invalid = 0, Tcp, Udp };
enum class SrtMode { Invalid = 0, Caller, Listener };

QString sourceKindName(SourceKind kind);
SourceKind sourceKindFromName(const QString &name); // Invalid when unknown

struct VideoSource {
    QString id;   // stable key: [A-Za-z0-9._-]{1,64}
    QString name; // for people
    SourceKind kind = SourceKind::Invalid;
    QString uri;                                  // Rtsp, Srt, Hls, Http, File (path or file://)
    RtspTransport transport = RtspTransport::Tcp; // Rtsp only
    SrtMode srtMode = SrtMode::Caller;            // Srt only
    QString sdp;                                  // RtpUdp: SDP text
    QString device;                               // V4l2: /dev/videoN
    QString pipeline;                             // Pipeline: a gst-launch fragment
    QString pattern = QStringLiteral("smpte");    // TestPattern: videotestsrc pattern nick
    QSize size{1280, 720};                        // TestPattern
    int fps = 30;                                 // TestPattern
    int latencyMs = 200;                          // jitter buffer (RTSP/RTP) or SRT latency
    bool loop = true;                             // File
    // A "video conference" source: any of the above plus who is on it.
    QString site;
    QString participant;

    bool isConference() const { return !site.isEmpty() || !participant.isEmpty(); }
    // "Province of Kandal — Governor", or the name when not a conference.
    QString label() const;

    QJsonObject toJson() const;
    friend bool operator==(const VideoSource &, const VideoSource &) = default;
};

struct SourceError {
    QString field;   // "uri", "sources[2].kind", …
    QString message; // for people, says what is wrong and what is expected
    QString text() const {
        return field.isEmpty() ? message : field + QStringLiteral(": ") + message;
    }
};

// Checks every field; the first fault is returned (field named).
std::optional<SourceError> validateSource(const VideoSource &source);

// Checks a stream URL for a kind: scheme, host, port. Used by validation and ad hoc bindings.
std::optional<QString> checkUrl(SourceKind kind, const QString &uri);

// One object → source. Unknown fields, wrong types and bad values are errors (field named).
struct SourceParse {
    std::optional<VideoSource> source;
    std::optional<SourceError> error;
};
SourceParse sourceFromJson(const QJsonObject &object, const QString &fieldPrefix = {});

// An import document: {"schemaVersion": 1, "sources": [ … ]}. All-or-nothing: any error rejects
// the document, and every error found is listed.
struct SourceImport {
    QList<VideoSource> sources;
    QList<SourceError> errors;
    bool ok() const { return errors.isEmpty(); }
};
SourceImport importSources(const QByteArray &json);
inline constexpr int kSourcesSchemaVersion = 1;

// A tile binding: {"source": "cam-1"} or {"uri": "rtsp://…"}; optional "label".
// Resolves an ad hoc URI into a source (kind from the scheme); key() names the shared stream.
struct BindingRef {
    QString sourceId; // set for {"source": …}
    std::optional<VideoSource> adhoc;
    QString error; // set when the binding itself is malformed
    QString key() const;
};
BindingRef parseBinding(const QVariant &binding);

} // namespace opswall::video
