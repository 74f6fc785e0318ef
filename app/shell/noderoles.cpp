#include "shell/noderoles.h"
#include "shell/noderoles_p.h"

#include "core/testhooks.h"
#include "shell/framemeter.h"
#include "shell/nodesync.h"
#include "shell/outputsnapshots.h"
#include "shell/services.h"
#include "store/storethread.h"
#include "store/wallstore.h"
#include "wall/alertboard.h"
#include "wall/walljson.h"
#include "wall/wallstate.h"
#include "wallscene.h"

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
#include <chrono>
#include <functional>
#include <optional>
#include <thread>
#include <tuple>

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
#ifdef OPSWALL_WITH_NODES
#include "nodes/feedreplica.h"
#include "nodes/nodeindicators.h"
#include "nodes/seriescache.h"
#endif
#endif

namespace opswall::shell {

NodeRoles::NodeRoles(const Options &options, QObject *parent)
    : QObject(parent)
    , m_options(options)
    , m_impl(std::make_unique<Impl>()) {}

NodeRoles::~NodeRoles() = default;

QString NodeRoles::nodeDbPath(const QString &nodeId) {
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
           QStringLiteral("/opswall-node-") + nodeId + QStringLiteral(".db");
}

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
    config.silenceMs = m_options.nodeSilenceMs;
    m_impl->client = std::make_unique<nodes::NodeClient>(config);
    nodes::NodeClient *client = m_impl->client.get();
    keepReceived();
    connect(client, &nodes::NodeClient::aheadReceived, this,
            [impl = m_impl.get()](const nodes::AheadLayouts &ahead) {
                if (impl->onAhead)
                    impl->onAhead(ahead);
                else
                    impl->ahead = ahead;
            });
    // The last wall and layout this node showed, for a start while the controller is down.
    std::optional<wall::Wall> cachedWall;
    std::optional<std::pair<quint64, wall::Layout>> cachedLayout;
    if (m_cache) {
        const QJsonObject w =
            QJsonDocument::fromJson(m_cache->setting(QStringLiteral("node.wall")).toUtf8())
                .object();
        const QJsonObject l =
            QJsonDocument::fromJson(m_cache->setting(QStringLiteral("node.layout")).toUtf8())
                .object();
        const wall::WallParse pw = wall::wallFromJson(w.value(QStringLiteral("wall")).toObject());
        if (pw.ok() && l.value(QStringLiteral("layout")).isObject()) {
            const wall::LayoutParse pl =
                wall::layoutFromJson(l.value(QStringLiteral("layout")).toObject());
            cachedWall = pw.wall;
            cachedLayout =
                std::make_pair(quint64(l.value(QStringLiteral("revision")).toInteger()), pl.layout);
        }
    }
    Impl *impl = m_impl.get();
    auto wallOk = [impl] {
        return impl->wallDoc && wall::wallFromJson(*impl->wallDoc).ok() && impl->layoutDoc;
    };
    QString refusal;
    QString unreachable;
    QEventLoop loop;
    auto quitWhenReady = [&] {
        if (wallOk() || !refusal.isEmpty() || (cachedWall && !unreachable.isEmpty()))
            loop.quit();
    };
    QObject context;
    connect(client, &nodes::NodeClient::wallReceived, &context, quitWhenReady);
    connect(client, &nodes::NodeClient::layoutReceived, &context, quitWhenReady);
    connect(client, &nodes::NodeClient::refused, &context, [&](const QString &reason) {
        refusal = reason;
        quitWhenReady();
    });
    m_impl->sync = std::make_unique<NodeSync>(m_options.controllerHost);
    connect(client, &nodes::NodeClient::clockReceived, m_impl->sync.get(), &NodeSync::takeClock);
    connect(client, &nodes::NodeClient::startsReceived, m_impl->sync.get(), &NodeSync::takeStarts);
    connect(client, &nodes::NodeClient::trimsReceived, m_impl->sync.get(), &NodeSync::takeTrims);
    connect(client, &nodes::NodeClient::anchorsReceived, m_impl->sync.get(),
            [sync = m_impl->sync.get()](const QHash<QString, nodes::StreamAnchor> &anchors) {
                QHash<QString, QPair<quint32, qint64>> plain;
                for (auto it = anchors.cbegin(); it != anchors.cend(); ++it)
                    plain.insert(it.key(), {it->pts, it->shownNs});
                sync->takeAnchors(plain);
            });
    if (m_options.testVideoDelayMs != 0) {
        qWarning("opswall: node: TEST ONLY (--test-video-delay-ms): every synchronised stream is "
                 "shown %d ms later than the shared clock says",
                 m_options.testVideoDelayMs);
        m_impl->sync->setTestDelay(qint64(m_options.testVideoDelayMs) * 1000000);
    }
    connect(client, &nodes::NodeClient::unreachable, &context, [&](const QString &why) {
        unreachable = why;
        quitWhenReady();
    });
    QTimer cacheWait;
    if (cachedWall) { // a controller that takes the connection but does not answer
        cacheWait.setSingleShot(true);
        connect(&cacheWait, &QTimer::timeout, &context, [&] {
            unreachable = QStringLiteral("no wall from it within %1 ms").arg(kCacheWaitMs);
            quitWhenReady();
        });
        cacheWait.start(kCacheWaitMs);
    }
    if (!client->start(error))
        return false;
    qInfo("opswall: node '%s': waiting for the controller at %s", qPrintable(m_options.nodeId),
          qPrintable(m_options.controllerAddress));
    loop.exec();
    if (!refusal.isEmpty()) {
        *error = QStringLiteral("the controller refused this node: %1").arg(refusal);
        return false;
    }
    if (wallOk()) {
        m_wall = wall::wallFromJson(*std::exchange(impl->wallDoc, std::nullopt)).wall;
        const auto layout = *std::exchange(impl->layoutDoc, std::nullopt);
        m_layout = wall::layoutFromJson(layout.second).layout;
        impl->pendingRevision = layout.first;
        // Its services and windows are made next, holding the GUI thread (no heartbeat) for
        // seconds on a busy machine: said to the controller, which counts this node's silence
        // from its opening line (follow() beats once they are made).
        client->announceBusy(nodes::kWindowsBusyMs);
    } else if (cachedWall && cachedLayout) {
        m_wall = *cachedWall;
        m_layout = cachedLayout->second;
        impl->pendingRevision = cachedLayout->first;
        m_fromCache = true;
        qWarning("opswall: node '%s': the controller at %s cannot be reached (%s); showing the "
                 "cached wall and layout (revision %llu) from its cache until it can",
                 qPrintable(m_options.nodeId), qPrintable(m_options.controllerAddress),
                 qPrintable(unreachable), static_cast<unsigned long long>(impl->pendingRevision));
    } else {
        *error = QStringLiteral("stopped before the controller sent the wall");
        return false;
    }
    for (int o : m_options.outputs)
        if (o >= m_wall.outputs.size()) {
            *error =
                QStringLiteral("the %1 wall has no output %2")
                    .arg(m_fromCache ? QStringLiteral("cached") : QStringLiteral("controller's"))
                    .arg(o);
            return false;
        }
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
    qml::TileListModel *tiles = nullptr;
    if (qml::WallScene *scene =
            impl->engine ? opswall::lookup<qml::WallScene>(impl->engine) : nullptr)
        tiles = scene->tiles();
    NodeSync *sync = impl->sync.get();
    client->beatNow(); // the windows are made: the controller's usual timeout again
    // After a change, the next frame of every window shows it (once a recall's tiles, built
    // ahead, are switched in): then the revision is reported, and for a scheduled recall when
    // (shared clock) the last window showed it.
    impl->awaitFrames = [this, impl, client, windows, fps, tiles, sync] {
        const quint64 revision = impl->pendingRevision;
        const qint64 switchAtNs = impl->pendingSwitchAtNs;
        impl->frames.await(
            tiles, windows, [sync] { return sync->nowNs(); },
            [this, impl, client, revision, fps, sync, switchAtNs](qint64 lastSwapNs) {
                impl->shownRevision = revision;
                saveReceived(); // a revision reported shown is in the cache
                client->report(revision, fps());
                if (switchAtNs > 0 && sync->nowNs() >= 0)
                    client->reportSwitch(revision, lastSwapNs >= 0 ? lastSwapNs : sync->nowNs());
            });
    };
    impl->follower =
        std::make_unique<Follower>(state, QStringLiteral("node"), QStringLiteral("this node's"));
    impl->follower->setTiles(tiles);
    Follower *follower = impl->follower.get();
    impl->onLayout = [&state, impl, sync, follower](quint64 revision, const QJsonObject &doc,
                                                    qint64 switchAtNs) {
        const wall::LayoutParse parsed = wall::layoutFromJson(doc);
        if (!parsed.ok()) {
            qWarning("opswall: node: the controller's layout %llu is not valid here: %s",
                     static_cast<unsigned long long>(revision),
                     qPrintable(parsed.issues.constFirst().toString()));
            return;
        }
        // A recall is shown at the controller's switch time, the same on every node.
        follower->recallComing();
        sync->schedule(switchAtNs,
                       [&state, impl, follower, revision, switchAtNs, layout = parsed.layout] {
                           follower->applying(revision);
                           applyLayout(state, layout);
                           testhooks::nodeLayoutApplied();
                           impl->pendingRevision = revision;
                           impl->pendingSwitchAtNs = switchAtNs;
                           impl->awaitFrames();
                           follower->applied();
                       });
    };
    // The layouts the controller expects next: built ahead, hidden, in this node's windows by
    // the same views as the controller's (TileListModel, WallState::ahead), taken after the list
    // from before a recall while it waits for its switch time (follower.h); logged once built, and
    // each switch with what it built (a recall of a layout built ahead builds none).
    impl->onAhead = [follower](const nodes::AheadLayouts &ahead) { follower->takeAhead(ahead); };
    impl->onWall = [this, &state](const QJsonObject &doc) {
        const wall::WallParse parsed = wall::wallFromJson(doc);
        if (!parsed.ok())
            return;
        // This node's outputs as the wall had them: their windows are made again when one of
        // them changed (its size, position or regions); one that is gone cannot be drawn.
        bool changed = false;
        for (int o : m_options.outputs) {
            if (o >= parsed.wall.outputs.size()) {
                qCritical("opswall: node: the controller's wall has no output %d any more; this "
                          "node draws it (--outputs), so it stops",
                          o);
                QCoreApplication::exit(1);
                return;
            }
            changed = changed || o >= state.wall().outputs.size() ||
                      !(state.wall().outputs[o] == parsed.wall.outputs[o]);
        }
        const bool displays = state.wall().displays != parsed.wall.displays;
        state.setWall(parsed.wall);
        if (changed || displays) {
            qInfo("opswall: node: the controller's wall changed this node's outputs; their "
                  "windows are made again");
            m_impl->client->announceBusy(nodes::kWindowsBusyMs);
            Q_EMIT outputsChanged();
            m_impl->client->beatNow();
        }
    };
    // What came between joining and now (a node started from its cache that linked since).
    if (const auto w = std::exchange(impl->wallDoc, std::nullopt))
        impl->onWall(*w);
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
    impl->reportTimer.callOnTimeout(this, [impl, client, fps, sync] {
        client->report(impl->shownRevision, fps());
        if (const QByteArray video = sync->videoReport(); !video.isEmpty())
            client->reportVideo(video);
    });
    impl->reportTimer.start(1000);
    if (const auto l = std::exchange(impl->layoutDoc, std::nullopt))
        impl->onLayout(l->first, l->second, -1); // applies at once and awaits the frames
    else
        impl->awaitFrames(); // the first layout, drawn by the windows just made
    if (const auto ahead = std::exchange(impl->ahead, std::nullopt))
        impl->onAhead(*ahead);
#else
    Q_UNUSED(state);
    Q_UNUSED(windows);
    Q_UNUSED(frames);
    Q_UNUSED(snapshots);
#endif
}

