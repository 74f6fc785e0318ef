#pragma once
// The seam between the control layer and the one action dispatcher (app/wall). The dispatcher
// implements ActionSink; ControlService calls it on the GUI thread only (the API and line servers
// hop there with a queued call and hop back to their io thread with the result), so an
// implementation needs no locking and must never block.

#include "control/wallmetrics.h"
#include "core/action.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <functional>

namespace opswall::store {
class Database;
}

namespace opswall::control {

class ActionSink {
public:
    using Done = std::function<void(opswall::ActionResult)>;
    virtual ~ActionSink() = default;

    // Authorise (once: ControlService::authorize, or the role table and
    // ControlService::lockRefusal), apply action for caller and call done exactly once, now or
    // later, on the GUI thread. Nothing checked the action before: the sink must refuse what the
    // caller may not do, write the audit row (ControlService::audit().append) for a refusal as for
    // a success, and publish the resulting event (ControlService::publish). The action is in the
    // dispatcher's own vocabulary (router.cpp emits it so): no rewriting.
    virtual void submit(opswall::Action action, opswall::Caller caller, Done done) = 0;

    // Read-only state as JSON, on the GUI thread. `what` is one of:
    //   "wall" (geometry, outputs, display states), "status" (a flat summary for AV systems:
    //   scalar fields only), "layouts", "layout:<id>", "presets", "preset:<id>", "tiles",
    //   "sources", "feeds", "alerts", "devices", "device:<id>", "health" (fps, streams: merged
    //   into GET /health), "layout-revision:<n>" (the live layout as it was at revision n).
    // Lists come back as {"items": [...]}. Return an empty object for an unknown id (-> 404).
    virtual QJsonObject snapshot(const QString &what) = 0;
    // The same view read from the database file alone (presets, briefings): a function the API
    // runs on a worker thread's reader connection (ControlService::readAsync) instead of
    // snapshot() on the GUI thread. Empty (the default) for a view snapshot() serves. Called on
    // the GUI thread; the function captures values only and runs on any thread.
    using StoreRead = std::function<QJsonObject(store::Database &)>;
    virtual StoreRead storeRead(const QString &what) {
        Q_UNUSED(what);
        return {};
    }

    // What the layers behind the dispatcher measure (feeds, alert rules, displays, video streams,
    // output windows), for GET /api/v1/metrics; on the GUI thread. Nothing by default.
    virtual WallFigures figures() { return {}; }
    // A JPEG of what output `index` (its position in the "wall" snapshot's outputs) shows now, at
    // most widthPx wide, taken from the wall's own output window (never a second decode). Called
    // on the GUI thread; done is called exactly once, from any thread, with the failure
    // ("not_found" for an index the wall does not have, "unavailable") or success and the bytes.
    using ImageDone = std::function<void(opswall::ActionResult, QByteArray jpeg)>;
    virtual void outputSnapshot(int index, int widthPx, ImageDone done) {
        Q_UNUSED(index);
        Q_UNUSED(widthPx);
        done(opswall::ActionResult::failure(QStringLiteral("unavailable"),
                                            QStringLiteral("this wall draws no output pictures")),
             {});
    }
    // A picture or document rendered by the wall, on the GUI thread; done is called exactly once,
    // now or later (rendering may wait for tiles to draw). `what`: "briefing-picture:<id>:<n>"
    // (PNG of a briefing's step), "briefing-pdf:<id>" (the briefing's record as PDF).
    struct Rendered {
        int status = 404; // 200, 404 for an unknown id, 503 when the wall cannot render
        QByteArray body;  // the file, or a JSON error {"code", "message"} when status != 200
        QByteArray contentType = "application/json";
    };
    using RenderDone = std::function<void(Rendered)>;
    virtual void render(const QString &what, RenderDone done) {
        (void)what;
        done(Rendered{404, R"({"code":"not_found","message":"nothing is rendered here"})"});
    }
};

} // namespace opswall::control
