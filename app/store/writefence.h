#pragma once
// The write fence of this process (app/nodes/README.md "Hot standby"): while the reason is not
// empty, every connection refuses writes with Error(SQLITE_READONLY, reason) where it checks the
// free-space guard (Database::checkFreeSpace: before a transaction and a write statement), and
// the store's health shows it. Reads go on. Set by a controller that another one took over from,
// or that waits at start to hear whether one did. Any thread.

#include <QString>

namespace opswall::store {

void setWriteFence(const QString &reason);
QString writeFence();

} // namespace opswall::store
