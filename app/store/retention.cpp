#include "store/retention.h"

namespace opswall::store {

RetentionResult applyWallRetention(Database &db, const RetentionConfig &config,
                                   std::int64_t nowMs) {
    RetentionResult out;
    db.transaction([&] {
        // The newest row is the layout shown at the next start: it stays whatever its age.
        if (config.layoutHistoryDays > 0) {
            db.prepare("DELETE FROM live_layouts WHERE at_ms < ? AND "
                       "id < (SELECT MAX(id) FROM live_layouts)")
                .bind(1, nowMs - std::int64_t(config.layoutHistoryDays) * 86'400'000)
                .run();
            out.layoutHistoryRows += db.changes();
        }
        if (config.layoutHistoryMaxRows > 0) {
            db.prepare("DELETE FROM live_layouts WHERE id <= "
                       "(SELECT MAX(id) FROM live_layouts) - ?")
                .bind(1, config.layoutHistoryMaxRows)
                .run();
            out.layoutHistoryRows += db.changes();
        }
        if (config.presetRevisionsKeep > 0) {
            // Revisions count up from 1 per preset: keep the newest N, the current one among them.
            db.prepare("DELETE FROM preset_revisions WHERE revision <= "
                       "(SELECT p.revision FROM presets p WHERE p.id = preset_id) - ?")
                .bind(1, config.presetRevisionsKeep)
                .run();
            out.presetRevisions += db.changes();
        }
    });
    return out;
}

} // namespace opswall::store
