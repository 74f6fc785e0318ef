#pragma once
// The video layer's front door: sources (from SQLite when a database is given), one shared
// VideoStream per source however many tiles show it (reference counted, with a short linger so a
// preset switch does not reconnect), the single audible source, and clean shutdown.
//
// main() builds it and hands it to QML:
//   opswall::video::VideoHub hub(&database);            // before the engine: outlives it
//   opswall::provide(&engine, &hub);                     // QML: `import OpsWall.Video`, VideoHub
//   … app.exec(); hub.shutdown();                        // every pipeline to NULL, bounded

#include "gstsupport.h"
#include "pipeline.h"
#include "sourcestore.h"
#include "streampolicy.h"
#include "videostream.h"

#include <QHash>
#include <QJsonArray>
#include <QObject>
#include <QPointer>
#include <QQmlEngine>
#include <QVariant>

#include <memory>

namespace opswall::store {
class Database;
}

namespace opswall::video {

class VideoHub : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    Q_PROPERTY(QVariantList sources READ sourcesForQml NOTIFY sourcesChanged)
    Q_PROPERTY(QString audibleKey READ audibleKey NOTIFY audioChanged)
    Q_PROPERTY(double volume READ volume WRITE setVolume NOTIFY audioChanged)
    Q_PROPERTY(bool available READ available CONSTANT)
    Q_PROPERTY(QString startupMessage READ startupMessage CONSTANT)
    Q_PROPERTY(int activeStreams READ activeStreams NOTIFY streamsChanged)

public:
    // db may be null: sources then live in memory only (tests, demos).
    explicit VideoHub(store::Database *db, StreamPolicy policy = {}, QObject *parent = nullptr);
    ~VideoHub() override;
    static VideoHub *create(QQmlEngine *engine, QJSEngine *);

    bool available() const { return m_plugins.ok() && m_gstError.isEmpty(); }
    QString startupMessage() const;
    const StreamPolicy &policy() const { return m_policy; }

    // Sources
    QList<VideoSource> sources() const { return m_sources; }
    // Validates (videosource.h) and, for a custom pipeline, checks its parsed elements against
    // the allow-list (pipelinepolicy.h); who may save one is the dispatcher's business.
    std::optional<SourceError> upsertSource(const VideoSource &source);
    std::optional<SourceError> checkCustomElements(const VideoSource &source) const;
    bool removeSource(const QString &id);
    QList<SourceError> importSources(const QByteArray &json);
    QVariantList sourcesForQml() const;

    // Streams: a binding is {"source": id} or {"uri": url}. Always returns a stream; a bad
    // binding gives one that is Failed with the reason, so the tile can say it. A source id the
    // hub does not know (yet: a save is shown once its row commits, on the store thread) gives
    // the source's own stream, Failed with "Unknown video source"; the hub opens it when the
    // source appears (VideoStream::openSource), so its tiles play without asking again.
    // With glItem (a GstGLQt6VideoItem that has reported itemInitialized, see
    // VideoItem::DisplayPath) the stream is the source's OpenGL stream ("gl:<key>"), shared by
    // every OpenGL item that shows the source: one pipeline, one branch per item. It is dropped
    // without linger (its sinks draw into items that are going). release() with the same glItem.
    VideoStream *acquire(const QVariant &binding, QObject *glItem = nullptr);
    void release(VideoStream *stream, QObject *glItem = nullptr);
    int activeStreams() const { return int(m_streams.size()); }
    // Every open stream for health and metrics: [{id, label, state, fps, droppedFrames,
    // reconnects, bitrateKbps, codec, decoder, width, height, latencyMs, lastError, tiles}]
    // (state in words: "Playing", "Reconnecting", ...).
    QJsonArray streamStates() const;

    // Audio: muted by default; at most one stream audible.
    QString audibleKey() const { return m_audibleKey; }
    Q_INVOKABLE void setAudible(const QString &key); // empty: mute all
    // The open stream that shows a source (texture path first, then the OpenGL path); empty
    // when no tile shows it.
    QString streamKeyOfSource(const QString &sourceId) const;
    double volume() const { return m_volume; }
    void setVolume(double volume);

    // A wall of several processes (netclock.h): every stream runs on this clock from now on
    // (open streams are built again; files and HLS on the wall's timeline, filetimeline.h).
    // Null: each pipeline's own clock, as a single box.
    void setSharedClock(std::shared_ptr<const SharedClock> clock);
    const std::shared_ptr<const SharedClock> &sharedClock() const { return m_clock; }
    // The synchronised streams' newest frames: [{"stream", "rtpTime", "clockRate", "shownNs",
    // "trail"[, "loopTicks"]}] (stream: the binding's key, the source id for {"source": id};
    // a file's rtpTime is its position, loopTicks its length, both in clockRate ticks).
    // With "trimNs" (the trim it applies, setStreamTrims) where the stream can be trimmed.
    QJsonArray syncSamples() const;
    // Render nodes (app/nodes/README.md): when (shared clock) each source's clip begins, as the
    // controller stamped the streams a layout brought on screen (source id -> ns). Files and HLS
    // on demand shown through {"source": id} start there, on the texture path and the OpenGL
    // display path alike (a changed start builds a playing stream again); other streams, and
    // sources not named, are not affected.
    void setStreamStarts(const QHash<QString, qint64> &startsNs);
    // Live HLS in step (livehlssync.h): source id -> the controller's anchor (both paths).
    void setLiveAnchors(const QHash<QString, LiveAnchor> &anchors);
    // The controller's skew trims for this node (stream key -> ns, shown that much later;
    // negative: earlier), applied at once to the synchronised streams through the appsink.
    void setStreamTrims(const QHash<QString, qint64> &trimsNs);
    // Test-only failure injection (opswall --test-video-delay-ms, tests/nodes/tst_nodes_skew):
    // every synchronised stream shown delayNs later on top of its trim, as on a node that a
    // sender consistently reaches later. Never reported as a trim.
    void setTestDelay(qint64 delayNs);

    // Every pipeline to NULL, bounded by the policy's shutdownTimeoutMs. Returns false on timeout.
    bool shutdown();

Q_SIGNALS:
    void sourcesChanged();
    void audioChanged();
    void streamsChanged();

private:
    struct Entry {
        VideoStream *stream = nullptr; // owned (child of the hub)
        int refs = 0;
        quint64 lingerToken = 0;
        QString waitingFor; // the unknown source id this stream opens with once it is saved
    };
    void applyAudio();
    void openWaitingStreams();                                       // after m_sources changed
    void applyTiming(const QString &key, VideoStream *stream) const; // start, trim, test delay
    // The source a stream key names: "gl:<id>" (the OpenGL path's stream) and "<id>" name <id>.
    void applyTimingToAll() const; // applyTiming for every stream, after one of them changed

    StreamPolicy m_policy;
    QString m_gstError;
    PluginCheck m_plugins;
    std::unique_ptr<SourceStore> m_store;
    QList<VideoSource> m_sources;
    std::unique_ptr<PipelineReaper> m_reaper;
    QHash<QString, Entry> m_streams;
    quint64 m_lingerCounter = 0;
    QString m_audibleKey;
    double m_volume = 1.0;
    bool m_shutDown = false;
    std::shared_ptr<const SharedClock> m_clock;
    QHash<QString, qint64> m_startsNs;    // source id -> its clip's start (setStreamStarts)
    QHash<QString, LiveAnchor> m_anchors; // source id -> live HLS anchor (setLiveAnchors)
    QHash<QString, qint64> m_trimsNs;     // stream key -> its trim (setStreamTrims)
    qint64 m_testDelayNs = 0;
};

} // namespace opswall::video
