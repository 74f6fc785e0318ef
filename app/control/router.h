#pragma once
// Pure request routing for the HTTP API: method + target + body -> what to do, with every check
// that needs no state (path tricks, unknown routes and fields, JSON shape). No I/O, no Beast:
// unit-tested and fuzzed on its own. The server does auth, rate limits and the GUI-thread hop.

#include "core/action.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <QUrlQuery>

#include <cstddef>
#include <optional>

namespace opswall::control {

struct ApiError {
    int status = 0; // HTTP status
    QString code; // "bad_path", "not_found", "method_not_allowed", "bad_json", "unknown_field", ...
    QString message;
    QString field;
    QByteArray toJson() const; // {"code","message","field"}
};

enum class RouteKind {
    Invalid = 0,
    Error,       // error is set
    Health,      // no token
    OpenApi,     // no token
    Metrics,     // Prometheus text
    Events,      // WebSocket upgrade
    Snapshot,    // read via ActionSink::snapshot(snapshot)
    ControlRead, // read owned by ControlService: "lock", "tokens", "permissions", "audit.query",
                 // "audit.verify", "audit.layout"
    Submit,      // an Action for ControlService::execute
    OutputImage, // a JPEG of what one output shows (ActionSink::outputSnapshot)
    Render,      // a picture or document made by ActionSink::render(snapshot): PNG, PDF
    Static,      // a file of the presenter page (/present/...), no token: snapshot = file name
};

struct Route {
    RouteKind kind = RouteKind::Invalid;
    QString permission; // the action type checked against the table
    QString snapshot;   // RouteKind::Snapshot
    QString controlRead;
    Action action; // RouteKind::Submit
    QUrlQuery query;
    ApiError error; // RouteKind::Error
    int successStatus = 200;
    int outputIndex = -1; // RouteKind::OutputImage: position in /wall's outputs
    int widthPx = 0;      // RouteKind::OutputImage: the picture's width
    bool needsToken() const {
        return kind != RouteKind::Health && kind != RouteKind::OpenApi &&
               kind != RouteKind::Error && kind != RouteKind::Static;
    }
};

// Refuses path tricks: "..", percent-encoded dots or slashes (any percent sign in the path),
// double slashes, backslashes, control characters, overlong targets. Empty when fine.
std::optional<ApiError> checkTarget(const QByteArray &target, std::size_t maxBytes = 1024);

Route route(const QByteArray &method, const QByteArray &target, const QByteArray &body);

// GET /outputs/{index}/snapshot?width=N: the width's bounds and default (pixels).
inline constexpr int kSnapshotMinWidthPx = 16;
inline constexpr int kSnapshotMaxWidthPx = 1920;
inline constexpr int kSnapshotDefaultWidthPx = 640;
// GET /presets/{id}/picture: drawn offscreen by the wall's renderer, one at a time.
inline constexpr int kPresetPictureDefaultWidthPx = 480;
inline constexpr int kPresetPictureMaxWidthPx = 1280;

// HTTP status for a failed ActionResult's code.
int statusForCode(const QString &code);

} // namespace opswall::control
