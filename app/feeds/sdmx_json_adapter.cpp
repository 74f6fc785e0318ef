// SDMX-JSON data messages (1.0: top-level dataSets + structure; 2.0: data.dataSets +
// data.structures[0]). Series keys are colon-separated indexes into structure.dimensions.series,
// observation keys index structure.dimensions.observation (TIME_PERIOD). Both the series form and
// the flat AllDimensions form are read.
#include "feeds/adapters.h"

#include <QJsonArray>
#include <QVarLengthArray>

#include <algorithm>
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

// Splits "0:3:1" into indexes checked against dims (into out[0..]); false on a bad key. Reads
// the key in place: this runs once per observation.
bool splitKey(QStringView key, const QList<Dim> &dims, qsizetype from, int *out) {
    const qsizetype want = dims.size() - from;
    if (key.count(QLatin1Char(':')) + 1 != want)
        return false;
    qsizetype start = 0;
    for (qsizetype i = 0; i < want; ++i) {
        qsizetype stop = key.indexOf(QLatin1Char(':'), start);
        if (stop < 0)
            stop = key.size();
        bool ok = false;
        const int idx = key.sliced(start, stop - start).toInt(&ok);
        if (!ok || idx < 0 || idx >= dims[from + i].values.size())
            return false;
        out[i] = idx;
        start = stop + 1;
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
    // Each TIME_PERIOD value is parsed once, when an observation first uses it.
    const QStringList &timeValues = allDims[timePos].values;
    QList<std::optional<Period>> periods(timeValues.size());
    QList<bool> periodRead(timeValues.size(), false);
    // When the indicator and the breakdown come from series dimensions only (the usual shape),
    // they are worked out once per series instead of once per observation.
    bool keyFromSeries = true;
    for (qsizetype i = seriesDims.size(); i < allDims.size(); ++i)
        if (i != timePos && (allDims[i].id == m.indicatorAttribute ||
                             m.dimensionAttributes.contains(allDims[i].id)))
            keyFromSeries = false;
    struct Target {
        bool known = false;
        QString error; // "no INDICATOR dimension"
        bool skip = false;
        qsizetype index = -1;
        QString indicator, dimension;
    };
    const auto resolve = [&](const int *idx, Target *t) {
        const QString *indicator = nullptr;
        QStringList dims;
        for (qsizetype i = 0; i < allDims.size(); ++i) {
            if (i == timePos)
                continue;
            if (allDims[i].id == m.indicatorAttribute)
                indicator = &allDims[i].values[idx[i]];
            else if (m.dimensionAttributes.contains(allDims[i].id))
                dims << allDims[i].values[idx[i]];
        }
        *t = Target{};
        t->known = true;
        if (!indicator || indicator->isEmpty())
            t->error = QStringLiteral("no %1 dimension").arg(m.indicatorAttribute);
        else if (!m.includeIndicators.isEmpty() && !m.includeIndicators.contains(*indicator))
            t->skip = true;
        else {
            t->indicator = *indicator;
            t->dimension = dims.join(QLatin1Char('.'));
        }
    };
    // Emits one observation given all dimension indexes and the value; where() names it, and is
    // only built for an error message.
    auto emitObs = [&](const int *idx, const QJsonValue &obs, int unitMult, Target *t,
                       const auto &where) -> QString {
        if (!t->known)
            resolve(idx, t);
        if (!t->error.isEmpty())
            return t->error;
        if (t->skip)
            return {};
        const int ti = idx[timePos];
        if (!periodRead[ti]) {
            periods[ti] = Period::parse(timeValues[ti]);
            periodRead[ti] = true;
        }
        const std::optional<Period> &p = periods[ti];
        if (!p)
            return QStringLiteral("TIME_PERIOD '%1' is not a period").arg(timeValues[ti].left(40));
        const QJsonValue first = obs.isArray() ? obs.toArray().at(0) : obs;
        bool isNull = false;
        QString err;
        const std::optional<double> v = detail::jsonNumber(first, &isNull, &err);
        if (isNull)
            return {};
        if (!v)
            return err + QStringLiteral(" at ") + where();
        const double scale = m.applyUnitMult ? std::pow(10.0, unitMult) : 1.0;
        if (t->index < 0) {
            t->index = out.indexOf(t->indicator, t->dimension);
            if (t->index < 0)
                return out.error();
        }
        out.at(t->index).unitMult = m.applyUnitMult ? 0 : unitMult;
        if (!out.addAt(t->index, Observation{*p, *v * scale}))
            return out.error();
        return {};
    };

    QVarLengthArray<int, 16> idx(allDims.size());
    for (qsizetype d = 0; d < dataSets.size(); ++d) {
        const QJsonObject ds = dataSets[d].toObject();
        const auto base = [d] { return QStringLiteral("$.dataSets[%1]").arg(d); };
        const QJsonObject series = ds.value(QLatin1String("series")).toObject();
        for (auto it = series.begin(); it != series.end(); ++it) {
            const QString key = it.key();
            const auto where = [&] {
                return base() + QStringLiteral(".series[\"%1\"]").arg(key.left(40));
            };
            if (!splitKey(key, seriesDims, 0, idx.data()))
                return detail::fail(
                    QStringLiteral("series key does not match the series dimensions"), -1, where());
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
            Target target;
            const QJsonObject obs = so.value(QLatin1String("observations")).toObject();
            for (auto o = obs.begin(); o != obs.end(); ++o) {
                const QString okey = o.key();
                if (!splitKey(okey, allDims, seriesDims.size(), idx.data() + seriesDims.size()))
                    return detail::fail(
                        QStringLiteral("observation key does not match the observation dimensions"),
                        -1, where() + QStringLiteral(".observations"));
                if (!keyFromSeries)
                    target.known = false;
                const QString err = emitObs(idx.data(), o.value(), unitMult, &target, [&] {
                    return where() + QStringLiteral(".observations[\"%1\"]").arg(okey.left(20));
                });
                if (!err.isEmpty())
                    return detail::fail(err, -1, where());
            }
        }
        // AllDimensions form: every dimension is in the observation key.
        const QJsonObject flat = ds.value(QLatin1String("observations")).toObject();
        for (auto o = flat.begin(); o != flat.end(); ++o) {
            const QString okey = o.key();
            const auto where = [&] {
                return base() + QStringLiteral(".observations[\"%1\"]").arg(okey.left(40));
            };
            if (!splitKey(okey, allDims, 0, idx.data()))
                return detail::fail(QStringLiteral("observation key does not match the dimensions"),
                                    -1, where());
            Target target;
            const QString err = emitObs(idx.data(), o.value(), 0, &target, where);
            if (!err.isEmpty())
                return detail::fail(err, -1, where());
        }
    }
    const QString source = result.source;
    result.series = out.take();
    result.source = source;
    return result;
}

QByteArray toSdmxJson(const QList<Series> &all, const SdmxJsonHeader &header) {
    QStringList indicators, freqs, periods, mults;
    for (const Series &s : all) {
        if (!indicators.contains(s.indicator))
            indicators << s.indicator;
        if (!freqs.contains(s.dimension))
            freqs << s.dimension;
        const QString mult = QString::number(s.unitMult);
        if (!mults.contains(mult))
            mults << mult;
        for (const Observation &o : s.points)
            periods << o.period.toString();
    }
    periods.removeDuplicates();
    std::sort(periods.begin(), periods.end(), [](const QString &a, const QString &b) {
        return *Period::parse(a) < *Period::parse(b);
    });
    QHash<QString, int> periodIndex;
    for (int i = 0; i < periods.size(); ++i)
        periodIndex.insert(periods[i], i);
    QJsonObject series;
    for (const Series &s : all) {
        QJsonObject obs;
        for (const Observation &o : s.points)
            obs.insert(QString::number(periodIndex.value(o.period.toString())),
                       QJsonArray{o.value});
        series.insert(QStringLiteral("0:%1:%2")
                          .arg(indicators.indexOf(s.indicator))
                          .arg(freqs.indexOf(s.dimension)),
                      QJsonObject{{QStringLiteral("attributes"),
                                   QJsonArray{int(mults.indexOf(QString::number(s.unitMult)))}},
                                  {QStringLiteral("observations"), obs}});
    }
    const auto dim = [](const char *id, const QStringList &ids) {
        QJsonArray values;
        for (const QString &v : ids)
            values.append(QJsonObject{{QStringLiteral("id"), v}});
        return QJsonObject{{QStringLiteral("id"), QLatin1String(id)},
                           {QStringLiteral("values"), values}};
    };
    const QJsonObject msg{
        {QStringLiteral("header"), QJsonObject{{QStringLiteral("id"), header.id},
                                               {QStringLiteral("prepared"), header.prepared}}},
        {QStringLiteral("dataSets"),
         QJsonArray{QJsonObject{{QStringLiteral("action"), QStringLiteral("Information")},
                                {QStringLiteral("series"), series}}}},
        {QStringLiteral("structure"),
         QJsonObject{{QStringLiteral("name"), header.name},
                     {QStringLiteral("dimensions"),
                      QJsonObject{{QStringLiteral("series"),
                                   QJsonArray{dim("REF_AREA", {header.refArea}),
                                              dim("INDICATOR", indicators), dim("FREQ", freqs)}},
                                  {QStringLiteral("observation"),
                                   QJsonArray{dim("TIME_PERIOD", periods)}}}},
                     {QStringLiteral("attributes"),
                      QJsonObject{{QStringLiteral("series"), QJsonArray{dim("UNIT_MULT", mults)}},
                                  {QStringLiteral("observation"), QJsonArray{}}}}}}};
    return QJsonDocument(msg).toJson(QJsonDocument::Compact);
}

} // namespace opswall::feeds
