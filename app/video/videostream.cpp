#include "videostream.h"

#include "gstsupport.h"

#include <QDir>
#include <QFileInfo>
#include <QHostAddress>
#include <QHostInfo>
#include <QUrl>

#include <glib.h>

#include <algorithm>
#include <cmath>

namespace opswall::video {

namespace {
constexpr int kTickMs = 100; // watchdog resolution: a stall is seen within stallTimeoutMs + 100 ms
qint64 nowUs() {
    return g_get_monotonic_time();
}
} // namespace

VideoStream::VideoStream(QString key, std::optional<VideoSource> source, QString configError,
                         StreamPolicy policy, PipelineReaper &reaper, QObject *parent,
                         Display display)
    : QObject(parent)
    , m_key(std::move(key))
    , m_source(std::move(source))
    , m_configError(std::move(configError))
    , m_policy(policy)
    , m_reaper(reaper)
    , m_usesGlItem(display == Display::GlItems) {
    plan();
    m_retryTimer.setSingleShot(true);
    connect(&m_retryTimer, &QTimer::timeout, this, [this] { handle(StreamEvent::RetryTimer); });
    m_tick.setInterval(kTickMs);
    connect(&m_tick, &QTimer::timeout, this, &VideoStream::onTick);
}

VideoStream::~VideoStream() {
    tearDown();
}

void VideoStream::plan() {
    if (m_source && m_configError.isEmpty()) {
        PlanResult planned = buildPlan(*m_source);
        if (planned.plan)
            m_plan = planned.plan;
        else
            m_configError = planned.error;
    } else if (m_configError.isEmpty()) {
        m_configError = tr("No source configured");
    }
}

void VideoStream::openSource(const VideoSource &source) {
    if (m_source)
        return;
    m_source = source;
    m_configError.clear();
    plan();
    m_lastError.clear();
    m_sup = {StreamState::Idle, 0};
    Q_EMIT sourceChanged();
    Q_EMIT stateChanged();
    start();
}

void VideoStream::start() {
    if (!m_configError.isEmpty()) {
        // Nothing to retry: say what is wrong and stay there.
        m_lastError = m_configError;
        m_sup = {StreamState::Failed, 0};
        Q_EMIT stateChanged();
        return;
    }
    handle(StreamEvent::Start);
}

void VideoStream::stop() {
    handle(StreamEvent::Stop);
}

void VideoStream::restart() {
    if (m_sup.state == StreamState::Failed || m_sup.state == StreamState::Idle) {
        start();
        return;
    }
    handle(StreamEvent::Error, tr("Restarted by the operator"));
}

void VideoStream::handle(StreamEvent event, const QString &reason) {
    const Decision d = decide(m_policy, event, m_sup);
    const bool changed = !(d.next == m_sup);
    const StreamState before = m_sup.state;
    m_sup = d.next;
    if (!reason.isEmpty())
        m_lastError = reason;
    if (m_sup.state == StreamState::Playing && before != StreamState::Playing)
        m_lastError.clear();
    switch (d.action) {
    case StreamAction::Build:
        m_retryTimer.stop();
        setRetryIn(0);
        build();
        break;
    case StreamAction::TearDownAndRetry:
        tearDown();
        m_retryTimer.start(d.delayMs);
        m_retryDeadlineUs = nowUs() + qint64(d.delayMs) * 1000;
        setRetryIn(int(std::ceil(d.delayMs / 1000.0)));
        m_tick.start();
        break;
    case StreamAction::TearDown:
        m_retryTimer.stop();
        setRetryIn(0);
        tearDown();
        m_tick.stop();
        break;
    case StreamAction::None:
    case StreamAction::Invalid:
        break;
    }
    if (changed)
        Q_EMIT stateChanged();
}

void VideoStream::setSharedClock(std::shared_ptr<const SharedClock> clock) {
    m_clock = std::move(clock);
}

void VideoStream::setTimelineStart(qint64 startNs) {
    if (startNs == m_timelineStartNs)
        return;
    m_timelineStartNs = startNs;
    // Only a file or HLS on the wall's timeline is placed by it: a new place, a new pipeline.
    const bool placed =
        m_source && (m_source->kind == SourceKind::File || m_source->kind == SourceKind::Hls);
    if (placed && m_instance && m_clock && m_sup.state != StreamState::Idle &&
        m_sup.state != StreamState::Failed) {
        stop();
        start();
    }
}

void VideoStream::setDisplayOffset(qint64 offsetNs) {
    // The OpenGL path's trail is of its snapshots, about one a second: 30 of them would report
    // the old offset's frames for half a minute, where the controller reads the new trim's
    // skew 1.5 s after it (app/nodes/README.md, "Skew correction"). Start it again.
    if (offsetNs != m_displayOffsetNs && m_usesGlItem)
        m_syncTrail.clear();
    m_displayOffsetNs = offsetNs;
    if (m_instance && offsetApplies())
        m_instance->setDisplayOffset(offsetNs);
}

void VideoStream::setLiveAnchor(std::optional<LiveAnchor> anchor) {
    if (anchor == m_liveAnchor)
        return;
    m_liveAnchor = anchor;
    if (m_usesGlItem)
        m_syncTrail.clear(); // a jump of the picture: as for a new trim, above
    if (m_instance && anchorApplies())
        m_instance->setLiveAnchor(anchor);
}

void VideoStream::build() {
    tearDown();
    if (!m_plan) {
        handle(StreamEvent::FatalError, m_configError);
        return;
    }
    PipelinePlan plan = *m_plan;
    if (plan.front.contains(QLatin1String("%SDP_PATH%"))) {
        if (!m_sdpFile) {
            m_sdpFile = std::make_unique<QTemporaryFile>(QDir::tempPath() +
                                                         QStringLiteral("/opswall-XXXXXX.sdp"));
            if (!m_sdpFile->open() || m_sdpFile->write(plan.sdpText.toUtf8()) < 0) {
                handle(StreamEvent::FatalError, tr("Cannot write the SDP file"));
                return;
            }
            m_sdpFile->flush();
        }
        plan.front.replace(QLatin1String("%SDP_PATH%"), gstQuote(m_sdpFile->fileName()));
    }
    const quint64 generation = ++m_generation;
    m_link = std::make_shared<StreamLink>(
        this, [this, generation] { onFrameWake(generation); },
        [this, generation](const BusEvent &e) { onBus(generation, e); });
    QList<QObject *> glItems;
    if (m_usesGlItem) {
        m_glItems.removeAll(nullptr);
        for (const QPointer<QObject> &item : std::as_const(m_glItems))
            glItems.append(item.data());
        if (glItems.isEmpty()) {
            handle(StreamEvent::FatalError, tr("The OpenGL video item is gone"));
            return;
        }
    }
    QString error;
    ++m_pipelinesBuilt;
    m_instance = PipelineInstance::create(plan, m_link, glItems, &error);
    if (!m_instance) {
        handle(StreamEvent::FatalError, error);
        return;
    }
    m_instance->setAudio(m_muted, m_volume);
    applyDrawing();
    m_instance->useSharedClock(m_clock, m_timelineStartNs);
    if (offsetApplies() && m_displayOffsetNs != 0)
        m_instance->setDisplayOffset(m_displayOffsetNs);
    if (anchorApplies() && m_liveAnchor)
        m_instance->setLiveAnchor(m_liveAnchor);
    m_syncTrail.clear();
    m_firstFrameLogged = false;
    m_outputSize = {};
    m_attemptStartUs = nowUs();
    m_statsAtUs = m_attemptStartUs;
    m_framesAtTick = 0;
    m_bytesAtTick = 0;
    m_missingCodec.clear();
    m_tick.start();
    if (!m_instance->start(&error)) {
        // Classify what the refusing element said rather than the bare state-change failure.
        if (std::optional<BusEvent> said = m_instance->firstError())
            onBus(generation, *said);
        else
            handle(StreamEvent::Error, error);
    }
}

void VideoStream::tearDown() {
    takeSnapshot(); // the newest one may not have met a frame wake-up yet
    if (m_link)
        m_link->detach();
    m_link.reset();
    if (m_instance) {
        m_droppedBefore +=
            qint64(m_instance->counters().overwritten + m_instance->counters().corrupt);
        m_reaper.dispose(std::move(m_instance));
    }
}

void VideoStream::onFrameWake(quint64 generation) {
    if (generation != m_generation || !m_link)
        return;
    std::optional<Frame> frame = m_link->takeFrame();
    if (!frame)
        return;
    m_frame = std::move(*frame);
    m_frame.sequence = ++m_frameSerial; // unique across pipelines of this stream
    if (m_clock && m_frame.rtpClockRate > 0) {
        m_frame.shownNs = m_clock->nowNs();
        m_syncTrail.add(m_frame.rtpTime, m_frame.rtpClockRate, m_frame.shownNs, m_frame.loopTicks);
        logFirstFrame(m_frame);
    }
    takeSnapshot();
    if (!m_hasFrame) {
        m_hasFrame = true;
        Q_EMIT hasFrameChanged();
    }
    if (m_sup.state != StreamState::Playing) {
        const bool first = m_timeToFirstFrameMs < 0;
        if (first)
            m_timeToFirstFrameMs = int((nowUs() - m_attemptStartUs) / 1000);
        if (m_sup.state == StreamState::Reconnecting || m_sup.state == StreamState::Stalled)
            ++m_reconnects;
        m_playStartUs = nowUs();
        handle(StreamEvent::FirstFrame);
        updateStats();
        applyOutputSize();
    }
    Q_EMIT frameChanged();
}

void VideoStream::takeSnapshot() {
    if (!m_link || !m_usesGlItem)
        return;
    if (std::optional<Frame> snapshot = m_link->takeSnapshot()) {
        m_snapshot = std::move(*snapshot);
        m_snapshot.sequence = ++m_frameSerial;
        // The OpenGL path's skew figures: when its sinks were given this frame (shared clock).
        if (m_clock && m_snapshot.rtpClockRate > 0 && m_snapshot.shownNs >= 0) {
            m_syncTrail.add(m_snapshot.rtpTime, m_snapshot.rtpClockRate, m_snapshot.shownNs,
                            m_snapshot.loopTicks);
            // The snapshot branch lets the first frame of a pipeline through (then about one a
            // second), released when the items' sinks were given it.
            logFirstFrame(m_snapshot);
        }
    }
}

void VideoStream::logFirstFrame(const Frame &frame) {
    if (frame.loopTicks == 0 || std::exchange(m_firstFrameLogged, true))
        return;
    // Where a clip on the wall's timeline begins (tests/nodes/tst_nodes_skew reads it). The
    // OpenGL path's first snapshot may be a second into the clip (its branch passes about one
    // frame a second; tests/nodes/tst_nodes_gl reads it).
    qInfo("video[%s]: first %s on the wall's timeline: position %.3f s of the clip, "
          "shown at %lld ns (shared clock; the stream's start %lld ns, offset %.1f ms)",
          qPrintable(m_key), m_usesGlItem ? "snapshot" : "frame",
          double(frame.rtpTime) / frame.rtpClockRate, qlonglong(frame.shownNs),
          qlonglong(m_timelineStartNs), double(m_displayOffsetNs) / 1e6);
}

void VideoStream::onBus(quint64 generation, const BusEvent &event) {
    if (generation != m_generation || !m_instance)
        return;
    const QString host = m_source ? QUrl(m_source->uri).host() : QString();
    switch (event.kind) {
    case BusEvent::Kind::Error: {
        if (!m_missingCodec.isEmpty()) {
            handle(StreamEvent::FatalError,
                   tr("Unsupported codec: %1 (no decoder installed)").arg(m_missingCodec));
            return;
        }
        ErrorClass c = classifyError(event.domain, event.code, event.message, event.debug, host);
        // rtspsrc says only "Failed to connect. (Generic error)" for a name that does not
        // resolve: look the name up (asynchronously) and say so when it is unknown.
        if (!c.fatal && !host.isEmpty() && QHostAddress(host).isNull()) {
            if (m_hostUnknown)
                c.text = tr("Unknown host '%1'").arg(host);
            QHostInfo::lookupHost(host, this, [this, host](const QHostInfo &info) {
                m_hostUnknown = info.error() != QHostInfo::NoError;
                if (m_hostUnknown && (m_sup.state == StreamState::Reconnecting ||
                                      m_sup.state == StreamState::Connecting)) {
                    m_lastError = tr("Unknown host '%1'").arg(host);
                    Q_EMIT stateChanged();
                }
            });
        }
        if (m_source && m_source->kind == SourceKind::V4l2 && event.domain == GST_RESOURCE_ERROR) {
            // v4l2src says "Cannot identify device '…'." for a path that is not there. Not fatal:
            // a USB capture device may be plugged in later, so the bounded backoff keeps trying.
            c.text = QFileInfo::exists(m_source->device)
                         ? tr("Capture device '%1' cannot be used: %2")
                               .arg(m_source->device, event.message)
                         : tr("Capture device '%1' is not present").arg(m_source->device);
        }
        qInfo("video[%s]: %s (%s)", qUtf8Printable(m_key), qUtf8Printable(c.text),
              qUtf8Printable(event.debug.left(300)));
        handle(c.fatal ? StreamEvent::FatalError : StreamEvent::Error, c.text);
        return;
    }
    case BusEvent::Kind::Eos:
        if (m_plan && m_plan->loop) {
            m_instance->seekToStart();
            return;
        }
        handle(StreamEvent::Error, tr("The stream ended"));
        return;
    case BusEvent::Kind::SegmentDone:
        // A file on the wall's timeline reached its end (filetimeline.h): no EOS comes.
        if (m_plan && m_plan->loop) {
            m_instance->loopOnTimeline();
            return;
        }
        handle(StreamEvent::Error, tr("The stream ended"));
        return;
    case BusEvent::Kind::MissingPlugin:
        m_missingCodec = codecName(event.detail);
        return;
    case BusEvent::Kind::Latency:
        m_instance->recalculateLatency();
        return;
    case BusEvent::Kind::AsyncDone:
        if (const std::optional<QString> why = m_instance->prerolled())
            qInfo("video[%s]: not on the wall's timeline (%s): played from now, not in step "
                  "with other processes",
                  qUtf8Printable(m_key), qUtf8Printable(*why));
        return;
    case BusEvent::Kind::Warning:
        qInfo("video[%s]: warning: %s", qUtf8Printable(m_key), qUtf8Printable(event.message));
        return;
    case BusEvent::Kind::Invalid:
        return;
    }
}

void VideoStream::onTick() {
    const qint64 now = nowUs();
    if (m_retryTimer.isActive()) {
        setRetryIn(int(std::ceil((m_retryDeadlineUs - now) / 1e6)));
        return;
    }
    if (!m_instance)
        return;
    if (m_sup.state == StreamState::Playing) {
        const qint64 last = m_instance->counters().lastFrameUs.load();
        if (now - last > qint64(m_policy.stallTimeoutMs) * 1000) {
            handle(StreamEvent::WatchdogTimeout,
                   tr("No video for %1 s").arg(m_policy.stallTimeoutMs / 1000.0, 0, 'f', 1));
            return;
        }
    } else if (m_sup.state == StreamState::Connecting || m_sup.state == StreamState::Reconnecting) {
        if (now - m_attemptStartUs > qint64(m_policy.connectTimeoutMs) * 1000) {
            handle(StreamEvent::ConnectTimeout,
                   tr("No video within %1 s").arg(m_policy.connectTimeoutMs / 1000));
            return;
        }
    }
    if (now - m_statsAtUs >= 1000000)
        updateStats();
}

void VideoStream::updateStats() {
    if (!m_instance)
        return;
    PipelineCounters &c = m_instance->counters();
    const qint64 now = nowUs();
    const double seconds = std::max(1e-3, (now - m_statsAtUs) / 1e6);
    const quint64 frames = c.frames.load();
    const quint64 bytes = c.encodedBytes.load();
    m_fps = (frames - m_framesAtTick) / seconds;
    m_bitrateKbps = (bytes - m_bytesAtTick) * 8.0 / 1000.0 / seconds;
    m_framesAtTick = frames;
    m_bytesAtTick = bytes;
    m_statsAtUs = now;
    m_dropped = m_droppedBefore + qint64(c.overwritten.load() + c.corrupt.load());
    {
        std::lock_guard lock(c.textMutex);
        m_codec = c.codec;
        m_decoder = c.decoder;
        m_resolution = c.sourceSize;
    }
    m_latencyMs = int(m_instance->latencyMs());
    applyOutputSize();
    Q_EMIT statsChanged();
}

void VideoStream::setAudio(bool muted, double volume) {
    if (muted == m_muted && qFuzzyCompare(volume, m_volume))
        return;
    m_muted = muted;
    m_volume = volume;
    if (m_instance)
        m_instance->setAudio(muted, volume);
    Q_EMIT audioChanged();
}

void VideoStream::addGlItem(QObject *glItem) {
    if (!m_usesGlItem || !glItem || m_glItems.contains(glItem))
        return;
    m_glItems.append(glItem);
    if (!m_instance)
        return; // the next attempt (first one or a retry) takes it
    QString error;
    if (!m_instance->addGlBranch(glItem, &error))
        handle(StreamEvent::Error, error);
}

void VideoStream::removeGlItem(QObject *glItem) {
    if (!m_glItems.removeAll(glItem))
        return;
    // Called before the item is deleted: the tee stops feeding a display that is going.
    if (m_instance)
        m_instance->removeGlBranch(glItem);
}

void VideoStream::setViewRequest(const void *viewer, QSize pixels, ScaleNeed need,
                                 Drawing drawing) {
    m_views.insert(viewer, {pixels, need});
    m_drawing.insert(viewer, drawing);
    applyOutputSize();
    applyDrawing();
}

void VideoStream::removeViewer(const void *viewer) {
    m_views.remove(viewer);
    m_drawing.remove(viewer);
    applyOutputSize();
    applyDrawing();
}

void VideoStream::applyDrawing() {
    if (m_instance)
        m_instance->setRgbWanted(
            std::any_of(m_drawing.cbegin(), m_drawing.cend(),
                        [](Drawing drawing) { return drawing != Drawing::Picture; }));
}

QImage VideoStream::picture() {
    if (!m_frame.image.isNull() || !m_frame.yuv)
        return m_frame.image;
    if (m_pictureSequence != m_frame.sequence || m_picture.size() != m_frame.yuv->size()) {
        if (m_picture.size() != m_frame.yuv->size() || !m_picture.isDetached())
            m_picture = QImage(m_frame.yuv->size(), QImage::Format_RGB32);
        if (!m_frame.yuv->convertTo(m_picture))
            return {};
        m_pictureSequence = m_frame.sequence;
    }
    return m_picture;
}

QSize VideoStream::scaledSize(QSize source, const QList<QPair<QSize, ScaleNeed>> &views) {
    if (source.isEmpty() || views.isEmpty())
        return {};
    double scale = 0;
    for (const auto &[size, need] : views) {
        if (size.isEmpty())
            continue;
        const double sx = double(size.width()) / source.width();
        const double sy = double(size.height()) / source.height();
        scale = std::max(scale, need == ScaleNeed::Cover ? std::max(sx, sy) : std::min(sx, sy));
    }
    // Never scale up in GStreamer (the texture does that for free), and skip near-1 scaling.
    if (scale <= 0 || scale >= 0.9)
        return {};
    const auto even = [](double v) { return std::max(16, int(std::lround(v / 2)) * 2); };
    return QSize(even(source.width() * scale), even(source.height() * scale));
}

void VideoStream::applyOutputSize() {
    if (!m_instance || m_resolution.isEmpty())
        return;
    const QSize wanted = scaledSize(m_resolution, m_views.values());
    const auto close = [](QSize a, QSize b) {
        return std::abs(a.width() - b.width()) <= 8 && std::abs(a.height() - b.height()) <= 8;
    };
    if (wanted == m_outputSize ||
        (!wanted.isEmpty() && !m_outputSize.isEmpty() && close(wanted, m_outputSize)))
        return;
    m_outputSize = wanted;
    m_instance->setOutputSize(wanted);
}

void VideoStream::setRetryIn(int seconds) {
    seconds = std::max(0, seconds);
    if (seconds == m_retryInSeconds)
        return;
    m_retryInSeconds = seconds;
    Q_EMIT retryInSecondsChanged();
}

} // namespace opswall::video