namespace {
[[maybe_unused]] feeds::FeedHub *feedHubOf([[maybe_unused]] QQmlEngine &engine) {
#ifdef OPSWALL_WITH_FEEDS
    indicators::IndicatorData *data = opswall::lookup<indicators::IndicatorData>(&engine);
    return data ? data->hub() : nullptr;
#else
    return nullptr;
#endif
}
} // namespace

#ifdef OPSWALL_WITH_NODES
namespace {
// The controller's skew trims in the store's settings (app/nodes/README.md "Skew correction"),
// read and written on the store thread; replicated to a hot standby with every other row.
void keepTrims(nodes::NodeHub &hub, store::Database &db) {
    static const QString kKey = QStringLiteral("controller.skewTrims");
    hub.setTrimSaver([&db](const QByteArray &saved) {
        db.write([value = QString::fromUtf8(saved)](store::Database &writer) {
            writer
                .cached("INSERT INTO settings(key, value) VALUES(?, ?) "
                        "ON CONFLICT(key) DO UPDATE SET value = excluded.value")
                .bind(1, kKey)
                .bind(2, value)
                .run();
        });
    });
    auto saved = std::make_shared<QByteArray>();
    const store::StoreThread::Job read = [saved](store::Database &on) {
        store::Statement st = on.prepare("SELECT value FROM settings WHERE key = ?");
        st.bind(1, kKey);
        if (st.step())
            *saved = st.text(0).toUtf8();
    };
    nodes::NodeHub *to = &hub;
    auto done = [to, saved](std::exception_ptr error) {
        if (error)
            qWarning("opswall: node link: the saved video skew trims cannot be read; starting "
                     "without them");
        else
            to->restoreTrims(*saved);
    };
    if (store::StoreThread *writer = db.writer()) {
        writer->post(read, to, done, &db);
    } else {
        try {
            read(db);
            done(nullptr);
        } catch (...) {
            done(std::current_exception());
        }
    }
}
} // namespace
#endif

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
    config.silenceMs = m_options.nodeSilenceMs;
    config.skewCorrection = m_options.nodeSkewCorrection;
    config.trimKeepMs = qint64(m_options.nodeTrimKeepSecs) * 1000;
    Services *s = &services;
    m_impl->engine = &engine; // its own outputs' wall scene (noderoles_own.cpp)
    m_impl->hub =
        std::make_unique<nodes::NodeHub>(state, config, [s](const QString &token, QString *why) {
            return s->authenticateNode(token, why);
        });
    if (!serveVideoClock(*m_impl->hub, engine, config.host, error) || !m_impl->hub->start(error))
        return false;
    keepTrims(*m_impl->hub, services.database());
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
        // Nodes' pulls are answered from memory (seriescache.h: no read of the store on this
        // thread); a change is announced once it was read again elsewhere.
        nodes::SeriesCache::Limits keep;
        keep.maxBytes = qint64(m_options.nodeSeriesKeepMb) << 20;
        auto *cache = new nodes::SeriesCache(*feeds, keep, hub);
        hub->setSeriesProvider(
            [cache](const QStringList &wanted) { return cache->document(wanted); });
        connect(&feeds->readModel(), &feeds::ReadModel::changed, cache,
                [cache](const QSet<QString> &changed, bool) { cache->changed(changed); });
        connect(cache, &nodes::SeriesCache::seriesChanged, hub, &nodes::NodeHub::announceSeries);
        // What the live layout shows (on any output) is read ahead of the nodes' first pull.
        auto warm = [cache, s = &state] {
            QList<int> outputs;
            for (int i = 0; i < s->wall().outputs.size(); ++i)
                outputs.append(i);
            cache->warm(nodes::indicatorsShown(s->wall(), s->layout(), outputs));
        };
        connect(&state, &wall::WallState::layoutReset, cache, warm);
        for (auto signal : {&wall::WallState::tileAdded, &wall::WallState::tileChanged})
            connect(&state, signal, cache, warm);
        warm();
    }
