#pragma once
// Retention of the wall's own history (RetentionConfig in storeconfig.h): the live layout's
// history rows and the presets' old revisions. Feed series have their own (app/feeds,
// SeriesStore::applyRetention) and the audit log its own, which exports before it prunes
// (app/control/auditlog.h). One transaction; the newest live layout row and every preset's
// current revision always stay.

#include "store/database.h"
#include "store/storeconfig.h"

namespace opswall::store {

struct RetentionResult {
    int layoutHistoryRows = 0; // removed
    int presetRevisions = 0;   // removed
};

RetentionResult applyWallRetention(Database &db, const RetentionConfig &config, std::int64_t nowMs);

} // namespace opswall::store
