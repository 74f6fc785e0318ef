// The schema this build's controller migrates a store to: what a standby compares a primary's
// store with before it follows it (app/nodes/README.md "Hot standby": migrations do not travel
// over the standby link). Every layer built in migrates a scratch database, as a controller's
// start does on its own store.
#include "shell/standbyrole.h"

#ifdef OPSWALL_WITH_NODES

#include "nodes/standbystore.h"
#include "shell/alertacks.h"
#include "store/database.h"
#include "store/wallstore.h"
#include "wall/alertboard.h"
#include "wall/dispatcher.h"
#include "wall/wallstate.h"

#include <QTemporaryDir>

#ifdef OPSWALL_WITH_FEEDS
#include "feeds/schema.h"
#endif
#ifdef OPSWALL_WITH_VIDEO
#include "video/sourcestore.h"
#endif
#ifdef OPSWALL_WITH_DEVICES
#include "devices/configstore.h"
#endif
#ifdef OPSWALL_WITH_CALIBRATION
#include "calibration/profilestore.h"
#endif
#ifdef OPSWALL_WITH_CONTROL
#include "control/auditlog.h"
#endif
#ifdef OPSWALL_WITH_PANELS
#include "panels/panelstore.h"
#endif
#ifdef OPSWALL_WITH_BRIEFING
#include "briefing/briefingstore.h"
#include "briefing/schedule.h"
#endif

namespace opswall::shell {

QJsonObject schemaOfThisBuild() {
    QTemporaryDir dir;
    if (!dir.isValid())
        throw store::Error("no temporary folder for the schema check", 0);
    store::Database db(dir.filePath(QStringLiteral("schema.db")));
    store::WallStore core(db);
    wall::AlertBoard alerts;
    setupAlertAcks(db, alerts);
#ifdef OPSWALL_WITH_FEEDS
    feeds::migrateFeedsSchema(db);
#endif
#ifdef OPSWALL_WITH_VIDEO
    video::SourceStore sources(db);
#endif
#ifdef OPSWALL_WITH_DEVICES
    devices::DeviceConfigStore devices(db);
#endif
#ifdef OPSWALL_WITH_CALIBRATION
    calibration::ProfileStore profiles(db);
#endif
#ifdef OPSWALL_WITH_CONTROL
    control::AuditLog audit(db); // the control and the audit components
#endif
#ifdef OPSWALL_WITH_PANELS
    panels::PanelStore panels(db);
#endif
#ifdef OPSWALL_WITH_BRIEFING
    briefing::BriefingStore briefings(db);
    wall::WallState state{wall::Wall{}};
    wall::Dispatcher dispatcher(state, nullptr);
    briefing::Scheduler schedules(db, dispatcher, state, nullptr);
#endif
    return nodes::standby::schemaOf(db);
}

} // namespace opswall::shell

#endif // OPSWALL_WITH_NODES
