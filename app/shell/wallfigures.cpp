// gatherFigures: what the feeds, alert rules, displays, video streams and output windows report,
// as the plain values of control/wallmetrics.h (GET /api/v1/metrics).
#include "shell/servicesparts.h"

#ifdef OPSWALL_WITH_CONTROL

#include <QDateTime>

namespace opswall::shell {

namespace {
std::optional<double> epochSecs(const QDateTime &t) {
    if (!t.isValid())
        return std::nullopt;
    return double(t.toMSecsSinceEpoch()) / 1000.0;
}
} // namespace

void countFigures([[maybe_unused]] Services::Parts &parts, [[maybe_unused]] QObject *context) {
    [[maybe_unused]] FigureCounters *counters = &parts.counters;
#ifdef OPSWALL_WITH_FEEDS
    if (parts.feeds)
        QObject::connect(parts.feeds->scheduler(), &feeds::FeedScheduler::valuesStored, context,
                         [counters](const QString &feedId, int newValues, int revisedValues) {
                             counters->feedPoints[feedId] +=
                                 std::uint64_t(std::max(0, newValues) + std::max(0, revisedValues));
                         });
#endif
#ifdef OPSWALL_WITH_DEVICES
    if (parts.devices)
        QObject::connect(parts.devices.get(), &devices::DeviceService::commandFinished, context,
                         [counters](quint64, const QJsonObject &perDisplay) {
                             for (auto it = perDisplay.begin(); it != perDisplay.end(); ++it)
                                 if (!it->toObject().value(QStringLiteral("ok")).toBool())
                                     ++counters->commandFailures[it.key()];
                         });
#endif
}

control::WallFigures gatherFigures(Services::Parts &parts, const Services &services) {
    control::WallFigures w;
    [[maybe_unused]] const QDateTime now = QDateTime::currentDateTimeUtc();
#ifdef OPSWALL_WITH_FEEDS
    if (parts.feeds) {
        w.feedsBuilt = true;
        feeds::FeedScheduler *scheduler = parts.feeds->scheduler();
        for (const feeds::FeedStatus &st : scheduler->statuses()) {
            control::FeedFigures f;
            f.id = st.feedId;
            f.state = feeds::feedStateName(st.state);
            f.lastSuccessEpochSecs = epochSecs(st.lastSuccess);
            f.lastAttemptEpochSecs = epochSecs(st.lastAttempt);
            f.consecutiveFailures = st.consecutiveFailures;
            if (const std::int64_t age = st.ageSecs(now); age >= 0)
                f.dataAgeSecs = double(age);
            if (const auto def = scheduler->definition(st.feedId)) {
                f.intervalSecs = def->intervalSecs;
                f.staleAfterSecs = def->effectiveStaleAfterSecs();
            }
            f.pointsIngested = parts.counters.feedPoints.value(st.feedId);
            w.feeds.push_back(f);
        }
        try {
            const QList<feeds::Alert> open = parts.feeds->alerts()->openAlerts();
            for (const feeds::AlertRule &r : parts.feeds->alerts()->rules()) {
                control::IndicatorAlertFigures a;
                a.rule = r.id;
                a.indicator = r.kind == feeds::RuleKind::FeedStale ? r.feedId : r.indicator;
                a.severity = feeds::severityName(r.severity);
                for (const feeds::Alert &al : open)
                    if (al.ruleId == r.id) {
                        a.firing = true;
                        a.acknowledged = a.acknowledged || !al.acknowledgedBy.isEmpty();
                    }
                w.indicatorAlerts.push_back(a);
            }
        } catch (const store::Error &e) {
            qWarning("metrics: cannot read the alert rules: %s", e.what());
        }
    }
#endif
#ifdef OPSWALL_WITH_DEVICES
    if (parts.devices) {
        w.devicesBuilt = true;
        for (const devices::DisplayHealth &h : parts.devices->model()->rows()) {
            control::DisplayFigures d;
            d.id = h.displayId;
            d.bound = h.bound;
            d.reachable = h.reachable;
            d.power = h.power;
            d.input = h.input;
            if (h.temperatureC)
                d.temperatureCelsius = double(*h.temperatureC);
            d.fan = h.fan;
            d.scheduledOn = parts.devices->scheduledOn(h.displayId);
            d.lastSeenEpochSecs = epochSecs(h.lastSeen);
            d.commandFailures = parts.counters.commandFailures.value(h.displayId);
            w.displays.push_back(d);
        }
    }
#endif
#ifdef OPSWALL_WITH_VIDEO
    if (parts.video) {
        w.videoBuilt = true;
        for (const QJsonValue &v : parts.video->streamStates()) {
            const QJsonObject o = v.toObject();
            control::StreamFigures s;
            s.key = o.value(QStringLiteral("id")).toString();
            s.state = o.value(QStringLiteral("state")).toString();
            s.fps = o.value(QStringLiteral("fps")).toDouble();
            s.droppedFrames = std::uint64_t(o.value(QStringLiteral("droppedFrames")).toDouble());
            s.reconnects = std::uint64_t(o.value(QStringLiteral("reconnects")).toDouble());
            s.latencyMs = o.value(QStringLiteral("latencyMs")).toDouble(-1);
            s.bitrateKbps = o.value(QStringLiteral("bitrateKbps")).toDouble();
            s.codec = o.value(QStringLiteral("codec")).toString();
            s.decoder = o.value(QStringLiteral("decoder")).toString();
            s.width = o.value(QStringLiteral("width")).toInt();
            s.height = o.value(QStringLiteral("height")).toInt();
            w.streams.push_back(s);
        }
    }
#endif
    const QJsonArray outputs = services.renderStats().value(QStringLiteral("outputs")).toArray();
    w.outputsKnown = !outputs.isEmpty();
    for (const QJsonValue &v : outputs) {
        control::OutputFigures o;
        o.index = v[QStringLiteral("index")].toInt();
        o.fps = v[QStringLiteral("fps")].toDouble(-1);
        o.longestFrameMs = v[QStringLiteral("longestFrameMs")].toDouble(-1);
        w.outputs.push_back(o);
    }
    return w;
}

} // namespace opswall::shell

#endif
