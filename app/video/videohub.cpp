#include "videohub.h"

#include "core/engineservices.h"
#include "core/mediatime.h"
#include "pipelinepolicy.h"

#include <QJsonObject>
#include <QPointer>
#include <QTimer>

#include <algorithm>

namespace opswall::video {

VideoHub::VideoHub(store::Database *db, StreamPolicy policy, QObject *parent)
    : QObject(parent)
    , m_policy(policy)
    , m_reaper(std::make_unique<PipelineReaper>()) {
    if (initGStreamer(&m_gstError))
        m_plugins = checkPlugins();
    if (!startupMessage().isEmpty())
        qWarning("video: %s", qUtf8Printable(startupMessage()));
    if (db) {
        m_store = std::make_unique<SourceStore>(*db);
        m_sources = m_store->list();
    }
}

VideoHub::~VideoHub() {
    shutdown();
}

VideoHub *VideoHub::create(QQmlEngine *engine, QJSEngine *) {
    return opswall::lookup<VideoHub>(engine);
}

QString VideoHub::startupMessage() const {
    return m_gstError.isEmpty() ? m_plugins.message() : m_gstError;
}

std::optional<SourceError> VideoHub::upsertSource(const VideoSource &source) {
    if (auto bad = validateSource(source))
        return bad;
    if (auto bad = checkCustomElements(source))
        return bad;
    // Shown (the list the wall plays from) once its row is committed: a save the store refuses
    // changes nothing.
    const auto show = [hub = QPointer<VideoHub>(this), source] {
        if (!hub)
            return;
        bool replaced = false;
        for (VideoSource &s : hub->m_sources) {
            if (s.id == source.id) {
                s = source;
                replaced = true;
            }
        }
        if (!replaced)
            hub->m_sources.append(source);
        hub->openWaitingStreams();
        Q_EMIT hub->sourcesChanged();
    };
    if (m_store)
        return m_store->upsert(source, show);
    show();
    return std::nullopt;
}

std::optional<SourceError> VideoHub::checkCustomElements(const VideoSource &source) const {
    if (source.kind != SourceKind::Pipeline)
        return std::nullopt;
    if (!initGStreamer())
        return SourceError{QStringLiteral("pipeline"),
                           QStringLiteral("cannot be checked: GStreamer is not available")};
    if (auto why = checkCustomPipeline(source.pipeline))
        return SourceError{QStringLiteral("pipeline"), *why};
    return std::nullopt;
}

bool VideoHub::removeSource(const QString &id) {
    if (std::none_of(m_sources.cbegin(), m_sources.cend(),
                     [&](const VideoSource &s) { return s.id == id; }))
        return false;
    // Gone from the list once the row's removal is committed.
    const auto show = [hub = QPointer<VideoHub>(this), id] {
        if (!hub)
            return;
        hub->m_sources.removeIf([&](const VideoSource &s) { return s.id == id; });
        Q_EMIT hub->sourcesChanged();
    };
    if (m_store)
        m_store->remove(id, show);
    else
        show();
    return true;
}

QList<SourceError> VideoHub::importSources(const QByteArray &json) {
    const SourceImport imported = video::importSources(json);
    if (!imported.ok())
        return imported.errors;
    QList<SourceError> refused;
    for (qsizetype i = 0; i < imported.sources.size(); ++i)
        if (auto bad = checkCustomElements(imported.sources[i]))
            refused.append({QStringLiteral("sources[%1].%2").arg(i).arg(bad->field), bad->message});
    if (!refused.isEmpty())
        return refused;
    if (m_store)
        m_store->importJson(json);
    for (const VideoSource &s : imported.sources) {
        m_sources.removeIf([&](const VideoSource &old) { return old.id == s.id; });
        m_sources.append(s);
    }
    openWaitingStreams();
    Q_EMIT sourcesChanged();
    return {};
}

QJsonArray VideoHub::streamStates() const {
    QJsonArray out;
    for (auto it = m_streams.cbegin(); it != m_streams.cend(); ++it) {
        const VideoStream *s = it->stream;
        if (!s)
            continue;
        QJsonObject o{{QStringLiteral("id"), it.key()},
                      {QStringLiteral("label"), s->label()},
                      {QStringLiteral("state"), s->stateName()},
                      {QStringLiteral("fps"), s->fps()},
                      {QStringLiteral("droppedFrames"), s->droppedFrames()},
                      {QStringLiteral("reconnects"), s->reconnects()},
                      {QStringLiteral("bitrateKbps"), s->bitrateKbps()},
                      {QStringLiteral("codec"), s->codec()},
                      {QStringLiteral("decoder"), s->decoder()},
                      {QStringLiteral("width"), s->resolution().width()},
                      {QStringLiteral("height"), s->resolution().height()},
                      {QStringLiteral("latencyMs"), s->latencyMs()},
                      {QStringLiteral("tiles"), it->refs}};
        if (!s->lastError().isEmpty())
            o.insert(QStringLiteral("lastError"), s->lastError());
        out.append(o);
    }
    return out;
}

void VideoHub::setSharedClock(std::shared_ptr<const SharedClock> clock) {
    m_clock = std::move(clock);
    for (const Entry &e : std::as_const(m_streams)) {
        if (!e.stream)
            continue;
        e.stream->setSharedClock(m_clock);
        if (e.stream->state() == VideoStream::State::Idle ||
            e.stream->state() == VideoStream::State::Failed)
            continue;
        e.stream->stop(); // a pipeline's clock is chosen before it plays: a fresh one
        e.stream->start();
    }
}

QJsonArray VideoHub::syncSamples() const {
    QJsonArray out;
    for (auto it = m_streams.cbegin(); it != m_streams.cend(); ++it) {
        const std::optional<SyncSample> s = it->stream ? it->stream->syncSample() : std::nullopt;
        if (!s)
            continue;
        QJsonObject frame{{QStringLiteral("stream"), it.key()},
                          {QStringLiteral("rtpTime"), double(s->rtpTime)},
                          {QStringLiteral("clockRate"), s->clockRate},
                          {QStringLiteral("shownNs"), double(s->shownNs)},
                          {QStringLiteral("trail"), s->frames}};
        if (s->loopTicks > 0) // a file on the wall's timeline: rtpTime is its position
            frame.insert(QStringLiteral("loopTicks"), double(s->loopTicks));
        if (it->stream->offsetApplies())
            frame.insert(QStringLiteral("trimNs"), double(m_trimsNs.value(it.key())));
        out.append(frame);
    }
    return out;
}

void VideoHub::applyTiming(const QString &key, VideoStream *stream) const {
    // Starts and live anchors are the controller's per source: a {"source": id} stream is keyed
    // by the id, its OpenGL path's stream by "gl:<id>", and both take the source's. Trims are
    // per stream, by the key the nodes report (the controller measures each path apart).
    const QString source = core::sourceOfStream(key);
    stream->setTimelineStart(m_startsNs.value(source, -1));
    stream->setDisplayOffset(m_trimsNs.value(key) + m_testDelayNs);
    const auto anchor = m_anchors.constFind(source);
    stream->setLiveAnchor(anchor == m_anchors.cend() ? std::nullopt
                                                     : std::optional<LiveAnchor>(*anchor));
}

void VideoHub::applyTimingToAll() const {
    for (auto it = m_streams.cbegin(); it != m_streams.cend(); ++it)
        if (it->stream)
            applyTiming(it.key(), it->stream);
}

void VideoHub::setLiveAnchors(const QHash<QString, LiveAnchor> &anchors) {
    if (anchors == m_anchors)
        return;
    m_anchors = anchors;
    applyTimingToAll();
}

void VideoHub::setStreamStarts(const QHash<QString, qint64> &startsNs) {
    if (startsNs == m_startsNs)
        return;
    m_startsNs = startsNs;
    applyTimingToAll();
}

void VideoHub::setStreamTrims(const QHash<QString, qint64> &trimsNs) {
    if (trimsNs == m_trimsNs)
        return;
    m_trimsNs = trimsNs;
    applyTimingToAll();
}

void VideoHub::setTestDelay(qint64 delayNs) {
    m_testDelayNs = delayNs;
    applyTimingToAll();
}

QVariantList VideoHub::sourcesForQml() const {
    QVariantList out;
    for (const VideoSource &s : m_sources) {
        QVariantMap m = s.toJson().toVariantMap();
        m.insert(QStringLiteral("label"), s.label());
        out.append(m);
    }
    return out;
}

VideoStream *VideoHub::acquire(const QVariant &binding, QObject *glItem) {
    const BindingRef ref = parseBinding(binding);
    std::optional<VideoSource> source;
    QString error = ref.error;
    bool unknown = false; // a source id not (yet) in the list: the source's stream waits for it
    if (!available())
        error = startupMessage();
    if (error.isEmpty()) {
        if (ref.adhoc) {
            source = ref.adhoc;
        } else {
            for (const VideoSource &s : m_sources) {
                if (s.id == ref.sourceId)
                    source = s;
            }
            if (!source) {
                error = tr("Unknown video source '%1'").arg(ref.sourceId);
                unknown = true;
            }
        }
    }
    // Bad bindings get a private stream each (key with a counter); OpenGL viewers share one
    // stream per source apart from the texture path's (a different display tail).
    QString key = ref.key();
    if (!error.isEmpty() && !unknown)
        key = QStringLiteral("error:%1").arg(++m_lingerCounter);
    else if (glItem)
        key = QStringLiteral("gl:%1").arg(ref.key());
    const bool gl = glItem && (error.isEmpty() || unknown);
    Entry &entry = m_streams[key];
    if (!entry.stream) {
        entry.stream =
            new VideoStream(key, source, error, m_policy, *m_reaper, this,
                            gl ? VideoStream::Display::GlItems : VideoStream::Display::AppSink);
        entry.stream->setAudio(key != m_audibleKey, m_volume);
        if (unknown)
            entry.waitingFor = ref.sourceId;
        entry.stream->setSharedClock(m_clock);
        applyTiming(key, entry.stream);
        Q_EMIT streamsChanged();
    }
    if (gl)
        entry.stream->addGlItem(glItem);
    ++entry.refs;
    entry.lingerToken = 0;
    if (entry.stream->state() == VideoStream::State::Idle && !m_shutDown)
        entry.stream->start();
    return entry.stream;
}

void VideoHub::release(VideoStream *stream, QObject *glItem) {
    if (!stream)
        return;
    auto it = m_streams.find(stream->key());
    if (it == m_streams.end() || it->stream != stream || it->refs <= 0)
        return;
    if (glItem)
        stream->removeGlItem(glItem);
    if (--it->refs > 0)
        return;
    const QString key = stream->key();
    const quint64 token = ++m_lingerCounter;
    it->lingerToken = token;
    const auto drop = [this, key, token] {
        auto entry = m_streams.find(key);
        if (entry == m_streams.end() || entry->refs > 0 || entry->lingerToken != token)
            return;
        VideoStream *dead = entry->stream;
        m_streams.erase(entry);
        if (m_audibleKey == key) {
            m_audibleKey.clear();
            Q_EMIT audioChanged();
        }
        dead->stop();
        delete dead;
        Q_EMIT streamsChanged();
    };
    if (m_policy.lingerMs <= 0 || key.startsWith(QLatin1String("error:")) ||
        key.startsWith(QLatin1String("gl:")) || !it->waitingFor.isEmpty())
        drop();
    else
        QTimer::singleShot(m_policy.lingerMs, this, drop);
}

void VideoHub::openWaitingStreams() {
    for (Entry &entry : m_streams) {
        if (entry.waitingFor.isEmpty())
            continue;
        const auto source =
            std::find_if(m_sources.cbegin(), m_sources.cend(),
                         [&](const VideoSource &s) { return s.id == entry.waitingFor; });
        if (source == m_sources.cend())
            continue;
        entry.waitingFor.clear();
        if (!m_shutDown)
            entry.stream->openSource(*source);
    }
}

QString VideoHub::streamKeyOfSource(const QString &sourceId) const {
    for (const QString &key : {sourceId, QStringLiteral("gl:") + sourceId})
        if (m_streams.contains(key))
            return key;
    return {};
}

void VideoHub::setAudible(const QString &key) {
    if (key == m_audibleKey)
        return;
    m_audibleKey = m_streams.contains(key) ? key : QString();
    applyAudio();
    Q_EMIT audioChanged();
}

void VideoHub::setVolume(double volume) {
    volume = std::clamp(volume, 0.0, 1.5);
    if (qFuzzyCompare(volume, m_volume))
        return;
    m_volume = volume;
    applyAudio();
    Q_EMIT audioChanged();
}

void VideoHub::applyAudio() {
    for (auto it = m_streams.begin(); it != m_streams.end(); ++it)
        it->stream->setAudio(it.key() != m_audibleKey, m_volume);
}

bool VideoHub::shutdown() {
    if (m_shutDown)
        return true;
    m_shutDown = true;
    for (auto it = m_streams.begin(); it != m_streams.end(); ++it) {
        it->stream->stop();
        delete it->stream;
    }
    m_streams.clear();
    const bool drained = m_reaper->drain(m_policy.shutdownTimeoutMs);
    if (!drained)
        qWarning("video: shutdown: pipelines still stopping after %d ms",
                 m_policy.shutdownTimeoutMs);
    return drained;
}

} // namespace opswall::video
