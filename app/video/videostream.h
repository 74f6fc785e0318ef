#pragma once
// One supervised stream: the state machine of streampolicy.h driven by real timers, a fresh
// PipelineInstance per attempt, the frame watchdog, the newest frame for the tiles, statistics
// and audio settings. Lives on the GUI thread; shared by every tile that shows the source
// (VideoHub counts the references).

#include "pipeline.h"
#include "streampolicy.h"
#include "videosource.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QSize>
#include <QTemporaryFile>
#include <QTimer>

#include <climits>
#include <memory>

namespace opswall::video {

class VideoStream : public QObject {
    Q_OBJECT
    Q_PROPERTY(QString key READ key CONSTANT)
    Q_PROPERTY(QString label READ label NOTIFY sourceChanged)
    Q_PROPERTY(QString conferenceLabel READ conferenceLabel NOTIFY sourceChanged)
    Q_PROPERTY(State state READ state NOTIFY stateChanged)
    Q_PROPERTY(QString stateName READ stateName NOTIFY stateChanged)
    Q_PROPERTY(QString lastError READ lastError NOTIFY stateChanged)
    Q_PROPERTY(int retryInSeconds READ retryInSeconds NOTIFY retryInSecondsChanged)
    Q_PROPERTY(bool stale READ stale NOTIFY stateChanged)
    Q_PROPERTY(bool hasFrame READ hasFrame NOTIFY hasFrameChanged)
    Q_PROPERTY(double fps READ fps NOTIFY statsChanged)
    Q_PROPERTY(int droppedFrames READ droppedFrames NOTIFY statsChanged)
    Q_PROPERTY(double bitrateKbps READ bitrateKbps NOTIFY statsChanged)
    Q_PROPERTY(QSize resolution READ resolution NOTIFY statsChanged)
    Q_PROPERTY(QSize outputSize READ outputSize NOTIFY statsChanged)
    Q_PROPERTY(QString codec READ codec NOTIFY statsChanged)
    Q_PROPERTY(QString decoder READ decoder NOTIFY statsChanged)
    Q_PROPERTY(int latencyMs READ latencyMs NOTIFY statsChanged)
    Q_PROPERTY(int timeToFirstFrameMs READ timeToFirstFrameMs NOTIFY statsChanged)
    Q_PROPERTY(int reconnects READ reconnects NOTIFY statsChanged)
    Q_PROPERTY(bool muted READ muted NOTIFY audioChanged)
    Q_PROPERTY(double volume READ volume NOTIFY audioChanged)

public:
    enum class State {
        Invalid = int(StreamState::Invalid),
        Idle = int(StreamState::Idle),
        Connecting = int(StreamState::Connecting),
        Playing = int(StreamState::Playing),
        Stalled = int(StreamState::Stalled),
        Reconnecting = int(StreamState::Reconnecting),
        Failed = int(StreamState::Failed),
    };
    Q_ENUM(State)
    // How a viewer scales the picture: the stream scales in GStreamer to the largest need.
    enum class ScaleNeed { Invalid = 0, Contain, Cover };
    // What a viewer draws: Texture, the frame's RGB32 image (converted on the streaming thread
    // while any viewer draws textures); Picture, the I420 picture, which it converts itself
    // (VideoItem: into the window on the software scene graph, by the YUV shader on OpenGL;
    // videonode.h).
    enum class Drawing { Invalid = 0, Texture, Picture };

    // A stream whose configuration is already known to be wrong (configError) goes straight
    // to Failed with that message when started.
    // displayPath OpenGl: show the stream through qml6glsink in the GstGLQt6VideoItems given
    // with addGlItem (one branch of the one pipeline per item) instead of the appsink frames.
    enum class Display { Invalid = 0, AppSink, GlItems };
    VideoStream(QString key, std::optional<VideoSource> source, QString configError,
                StreamPolicy policy, PipelineReaper &reaper, QObject *parent = nullptr,
                Display display = Display::AppSink);
    ~VideoStream() override;

