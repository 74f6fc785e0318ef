#pragma once
// The feeds component's own tables (series values with revisions, feed definitions and status,
// indicators, alerts), versioned with Database::migrateComponent("feeds", ...).

namespace opswall::store {
class Database;
}

namespace opswall::feeds {
// Idempotent: every feeds store calls it on the connection it is given.
void migrateFeedsSchema(store::Database &db);
} // namespace opswall::feeds
