#pragma once
// Acknowledgements of the alerts the one alert model keeps itself (device and store alerts;
// indicator alerts keep theirs with their feed): stored in the table alert_acks (component
// "alert_acks") and restored at start (wall::AlertBoard::restore). Written on the store thread
// (store::Database::write, each its own transaction, not the alert.ack action's: the store's own
// alert is acknowledged while the store refuses writes); an alert that clears forgets its
// acknowledgement.

#include "store/database.h"
#include "wall/alertboard.h"

namespace opswall::shell {

// Migrates the table (at start-up, before the GUI runs), restores the stored acknowledgements and
// hooks the board's persistence to db. Throws store::Error when the table cannot be read.
void setupAlertAcks(store::Database &db, wall::AlertBoard &board);

// The full id on the board of a device alert's id ("device/r1c1/unreachable" ->
// "device.r1c1.unreachable").
QString deviceAlertBoardId(const QString &deviceAlertId);

} // namespace opswall::shell