    QString key() const { return m_key; }
    QString label() const { return m_source ? m_source->label() : m_key; }
    // Site and participant of a video-conference source; empty otherwise.
    QString conferenceLabel() const {
        return m_source && m_source->isConference() ? m_source->label() : QString();
    }
    State state() const { return State(int(m_sup.state)); }
    QString stateName() const { return QString::fromLatin1(streamStateName(m_sup.state)); }
    QString lastError() const { return m_lastError; }
    int retryInSeconds() const { return m_retryInSeconds; }
    bool stale() const { return m_hasFrame && m_sup.state != StreamState::Playing; }
    bool hasFrame() const { return m_hasFrame; }
    // The newest frame. Its image is null on the OpenGL path, and where the frame has an I420
    // picture and no viewer draws textures: picture() converts it then.
    const Frame &frame() const { return m_frame; }
    // The newest frame as an RGB32 image: frame().image, else its I420 picture converted (once
    // per frame, on this thread).
    QImage picture();
    // OpenGL path: a small recent frame (≤ 640 px, about one a second) that the items draw,
    // dimmed, while the stream is not playing; null image before the first one and elsewhere.
    const Frame &snapshot() const { return m_snapshot; }
    bool usesGlItem() const { return m_usesGlItem; }
    // OpenGL path: an item (that has reported itemInitialized) joins or leaves. A running
    // pipeline gains or loses that item's branch on the spot, without a rebuild, so the other
    // items keep playing and a preset recall (a tile per display at once) costs no restarts.
    // Where a branch cannot be added, the stream reconnects: the fresh pipeline takes every item.
    void addGlItem(QObject *glItem);
    void removeGlItem(QObject *glItem);
    int glItemCount() const { return int(m_glItems.size()); }
    int pipelinesBuilt() const { return m_pipelinesBuilt; } // first attempt and every reconnect
    double fps() const { return m_fps; }
    int droppedFrames() const { return int(std::min<qint64>(m_dropped, INT_MAX)); }
    double bitrateKbps() const { return m_bitrateKbps; }
    QSize resolution() const { return m_resolution; }
    QSize outputSize() const { return m_outputSize; }
    QString codec() const { return m_codec; }
    QString decoder() const { return m_decoder; }
    int latencyMs() const { return m_latencyMs; }
    int timeToFirstFrameMs() const { return m_timeToFirstFrameMs; }
    int reconnects() const { return m_reconnects; }
    bool muted() const { return m_muted; }
    double volume() const { return m_volume; }
    const StreamPolicy &policy() const { return m_policy; }

    void start();
    void stop();
    // A stream made for a source that did not exist yet (VideoHub: "Unknown video source"), told
    // that it exists now: it takes the source, as if made with it, and starts. The tiles keep the
    // same stream object, so they need not ask again. Ignored where the stream has a source.
    void openSource(const VideoSource &source);
    Q_INVOKABLE void restart(); // operator's "try again" on a Failed tile
    void setAudio(bool muted, double volume);
    // A wall of several processes (netclock.h): pipelines built from now on run on the shared
    // clock (files and HLS on the wall's timeline, filetimeline.h); syncSample() says when the
    // GUI thread took the newest frames, on that clock.
    void setSharedClock(std::shared_ptr<const SharedClock> clock);
    std::optional<SyncSample> syncSample() const { return m_syncTrail.sample(); }
    // A file or HLS on demand on the wall's timeline: when (shared clock) its first frame is due
    // (the controller's stamp, app/nodes/README.md); -1: none, placed from the timeline's epoch.
    // A different start for a stream that plays builds its pipeline again (from the new start).
    void setTimelineStart(qint64 startNs);
    qint64 timelineStart() const { return m_timelineStartNs; }
    // Frames shown offsetNs later than the shared clock says (a render node's skew trim, and
    // its test delay); applied to the running pipeline at once and to every later one.
    void setDisplayOffset(qint64 offsetNs);
    // Live HLS (livehlssync.h): the controller's anchor for the stream, applied to the running
    // pipeline at once (a jump of the picture once) and to every later one; nullopt: none.
    void setLiveAnchor(std::optional<LiveAnchor> anchor);
    std::optional<LiveAnchor> liveAnchor() const { return m_liveAnchor; }
    // Whether the display offset applies: a synchronised stream (through the appsink or the
    // OpenGL display path's sinks).
    bool offsetApplies() const { return m_clock != nullptr; }
    // Whether a live anchor applies: a synchronised stream, through the appsink or the OpenGL
    // display path's sinks (each frame placed by its MPEG-TS PTS before they wait).
    bool anchorApplies() const { return m_clock != nullptr; }

