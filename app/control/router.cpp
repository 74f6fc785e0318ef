#include "control/router.h"

#include "control/actionparams.h"
#include "control/router_internal.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QList>

#include <initializer_list>
#include <optional>

namespace opswall::control {

using namespace routing; // router_internal.h

namespace {

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
    if (auto r = calibrationRoute(c)) // technician calibration (router_calibration.cpp)
        return *r;
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
