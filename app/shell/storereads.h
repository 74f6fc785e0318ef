#pragma once
// The API's reads that need only the database file: presets (layouts), briefings and the layout
// of a past time (the audit). They run on
// a worker thread's reader connection (control::ControlService::readAsync, WAL: the store
// thread's writes never hold them up), so the GUI thread does no SQLite for them; the sink's
// snapshot() serves the same views for the callers that read in place (panels, the console) from
// what the GUI thread's stores keep in memory (presets: WallStore; briefings: BriefingStore).

#include "control/actionsink.h"

#include <QJsonObject>
#include <QString>

namespace opswall::store {
class WallStore;
}
namespace opswall::briefing {
class BriefingStore;
}

namespace opswall::shell {

// The read for view `what`: "presets", "layouts", "preset:<id>", "layout:<id>",
// "audit-layout:<epoch ms>" (GET /audit/layout: the change and the layout it made) and, with
// briefings built in and withBriefings, "briefings" and "briefing:<id>"; empty for any other
// view. The function captures values only: it runs on any thread, on the connection given.
control::ActionSink::StoreRead storeRead(const QString &what, bool withBriefings);

// GET /presets (id empty) or /presets/{id} from store: on a reader (storeRead), or from the GUI
// thread's WallStore, which answers from the presets it keeps (the panels' and console's views).
QJsonObject presetsView(store::WallStore &store, const QString &id);

// "briefings" or "briefing:<id>" from store: on a reader (storeRead), or from the GUI thread's
// BriefingStore, which answers from the briefings it keeps (the in-place views). Empty for any
// other view (and without briefings built in).
QJsonObject briefingsView(briefing::BriefingStore &store, const QString &what);

} // namespace opswall::shell
