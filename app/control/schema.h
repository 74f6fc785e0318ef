#pragma once
// The control layer's own tables (tokens, audit), migrated as component "control".

namespace opswall::store {
class Database;
}

namespace opswall::control {
void migrateControlSchema(store::Database &db);
}