    // Viewers (tiles) say how big they draw the stream, in device pixels.
    void setViewRequest(const void *viewer, QSize pixels, ScaleNeed need,
                        Drawing drawing = Drawing::Texture);
    void removeViewer(const void *viewer);
    // Pure: the size to scale to, empty for "no scaling".
    static QSize scaledSize(QSize source, const QList<QPair<QSize, ScaleNeed>> &views);

Q_SIGNALS:
    void stateChanged();
    void retryInSecondsChanged();
    void hasFrameChanged();
    void statsChanged();
    void audioChanged();
    void frameChanged();  // a new frame is in frame()
    void sourceChanged(); // openSource(): label and conferenceLabel

private:
    void handle(StreamEvent event, const QString &reason = {});
    void plan(); // m_plan, or m_configError, from m_source
    void build();
    void tearDown();
    void takeSnapshot();
    void logFirstFrame(const Frame &frame); // a clip on the wall's timeline: where it began
    void onFrameWake(quint64 generation);
    void onBus(quint64 generation, const BusEvent &event);
    void onTick();
    void updateStats();
    void applyOutputSize();
    void applyDrawing(); // RGB32 on the streaming thread while any viewer draws textures
    void setRetryIn(int seconds);

    QString m_key;
    std::optional<VideoSource> m_source;
    std::optional<PipelinePlan> m_plan;
    QString m_configError;
    StreamPolicy m_policy;
    PipelineReaper &m_reaper;
    SupervisorState m_sup;
    quint64 m_generation = 0;
    std::shared_ptr<StreamLink> m_link;
    std::unique_ptr<PipelineInstance> m_instance;
    std::unique_ptr<QTemporaryFile> m_sdpFile;
    QList<QPointer<QObject>> m_glItems; // OpenGL path: the items drawing this stream
    bool m_usesGlItem = false;
    int m_pipelinesBuilt = 0;
    QTimer m_retryTimer;
    QTimer m_tick; // watchdog, connect timeout, retry countdown: every 100 ms
    qint64 m_attemptStartUs = 0;
    qint64 m_retryDeadlineUs = 0;
    qint64 m_playStartUs = 0;
    QString m_lastError;
    QString m_missingCodec;
    bool m_hostUnknown = false;
    int m_retryInSeconds = 0;
    Frame m_frame;
    Frame m_snapshot; // OpenGL path
    quint64 m_frameSerial = 0;
    bool m_hasFrame = false;
    // stats
    qint64 m_statsAtUs = 0;
    quint64 m_framesAtTick = 0;
    quint64 m_bytesAtTick = 0;
    qint64 m_droppedBefore = 0; // from earlier pipelines of this stream
    double m_fps = 0;
    qint64 m_dropped = 0;
    double m_bitrateKbps = 0;
    QSize m_resolution;
    QSize m_outputSize;
    QString m_codec;
    QString m_decoder;
    int m_latencyMs = -1;
    int m_timeToFirstFrameMs = -1;
    int m_reconnects = 0;
    bool m_muted = true;
    double m_volume = 1.0;
    QHash<const void *, QPair<QSize, ScaleNeed>> m_views;
    QHash<const void *, Drawing> m_drawing;
    QImage m_picture; // picture(): the newest frame's I420 converted
    quint64 m_pictureSequence = 0;
    std::shared_ptr<const SharedClock> m_clock;
    SyncTrail m_syncTrail;
    qint64 m_timelineStartNs = -1;
    qint64 m_displayOffsetNs = 0;
    std::optional<LiveAnchor> m_liveAnchor;
    bool m_firstFrameLogged = false; // of this pipeline, on the wall's timeline
};

} // namespace opswall::video
