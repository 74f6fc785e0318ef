#include "control/router.h"

#include "control/actionparams.h"
#include "core/jsonstrict.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QList>

#include <initializer_list>
#include <optional>

namespace opswall::control {

namespace {

enum class FieldType { Invalid = 0, String, Number, Bool, Object, Array };

struct Field {
    const char *name;
    FieldType type;
    bool required;
};

ApiError error(int status, const char *code, QString message, QString field = {}) {
    return ApiError{status, QString::fromLatin1(code), std::move(message), std::move(field)};
}

Route errorRoute(ApiError e) {
    Route r;
    r.kind = RouteKind::Error;
    r.error = std::move(e);
    return r;
}

// The one query parameter a picture route takes (besides access_token): its width in whole
// pixels from min to max; a refusal names what is wrong.
std::optional<Route> pictureWidth(const QUrlQuery &query, int min, int max, int *width) {
    for (const auto &[key, value] : query.queryItems()) {
        if (key == QLatin1String("access_token"))
            continue;
        if (key != QLatin1String("width"))
            return errorRoute(error(400, "unknown_field",
                                    QStringLiteral("unknown parameter '%1'").arg(key.left(64)),
                                    key.left(64)));
        bool ok = false;
        *width = value.toInt(&ok);
        if (!ok || *width < min || *width > max)
            return errorRoute(error(
                400, "invalid",
                QStringLiteral("'width' must be whole pixels from %1 to %2").arg(min).arg(max),
                QStringLiteral("width")));
    }
    return std::nullopt;
}

const char *typeName(FieldType t) {
    switch (t) {
    case FieldType::String:
        return "a string";
    case FieldType::Number:
        return "a number";
    case FieldType::Bool:
        return "true or false";
    case FieldType::Object:
        return "an object";
    case FieldType::Array:
        return "a list";
    case FieldType::Invalid:
        break;
    }
    return "?";
}

bool hasType(const QJsonValue &v, FieldType t) {
    switch (t) {
    case FieldType::String:
        return v.isString();
    case FieldType::Number:
        return v.isDouble();
    case FieldType::Bool:
        return v.isBool();
    case FieldType::Object:
        return v.isObject();
    case FieldType::Array:
        return v.isArray();
    case FieldType::Invalid:
        break;
    }
    return false;
}

// Parses body as a JSON object holding only the given fields. An empty body is {}.
std::optional<ApiError> parseBody(const QByteArray &body, std::initializer_list<Field> fields,
                                  QJsonObject *out) {
    if (body.trimmed().isEmpty()) {
        *out = {};
    } else {
        // QJsonDocument keeps the last of two equal keys; refuse the body instead, naming the key.
        if (const auto dup = findDuplicateKey(body))
            return error(400, "duplicate_key", dup->message(), dup->path);
        QJsonParseError pe;
        const QJsonDocument doc = QJsonDocument::fromJson(body, &pe);
        if (pe.error != QJsonParseError::NoError)
            return error(400, "bad_json",
                         QStringLiteral("body is not valid JSON: %1 at offset %2")
                             .arg(pe.errorString())
                             .arg(pe.offset));
        if (!doc.isObject())
            return error(400, "bad_json", QStringLiteral("body must be a JSON object"));
        *out = doc.object();
    }
    for (auto it = out->begin(); it != out->end(); ++it) {
        bool known = false;
        for (const Field &f : fields)
            known = known || it.key() == QLatin1String(f.name);
        if (!known)
            return error(400, "unknown_field",
                         QStringLiteral("unknown field '%1'").arg(it.key().left(64)),
                         it.key().left(64));
    }
    for (const Field &f : fields) {
        const QString name = QString::fromLatin1(f.name);
        const auto it = out->constFind(name);
        if (it == out->constEnd()) {
            if (f.required)
                return error(400, "missing_field", QStringLiteral("'%1' is required").arg(name),
                             name);
            continue;
        }
        if (!hasType(*it, f.type))
            return error(
                400, "invalid",
                QStringLiteral("'%1' must be %2").arg(name, QLatin1String(typeName(f.type))), name);
        if (f.type == FieldType::String && it->toString().size() > 4096)
            return error(400, "invalid", QStringLiteral("'%1' is too long").arg(name), name);
    }
    return std::nullopt;
}

bool validId(const QString &s) {
    return validPathId(s);
}

struct Ctx {
    QByteArray method;
    QList<QString> seg; // after /api/v1
    QByteArray body;
    QUrlQuery query;
    bool pathMatched = false;

