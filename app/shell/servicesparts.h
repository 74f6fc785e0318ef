#pragma once
// Inside the shell: the objects of the layers built in (Services owns them) and the JSON shapes
// the services and the API's view of the wall share. Not for use outside app/shell.

#include "shell/services.h"
#include "shell/steprenderer.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QNetworkAccessManager>

#include <cstdint>
#include <memory>

#ifdef OPSWALL_WITH_FEEDS
#include "feeds/feedhub.h"
#include "indicatordata.h"
#endif
#ifdef OPSWALL_WITH_VIDEO
#include "video/videohub.h"
#endif
#ifdef OPSWALL_WITH_MAPS
#include "maps/geolibrary.h"
#endif
#ifdef OPSWALL_WITH_DEVICES
#include "devices/demosimulators.h"
#include "devices/deviceservice.h"
#endif
#ifdef OPSWALL_WITH_CALIBRATION
#include "calibration/calibrationservice.h"
#include "calibration/profilestore.h"
#endif
#ifdef OPSWALL_WITH_PANELS
#include "panels/panelservice.h"
#endif
#ifdef OPSWALL_WITH_BRIEFING
#include "briefing/briefingstore.h"
#include "briefing/runner.h"
#include "briefing/schedule.h"
#endif
#ifdef OPSWALL_WITH_CONTROL
#include "control/actionsink.h"
#include "control/apiserver.h"
#include "control/controlservice.h"
#endif

namespace opswall::shell {

// What the layers do not count themselves, counted for the metrics (wallfigures.cpp).
struct FigureCounters {
    QHash<QString, std::uint64_t> feedPoints;      // feed id -> values stored (new + revised)
    QHash<QString, std::uint64_t> commandFailures; // display id -> failed command results
};

struct Services::Parts {
    FigureCounters counters;
#ifdef OPSWALL_WITH_FEEDS
    QNetworkAccessManager nam;
    std::unique_ptr<feeds::FeedHub> feeds;
    std::unique_ptr<indicators::IndicatorData> indicators;
#endif
#ifdef OPSWALL_WITH_VIDEO
    std::unique_ptr<video::VideoHub> video;
#endif
#ifdef OPSWALL_WITH_MAPS
    std::unique_ptr<maps::GeoLibrary> geo;
#endif
#ifdef OPSWALL_WITH_DEVICES
    std::unique_ptr<devices::DemoSimulators> simulators;
    std::unique_ptr<devices::DeviceService> devices;
#endif
#ifdef OPSWALL_WITH_CALIBRATION
    std::unique_ptr<calibration::ProfileStore> calibrationStore;
    std::unique_ptr<calibration::CalibrationService> calibration;
#endif
#ifdef OPSWALL_WITH_BRIEFING
    std::unique_ptr<briefing::BriefingStore> briefings;
    std::unique_ptr<briefing::BriefingRunner> runner;
    std::unique_ptr<briefing::Scheduler> scheduler;
#endif
    StepRenderer *renderer = nullptr; // owned by WallApplication; pictures of steps
#ifdef OPSWALL_WITH_CONTROL
    std::unique_ptr<control::ActionSink> sink;
    std::unique_ptr<control::ControlService> control;
    std::unique_ptr<control::ControlServer> server;
#endif
#ifdef OPSWALL_WITH_PANELS
    std::unique_ptr<panels::PanelService> panels;
    panels::PanelsConfig panelsConfig; // as stored; panel.bind changes it
#endif
};

struct Services::Ahead {
#ifdef OPSWALL_WITH_MAPS
    std::unique_ptr<maps::GeoLibrary> geo; // both boundary sets preloaded
#endif
};

#ifdef OPSWALL_WITH_CONTROL
// Connects parts.counters to the layers built in (context: the receiver whose life bounds it).
void countFigures(Services::Parts &parts, QObject *context);
// The figures of the layers for GET /api/v1/metrics (control/wallmetrics.h); GUI thread.
control::WallFigures gatherFigures(Services::Parts &parts, const Services &services);
#endif

// Writes what the layers do to the log with structured fields (eventlog.cpp; nothing without
// app/logging): feed failures, unreachable displays, display alerts; and one line per action.
void logEvents(Services::Parts &parts, QObject *context);
void logAction(const Caller &caller, const Action &action, const ActionResult &result);

// {"items": a}: the API's list shape.
inline QJsonObject items(const QJsonArray &a) {
    return {{QStringLiteral("items"), a}};
}

#ifdef OPSWALL_WITH_FEEDS
// A feed alert as the API lists it and as the event stream announces it.
QJsonObject alertJson(const feeds::Alert &a);
#endif

#ifdef OPSWALL_WITH_CONTROL
// The dispatcher as the control API sees it (dispatchersink.cpp).
std::unique_ptr<control::ActionSink>
makeDispatcherSink(wall::Dispatcher &dispatcher, wall::WallState &state, store::WallStore &store,
                   Services::Parts &parts, const Services &services);
#endif

} // namespace opswall::shell
