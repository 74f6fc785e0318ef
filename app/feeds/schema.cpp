#include "feeds/schema.h"

#include "store/database.h"

#include <array>

namespace opswall::feeds {

namespace {
// Never renumber or edit a shipped migration; add a new one.
constexpr std::array kMigrations = {
    store::Migration{1, R"sql(
CREATE TABLE feed_series(
  id INTEGER PRIMARY KEY,
  indicator TEXT NOT NULL,
  dimension TEXT NOT NULL DEFAULT '',
  unit TEXT NOT NULL DEFAULT '',
  unit_mult INTEGER NOT NULL DEFAULT 0,
  feed_id TEXT NOT NULL DEFAULT '',
  UNIQUE(indicator, dimension));
-- One row per published value; a changed value for the same period is a new revision and the
-- previous one stops being current (GSO revises monthly estimates the next month).
CREATE TABLE feed_values(
  series_id INTEGER NOT NULL REFERENCES feed_series(id) ON DELETE CASCADE,
  period_kind INTEGER NOT NULL,
  period_start INTEGER NOT NULL,
  revision INTEGER NOT NULL,
  value REAL NOT NULL,
  fetched_at INTEGER NOT NULL,
  current INTEGER NOT NULL,
  PRIMARY KEY(series_id, period_kind, period_start, revision)) WITHOUT ROWID;
CREATE INDEX feed_values_current ON feed_values(series_id, period_start) WHERE current = 1;
CREATE TABLE feed_definitions(
  id TEXT PRIMARY KEY,
  definition TEXT NOT NULL,
  updated_at INTEGER NOT NULL);
CREATE TABLE feed_status(
  feed_id TEXT PRIMARY KEY,
  state INTEGER NOT NULL,
  last_error TEXT NOT NULL DEFAULT '',
  last_attempt INTEGER,
  last_success INTEGER,
  failures INTEGER NOT NULL DEFAULT 0,
  etag TEXT NOT NULL DEFAULT '',
  last_modified TEXT NOT NULL DEFAULT '');
CREATE TABLE feed_indicators(
  code TEXT PRIMARY KEY,
  definition TEXT NOT NULL);
CREATE TABLE feed_alerts(
  id INTEGER PRIMARY KEY,
  rule_id TEXT NOT NULL,
  indicator TEXT NOT NULL DEFAULT '',
  feed_id TEXT NOT NULL DEFAULT '',
  severity INTEGER NOT NULL,
  message TEXT NOT NULL,
  raised_at INTEGER NOT NULL,
  cleared_at INTEGER,
  acknowledged_by TEXT,
  acknowledged_at INTEGER);
CREATE INDEX feed_alerts_open ON feed_alerts(rule_id) WHERE cleared_at IS NULL;
)sql"},
    store::Migration{2, R"sql(
CREATE TABLE feed_rules(
  id TEXT PRIMARY KEY,
  definition TEXT NOT NULL);
)sql"},
};
} // namespace

void migrateFeedsSchema(store::Database &db) {
    db.migrateComponent("feeds", kMigrations);
}

} // namespace opswall::feeds
