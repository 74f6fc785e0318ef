// The router's shared helpers (router_internal.h): errors, request bodies checked against their
// fields, the shapes of routes.
#include "control/actionparams.h"
#include "control/router_internal.h"
#include "core/jsonstrict.h"

#include <QJsonDocument>
#include <QJsonParseError>

namespace opswall::control::routing {

namespace {

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

} // namespace

ApiError error(int status, const char *code, QString message, QString field) {
    return ApiError{status, QString::fromLatin1(code), std::move(message), std::move(field)};
}

Route errorRoute(ApiError e) {
    Route r;
    r.kind = RouteKind::Error;
    r.error = std::move(e);
    return r;
}

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

Route calibrationSnapshot(QString what) {
    Route r = snapshot(std::move(what));
    r.permission = QStringLiteral("calibration.read");
    return r;
}

Route submit(const char *type, const QByteArray &body, std::initializer_list<Field> fields,
             QJsonObject extra, int successStatus) {
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

QJsonObject renamedNumber(QJsonObject p, const QString &from, const QString &to) {
    if (!p.contains(from))
        return p;
    const QJsonValue v = p.take(from);
    p.insert(to, v.isString() ? pathNumber(v.toString()) : v);
    return p;
}

} // namespace opswall::control::routing