    bool is(const char *m, std::initializer_list<const char *> pattern) {
        if (qsizetype(pattern.size()) != seg.size())
            return false;
        qsizetype i = 0;
        for (const char *p : pattern) {
            if (p[0] != '{' && seg[i] != QLatin1String(p))
                return false;
            ++i;
        }
        pathMatched = true;
        return method == m;
    }
};

Route snapshot(QString what) {
    Route r;
    r.kind = RouteKind::Snapshot;
    r.permission = QStringLiteral("state.read");
    r.snapshot = std::move(what);
    return r;
}

Route controlRead(const char *what, const char *permission) {
    Route r;
    r.kind = RouteKind::ControlRead;
    r.controlRead = QString::fromLatin1(what);
    r.permission = QString::fromLatin1(permission);
    return r;
}

// A read only technicians and admins may make (calibration state).
Route calibrationSnapshot(QString what) {
    Route r = snapshot(std::move(what));
    r.permission = QStringLiteral("calibration.read");
    return r;
}

Route submit(const char *type, const QByteArray &body, std::initializer_list<Field> fields,
             QJsonObject extra = {}, int successStatus = 200) {
    QJsonObject params;
    if (auto e = parseBody(body, fields, &params))
        return errorRoute(*e);
    for (auto it = extra.begin(); it != extra.end(); ++it)
        params.insert(it.key(), it.value());
    Route r;
    r.kind = RouteKind::Submit;
    r.permission = QString::fromLatin1(type);
    r.action = Action{r.permission, params};
    r.successStatus = successStatus;
    return r;
}

// The parameters of a parsed submission turned into the dispatcher's (actionparams.h).
template<typename F>
Route reshape(Route r, F f) {
    if (r.kind == RouteKind::Submit)
        r.action.params = f(std::move(r.action.params));
    return r;
}

// A parameter renamed, its value a number when it is one (a preset id from a body).
QJsonObject renamedNumber(QJsonObject p, const QString &from, const QString &to) {
    if (!p.contains(from))
        return p;
    const QJsonValue v = p.take(from);
    p.insert(to, v.isString() ? pathNumber(v.toString()) : v);
    return p;
}

Route dispatch(Ctx &c) {
    using F = FieldType;
    const QString id = c.seg.size() >= 2 ? c.seg[1] : QString();
    if (c.seg.size() >= 2 && !validId(id))
        return errorRoute(error(400, "bad_path",
                                QStringLiteral("ids are letters, digits, '-', '_', '.' or '@'")));
    const QJsonObject idParam{{QStringLiteral("id"), id}};
    // Presets (and layouts, which are presets) are numbered: the dispatcher takes a number.
    const QJsonObject numberParam{{QStringLiteral("id"), pathNumber(id)}};
    if (c.is("GET", {"health"})) {
        Route r;
        r.kind = RouteKind::Health;
        return r;
    }
    if (c.is("GET", {"openapi.yaml"})) {
        Route r;
        r.kind = RouteKind::OpenApi;
        return r;
    }
    if (c.is("GET", {"metrics"})) {
        Route r;
        r.kind = RouteKind::Metrics;
        r.permission = QStringLiteral("metrics.read");
        return r;
    }
    if (c.is("GET", {"events"})) {
        Route r;
        r.kind = RouteKind::Events;
        r.permission = QStringLiteral("events.watch");
        return r;
    }
    if (c.is("GET", {"wall"}))
        return snapshot(QStringLiteral("wall"));
    if (c.is("GET", {"status"}))
        return snapshot(QStringLiteral("status"));
    // Layouts
    if (c.is("GET", {"layouts"}))
        return snapshot(QStringLiteral("layouts"));
    if (c.is("POST", {"layouts"}))
        return submit("layout.save", c.body,
                      {{"name", F::String, true}, {"layout", F::Object, true}}, {}, 201);
    if (c.is("POST", {"layouts", "stage"}))
        return reshape(submit("layout.stage", c.body,
                              {{"layout", F::Object, false}, {"layoutId", F::String, false}}),
                       [](QJsonObject p) {
                           return renamedNumber(std::move(p), QStringLiteral("layoutId"),
                                                QStringLiteral("id"));
                       });
    if (c.is("POST", {"layouts", "publish"}))
        return submit("layout.publish", c.body, {}); // a cut: no transitions (openapi.yaml)
    if (c.is("POST", {"layouts", "undo"}))
        return submit("layout.undo", c.body, {});
    if (c.is("GET", {"layouts", "{id}"}))
        return snapshot(QStringLiteral("layout:") + id);
    // Presets
    if (c.is("GET", {"presets"}))
        return snapshot(QStringLiteral("presets"));
    if (c.is("POST", {"presets"}))
        return reshape(submit("preset.save", c.body,
                              {{"name", F::String, true},
                               {"layoutId", F::String, false},
                               {"forLeaders", F::Bool, false}},
                              {}, 201),
                       [](QJsonObject p) {
                           return renamedNumber(std::move(p), QStringLiteral("layoutId"),
                                                QStringLiteral("fromPreset"));
                       });
    if (c.is("GET", {"presets", "{id}"}))
        return snapshot(QStringLiteral("preset:") + id);
    if (c.is("DELETE", {"presets", "{id}"}))
        return submit("preset.delete", c.body, {}, numberParam);
    if (c.is("POST", {"presets", "{id}", "recall"}))
        return submit("preset.recall", c.body, {}, numberParam); // a cut, in one frame
    // Tiles of the live layout
    if (c.is("GET", {"tiles"}))
        return snapshot(QStringLiteral("tiles"));
    if (c.is("GET", {"tile-kinds"})) // the tile-kind table (app/wall/tilekinds.cpp)
        return snapshot(QStringLiteral("tile-kinds"));
    if (c.is("POST", {"tiles"}))
        return reshape(submit("tile.add", c.body,
                              {{"kind", F::String, true},
                               {"source", F::String, false},
                               {"x", F::Number, true},
                               {"y", F::Number, true},
                               {"width", F::Number, true},
                               {"height", F::Number, true},
                               {"z", F::Number, false},
                               {"options", F::Object, false}},
                              {}, 201),
                       tileAddParams);
    if (c.is("PATCH", {"tiles", "{id}"}))
        return reshape(submit("tile.update", c.body,
                              {{"x", F::Number, false},
                               {"y", F::Number, false},
                               {"width", F::Number, false},
                               {"height", F::Number, false},
                               {"z", F::Number, false},
                               {"title", F::String, false},
                               {"options", F::Object, false}}),
                       [&id](const QJsonObject &p) { return tileUpdateParams(id, p); });
    if (c.is("GET", {"tiles", "{id}", "provinces", "{code}"})) {
        // The value a map tile shows for one province (the console's hover, by code).
        if (!validId(c.seg[3]))
            return errorRoute(error(400, "bad_path", QStringLiteral("a province code is digits")));
        const QString lang = c.query.queryItemValue(QStringLiteral("lang")) == QLatin1String("en")
                                 ? QStringLiteral("en")
                                 : QStringLiteral("vi");
        return snapshot(QStringLiteral("province:") + id + u':' + c.seg[3] + u':' + lang);
    }
    if (c.is("DELETE", {"tiles", "{id}"}))
        return submit("tile.remove", c.body, {}, idParam);
    if (c.is("POST", {"tiles", "{id}", "focus"})) // fill the wall or some displays
        return submit("tile.focus", c.body,
                      {{"displays", F::Array, false}, {"toggle", F::Bool, false}}, idParam);
    if (c.is("POST", {"tiles", "{id}", "unfocus"}))
        return submit("tile.unfocus", c.body, {}, idParam);
    // Sources, feeds
    if (c.is("GET", {"sources"}))
        return snapshot(QStringLiteral("sources"));
    if (c.is("POST", {"sources"})) // add or replace; the video layer validates the source
        return submit("source.save", c.body, {{"source", F::Object, true}}, {}, 201);
    if (c.is("GET", {"sources", "{id}"}))
        return snapshot(QStringLiteral("source:") + id);
    if (c.is("DELETE", {"sources", "{id}"}))
        return submit("source.delete", c.body, {}, idParam);
    if (c.is("GET", {"feeds"}))
        return snapshot(QStringLiteral("feeds"));
    // Audio: which video source is heard (one at a time) and the volume
    if (c.is("GET", {"audio"}))
        return snapshot(QStringLiteral("audio"));
    if (c.is("POST", {"audio"}))
        return submit("audio.set", c.body,
                      {{"source", F::String, false}, {"volume", F::Number, false}});
    // Alerts
    if (c.is("GET", {"alerts"}))
        return snapshot(QStringLiteral("alerts"));
    if (c.is("POST", {"alerts", "{id}", "ack"}))
        return submit("alert.ack", c.body, {{"note", F::String, false}}, idParam);
    // Devices
    if (c.is("GET", {"devices"}))
        return snapshot(QStringLiteral("devices"));
    if (c.is("GET", {"devices", "{id}"}))
        return snapshot(QStringLiteral("device:") + id);
    if (c.is("POST", {"devices", "{id}", "commands"}))
        return reshape(submit("device.command", c.body,
                              {{"command", F::String, true}, {"args", F::Object, false}}, {}, 202),
                       [&id](const QJsonObject &p) {
                           return deviceCommandParams(id, p.value(QStringLiteral("command")),
                                                      p.value(QStringLiteral("args")).toObject());
                       });
    // Technician calibration: test patterns, per-display profiles, read-back, uniformity
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
    // Audit
    if (c.is("GET", {"audit"}))
        return controlRead("audit.query", "audit.query");
    if (c.is("GET", {"audit", "verify"}))
        return controlRead("audit.verify", "audit.verify");
    if (c.is("GET", {"audit", "layout"}))
        return controlRead("audit.layout", "audit.query");
    // Tokens and permissions
    if (c.is("GET", {"tokens"}))
        return controlRead("tokens", "token.list");
    if (c.is("POST", {"tokens"}))
        return submit("token.create", c.body,
                      {{"name", F::String, true}, {"role", F::String, true}}, {}, 201);
    if (c.is("DELETE", {"tokens", "{id}"}))
        return submit("token.revoke", c.body, {}, QJsonObject{{QStringLiteral("name"), id}});
    if (c.is("POST", {"controller", "failback"})) // hot standby (app/nodes/README.md)
        return submit("controller.failback", c.body, {});
    if (c.is("GET", {"permissions"}))
        return controlRead("permissions", "state.read");
    // Briefings: documents, the running one, and stepping it (the id in the path must be the
    // running briefing's, except for start)
    if (c.is("GET", {"briefings"}))
        return snapshot(QStringLiteral("briefings"));
    if (c.is("POST", {"briefings"}))
        return submit("briefing.save", c.body, {{"briefing", F::Object, true}}, {}, 201);
    if (c.is("GET", {"briefings", "current"}))
        return snapshot(QStringLiteral("briefing-current"));
    if (c.is("GET", {"briefings", "{id}"}))
        return snapshot(QStringLiteral("briefing:") + id);
    if (c.is("PUT", {"briefings", "{id}"}))
        return submit("briefing.save", c.body,
                      {{"briefing", F::Object, true}, {"baseRevision", F::Number, false}}, idParam);
    if (c.is("DELETE", {"briefings", "{id}"}))
        return submit("briefing.delete", c.body, {}, idParam);
    if (c.is("POST", {"briefings", "{id}", "start"}))
        return submit("briefing.start", c.body, {{"step", F::Number, false}}, idParam);
    if (c.is("POST", {"briefings", "{id}", "goto"}))
        return submit("briefing.goto", c.body, {{"step", F::Number, true}}, idParam);
    for (const char *verb : {"next", "previous", "blank", "unblank", "end"})
        if (c.is("POST", {"briefings", "{id}", verb}))
            return submit((QByteArray("briefing.") + verb).constData(), c.body, {}, idParam);
    if (c.is("GET", {"briefings", "{id}", "export.pdf"})) {
        Route r = snapshot(QStringLiteral("briefing-pdf:") + id);
        r.kind = RouteKind::Render;
        return r;
    }
    if (c.is("GET", {"briefings", "{id}", "steps", "{n}", "picture"})) {
        if (!validId(c.seg[3]))
            return errorRoute(error(400, "bad_path", QStringLiteral("a step is a number")));
        // ?blank=1: the step as the wall shows it while blanked (the calm black screen).
        const bool blank = c.query.queryItemValue(QStringLiteral("blank")) == QLatin1String("1");
        Route r = snapshot(QStringLiteral("briefing-picture:") + id + u':' + c.seg[3] +
                           (blank ? QStringLiteral(":blank") : QString()));
        r.kind = RouteKind::Render;
        return r;
    }
    // Schedules and alert rules (the wall acting on its own)
    if (c.is("GET", {"schedules"}))
        return snapshot(QStringLiteral("briefing-schedules"));
    if (c.is("POST", {"schedules"}))
        return submit("schedule.save", c.body, {{"schedule", F::Object, true}}, {}, 201);
    if (c.is("DELETE", {"schedules", "{id}"}))
        return submit("schedule.delete", c.body, {}, idParam);
    // Control lock
    if (c.is("GET", {"lock"}))
        return controlRead("lock", "lock.read");
    if (c.is("POST", {"lock"}))
        return submit("lock.acquire", c.body,
                      {{"ttlSeconds", F::Number, false}, {"reason", F::String, false}});
    if (c.is("DELETE", {"lock"}))
        return submit("lock.release", c.body, {});
    // Button panels (app/panels): state, bindings, a press as the panel would make it
    if (c.is("GET", {"panels"}))
        return snapshot(QStringLiteral("panels"));
    if (c.is("GET", {"panels", "{id}"}))
        return snapshot(QStringLiteral("panel:") + id);
    if (c.is("POST", {"panels", "{id}", "bind"}))
        return submit("panel.bind", c.body,
                      {{"page", F::String, false},
                       {"key", F::Number, true},
                       {"label", F::String, false},
                       {"action", F::String, true},
                       {"params", F::Object, false}},
                      idParam);
    if (c.is("POST", {"panels", "{id}", "press"}))
        return submit("panel.test", c.body, {{"key", F::Number, true}}, idParam, 202);
    // The face a key shows now, upright, as the app drew it for the panel (PNG).
    if (c.is("GET", {"panels", "{id}", "keys", "{n}", "face.png"})) {
        bool isNumber = false;
        const int key = c.seg[3].toInt(&isNumber);
        if (!isNumber || key < 0 || key > 999)
            return errorRoute(
                error(400, "bad_path", QStringLiteral("a key is a number from 0 to 999")));
        Route r = snapshot(QStringLiteral("panel-face:%1:%2").arg(id).arg(key));
        r.kind = RouteKind::Render;
        return r;
    }

    // The operator console: a picture of one output, the live layout with its revision, a
    // layout published against the revision it was edited from, a preset renamed or re-marked.
    if (c.is("GET", {"outputs", "{index}", "snapshot"})) {
        bool isIndex = false;
        const int index = id.toInt(&isIndex);
        if (!isIndex || index < 0 || id.size() > 4)
            return errorRoute(error(400, "invalid",
                                    QStringLiteral("the output index is a number from 0 (the "
                                                   "position in /wall's outputs)"),
                                    QStringLiteral("index")));
        int width = kSnapshotDefaultWidthPx;
        if (auto refused = pictureWidth(c.query, kSnapshotMinWidthPx, kSnapshotMaxWidthPx, &width))
            return *refused;
        Route r;
        r.kind = RouteKind::OutputImage;
        r.permission = QStringLiteral("state.read");
        r.outputIndex = index;
        r.widthPx = width;
        return r;
    }
    if (c.is("GET", {"indicators"}))
        return snapshot(QStringLiteral("indicators"));
    if (c.is("GET", {"layout"}))
        return snapshot(QStringLiteral("live-layout"));
    if (c.is("PUT", {"layout"}))
        return submit("layout.set", c.body,
                      {{"layout", F::Object, true},
                       {"baseRevision", F::Number, false},
                       {"baseInstance", F::String, false}});
    // A preset as the wall would draw it, by the wall's own renderer offscreen (the console's
    // preset thumbnails): JPEG, width bounded like the output snapshot's.
    if (c.is("GET", {"presets", "{id}", "picture"})) {
        int width = kPresetPictureDefaultWidthPx;
        if (auto refused =
                pictureWidth(c.query, kSnapshotMinWidthPx, kPresetPictureMaxWidthPx, &width))
            return *refused;
        Route r = snapshot(QStringLiteral("preset-picture:%1:%2").arg(id).arg(width));
        r.kind = RouteKind::Render;
        return r;
    }
    if (c.is("PATCH", {"presets", "{id}"}))
        return submit("preset.save", c.body,
                      {{"name", F::String, true}, {"forLeaders", F::Bool, false}},
                      QJsonObject{{QStringLiteral("id"), pathNumber(id)},
                                  {QStringLiteral("fromPreset"), pathNumber(id)}});

    if (c.pathMatched)
        return errorRoute(error(
            405, "method_not_allowed",
            QStringLiteral("%1 is not allowed here").arg(QString::fromLatin1(c.method.left(16)))));
    return errorRoute(error(404, "not_found", QStringLiteral("no such resource")));
}

} // namespace

QByteArray ApiError::toJson() const {
    QJsonObject o{{QStringLiteral("code"), code}, {QStringLiteral("message"), message}};
    if (!field.isEmpty())
        o.insert(QStringLiteral("field"), field);
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

std::optional<ApiError> checkTarget(const QByteArray &target, std::size_t maxBytes) {
    if (std::size_t(target.size()) > maxBytes)
        return error(414, "uri_too_long",
                     QStringLiteral("request target is longer than %1 bytes").arg(maxBytes));
    const qsizetype q = target.indexOf('?');
    const QByteArray path = q < 0 ? target : target.left(q);
    if (!path.startsWith('/'))
        return error(400, "bad_path", QStringLiteral("the path must start with '/'"));
    for (char ch : target) {
        const auto u = static_cast<unsigned char>(ch);
        if (u < 0x21 || u >= 0x7f)
            return error(400, "bad_path",
                         QStringLiteral("control, space or non-ASCII bytes in the request target"));
    }
    if (path.contains('%'))
        return error(400, "bad_path", QStringLiteral("percent-encoding is not accepted in paths"));
    if (path.contains('\\'))
        return error(400, "bad_path", QStringLiteral("backslashes are not accepted in paths"));
    if (path.contains("//"))
        return error(400, "bad_path", QStringLiteral("empty path segments are not accepted"));
    for (const QByteArray &s : path.split('/'))
        if (s == "." || s == "..")
            return error(400, "bad_path", QStringLiteral("'.' and '..' segments are not accepted"));
    if (target.contains('#'))
        return error(400, "bad_path", QStringLiteral("fragments are not accepted"));
    return std::nullopt;
}

Route route(const QByteArray &method, const QByteArray &target, const QByteArray &body) {
    if (auto e = checkTarget(target))
        return errorRoute(*e);
    const qsizetype q = target.indexOf('?');
    QByteArray path = q < 0 ? target : target.left(q);
    if (path.endsWith('/') && path.size() > 1)
        path.chop(1);
    // The leaders' presenter page: static files compiled into the program (no token; the page
    // asks for one and uses the API with it).
    if (path == "/present" || path.startsWith("/present/")) {
        QString file = QString::fromLatin1(path.mid(9));
        if (file.isEmpty())
            file = QStringLiteral("index.html");
        if (method != "GET" && method != "HEAD")
            return errorRoute(error(405, "method_not_allowed",
                                    QStringLiteral("the presenter page is read with GET")));
        if (file.contains(u'/') || !validId(file))
            return errorRoute(error(404, "not_found", QStringLiteral("no such page")));
        Route r;
        r.kind = RouteKind::Static;
        r.snapshot = file;
        return r;
    }
    static const QByteArray prefix = "/api/v1";
    if (path != prefix && !path.startsWith(prefix + '/'))
        return errorRoute(error(404, "not_found", QStringLiteral("the API lives under /api/v1")));
    Ctx c;
    c.method = method;
    c.body = body;
    for (const QByteArray &s : path.mid(prefix.size()).split('/'))
        if (!s.isEmpty())
            c.seg.append(QString::fromLatin1(s));
    if (q >= 0)
        c.query = QUrlQuery(QString::fromUtf8(target.mid(q + 1)));
    Route r = dispatch(c);
    r.query = c.query;
    return r;
}

int statusForCode(const QString &code) {
    static const struct {
        const char *code;
        int status;
    } map[] = {{"invalid", 400},          {"unauthorized", 401}, {"forbidden", 403},
               {"not_found", 404},        {"conflict", 409},     {"locked", 423},
               {"rate_limited", 429},     {"timeout", 504},      {"unavailable", 503},
               {"store_unavailable", 503}};
    for (const auto &m : map)
        if (code == QLatin1String(m.code))
            return m.status;
    return 422; // the action was understood but failed
}

} // namespace opswall::control
