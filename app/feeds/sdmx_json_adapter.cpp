// SDMX-JSON data messages (1.0: top-level dataSets + structure; 2.0: data.dataSets +
// data.structures[0]). Series keys are colon-separated indexes into structure.dimensions.series,
// observation keys index structure.dimensions.observation (TIME_PERIOD). Both the series form and
// the flat AllDimensions form are read.
#include "feeds/adapters.h"

#include <QJsonArray>

#include <cmath>

namespace opswall::feeds {

namespace {

struct Dim {
    QString id;
    QStringList values;
};

QList<Dim> readDims(const QJsonArray &a) {
    QList<Dim> dims;
    for (const QJsonValue &d : a) {
        Dim dim;
        dim.id = d.toObject().value(QLatin1String("id")).toString();
        for (const QJsonValue &v : d.toObject().value(QLatin1String("values")).toArray())
            dim.values << v.toObject().value(QLatin1String("id")).toString();
        dims << dim;
    }
    return dims;
}

// Splits "0:3:1" into indexes checked against dims; false on a bad key.
bool splitKey(const QString &key, const QList<Dim> &dims, qsizetype from, QList<int> *out) {
    const QStringList parts = key.split(QLatin1Char(':'));
    if (parts.size() != dims.size() - from)
        return false;
    out->clear();
    for (qsizetype i = 0; i < parts.size(); ++i) {
        bool ok = false;
        const int idx = parts[i].toInt(&ok);
        if (!ok || idx < 0 || idx >= dims[from + i].values.size())
            return false;
        *out << idx;
    }
    return true;
}

} // namespace

ParseResult parseSdmxJson(QByteArrayView bytes, const FeedMapping &m, const ParseLimits &limits) {
    ParseResult result;
    QJsonDocument doc;
    if (!detail::readJsonDocument(bytes, limits, &doc, &result))
        return result;
    if (!doc.isObject())
        return detail::fail(QStringLiteral("SDMX-JSON message must be an object"), -1,
                            QStringLiteral("$"));
    QJsonObject root = doc.object();
    QJsonObject data =
        root.contains(QLatin1String("data")) ? root.value(QLatin1String("data")).toObject() : root;
    QJsonObject structure = data.value(QLatin1String("structure")).toObject();
    if (structure.isEmpty())
        structure = data.value(QLatin1String("structures")).toArray().at(0).toObject();
    if (structure.isEmpty())
        structure = root.value(QLatin1String("structure")).toObject();
    if (structure.isEmpty())
        return detail::fail(QStringLiteral("SDMX-JSON message has no structure"), -1,
                            QStringLiteral("$.structure"));
    const QJsonArray dataSets = data.value(QLatin1String("dataSets")).toArray();
    if (dataSets.isEmpty())
        return detail::fail(QStringLiteral("SDMX-JSON message has no dataSets"), -1,
                            QStringLiteral("$.dataSets"));
    result.source = root.value(QLatin1String("meta"))
                        .toObject()
                        .value(QLatin1String("prepared"))
                        .toString(root.value(QLatin1String("header"))
                                      .toObject()
                                      .value(QLatin1String("prepared"))
                                      .toString());

    const QJsonObject dimsObj = structure.value(QLatin1String("dimensions")).toObject();
    const QList<Dim> seriesDims = readDims(dimsObj.value(QLatin1String("series")).toArray());
    const QList<Dim> obsDims = readDims(dimsObj.value(QLatin1String("observation")).toArray());
    const QList<Dim> seriesAttrs = readDims(structure.value(QLatin1String("attributes"))
                                                .toObject()
                                                .value(QLatin1String("series"))
                                                .toArray());
    QList<Dim> allDims = seriesDims + obsDims;
    qsizetype timePos = -1;
    for (qsizetype i = 0; i < allDims.size(); ++i)
        if (allDims[i].id == QLatin1String("TIME_PERIOD"))
            timePos = i;
    if (timePos < 0)
        return detail::fail(QStringLiteral("no TIME_PERIOD dimension"), -1,
                            QStringLiteral("$.structure.dimensions"));

    detail::SeriesCollector out(limits);
    // Emits one observation given all dimension indexes and the value array.
    auto emitObs = [&](const QList<int> &idx, const QJsonValue &obs, int unitMult,
                       const QString &where) -> QString {
        QString indicator;
        QStringList dims;
        for (qsizetype i = 0; i < allDims.size(); ++i) {
            if (i == timePos)
                continue;
            if (allDims[i].id == m.indicatorAttribute)
                indicator = allDims[i].values[idx[i]];
            else if (m.dimensionAttributes.contains(allDims[i].id))
                dims << allDims[i].values[idx[i]];
        }
        if (indicator.isEmpty())
            return QStringLiteral("no %1 dimension").arg(m.indicatorAttribute);
        if (!m.includeIndicators.isEmpty() && !m.includeIndicators.contains(indicator))
            return {};
        const std::optional<Period> p = Period::parse(allDims[timePos].values[idx[timePos]]);
        if (!p)
            return QStringLiteral("TIME_PERIOD '%1' is not a period")
                .arg(allDims[timePos].values[idx[timePos]].left(40));
        const QJsonValue first = obs.isArray() ? obs.toArray().at(0) : obs;
        bool isNull = false;
        QString err;
        const std::optional<double> v = detail::jsonNumber(first, &isNull, &err);
        if (isNull)
            return {};
        if (!v)
            return err + QStringLiteral(" at ") + where;
        const double scale = m.applyUnitMult ? std::pow(10.0, unitMult) : 1.0;
        Series *s = out.series(indicator, dims.join(QLatin1Char('.')));
        if (!s)
            return out.error();
        s->unitMult = m.applyUnitMult ? 0 : unitMult;
        if (!out.add(indicator, dims.join(QLatin1Char('.')), Observation{*p, *v * scale}))
            return out.error();
        return {};
    };

    for (qsizetype d = 0; d < dataSets.size(); ++d) {
        const QJsonObject ds = dataSets[d].toObject();
        const QString base = QStringLiteral("$.dataSets[%1]").arg(d);
        const QJsonObject series = ds.value(QLatin1String("series")).toObject();
        for (auto it = series.begin(); it != series.end(); ++it) {
            const QString where = base + QStringLiteral(".series[\"%1\"]").arg(it.key().left(40));
            QList<int> sidx;
            if (!splitKey(it.key(), seriesDims, 0, &sidx))
                return detail::fail(
                    QStringLiteral("series key does not match the series dimensions"), -1, where);
            const QJsonObject so = it.value().toObject();
            int unitMult = 0;
            const QJsonArray attrs = so.value(QLatin1String("attributes")).toArray();
            for (qsizetype a = 0; a < attrs.size() && a < seriesAttrs.size(); ++a) {
                if (seriesAttrs[a].id == QLatin1String("UNIT_MULT") && attrs[a].isDouble()) {
                    const int ai = attrs[a].toInt(-1);
                    if (ai >= 0 && ai < seriesAttrs[a].values.size())
                        unitMult = qBound(-15, seriesAttrs[a].values[ai].toInt(), 15);
                }
            }
            const QJsonObject obs = so.value(QLatin1String("observations")).toObject();
            for (auto o = obs.begin(); o != obs.end(); ++o) {
                QList<int> oidx;
                if (!splitKey(o.key(), allDims, seriesDims.size(), &oidx))
                    return detail::fail(
                        QStringLiteral("observation key does not match the observation dimensions"),
                        -1, where + QStringLiteral(".observations"));
                const QString err =
                    emitObs(sidx + oidx, o.value(), unitMult,
                            where + QStringLiteral(".observations[\"%1\"]").arg(o.key().left(20)));
                if (!err.isEmpty())
                    return detail::fail(err, -1, where);
            }
        }
        // AllDimensions form: every dimension is in the observation key.
        const QJsonObject flat = ds.value(QLatin1String("observations")).toObject();
        for (auto o = flat.begin(); o != flat.end(); ++o) {
            QList<int> idx;
            const QString where =
                base + QStringLiteral(".observations[\"%1\"]").arg(o.key().left(40));
            if (!splitKey(o.key(), allDims, 0, &idx))
                return detail::fail(QStringLiteral("observation key does not match the dimensions"),
                                    -1, where);
            const QString err = emitObs(idx, o.value(), 0, where);
            if (!err.isEmpty())
                return detail::fail(err, -1, where);
        }
    }
    const QString source = result.source;
    result.series = out.take();
    result.source = source;
    return result;
}

} // namespace opswall::feeds
