// A render node's side of NodeRoles: what the controller sends goes into the node's layers (video
// sources, indicators, values, alerts, feeds' status) and its cache (noderoles.h, setCache).
#include "shell/noderoles_p.h"

#include "core/engineservices.h"
#include "store/wallstore.h"
#include "wall/walljson.h"

#include <QJsonDocument>
#include <QSet>

#include <algorithm>
#include <tuple>

#ifdef OPSWALL_WITH_VIDEO
#include "video/videohub.h"
#endif
#ifdef OPSWALL_WITH_FEEDS
#include "feeds/feedhub.h"
#include "indicatordata.h"
#endif

namespace opswall::shell {

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

void NodeRoles::takeReplicatedData([[maybe_unused]] QQmlEngine &engine) {
#ifdef OPSWALL_WITH_NODES
    Impl *impl = m_impl.get();
    if (!impl->client)
        return;
    impl->engine = &engine;
    if (impl->sync)
        impl->sync->attachVideo(engine); // before any tile starts a stream
#ifdef OPSWALL_WITH_VIDEO
    if (video::VideoHub *hub = opswall::lookup<video::VideoHub>(&engine))
        impl->onSources = [hub](const QJsonArray &sources) { applySources(hub, sources); };
#endif
#ifdef OPSWALL_WITH_FEEDS
    indicators::IndicatorData *data = opswall::lookup<indicators::IndicatorData>(&engine);
    if (feeds::FeedHub *feeds = data ? data->hub() : nullptr) {
        impl->feedReplica = std::make_unique<nodes::FeedReplica>(*feeds);
        nodes::FeedReplica *replica = impl->feedReplica.get();
        // The tiles show the controller's alerts and feed freshness, not this node's.
        data->setRemote({[replica] { return replica->indicatorAlerts(); },
                         [replica](const QString &feed) { return replica->staleAfterSecs(feed); }});
        impl->onIndicators = [feeds](const QByteArray &doc) {
            // Written on the store thread; the read model reads again (elsewhere) once it is
            // committed (AlertManager::indicatorsChanged, FeedHub).
            QString err;
            if (!feeds->alerts()->importJson(doc, &err))
                qWarning("opswall: node: the controller's indicators are not valid here: %s",
                         qPrintable(err));
        };
        impl->onSeries = [feeds](const QJsonArray &series) {
            // Stored on the store thread; logged once it is.
            nodes::applySeries(*feeds, series, [](const nodes::SeriesApplied &done) {
                qInfo("opswall: node: %d series (%d values; %d revisions new here, %d replaced, "
                      "%d not valid) from the controller",
                      done.series, done.values, done.replayed, done.replaced, done.skipped);
            });
        };
        impl->onFeeds = [replica](const QByteArray &doc) {
            QString why;
            if (!replica->applyFeeds(doc, &why))
                qWarning("opswall: node: the controller's feeds' status is not valid: %s",
                         qPrintable(why));
        };
        impl->onAlerts = [replica](const QByteArray &doc) {
            QString why;
            if (!replica->applyAlerts(doc, &why))
                qWarning("opswall: node: the controller's alerts are not valid: %s",
                         qPrintable(why));
        };
        // What this node had when it stopped, until the controller says more.
        if (m_cache)
            for (const auto &[key, apply] :
                 {std::pair{"node.feeds", impl->onFeeds}, std::pair{"node.alerts", impl->onAlerts}})
                if (const QString doc = m_cache->setting(QLatin1String(key)); !doc.isEmpty())
                    apply(doc.toUtf8());
    }
#endif
    // What came while joining (or since a start from the cache).
    if (const auto sources = std::exchange(impl->sources, std::nullopt); sources && impl->onSources)
        impl->onSources(*sources);
    for (auto [doc, apply] :
         {std::pair{&impl->indicators, impl->onIndicators}, std::pair{&impl->feeds, impl->onFeeds},
          std::pair{&impl->alerts, impl->onAlerts}})
        if (!doc->isEmpty() && apply)
            apply(std::exchange(*doc, QByteArray()));
    for (const QJsonArray &series : std::exchange(impl->series, {}))
        if (impl->onSeries)
            impl->onSeries(series);
#endif
}

void NodeRoles::keepReceived() {
#ifdef OPSWALL_WITH_NODES
    Impl *impl = m_impl.get();
    nodes::NodeClient *client = impl->client.get();
    // Saved on receipt: right after the turn of the event loop that brought it (what came in
    // that turn, one write per document), before the windows show it (saveReceived() runs again
    // before a revision is reported), so a node killed just after is not left with an older
    // layout in its cache than the one it reported.
    impl->saveTimer.setSingleShot(true);
    impl->saveTimer.setInterval(0);
    impl->saveTimer.callOnTimeout(this, &NodeRoles::saveReceived);
    auto cache = [impl](const char *key, const QJsonObject &doc) {
        impl->unsaved.insert(QLatin1String(key), QJsonDocument(doc).toJson(QJsonDocument::Compact));
        if (!impl->saveTimer.isActive())
            impl->saveTimer.start();
    };
    connect(client, &nodes::NodeClient::wallReceived, this, [impl, cache](const QJsonObject &doc) {
        if (impl->onWall)
            impl->onWall(doc);
        else
            impl->wallDoc = doc;
        if (wall::wallFromJson(doc).ok())
            cache("node.wall", QJsonObject{{QStringLiteral("wall"), doc}});
    });
    connect(client, &nodes::NodeClient::layoutReceived, this,
            [impl, cache](quint64 revision, const QJsonObject &doc, qint64 switchAtNs) {
                if (impl->onLayout)
                    impl->onLayout(revision, doc, switchAtNs);
                else
                    impl->layoutDoc = std::make_pair(revision, doc);
                cache("node.layout", QJsonObject{{QStringLiteral("revision"), qint64(revision)},
                                                 {QStringLiteral("layout"), doc}});
            });
    connect(client, &nodes::NodeClient::sourcesReceived, this, [impl](const QJsonArray &doc) {
        if (impl->onSources)
            impl->onSources(doc);
        else
            impl->sources = doc;
    });
    connect(client, &nodes::NodeClient::seriesReceived, this, [impl](const QJsonArray &doc) {
        if (impl->onSeries)
            impl->onSeries(doc);
        else
            impl->series.append(doc);
    });
    const std::tuple<void (nodes::NodeClient::*)(const QByteArray &), QByteArray Impl::*,
                     std::function<void(const QByteArray &)> Impl::*, const char *>
        docs[] = {
            {&nodes::NodeClient::indicatorsReceived, &Impl::indicators, &Impl::onIndicators,
             nullptr},
            {&nodes::NodeClient::alertsReceived, &Impl::alerts, &Impl::onAlerts, "node.alerts"},
            {&nodes::NodeClient::feedsReceived, &Impl::feeds, &Impl::onFeeds, "node.feeds"}};
    for (const auto &[signal, buffer, handler, key] : docs)
        connect(client, signal, this, [impl, buffer, handler, key](const QByteArray &doc) {
            if (impl->*handler)
                (impl->*handler)(doc);
            else
                impl->*buffer = doc;
            if (key) {
                impl->unsaved.insert(QLatin1String(key), doc);
                if (!impl->saveTimer.isActive())
                    impl->saveTimer.start();
            }
        });
#endif
}

void NodeRoles::saveReceived() {
    const QHash<QString, QByteArray> unsaved = std::exchange(m_impl->unsaved, {});
    m_impl->saveTimer.stop();
    for (auto it = unsaved.cbegin(); it != unsaved.cend(); ++it)
        saveToCache(it.key(), it.value());
}

void NodeRoles::saveToCache(const QString &key, const QByteArray &doc) {
    if (!m_cache)
        return;
    try {
        m_cache->setSetting(key, QString::fromUtf8(doc));
    } catch (const std::exception &e) {
        qWarning("opswall: node: the cache could not keep %s: %s", qPrintable(key), e.what());
    }
}

} // namespace opswall::shell
