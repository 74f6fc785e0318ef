#pragma once
// The control API's contract, written out independently of app/core/permissions.cpp (change both
// together): every endpoint with a valid request and the roles that may call it. Run against the
// in-process server with a fake dispatcher (tst_control_api) and against the real running wall
// (tests/rendering/tst_app_contract), each filling the {placeholders} with ids of its own.

#include "control/apiclient.h"
#include "core/action.h"

#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QString>

#include <iterator>

namespace opswall::contract {

struct Endpoint {
    const char *method;
    const char *path; // relative to /api/v1; {preset} {tile} {alert} {device} {layout} {code}
                      // {source} {briefing} {step}
                      // {index} (an output) {presetName}
    const char *body;
    const char *roles; // who may: V viewer, L leader, O operator, T technician, A admin,
                       // N node, S standby (link tokens: only what anyone may, token or not)
};

inline constexpr Endpoint kEndpoints[] = {
    // Every route of app/control/router.cpp is here (and documented in openapi.yaml).
    {"GET", "/openapi.yaml", nullptr, "VLOTANS"}, // anyone's, token or not
    // A plain GET of the WebSocket is answered 426 upgrade_required to every role (before any
    // token check); the upgrade itself (role and token checks, the link roles refused) is tested
    // in tst_control_api's websocket tests.
    {"GET", "/events", nullptr, "VLOTANS"},
    {"GET", "/wall", nullptr, "VLOTA"},
    {"GET", "/status", nullptr, "VLOTA"},
    {"GET", "/layouts", nullptr, "VLOTA"},
    {"GET", "/layouts/{layout}", nullptr, "VLOTA"},
    {"POST", "/layouts", R"({"name":"n","layout":{}})", "OA"},
    {"POST", "/layouts/stage", R"({"layoutId":"{layout}"})", "OA"},
    {"POST", "/layouts/publish", "{}", "OA"},
    {"POST", "/layouts/undo", "{}", "OA"},
    {"GET", "/presets", nullptr, "VLOTA"},
    {"GET", "/presets/{preset}", nullptr, "VLOTA"},
    {"POST", "/presets", R"({"name":"p"})", "OA"},
    {"POST", "/presets/{preset}/recall", "{}", "LOA"},
    {"DELETE", "/presets/{preset}", nullptr, "OA"},
    {"GET", "/tiles", nullptr, "VLOTA"},
    {"GET", "/tile-kinds", nullptr, "VLOTA"},
    {"POST", "/tiles", R"({"kind":"clock","x":0,"y":0,"width":10,"height":10})", "OA"},
    {"PATCH", "/tiles/{tile}", R"({"x":5})", "OA"},
    {"POST", "/tiles/{tile}/focus", "{}", "LOA"},
    {"POST", "/tiles/{tile}/unfocus", "{}", "LOA"},
    {"GET", "/tiles/{tile}/provinces/{code}", nullptr, "VLOTA"},
    {"DELETE", "/tiles/{tile}", nullptr, "OA"},
    {"GET", "/sources", nullptr, "VLOTA"},
    {"GET", "/sources/{source}", nullptr, "VLOTA"},
    {"POST", "/sources", R"({"source":{"id":"contract-cam","kind":"testpattern"}})", "OA"},
    {"DELETE", "/sources/contract-cam", nullptr, "OA"},
    {"GET", "/feeds", nullptr, "VLOTA"},
    {"GET", "/audio", nullptr, "VLOTA"},
    {"POST", "/audio", R"({"volume":0.8})", "LOA"},
    {"GET", "/alerts", nullptr, "VLOTA"},
    {"POST", "/alerts/{alert}/ack", R"({"note":"seen"})", "OTA"},
    {"GET", "/devices", nullptr, "VLOTA"},
    {"GET", "/devices/{device}", nullptr, "VLOTA"},
    {"POST", "/devices/{device}/commands", R"({"command":"power","args":{"on":true}})", "TA"},
    {"GET", "/audit", nullptr, "LA"},
    {"GET", "/audit/layout?at=2026-01-01T00:00:00Z", nullptr, "LA"},
    {"GET", "/audit/verify", nullptr, "LOTA"},
    // Not a standby here: the admin's call is understood and refused (4xx), the others forbidden.
    {"POST", "/controller/failback", "{}", "A"},
    {"GET", "/tokens", nullptr, "A"},
    {"POST", "/tokens", R"({"name":"contract-matrix","role":"viewer"})", "A"},
    {"DELETE", "/tokens/contract-matrix", nullptr, "A"},
    {"GET", "/permissions", nullptr, "VLOTA"},
    {"GET", "/lock", nullptr, "VLOTA"},
    {"POST", "/lock", R"({"ttlSeconds":60})", "LOA"},
    {"DELETE", "/lock", nullptr, "LOA"},
    {"GET", "/metrics", nullptr, "VLOTA"},
    // Without a token health answers only {"status":"ok"}; its details need one (issue 11) of a
    // person's role: a node's or standby's token gets what anyone gets (tst_control_api checks).
    {"GET", "/health", nullptr, "VLOTANS"},
    {"GET", "/calibration/pattern", nullptr, "TA"},
    {"POST", "/calibration/pattern", R"({"pattern":"crosshatch"})", "TA"},
    {"DELETE", "/calibration/pattern", nullptr, "TA"},
    {"GET", "/calibration/profiles", nullptr, "TA"},
    {"POST", "/calibration/profiles", R"({"settings":{"contrast":70},"note":"contract"})", "TA"},
    {"GET", "/calibration/profiles/{device}", nullptr, "TA"},
    {"PUT", "/calibration/profiles/{device}", R"({"settings":{"backlight":50}})", "TA"},
    {"POST", "/calibration/apply", "{}", "TA"},
    {"POST", "/calibration/read", "{}", "TA"},
    {"GET", "/calibration/runs/{device}", nullptr, "TA"}, // not a run id: 404
    {"GET", "/calibration/drift", nullptr, "TA"},
    {"GET", "/calibration/export", nullptr, "TA"},
    {"POST", "/calibration/import",
     R"({"kind":"opswall.calibration","schemaVersion":1,"profiles":{}})", "TA"},
    {"GET", "/calibration/uniformity", nullptr, "TA"},
    {"POST", "/calibration/uniformity", R"({"step":"cancel"})", "TA"},
    {"GET", "/calibration/geometry", nullptr, "TA"},
    {"POST", "/calibration/geometry", R"({"display":"nope","dx":1})", "TA"},
    {"POST", "/calibration/geometry/save", R"({"note":"contract"})", "TA"},
    {"POST", "/calibration/geometry/undo", "{}", "TA"},
    {"GET", "/panels", nullptr, "VLOTA"},
    {"GET", "/panels/contract-panel", nullptr, "VLOTA"},
    {"POST", "/panels/contract-panel/bind",
     R"({"key":0,"action":"preset.recall","params":{"id":1}})", "OTA"},
    {"POST", "/panels/contract-panel/press", R"({"key":0})", "OTA"},
    {"GET", "/panels/contract-panel/keys/0/face.png", nullptr, "VLOTA"}, // no such panel: 404
    {"GET", "/outputs/{index}/snapshot?width=320", nullptr, "VLOTA"},
    {"GET", "/layout", nullptr, "VLOTA"},
    {"GET", "/indicators", nullptr, "VLOTA"},
    {"PUT", "/layout", R"({"layout":{},"baseRevision":0})", "OA"},
    {"PATCH", "/presets/{preset}", R"({"name":"{presetName}","forLeaders":true})", "OA"},
    // Briefings: start takes the lock in the caller's name and end releases it, so each role's
    // run leaves the wall unlocked for the next.
    {"GET", "/briefings", nullptr, "VLOTA"},
    {"GET", "/briefings/current", nullptr, "VLOTA"},
    {"GET", "/briefings/{briefing}", nullptr, "VLOTA"},
    {"POST", "/briefings", R"({"briefing":{}})", "OA"},
    {"PUT", "/briefings/{briefing}", R"({"briefing":{}})", "OA"},
    {"GET", "/briefings/{briefing}/steps/{step}/picture", nullptr, "VLOTA"},
    // (after the step picture: the wall's offscreen renderer is started by then; its first start
    // can take longer than the client's 10 s on a loaded machine)
    {"GET", "/presets/{preset}/picture?width=120", nullptr, "VLOTA"},
    {"POST", "/briefings/{briefing}/start", R"({"step":1})", "LOA"},
    {"POST", "/briefings/{briefing}/next", "{}", "LOA"},
    {"POST", "/briefings/{briefing}/previous", "{}", "LOA"},
    {"POST", "/briefings/{briefing}/goto", R"({"step":2})", "LOA"},
    {"POST", "/briefings/{briefing}/blank", "{}", "LOA"},
    {"POST", "/briefings/{briefing}/unblank", "{}", "LOA"},
    {"POST", "/briefings/{briefing}/end", "{}", "LOA"},
    {"GET", "/briefings/{briefing}/export.pdf", nullptr, "VLOTA"},
    {"DELETE", "/briefings/{briefing}", nullptr, "OA"},
    {"GET", "/schedules", nullptr, "VLOTA"},
    {"POST", "/schedules",
     R"({"schedule":{"id":"contract-schedule","at":"03:00","days":["sun"],"action":{"type":"preset.recall","params":{"id":1}}}})",
     "OA"},
    {"DELETE", "/schedules/contract-schedule", nullptr, "OA"},
};

// Every role a token may have: the people's, and the links' (app/nodes), which no route but
// what anyone may call allows.
inline constexpr Role kRoles[] = {Role::Viewer, Role::Leader, Role::Operator, Role::Technician,
                                  Role::Admin,  Role::Node,   Role::Standby};

inline char roleLetter(Role r) {
    switch (r) {
    case Role::Viewer:
        return 'V';
    case Role::Leader:
        return 'L';
    case Role::Operator:
        return 'O';
    case Role::Technician:
        return 'T';
    case Role::Admin:
        return 'A';
    case Role::Node: // a render node's token (the node link: tests/nodes)
        return 'N';
    case Role::Standby: // a hot standby's token (the standby link: tests/nodes)
        return 'S';
    case Role::Invalid:
        break;
    }
    return '?';
}

inline bool allows(const Endpoint &e, Role r) {
    return QByteArray(e.roles).contains(roleLetter(r));
}

// The endpoint's path or body with its {placeholders} filled from ids.
inline QByteArray fill(const char *text, const QHash<QString, QString> &ids) {
    QString s = QString::fromUtf8(text ? text : "");
    for (auto it = ids.cbegin(); it != ids.cend(); ++it)
        s.replace(u'{' + it.key() + u'}', it.value());
    return s.toUtf8();
}

inline constexpr std::size_t kEndpointCount = std::size(kEndpoints);

// Calls one endpoint as the client's role and checks the answer against the table: an allowed
// call is neither refused (401/403) nor a server error; a denied one is 403 "forbidden". Returns
// what went wrong (empty when the answer keeps the contract). A lock taken is released again, so
// the next caller finds the wall unlocked.
inline QString check(control::ApiClient &client, Role role, const Endpoint &e,
                     const QHash<QString, QString> &ids) {
    const QString path = QString::fromUtf8(fill(e.path, ids));
    const control::ApiResponse r =
        client.requestRaw(e.method, path, e.body ? fill(e.body, ids) : QByteArray());
    const QString what = QStringLiteral("%1 %2 as %3 -> %4 %5")
                             .arg(QLatin1String(e.method), path, roleName(role))
                             .arg(r.status)
                             .arg(QString::fromUtf8(r.body.left(200)));
    if (path == QLatin1String("/lock") && QByteArray(e.method) == "POST" && r.status == 200 &&
        client.request("DELETE", QStringLiteral("/lock")).status != 200)
        return QStringLiteral("the lock could not be released after ") + what;
    if (allows(e, role))
        return r.status != 0 && r.status != 401 && r.status != 403 && r.status < 500 ? QString()
                                                                                     : what;
    const QString code =
        QJsonDocument::fromJson(r.body).object().value(QStringLiteral("code")).toString();
    return r.status == 403 && code == QLatin1String("forbidden") ? QString() : what;
}

} // namespace opswall::contract
