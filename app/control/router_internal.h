#pragma once
// What the API's routes share, private to the router: request bodies checked against their fields,
// the shapes of routes, the path being matched. router.cpp: the routes and the target checks;
// router_body.cpp: these helpers; router_calibration.cpp: the technician's calibration routes.

#include "control/router.h"

#include <QJsonObject>
#include <QList>
#include <QUrlQuery>

#include <initializer_list>
#include <optional>

namespace opswall::control::routing {

enum class FieldType { Invalid = 0, String, Number, Bool, Object, Array };

struct Field {
    const char *name;
    FieldType type;
    bool required;
};

ApiError error(int status, const char *code, QString message, QString field = {});
Route errorRoute(ApiError e);

// The one query parameter a picture route takes (besides access_token): its width in whole
// pixels from min to max; a refusal names what is wrong.
std::optional<Route> pictureWidth(const QUrlQuery &query, int min, int max, int *width);

// Parses body as a JSON object holding only the given fields. An empty body is {}.
std::optional<ApiError> parseBody(const QByteArray &body, std::initializer_list<Field> fields,
                                  QJsonObject *out);

bool validId(const QString &s);

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

Route snapshot(QString what);
Route controlRead(const char *what, const char *permission);
// A read only technicians and admins may make (calibration state).
Route calibrationSnapshot(QString what);
Route submit(const char *type, const QByteArray &body, std::initializer_list<Field> fields,
             QJsonObject extra = {}, int successStatus = 200);

// The parameters of a parsed submission turned into the dispatcher's (actionparams.h).
template<typename F>
Route reshape(Route r, F f) {
    if (r.kind == RouteKind::Submit)
        r.action.params = f(std::move(r.action.params));
    return r;
}

// A parameter renamed, its value a number when it is one (a preset id from a body).
QJsonObject renamedNumber(QJsonObject p, const QString &from, const QString &to);

// The technician's calibration routes (router_calibration.cpp): the route, or nullopt when c is
// none of them.
std::optional<Route> calibrationRoute(Ctx &c);

} // namespace opswall::control::routing
