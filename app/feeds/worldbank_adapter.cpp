// World Bank API v2 JSON: [ {page, pages, per_page, total, lastupdated}, [ {indicator{id},
// country{id}, countryiso3code, date, value}, ... ] ]. Errors come back with HTTP 200 as
// [ {"message": [ {"id": "120", "key": "Invalid value", "value": "..."} ] } ].
#include "feeds/adapters.h"

#include <QJsonArray>

namespace opswall::feeds {

namespace {
int pagingInt(const QJsonValue &v) {
    // The API gives page/pages/total as numbers and per_page as a string; accept both.
    if (v.isString())
        return v.toString().toInt();
    return v.toInt();
}
} // namespace

ParseResult parseWorldBank(QByteArrayView bytes, const FeedMapping &m, const ParseLimits &limits) {
    ParseResult result;
    QJsonDocument doc;
    if (!detail::readJsonDocument(bytes, limits, &doc, &result))
        return result;
    if (!doc.isArray() || doc.array().isEmpty())
        return detail::fail(QStringLiteral("World Bank reply must be a JSON array"), -1,
                            QStringLiteral("$"));
    const QJsonArray top = doc.array();
    const QJsonObject meta = top.at(0).toObject();
    if (meta.contains(QLatin1String("message"))) {
        const QJsonObject msg = meta.value(QLatin1String("message")).toArray().at(0).toObject();
        return detail::fail(QStringLiteral("World Bank API error %1 (%2): %3")
                                .arg(msg.value(QLatin1String("id")).toString(),
                                     msg.value(QLatin1String("key")).toString(),
                                     msg.value(QLatin1String("value")).toString().trimmed()),
                            -1, QStringLiteral("$[0].message"));
    }
    result.paging.page = pagingInt(meta.value(QLatin1String("page")));
    result.paging.pages = pagingInt(meta.value(QLatin1String("pages")));
    result.paging.perPage = pagingInt(meta.value(QLatin1String("per_page")));
    result.paging.total = pagingInt(meta.value(QLatin1String("total")));
    result.source = meta.value(QLatin1String("lastupdated")).toString();
    if (result.paging.page < 1 || result.paging.pages < 0 ||
        result.paging.page > qMax(1, result.paging.pages))
        return detail::fail(QStringLiteral("World Bank paging metadata is missing or inconsistent"),
                            -1, QStringLiteral("$[0]"));
    const QJsonValue rows = top.at(1);
    if (rows.isNull() && result.paging.total == 0)
        return result; // the API's way of saying "no data"
    if (!rows.isArray())
        return detail::fail(
            QStringLiteral("expected the data array, got %1").arg(detail::jsonTypeName(rows)), -1,
            QStringLiteral("$[1]"));
    detail::SeriesCollector out(limits);
    const QJsonArray a = rows.toArray();
    for (qsizetype i = 0; i < a.size(); ++i) {
        const QString at = QStringLiteral("$[1][%1]").arg(i);
        const QJsonObject r = a[i].toObject();
        if (r.isEmpty())
            return detail::fail(QStringLiteral("expected an observation object"), -1, at);
        const QString indicator =
            r.value(QLatin1String("indicator")).toObject().value(QLatin1String("id")).toString();
        if (indicator.isEmpty())
            return detail::fail(QStringLiteral("observation without indicator.id"), -1, at);
        if (!m.includeIndicators.isEmpty() && !m.includeIndicators.contains(indicator))
            continue;
        QString country = r.value(QLatin1String("countryiso3code")).toString();
        if (country.isEmpty())
            country =
                r.value(QLatin1String("country")).toObject().value(QLatin1String("id")).toString();
        const std::optional<Period> p = Period::parse(r.value(QLatin1String("date")).toString());
        if (!p)
            return detail::fail(QStringLiteral("'%1' is not a period")
                                    .arg(r.value(QLatin1String("date")).toString().left(40)),
                                -1, at + QStringLiteral(".date"));
        bool isNull = false;
        QString err;
        const std::optional<double> v =
            detail::jsonNumber(r.value(QLatin1String("value")), &isNull, &err);
        if (isNull)
            continue; // years without data are null
        if (!v)
            return detail::fail(err, -1, at + QStringLiteral(".value"));
        if (!out.add(indicator, country, Observation{*p, *v},
                     r.value(QLatin1String("unit")).toString()))
            return detail::fail(out.error(), -1, at);
    }
    const Paging paging = result.paging;
    const QString source = result.source;
    result.series = out.take();
    result.paging = paging;
    result.source = source;
    return result;
}

} // namespace opswall::feeds
