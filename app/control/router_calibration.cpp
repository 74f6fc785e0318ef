// The technician's calibration routes: test patterns, per-display profiles, read-back, apply,
// drift, export and import, uniformity and geometry (permissions calibration.*, technicians and
// admins; openapi.yaml).
#include "control/router_internal.h"

#include <QJsonArray>

namespace opswall::control::routing {

std::optional<Route> calibrationRoute(Ctx &c) {
    using F = FieldType;
    if (c.is("GET", {"calibration", "pattern"}))
        return calibrationSnapshot(QStringLiteral("calibration-pattern"));
    if (c.is("POST", {"calibration", "pattern"}))
        return submit("calibration.pattern", c.body,
                      {{"pattern", F::String, true}, {"displays", F::Array, false}});
    if (c.is("DELETE", {"calibration", "pattern"}))
        return submit("calibration.patternClear", c.body, {});
    if (c.is("GET", {"calibration", "profiles"}))
        return calibrationSnapshot(QStringLiteral("calibration-profiles"));
    if (c.is("POST", {"calibration", "profiles"}))
        return submit("calibration.set", c.body,
                      {{"displays", F::Array, false},
                       {"output", F::String, false},
                       {"settings", F::Object, true},
                       {"replace", F::Bool, false},
                       {"note", F::String, false}});
    if (c.is("GET", {"calibration", "profiles", "{id}"})) {
        if (!validId(c.seg[2]))
            return errorRoute(error(400, "bad_path", QStringLiteral("not a display id")));
        return calibrationSnapshot(QStringLiteral("calibration-profile:") + c.seg[2]);
    }
    if (c.is("PUT", {"calibration", "profiles", "{id}"})) {
        if (!validId(c.seg[2]))
            return errorRoute(error(400, "bad_path", QStringLiteral("not a display id")));
        return submit("calibration.set", c.body,
                      {{"settings", F::Object, true},
                       {"replace", F::Bool, false},
                       {"note", F::String, false}},
                      {{QStringLiteral("displays"), QJsonArray{c.seg[2]}}});
    }
    if (c.is("POST", {"calibration", "apply"}))
        return submit("calibration.apply", c.body,
                      {{"displays", F::Array, false},
                       {"output", F::String, false},
                       {"timeoutMs", F::Number, false}},
                      {}, 202);
    if (c.is("POST", {"calibration", "read"}))
        return submit("calibration.read", c.body,
                      {{"displays", F::Array, false},
                       {"output", F::String, false},
                       {"timeoutMs", F::Number, false}},
                      {}, 202);
    if (c.is("GET", {"calibration", "runs", "{id}"})) {
        if (!validId(c.seg[2]))
            return errorRoute(error(400, "bad_path", QStringLiteral("a run id is a number")));
        return calibrationSnapshot(QStringLiteral("calibration-run:") + c.seg[2]);
    }
    if (c.is("GET", {"calibration", "drift"}))
        return calibrationSnapshot(QStringLiteral("calibration-drift"));
    if (c.is("GET", {"calibration", "export"}))
        return calibrationSnapshot(QStringLiteral("calibration-export"));
    if (c.is("POST", {"calibration", "import"}))
        return submit("calibration.import", c.body,
                      {{"kind", F::String, true},
                       {"schemaVersion", F::Number, true},
                       {"profiles", F::Object, true}});
    if (c.is("GET", {"calibration", "uniformity"}))
        return calibrationSnapshot(QStringLiteral("calibration-uniformity"));
    if (c.is("POST", {"calibration", "uniformity"}))
        return submit("calibration.uniformity", c.body,
                      {{"step", F::String, true},
                       {"displays", F::Array, false},
                       {"warmupMinutes", F::Number, false},
                       {"tolerancePercent", F::Number, false},
                       {"whiteTolerance", F::Number, false},
                       {"targetWhite", F::Object, false},
                       {"display", F::String, false},
                       {"luminance", F::Number, false},
                       {"x", F::Number, false},
                       {"y", F::Number, false},
                       {"spotread", F::String, false},
                       {"meter", F::Bool, false},
                       {"meterTimeoutMs", F::Number, false}});
    if (c.is("GET", {"calibration", "geometry"}))
        return calibrationSnapshot(QStringLiteral("calibration-geometry"));
    if (c.is("POST", {"calibration", "geometry"}))
        return submit("calibration.geometry", c.body,
                      {{"display", F::String, true},
                       {"dx", F::Number, false},
                       {"dy", F::Number, false},
                       {"bezel", F::Object, false},
                       {"rotation", F::Number, false}});
    if (c.is("POST", {"calibration", "geometry", "save"}))
        return submit("calibration.geometrySave", c.body, {{"note", F::String, false}});
    if (c.is("POST", {"calibration", "geometry", "undo"}))
        return submit("calibration.geometryUndo", c.body, {});
    return std::nullopt;
}

} // namespace opswall::control::routing
