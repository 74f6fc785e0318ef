// NodeHub: what it publishes to the nodes (the wall, the layout and its switch time, sources,
// indicators, alerts, feeds, clip starts, skew trims, live anchors), what the nodes report on it
// (shown revision, video, switches, snapshots in nodehub_snapshots.cpp) and health. The link, the
// opening line and liveness are in nodehub_link.cpp.
#include "nodes/nodehub.h"

#include "nodes/nodeahead.h"
#include "nodes/nodehub_source.h"
#include "nodes/sharedtimeline.h"
#include "wall/walljson.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QSet>
#include <QTimer>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <utility>

namespace opswall::nodes {

namespace {
constexpr int kPublishedKept = 64;
} // namespace

NodeHub::NodeHub(wall::WallState &state, NodeHubConfig config, NodeAuthenticator authenticate,
                 QObject *parent)
    : QObject(parent)
    , m_state(state)
    , m_config(std::move(config))
    , m_authenticate(std::move(authenticate))
    , m_source(std::make_unique<NodeWallSourceImpl>(this)) {
    m_clock.start();
    m_trimmer.setForgetMs(m_config.trimKeepMs);
    // A node linked before takes these from this controller, not what another one told it.
    m_source->publishStarts(QByteArrayLiteral(R"({"starts":{}})"));
    m_source->publishTrims(m_trimmer.document());
    m_source->publishAnchors(anchorsDocument({}));
    m_source->publishAhead(aheadDocument(m_state.aheadSources()));
    connect(&m_state, &wall::WallState::wallChanged, this, &NodeHub::schedulePublish);
    // The layouts expected next (a briefing's step, a button bound, a preset recalled): built
    // ahead by the nodes too (nodeahead.h).
    connect(&m_state, &wall::WallState::aheadChanged, this, [this] {
        m_aheadWanted = true;
        schedulePublish();
    });
    connect(&m_state, &wall::WallState::layoutReset, this, [this] {
        m_switchWanted = true; // a recall (or undo): every node switches at one instant
        schedulePublish();
    });
    connect(&m_state, &wall::WallState::tileChanged, this, &NodeHub::schedulePublish);
    connect(&m_state, &wall::WallState::tileAdded, this, &NodeHub::schedulePublish);
    connect(&m_state, &wall::WallState::tileRemoved, this, &NodeHub::schedulePublish);
}

NodeHub::~NodeHub() {
    for (auto it = m_pending.begin(); it != m_pending.end(); ++it) {
        delete it->timer;
        it->done(false, {}, QStringLiteral("the controller is stopping"));
    }
    m_pending.clear();
    m_host.disableRemoting(m_source.get());
    if (m_server)
        m_server->close();
}

void NodeHub::schedulePublish() {
    if (m_publishQueued)
        return;
    m_publishQueued = true;
    // After the change is complete: the dispatcher adopts the stored revision after setLayout.
    QTimer::singleShot(0, this, [this] {
        m_publishQueued = false;
        publish();
    });
}

void NodeHub::publish() {
    publishLayout();
    // After the layout: a node takes a list that changed with a recall once it shows the recall
    // (NodeRoles::follow), so what that recall takes stays built until then.
    if (!std::exchange(m_aheadWanted, false))
        return;
    const QByteArray ahead = aheadDocument(m_state.aheadSources());
    if (ahead != m_source->ahead())
        m_source->publishAhead(ahead);
}

void NodeHub::publishLayout() {
    const QByteArray wallDoc =
        QJsonDocument(QJsonObject{{QStringLiteral("wall"), wall::wallToJson(m_state.wall())}})
            .toJson(QJsonDocument::Compact);
    if (wallDoc != m_source->wall())
        m_source->publishWall(wallDoc);
    const quint64 revision = m_state.revision();
    QJsonObject layout{{QStringLiteral("revision"), qint64(revision)},
                       {QStringLiteral("layout"), wall::layoutToJson(m_state.layout())}};
    const QByteArray body = QJsonDocument(layout).toJson(QJsonDocument::Compact);
    const bool scheduled = std::exchange(m_switchWanted, false) && m_clockNow;
    if (body == m_layoutBody)
        return;
    m_layoutBody = body;
    m_publishedAtMs.insert(revision, nowMs());
    while (m_publishedAtMs.size() > kPublishedKept)
        m_publishedAtMs.erase(m_publishedAtMs.begin());
    m_publishedRevision = revision;
    if (!scheduled) {
        if (m_clockNow)
            stampStarts(m_state.layout(), m_clockNow());
        m_source->publishLayout(body);
        Q_EMIT layoutPublished(revision, -1);
        return;
    }
    const qint64 switchAtNs = m_clockNow() + qint64(kSwitchMarginMs) * 1000000;
    stampStarts(m_state.layout(), switchAtNs);
    m_switchAtNs.insert(revision, switchAtNs);
    while (m_switchAtNs.size() > kPublishedKept)
        m_switchAtNs.erase(m_switchAtNs.begin());
    layout.insert(QStringLiteral("switchAtNs"), double(switchAtNs));
    m_source->publishLayout(QJsonDocument(layout).toJson(QJsonDocument::Compact));
    Q_EMIT layoutPublished(revision, switchAtNs);
}

void NodeHub::stampStarts(const wall::Layout &layout, qint64 atNs) {
    noteLiveSources(layout);
    // The sources that are placed on the wall's timeline (files, HLS: a live playlist ignores
    // its start), by the sources document.
    QSet<QString> placed;
    const QJsonArray sources = QJsonDocument::fromJson(m_source->sources())
                                   .object()
                                   .value(QStringLiteral("sources"))
                                   .toArray();
    for (const QJsonValue &v : sources) {
        const QString kind = v.toObject().value(QStringLiteral("kind")).toString();
        if (kind == QLatin1String("file") || kind == QLatin1String("hls"))
            placed.insert(v.toObject().value(QStringLiteral("id")).toString());
    }
    QHash<QString, qint64> starts;
    for (const wall::Tile &tile : layout.tiles) {
        const QString id = tile.binding.value(QStringLiteral("source")).toString();
        if (tile.kind != QLatin1String("video") || !placed.contains(id) || starts.contains(id))
            continue;
        // Kept while it stays on screen; else its clip begins after the lead.
        starts.insert(id, m_startsNs.value(id, atNs + qint64(kStartLeadMs) * 1000000));
    }
    if (starts == m_startsNs)
        return;
    m_startsNs = starts;
    QJsonObject doc;
    for (auto it = starts.cbegin(); it != starts.cend(); ++it)
        doc.insert(it.key(), double(it.value()));
    // Before the layout: a node has the starts when the layout's tiles ask for their streams.
    m_source->publishStarts(
        QJsonDocument(QJsonObject{{QStringLiteral("starts"), doc}}).toJson(QJsonDocument::Compact));
    Q_EMIT streamStartsChanged();
}

void NodeHub::updateTrims() {
    if (!m_config.skewCorrection)
        return;
    constexpr qint64 kFreshMs = 5000;
    QList<SkewTrimmer::NodeReport> reports;
    for (const Node &n : std::as_const(m_nodes))
        if (n.connected && n.framesAtMs >= 0 && nowMs() - n.framesAtMs <= kFreshMs)
            reports.append({n.id, n.framesSequence, n.frames});
    const SharedTimeline timeline =
        SharedTimeline::of(m_source->clock(), m_startsNs, m_liveAnchors.anchors());
    const bool changed = m_trimmer.update(
        reports, nowMs(), [&timeline](const FrameShown &f) { return timeline.lateNs(f); });
    if (changed) {
        const QByteArray doc = m_trimmer.document();
        qInfo("opswall: node link: video skew trims now %s", doc.constData());
        m_source->publishTrims(doc);
    }
    saveTrims(changed);
}

void NodeHub::saveTrims(bool changed) {
    if (!m_trimSaver || m_closed)
        return;
    // Their seenAt lags by this much at most: a quarter of the keep time at most, so that a
    // restart or takeover soon after a save finds them.
    const qint64 everyMs = std::min<qint64>(kTrimSaveMs, m_trimmer.forgetMs() / 4);
    if (!changed && (nowMs() - m_trimsSavedAtMs < everyMs || !m_trimmer.hasTrims()))
        return;
    m_trimsSavedAtMs = nowMs();
    m_trimSaver(m_trimmer.saved(nowMs(), QDateTime::currentMSecsSinceEpoch()));
}

void NodeHub::restoreTrims(const QByteArray &saved) {
    if (saved.isEmpty())
        return;
    if (!m_config.skewCorrection) {
        qInfo("opswall: node link: the saved video skew trims are not applied "
              "(--node-skew-correction off)");
        return;
    }
    QString why;
    const std::optional<int> taken =
        m_trimmer.restore(saved, nowMs(), QDateTime::currentMSecsSinceEpoch(), &why);
    if (!taken) {
        qWarning("opswall: node link: the saved video skew trims are not valid (%s); starting "
                 "without them",
                 qPrintable(why));
        return;
    }
    const QByteArray doc = m_trimmer.document();
    qInfo("opswall: node link: %d video skew trims restored from the store (those seen in the "
          "last %lld s): %s",
          *taken, qlonglong(m_trimmer.forgetMs() / 1000), doc.constData());
    if (*taken > 0)
        m_source->publishTrims(doc);
}

void NodeHub::setClock(const QByteArray &doc, ClockNow now) {
    m_clockNow = std::move(now);
    if (m_clockNow) // the layout published before there was a clock: its clips begin now
        stampStarts(m_state.layout(), m_clockNow());
    if (doc != m_source->clock())
        m_source->publishClock(doc);
}

void NodeHub::onVideoReport(const QString &nodeId, const QByteArray &linkKey,
                            const QByteArray &frames) {
    Node *node = reporter(nodeId, linkKey, "video report");
    if (!node)
        return;
    QString why;
    std::optional<QList<FrameShown>> parsed = parseFramesShown(frames, &why);
    if (!parsed) {
        qWarning("opswall: node link: node '%s' sent a video report that is not valid (%s); "
                 "ignored",
                 qPrintable(nodeId), qPrintable(why));
        return;
    }
    node->frames = std::move(*parsed);
    node->framesAtMs = nowMs();
    ++node->framesSequence;
    if (m_liveAnchors.take(node->id, node->frames, qint64(kLiveAnchorMarginMs) * 1000000))
        publishAnchors();
}

void NodeHub::noteLiveSources(const wall::Layout &layout) {
    // The HLS sources on screen: a live playlist among them is anchored from its first report
    // (one on demand reports positions in its clip, with a loop, and is not).
    QSet<QString> hls;
    const QJsonArray sources = QJsonDocument::fromJson(m_source->sources())
                                   .object()
                                   .value(QStringLiteral("sources"))
                                   .toArray();
    for (const QJsonValue &v : sources)
        if (v.toObject().value(QStringLiteral("kind")).toString() == QLatin1String("hls"))
            hls.insert(v.toObject().value(QStringLiteral("id")).toString());
    QSet<QString> onScreen;
    for (const wall::Tile &tile : layout.tiles) {
        const QString id = tile.binding.value(QStringLiteral("source")).toString();
        if (tile.kind == QLatin1String("video") && hls.contains(id))
            onScreen.insert(id);
    }
    if (m_liveAnchors.setOnScreen(onScreen))
        publishAnchors();
}

void NodeHub::publishAnchors() {
    const QByteArray doc = anchorsDocument(m_liveAnchors.anchors());
    if (doc == m_source->anchors())
        return;
    qInfo("opswall: node link: live HLS anchors now %s", doc.constData());
    m_source->publishAnchors(doc);
    Q_EMIT streamAnchorsChanged();
}

void NodeHub::onSwitchReport(const QString &nodeId, const QByteArray &linkKey, quint64 revision,
                             qint64 shownNs) {
    Node *node = reporter(nodeId, linkKey, "switch report");
    const auto at = m_switchAtNs.constFind(revision);
    if (!node || at == m_switchAtNs.cend())
        return;
    node->switchRevision = revision;
    node->switchLateNs = shownNs - *at;
}

QJsonValue NodeHub::skewMsOf(const Node &node) const {
    // Reports older than this are of streams the node may not show any more.
    constexpr qint64 kFreshMs = 5000;
    const auto fresh = [this](const Node &n) {
        return n.connected && n.framesAtMs >= 0 && nowMs() - n.framesAtMs <= kFreshMs;
    };
    if (!fresh(node))
        return QJsonValue::Null;
    std::optional<qint64> worst;
    for (const Node &other : m_nodes) {
        if (other.id == node.id || !fresh(other))
            continue;
        for (const FrameShown &mine : node.frames)
            for (const FrameShown &theirs : other.frames)
                if (const auto skew = skewNs(mine, theirs))
                    worst = std::max(worst.value_or(0), std::abs(*skew));
    }
    if (!worst)
        return QJsonValue::Null;                  // no other node shows one of its streams
    return std::round(double(*worst) / 1e5) / 10; // ms, to 0.1
}

void NodeHub::onReport(const QString &nodeId, const QByteArray &linkKey, quint64 shownRevision,
                       double fps) {
    Node *node = reporter(nodeId, linkKey, "report");
    if (!node)
        return;
    node->fps = fps;
    if (shownRevision != node->shownRevision) {
        node->shownRevision = shownRevision;
        const auto at = m_publishedAtMs.constFind(shownRevision);
        if (at != m_publishedAtMs.cend())
            node->lagMs = nowMs() - std::max(*at, node->connectedAtMs);
        else
            node->lagMs.reset(); // published before this controller started
    }
}

bool NodeHub::requestSnapshot(int output, int widthPx, SnapshotDone done) {
    for (const Node &n : std::as_const(m_nodes)) {
        if (!n.connected || !n.outputs.contains(output))
            continue;
        const int id = ++m_nextRequest;
        auto *timer = new QTimer(this);
        timer->setSingleShot(true);
        connect(timer, &QTimer::timeout, this, [this, id, node = n.id] {
            finishSnapshot(id, {},
                           QStringLiteral("node '%1' did not answer within %2 s")
                               .arg(node)
                               .arg(kSnapshotTimeoutMs / 1000));
        });
        timer->start(kSnapshotTimeoutMs);
        m_pending.insert(id, Pending{std::move(done), timer, n.id});
        Q_EMIT m_source->snapshotWanted(id, n.id, output, widthPx);
        return true;
    }
    return false;
}

void NodeHub::setSources(const QByteArray &doc) {
    if (doc == m_source->sources())
        return;
    m_source->publishSources(doc);
    if (m_clockNow) // a file source that the live layout names and that was not known yet
        stampStarts(m_state.layout(), m_clockNow());
}

void NodeHub::setIndicators(const QByteArray &doc) {
    if (doc != m_source->indicators())
        m_source->publishIndicators(doc);
}

void NodeHub::setAlerts(const QByteArray &doc) {
    if (doc != m_source->alerts())
        m_source->publishAlerts(doc);
}

void NodeHub::setFeeds(const QByteArray &doc) {
    if (doc != m_source->feeds())
        m_source->publishFeeds(doc);
}

Q_LOGGING_CATEGORY(lcNodeSeries, "opswall.nodes.series", QtWarningMsg)

QByteArray NodeHub::seriesOf(const QStringList &indicators) {
    QElapsedTimer took;
    took.start();
    QByteArray doc = m_seriesProvider ? m_seriesProvider(indicators) : R"({"series":[]})";
    // Logged once the read of the link is handled (seriesRead), out of what is timed.
    m_seriesAnswers.append({qint64(indicators.size()), qint64(doc.size()), took.nsecsElapsed()});
    return doc;
}

void NodeHub::seriesRead() {
    if (m_seriesAnswers.isEmpty())
        return;
    const qint64 readNs = m_linkRead.isValid() ? m_linkRead.nsecsElapsed() : -1000;
    qint64 bytes = 0;
    for (const SeriesAnswer &a : std::as_const(m_seriesAnswers)) {
        qCDebug(lcNodeSeries,
                "seriesOf: %lld indicators, %lld bytes, answered in %lld us on the GUI thread",
                a.indicators, a.bytes, a.ns / 1000);
        bytes += a.bytes;
    }
    qCDebug(lcNodeSeries,
            "seriesOf: link read with %lld answers (%lld bytes) handled in %lld us on the GUI "
            "thread (decoding, answers, encoding, write)",
            qlonglong(m_seriesAnswers.size()), bytes, readNs / 1000);
    m_seriesAnswers.clear();
}

void NodeHub::announceSeries(const QStringList &indicators) {
    if (!indicators.isEmpty())
        Q_EMIT m_source->seriesChanged(indicators);
}

QList<int> NodeHub::nodeOutputs() const {
    QList<int> out;
    for (const Node &n : m_nodes)
        if (n.connected)
            out += n.outputs;
    return out;
}

QJsonArray NodeHub::health() const {
    QJsonArray out;
    for (const Node &n : m_nodes) {
        QJsonArray outputs;
        for (int o : n.outputs)
            outputs.append(o);
        QJsonValue lag = QJsonValue::Null;
        if (n.connected && n.shownRevision == m_publishedRevision && n.lagMs)
            lag = double(*n.lagMs);
        else if (n.connected && m_publishedAtMs.contains(m_publishedRevision))
            // Not showing the live layout yet: how long it has been waiting.
            lag = double(nowMs() -
                         std::max(m_publishedAtMs.value(m_publishedRevision), n.connectedAtMs));
        QJsonArray streams; // what its synchronised video shows, by the report's stream keys
        if (n.connected)
            for (const FrameShown &f : n.frames)
                streams.append(f.stream);
        QJsonObject trims; // the trims it applies, ms to 0.1
        const QHash<QString, qint64> trimsNs = m_trimmer.trimsOf(n.id);
        for (auto t = trimsNs.cbegin(); t != trimsNs.cend(); ++t)
            trims.insert(t.key(), std::round(double(t.value()) / 1e5) / 10);
        const QJsonObject timelineMs = // how late it shows each stream against the timeline
            n.connected && n.framesAtMs >= 0 && nowMs() - n.framesAtMs <= 5000
                ? SharedTimeline::of(m_source->clock(), m_startsNs, m_liveAnchors.anchors())
                      .lateMsOf(n.frames)
                : QJsonObject();
        QJsonValue switchLate = QJsonValue::Null;
        if (n.connected && n.switchLateNs && n.switchRevision == n.shownRevision)
            switchLate = std::round(double(*n.switchLateNs) / 1e5) / 10;
        out.append(QJsonObject{{QStringLiteral("id"), n.id},
                               {QStringLiteral("connected"), n.connected},
                               {QStringLiteral("outputs"), outputs},
                               {QStringLiteral("fps"), n.fps},
                               {QStringLiteral("skewMs"), skewMsOf(n)},
                               {QStringLiteral("trimMs"), trims},
                               {QStringLiteral("timelineMs"), timelineMs},
                               {QStringLiteral("lagMs"), lag},
                               {QStringLiteral("revision"), qint64(n.shownRevision)},
                               {QStringLiteral("address"), n.peer},
                               {QStringLiteral("switchLateMs"), switchLate},
                               {QStringLiteral("streams"), streams},
                               {QStringLiteral("silentMs"), silentMsOf(n)}});
    }
    return out;
}

} // namespace opswall::nodes