#endif
    // The open alerts (every source's) and the feeds' status: at once on the feeds' signals, and
    // every second for the sources that have none (devices); published only when they differ.
    nodes::NodeHub *hub = m_impl->hub.get();
    const wall::AlertBoard *board = &services.alerts();
    auto publishState = [hub, board, feeds = feedHubOf(engine)] {
        QJsonArray alerts;
        for (const wall::WallAlert &a : board->alerts())
            alerts.append(a.toJson());
        hub->setAlerts(QJsonDocument(QJsonObject{{QStringLiteral("alerts"), alerts}})
                           .toJson(QJsonDocument::Compact));
#ifdef OPSWALL_WITH_FEEDS
        if (feeds)
            hub->setFeeds(nodes::feedsDocument(*feeds));
#endif
    };
#ifdef OPSWALL_WITH_FEEDS
    if (feeds::FeedHub *feeds = feedHubOf(engine)) {
        for (auto signal : {&feeds::AlertManager::alertRaised, &feeds::AlertManager::alertCleared,
                            &feeds::AlertManager::alertAcknowledged})
            connect(feeds->alerts(), signal, hub, publishState);
        connect(feeds->scheduler(), &feeds::FeedScheduler::statusChanged, hub, publishState);
        connect(feeds->scheduler(), &feeds::FeedScheduler::fetchFinished, hub, publishState);
        connect(feeds->scheduler(), &feeds::FeedScheduler::stored, hub, publishState);
    }
#endif
    m_impl->stateTimer.callOnTimeout(hub, publishState);
    m_impl->stateTimer.start(1000);
    publishState();
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
