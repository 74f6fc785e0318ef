#include "shell/noderoles.h"

#include "shell/framemeter.h"
#include "shell/outputsnapshots.h"
#include "shell/services.h"
#include "wall/walljson.h"
#include "wall/wallstate.h"

#include <QCoreApplication>

#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QQuickWindow>
#include <QSet>
#include <QStandardPaths>
#include <QTimer>
#include <algorithm>

#ifdef OPSWALL_WITH_NODES
#include "nodes/nodeclient.h"
#include "nodes/nodehub.h"
#endif
#include "core/engineservices.h"
#ifdef OPSWALL_WITH_VIDEO
#include "video/videohub.h"
#endif
#ifdef OPSWALL_WITH_FEEDS
#include "feeds/feedhub.h"
#include "indicatordata.h"
#endif

namespace opswall::shell {

struct NodeRoles::Impl {
#ifdef OPSWALL_WITH_NODES
    std::unique_ptr<nodes::NodeHub> hub;
    std::unique_ptr<nodes::NodeClient> client;
#endif
    quint64 shownRevision = 0;   // the controller's revision the windows drew
    quint64 pendingRevision = 0; // applied, waiting for the windows' next frame
    int framesAwaited = 0;
    QTimer reportTimer;
};

NodeRoles::NodeRoles(const Options &options, QObject *parent)
    : QObject(parent)
    , m_options(options)
    , m_impl(std::make_unique<Impl>()) {}

NodeRoles::~NodeRoles() = default;

QString NodeRoles::nodeDbPath(const QString &nodeId) {
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
           QStringLiteral("/opswall-node-") + nodeId + QStringLiteral(".db");
}

namespace {
// Applies the controller's layout to the node's state: tile by tile when only tiles changed (so
// the other tiles are not rebuilt), else as a whole (a recall).
void applyLayout(wall::WallState &state, const wall::Layout &next) {
    const wall::Layout &now = state.layout();
    bool whole = now.name != next.name || now.background != next.background;
    QStringList kept; // ids in both, in the order of each
    QStringList keptNext;
    for (const wall::Tile &t : now.tiles)
        if (next.tile(t.id))
            kept.append(t.id);
    for (const wall::Tile &t : next.tiles)
        if (now.tile(t.id))
            keptNext.append(t.id);
    whole = whole || kept != keptNext;
    if (whole) {
        state.setLayout(next);
        return;
    }
    for (const wall::Tile &t : QList<wall::Tile>(now.tiles))
        if (!next.tile(t.id))
            state.removeTile(t.id);
    for (const wall::Tile &t : next.tiles) {
        const wall::Tile *had = state.layout().tile(t.id);
        if (!had || !(*had == t))
            state.putTile(t);
    }
}
} // namespace

bool NodeRoles::join(QString *error) {
#ifdef OPSWALL_WITH_NODES
    QFile tokenFile(m_options.nodeTokenFile);
    const QByteArray token =
        tokenFile.open(QIODevice::ReadOnly) ? tokenFile.read(4096).trimmed() : QByteArray();
    if (token.isEmpty() || token.contains(' ') || token.contains('\n')) {
        *error = QStringLiteral("--token-file %1: no token there (one line, made with wallctl "
                                "token create --role node)")
                     .arg(m_options.nodeTokenFile);
        return false;
    }
    nodes::NodeClientConfig config;
    config.host = m_options.controllerHost;
    config.port = m_options.controllerPort;
    config.nodeId = m_options.nodeId;
    config.outputs = m_options.outputs;
    config.token = QString::fromUtf8(token);
    config.caFile = m_options.controllerCa;
    config.localAddress = m_options.nodeAddress;
    config.fallbacks = m_options.controllerFallbacks;
    m_impl->client = std::make_unique<nodes::NodeClient>(config);
    nodes::NodeClient *client = m_impl->client.get();
    std::optional<wall::Wall> wall;
    std::optional<std::pair<quint64, QJsonObject>> layout;
    QString refusal;
    QEventLoop loop;
    auto quitWhenReady = [&] {
        if ((wall && layout) || !refusal.isEmpty())
            loop.quit();
    };
    QObject context;
    connect(client, &nodes::NodeClient::wallReceived, &context, [&](const QJsonObject &doc) {
        const wall::WallParse parsed = wall::wallFromJson(doc);
        if (!parsed.ok()) {
            qWarning("opswall: node: the controller's wall is not valid here: %s",
                     qPrintable(parsed.issues.constFirst().toString()));
            return;
        }
        wall = parsed.wall;
        quitWhenReady();
    });
    connect(client, &nodes::NodeClient::layoutReceived, &context,
            [&](quint64 revision, const QJsonObject &doc) {
                layout = std::make_pair(revision, doc);
                quitWhenReady();
            });
    connect(client, &nodes::NodeClient::refused, &context, [&](const QString &reason) {
        refusal = reason;
        quitWhenReady();
    });
    connect(client, &nodes::NodeClient::sourcesReceived, &context,
            [this](const QJsonArray &sources) { m_sources = sources; });
    connect(client, &nodes::NodeClient::indicatorsReceived, &context,
            [this](const QByteArray &doc) { m_indicators = doc; });
    connect(client, &nodes::NodeClient::seriesReceived, &context,
            [this](const QJsonArray &series) { m_series.append(series); });
    if (!client->start(error))
        return false;
    qInfo("opswall: node '%s': waiting for the controller at %s", qPrintable(m_options.nodeId),
          qPrintable(m_options.controllerAddress));
    loop.exec();
    if (!refusal.isEmpty()) {
        *error = QStringLiteral("the controller refused this node: %1").arg(refusal);
        return false;
    }
    if (!wall || !layout) {
        *error = QStringLiteral("stopped before the controller sent the wall");
        return false;
    }
    for (int o : m_options.outputs)
        if (o >= wall->outputs.size()) {
            *error = QStringLiteral("the controller's wall has no output %1").arg(o);
            return false;
        }
    m_wall = *wall;
    const wall::LayoutParse parsed = wall::layoutFromJson(layout->second);
    m_layout = parsed.layout;
    m_impl->pendingRevision = layout->first;
    return true;
#else
    *error = QStringLiteral("this opswall is built without render nodes");
    return false;
#endif
}

void NodeRoles::follow(wall::WallState &state, std::function<QList<QQuickWindow *>()> windows,
                       FrameMeter *frames, OutputSnapshots *snapshots) {
#ifdef OPSWALL_WITH_NODES
    nodes::NodeClient *client = m_impl->client.get();
    Impl *impl = m_impl.get();
    auto fps = [frames] {
        return frames ? frames->snapshot().value(QStringLiteral("fps")).toDouble() : 0.0;
    };
    // After a change, the next frame of every window shows it: then the revision is reported.
    auto awaitFrames = [impl, client, windows, fps, this] {
        const QList<QQuickWindow *> wins = windows();
        impl->framesAwaited = int(wins.size());
        const quint64 revision = impl->pendingRevision;
        if (wins.isEmpty()) {
            impl->shownRevision = revision;
            client->report(revision, fps());
            return;
        }
        for (QQuickWindow *w : wins) {
            auto conn = std::make_shared<QMetaObject::Connection>();
            *conn =
                connect(w, &QQuickWindow::frameSwapped, this, [conn, impl, client, revision, fps] {
                    disconnect(*conn);
                    if (impl->pendingRevision != revision)
                        return; // a newer change is on its way to the windows
                    if (--impl->framesAwaited == 0) {
                        impl->shownRevision = revision;
                        client->report(revision, fps());
                    }
                });
            w->update();
        }
    };
    connect(client, &nodes::NodeClient::layoutReceived, this,
            [&state, impl, awaitFrames](quint64 revision, const QJsonObject &doc) {
                const wall::LayoutParse parsed = wall::layoutFromJson(doc);
                if (!parsed.ok()) {
                    qWarning("opswall: node: the controller's layout %llu is not valid here: %s",
                             static_cast<unsigned long long>(revision),
                             qPrintable(parsed.issues.constFirst().toString()));
                    return;
                }
                applyLayout(state, parsed.layout);
                impl->pendingRevision = revision;
                awaitFrames();
            });
    connect(client, &nodes::NodeClient::wallReceived, this, [&state](const QJsonObject &doc) {
        const wall::WallParse parsed = wall::wallFromJson(doc);
        if (parsed.ok())
            state.setWall(parsed.wall); // the windows stay as they were made (their outputs)
    });
    // On a new link the controller learns what this node shows now.
    connect(client, &nodes::NodeClient::linkChanged, this, [impl, client, fps](bool up) {
        if (up)
            client->report(impl->shownRevision, fps());
    });
    connect(client, &nodes::NodeClient::refused, this, [](const QString &) {
        QCoreApplication::exit(1); // the token was revoked: this node may not draw any more
    });
    client->setSnapshotHandler(
        [snapshots](int output, int widthPx, std::function<void(QByteArray, QString)> reply) {
            snapshots->request(output, widthPx, [reply](ActionResult r, QByteArray jpeg) {
                reply(r.ok ? jpeg : QByteArray(), r.ok ? QString() : r.message);
            });
        });
    impl->reportTimer.callOnTimeout(
        this, [impl, client, fps] { client->report(impl->shownRevision, fps()); });
    impl->reportTimer.start(1000);
    awaitFrames(); // the first layout, drawn by the windows just made
#else
    Q_UNUSED(state);
    Q_UNUSED(windows);
    Q_UNUSED(frames);
    Q_UNUSED(snapshots);
#endif
}

#if defined(OPSWALL_WITH_NODES) && defined(OPSWALL_WITH_VIDEO)
namespace {
// The controller's sources replace the node's: added or changed ones saved, others removed.
void applySources(video::VideoHub *hub, const QJsonArray &sources) {
    QSet<QString> keep;
    int taken = 0;
    for (const QJsonValue &v : sources) {
        const video::SourceParse parsed = video::sourceFromJson(v.toObject());
        if (!parsed.source) {
            qWarning("opswall: node: a video source from the controller is not valid here: %s",
                     qPrintable(parsed.error ? parsed.error->text() : QString()));
            continue;
        }
        keep.insert(parsed.source->id);
        const QList<video::VideoSource> now = hub->sources();
        const auto same = std::find(now.cbegin(), now.cend(), *parsed.source);
        if (same != now.cend())
            continue;
        if (const auto error = hub->upsertSource(*parsed.source))
            qWarning("opswall: node: video source '%s' from the controller refused: %s",
                     qPrintable(parsed.source->id), qPrintable(error->text()));
        else
            ++taken;
    }
    for (const video::VideoSource &s : hub->sources())
        if (!keep.contains(s.id))
            hub->removeSource(s.id);
    qInfo("opswall: node: %lld video sources from the controller (%d new or changed)",
          qlonglong(keep.size()), taken);
}
} // namespace
#endif

#if defined(OPSWALL_WITH_NODES) && defined(OPSWALL_WITH_FEEDS)
namespace {
// The indicators' values as the controller stores them: {"series": [{indicator, dimension, unit,
// unitMult, feed, points: [[periodKind, periodStartSecs, value], ...]}]} (nodewall.rep seriesOf).
QByteArray seriesDocument(feeds::FeedHub &hub, const QStringList &wanted) {
    const QSet<QString> want(wanted.cbegin(), wanted.cend());
    QJsonArray out;
    for (const feeds::FeedDefinition &def : hub.scheduler()->definitions().all())
        for (const feeds::SeriesInfo &info : hub.series().seriesOfFeed(def.id)) {
            if (!want.isEmpty() && !want.contains(info.indicator))
                continue;
            QJsonArray points;
            for (const feeds::StoredPoint &p :
                 hub.series().range(info.indicator, info.dimension, {}, {}))
                points.append(
                    QJsonArray{int(p.period.kind()), double(p.period.startSecs()), p.value});
            out.append(QJsonObject{{QStringLiteral("indicator"), info.indicator},
                                   {QStringLiteral("dimension"), info.dimension},
                                   {QStringLiteral("unit"), info.unit},
                                   {QStringLiteral("unitMult"), info.unitMult},
                                   {QStringLiteral("feed"), info.feedId},
                                   {QStringLiteral("points"), points}});
        }
    return QJsonDocument(QJsonObject{{QStringLiteral("series"), out}})
        .toJson(QJsonDocument::Compact);
}

// Stores what the controller sent in the node's cache, as its own ingestion would, and tells the
// tiles: only the current values are kept (the controller keeps the revisions).
void applySeries(feeds::FeedHub &hub, const QJsonArray &series) {
    QHash<QString, QList<feeds::Series>> byFeed;
    int points = 0;
    for (const QJsonValue &v : series) {
        const QJsonObject o = v.toObject();
        feeds::Series s;
        s.indicator = o.value(QStringLiteral("indicator")).toString();
        s.dimension = o.value(QStringLiteral("dimension")).toString();
        s.unit = o.value(QStringLiteral("unit")).toString();
        s.unitMult = o.value(QStringLiteral("unitMult")).toInt();
        if (s.indicator.isEmpty())
            continue;
        for (const QJsonValue &p : o.value(QStringLiteral("points")).toArray()) {
            const QJsonArray a = p.toArray();
            const feeds::Period period =
                feeds::Period::fromKey(a.at(0).toInt(), std::int64_t(a.at(1).toDouble()));
            if (a.size() != 3 || !period.isValid() || !a.at(2).isDouble())
                continue;
            s.points.append({period, a.at(2).toDouble()});
        }
        points += int(s.points.size());
        byFeed[o.value(QStringLiteral("feed")).toString()].append(s);
    }
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (auto it = byFeed.cbegin(); it != byFeed.cend(); ++it) {
        try {
            hub.series().ingest(it.key(), it.value(), now, feeds::IngestMode::ReplaceCurrent);
        } catch (const std::exception &e) {
            qWarning("opswall: node: the controller's values of feed '%s' could not be stored: "
                     "%s",
                     qPrintable(it.key()), e.what());
            continue;
        }
        hub.readModel().ingested(it.key(), it.value(), now, feeds::IngestMode::ReplaceCurrent);
    }
    qInfo("opswall: node: %lld series (%d values) from the controller", qlonglong(series.size()),
          points);
}
} // namespace
#endif

void NodeRoles::takeReplicatedData([[maybe_unused]] QQmlEngine &engine) {
#if defined(OPSWALL_WITH_NODES) && defined(OPSWALL_WITH_VIDEO)
    if (video::VideoHub *hub = opswall::lookup<video::VideoHub>(&engine); hub && m_impl->client) {
        applySources(hub, m_sources);
        connect(m_impl->client.get(), &nodes::NodeClient::sourcesReceived, this,
                [hub](const QJsonArray &sources) { applySources(hub, sources); });
    }
#endif
#if defined(OPSWALL_WITH_NODES) && defined(OPSWALL_WITH_FEEDS)
    indicators::IndicatorData *data = opswall::lookup<indicators::IndicatorData>(&engine);
    feeds::FeedHub *feeds = data ? data->hub() : nullptr;
    if (!feeds || !m_impl->client)
        return;
    auto meta = [feeds](const QByteArray &doc) {
        QString err;
        if (!feeds->alerts()->importJson(doc, &err))
            qWarning("opswall: node: the controller's indicators are not valid here: %s",
                     qPrintable(err));
        else
            feeds->readModel().reload();
    };
    if (!m_indicators.isEmpty())
        meta(m_indicators);
    for (const QJsonArray &series : std::as_const(m_series))
        applySeries(*feeds, series);
    m_series.clear();
    connect(m_impl->client.get(), &nodes::NodeClient::indicatorsReceived, this, meta);
    connect(m_impl->client.get(), &nodes::NodeClient::seriesReceived, this,
            [feeds](const QJsonArray &series) { applySeries(*feeds, series); });
#endif
}

bool NodeRoles::startController([[maybe_unused]] wall::WallState &state,
                                [[maybe_unused]] Services &services,
                                [[maybe_unused]] QQmlEngine &engine, QString *error) {
#ifdef OPSWALL_WITH_NODES
    nodes::NodeHubConfig config;
    const qsizetype colon = m_options.nodeListen.lastIndexOf(QLatin1Char(':'));
    bool portOk = false;
    const uint port = colon > 0 ? m_options.nodeListen.mid(colon + 1).toUInt(&portOk) : 0;
    if (!portOk || port > 65535) {
        *error =
            QStringLiteral("--node-listen must be HOST:PORT, not '%1'").arg(m_options.nodeListen);
        return false;
    }
    config.host = m_options.nodeListen.left(colon);
    config.port = quint16(port);
    config.tlsCertFile = services.apiTlsCertFile();
    config.tlsKeyFile = services.apiTlsKeyFile();
    Services *s = &services;
    m_impl->hub =
        std::make_unique<nodes::NodeHub>(state, config, [s](const QString &token, QString *why) {
            return s->authenticateNode(token, why);
        });
    if (!m_impl->hub->start(error))
        return false;
#ifdef OPSWALL_WITH_VIDEO
    if (video::VideoHub *video = opswall::lookup<video::VideoHub>(&engine)) {
        nodes::NodeHub *hub = m_impl->hub.get();
        auto publish = [hub, video] {
            QJsonArray sources;
            for (const video::VideoSource &source : video->sources())
                sources.append(source.toJson());
            hub->setSources(QJsonDocument(QJsonObject{{QStringLiteral("sources"), sources}})
                                .toJson(QJsonDocument::Compact));
        };
        connect(video, &video::VideoHub::sourcesChanged, hub, publish);
        publish();
    }
#endif
#ifdef OPSWALL_WITH_FEEDS
    indicators::IndicatorData *data = opswall::lookup<indicators::IndicatorData>(&engine);
    if (feeds::FeedHub *feeds = data ? data->hub() : nullptr) {
        nodes::NodeHub *hub = m_impl->hub.get();
        auto publishMeta = [hub, feeds] {
            QJsonArray list;
            for (const feeds::IndicatorMeta &m : feeds->alerts()->indicators())
                list.append(m.toJson());
            hub->setIndicators(QJsonDocument(QJsonObject{{QStringLiteral("schemaVersion"), 1},
                                                         {QStringLiteral("indicators"), list}})
                                   .toJson(QJsonDocument::Compact));
        };
        connect(feeds->alerts(), &feeds::AlertManager::indicatorsChanged, hub, publishMeta);
        publishMeta();
        hub->setSeriesProvider(
            [feeds](const QStringList &wanted) { return seriesDocument(*feeds, wanted); });
        connect(
            &feeds->readModel(), &feeds::ReadModel::changed, hub,
            [hub](const QSet<QString> &changed, bool) { hub->announceSeries(changed.values()); });
    }
#endif
    return true;
#else
    *error = QStringLiteral("this opswall is built without render nodes");
    return false;
#endif
}

QJsonArray NodeRoles::health() const {
#ifdef OPSWALL_WITH_NODES
    if (m_impl->hub)
        return m_impl->hub->health();
#endif
    return {};
}

void NodeRoles::fence() {
#ifdef OPSWALL_WITH_NODES
    if (m_impl->hub)
        m_impl->hub->close();
#endif
}

void NodeRoles::serveSnapshots([[maybe_unused]] OutputSnapshots *snapshots) {
#ifdef OPSWALL_WITH_NODES
    nodes::NodeHub *hub = m_impl->hub.get();
    if (!hub)
        return;
    snapshots->setRemote([hub](int index, int widthPx,
                               std::function<void(QByteArray, QString)> reply) {
        return hub->requestSnapshot(index, widthPx, [reply](bool, QByteArray jpeg, QString why) {
            reply(std::move(jpeg), why);
        });
    });
#endif
}

} // namespace opswall::shell
