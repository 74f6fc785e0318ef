// What the wall's layers do, in the log with structured fields (app/logging): a feed failing and
// recovering (FEED=), a display unreachable at every poll (DISPLAY=; the handler summarises the
// repeats), its alerts, a video stream's state changes (STREAM=), and every action applied or
// refused (ACTION=, USER=).
#include "shell/servicesparts.h"

#ifdef OPSWALL_WITH_LOGGING
#include "logging/logfields.h"

#include <QLoggingCategory>
#include <QSet>

#include <memory>

#ifdef OPSWALL_WITH_CONTROL
#include "control/wallmetrics.h"
#endif
#ifdef OPSWALL_WITH_VIDEO
#include "video/videostream.h"
#endif

namespace opswall::shell {

using logging::Field;
using logging::LogScope;

namespace {
Q_LOGGING_CATEGORY(lcFeedsLog, "opswall.feeds")
Q_LOGGING_CATEGORY(lcDisplaysLog, "opswall.displays")
Q_LOGGING_CATEGORY(lcActionsLog, "opswall.actions")
Q_LOGGING_CATEGORY(lcStreamsLog, "opswall.streams")

#ifdef OPSWALL_WITH_VIDEO
// Each stream's state changes, with STREAM= (the metrics' label: a source id, or a hash for a
// bare URI, so the log does not carry the address either). Streams are children of the hub,
// made and dropped as tiles come and go: followed when the hub says its streams changed.
void followStreams(video::VideoHub *hub, QObject *context) {
    auto followed = std::make_shared<QSet<QObject *>>();
    QObject::connect(hub, &video::VideoHub::streamsChanged, context, [hub, followed] {
        const auto streams = hub->findChildren<video::VideoStream *>(Qt::FindDirectChildrenOnly);
        for (video::VideoStream *s : streams) {
            if (followed->contains(s))
                continue;
            followed->insert(s);
            QObject::connect(s, &QObject::destroyed, hub, [followed, s] { followed->remove(s); });
            QObject::connect(s, &video::VideoStream::stateChanged, hub, [s] {
                const QString id = control::streamLabel(s->key());
                const LogScope scope{{Field::Stream, id}};
                const QString state = s->stateName().toLower();
                if (state == QLatin1String("playing") || state == QLatin1String("connecting") ||
                    state == QLatin1String("idle"))
                    qCInfo(lcStreamsLog, "stream %s %s", qPrintable(id), qPrintable(state));
                else if (s->lastError().isEmpty())
                    qCWarning(lcStreamsLog, "stream %s %s", qPrintable(id), qPrintable(state));
                else
                    qCWarning(lcStreamsLog, "stream %s %s: %s", qPrintable(id), qPrintable(state),
                              qPrintable(s->lastError()));
            });
        }
    });
}
#endif
} // namespace

void logEvents([[maybe_unused]] Services::Parts &parts, [[maybe_unused]] QObject *context) {
#if defined(OPSWALL_WITH_VIDEO) && defined(OPSWALL_WITH_CONTROL)
    if (parts.video)
        followStreams(parts.video.get(), context);
#endif
#ifdef OPSWALL_WITH_FEEDS
    if (parts.feeds) {
        feeds::FeedScheduler *scheduler = parts.feeds->scheduler();
        QObject::connect(scheduler, &feeds::FeedScheduler::fetchFinished, context,
                         [scheduler](const QString &feedId, bool ok) {
                             if (ok)
                                 return;
                             const feeds::FeedStatus st = scheduler->status(feedId);
                             const LogScope scope{{Field::Feed, feedId}};
                             qCWarning(lcFeedsLog, "feed %s failing: %s", qPrintable(feedId),
                                       qPrintable(st.lastError));
                         });
        QObject::connect(scheduler, &feeds::FeedScheduler::statusChanged, context,
                         [](const QString &feedId, feeds::FeedState state, const QString &error) {
                             const LogScope scope{{Field::Feed, feedId}};
                             if (state == feeds::FeedState::Ok)
                                 qCInfo(lcFeedsLog, "feed %s ok", qPrintable(feedId));
                             else if (state == feeds::FeedState::Stale)
                                 qCWarning(lcFeedsLog, "feed %s stale: %s", qPrintable(feedId),
                                           qPrintable(error));
                             // failing: written by fetchFinished for every failed attempt (push
                             // feeds have no attempts: their drops are written here)
                             else if (state == feeds::FeedState::Failing &&
                                      error.startsWith(QLatin1String("live stream:")))
                                 qCWarning(lcFeedsLog, "feed %s failing: %s", qPrintable(feedId),
                                           qPrintable(error));
                         });
    }
#endif
#ifdef OPSWALL_WITH_DEVICES
    if (parts.devices) {
        devices::DeviceService *service = parts.devices.get();
        QObject::connect(service, &devices::DeviceService::healthUpdated, context,
                         [service](const QString &displayId) {
                             const devices::DisplayHealth *row = service->model()->row(displayId);
                             if (!row || !row->bound || row->reachable)
                                 return;
                             const LogScope scope{{Field::Display, displayId}};
                             qCWarning(lcDisplaysLog, "display %s unreachable",
                                       qPrintable(displayId));
                         });
        QObject::connect(
            service, &devices::DeviceService::alertRaised, context, [](const QJsonObject &a) {
                const QString display = a.value(QStringLiteral("display")).toString();
                const LogScope scope{{Field::Display, display}};
                const QByteArray text = a.value(QStringLiteral("message")).toString().toUtf8();
                if (a.value(QStringLiteral("severity")) == QLatin1String("critical"))
                    qCCritical(lcDisplaysLog, "alert: %s", text.constData());
                else
                    qCWarning(lcDisplaysLog, "alert: %s", text.constData());
            });
        QObject::connect(service, &devices::DeviceService::alertCleared, context,
                         [](const QJsonObject &a) {
                             const QString display = a.value(QStringLiteral("display")).toString();
                             const LogScope scope{{Field::Display, display}};
                             qCInfo(lcDisplaysLog, "alert cleared: %s",
                                    qPrintable(a.value(QStringLiteral("message")).toString()));
                         });
    }
#endif
}

void logAction(const Caller &caller, const Action &action, const ActionResult &result) {
    const LogScope scope{{Field::Action, action.type}, {Field::User, caller.user}};
    if (result.ok)
        qCInfo(lcActionsLog, "%s by %s (%s, via %s): done", qPrintable(action.type),
               qPrintable(caller.user), qPrintable(roleName(caller.role)), qPrintable(caller.via));
    else
        qCWarning(lcActionsLog, "%s by %s (%s, via %s): %s: %s", qPrintable(action.type),
                  qPrintable(caller.user), qPrintable(roleName(caller.role)),
                  qPrintable(caller.via), qPrintable(result.code), qPrintable(result.message));
}

} // namespace opswall::shell

#else

namespace opswall::shell {
void logEvents(Services::Parts &, QObject *) {}
void logAction(const Caller &, const Action &, const ActionResult &) {}
} // namespace opswall::shell

#endif
