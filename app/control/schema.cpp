#include "control/schema.h"

#include "store/database.h"

#include <array>

namespace opswall::control {

namespace {
// Never renumber or edit a shipped migration; add a new one.
constexpr std::array<store::Migration, 1> kMigrations{{
    {1, R"SQL(
CREATE TABLE control_tokens(
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  role TEXT NOT NULL,
  salt BLOB NOT NULL,
  hash BLOB NOT NULL,
  created_ms INTEGER NOT NULL,
  revoked_ms INTEGER
);
CREATE UNIQUE INDEX control_tokens_active_name ON control_tokens(name) WHERE revoked_ms IS NULL;
CREATE TABLE control_audit(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  time_ms INTEGER NOT NULL,
  user TEXT NOT NULL,
  role TEXT NOT NULL,
  via TEXT NOT NULL,
  remote TEXT NOT NULL,
  action TEXT NOT NULL,
  params TEXT NOT NULL,
  ok INTEGER NOT NULL,
  code TEXT NOT NULL,
  message TEXT NOT NULL,
  result TEXT NOT NULL,
  prev_hash BLOB NOT NULL,
  hash BLOB NOT NULL
);
CREATE INDEX control_audit_time ON control_audit(time_ms);
CREATE TABLE control_audit_head(
  one INTEGER PRIMARY KEY CHECK (one = 1),
  last_id INTEGER NOT NULL,
  last_hash BLOB NOT NULL
);
)SQL"},
}};
} // namespace

void migrateControlSchema(store::Database &db) {
    db.migrateComponent("control", kMigrations);
}

} // namespace opswall::control
