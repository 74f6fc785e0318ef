#include "feeds/mapping.h"

#include <QJsonArray>

namespace opswall::feeds {

namespace {
bool readString(const QJsonObject &o, const char *key, QString &out, QString *error) {
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined())
        return true;
    if (!v.isString()) {
        *error = QStringLiteral("mapping.%1: must be a string").arg(QLatin1String(key));
        return false;
    }
    out = v.toString();
    return true;
}

bool readStringList(const QJsonObject &o, const char *key, QStringList &out, QString *error) {
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined())
        return true;
    if (v.isString()) {
        out = QStringList{v.toString()};
        return true;
    }
    if (!v.isArray()) {
        *error = QStringLiteral("mapping.%1: must be a list of strings").arg(QLatin1String(key));
        return false;
    }
    out.clear();
    const QJsonArray a = v.toArray();
    for (qsizetype i = 0; i < a.size(); ++i) {
        if (!a[i].isString()) {
            *error =
                QStringLiteral("mapping.%1[%2]: must be a string").arg(QLatin1String(key)).arg(i);
            return false;
        }
        out << a[i].toString();
    }
    return true;
}
} // namespace

FeedMapping FeedMapping::fromJson(const QJsonObject &o, QString *error) {
    static const QStringList known = {
        QStringLiteral("seriesPath"),          QStringLiteral("timeField"),
        QStringLiteral("valueField"),          QStringLiteral("indicatorField"),
        QStringLiteral("indicator"),           QStringLiteral("dimensionFields"),
        QStringLiteral("unitField"),           QStringLiteral("unit"),
        QStringLiteral("fixedPeriod"),         QStringLiteral("valueColumns"),
        QStringLiteral("includeIndicators"),   QStringLiteral("delimiter"),
        QStringLiteral("decimalComma"),        QStringLiteral("indicatorAttribute"),
        QStringLiteral("dimensionAttributes"), QStringLiteral("applyUnitMult"),
        QStringLiteral("filterField"),         QStringLiteral("filterValues")};
    FeedMapping m;
    error->clear();
    for (auto it = o.begin(); it != o.end(); ++it) {
        if (!known.contains(it.key())) {
            *error = QStringLiteral("mapping.%1: unknown field").arg(it.key());
            return m;
        }
    }
    if (!readString(o, "seriesPath", m.seriesPath, error) ||
        !readString(o, "timeField", m.timeField, error) ||
        !readString(o, "valueField", m.valueField, error) ||
        !readString(o, "indicatorField", m.indicatorField, error) ||
        !readString(o, "indicator", m.indicator, error) ||
        !readStringList(o, "dimensionFields", m.dimensionFields, error) ||
        !readString(o, "unitField", m.unitField, error) || !readString(o, "unit", m.unit, error) ||
        !readString(o, "fixedPeriod", m.fixedPeriod, error) ||
        !readStringList(o, "includeIndicators", m.includeIndicators, error) ||
        !readString(o, "indicatorAttribute", m.indicatorAttribute, error) ||
        !readString(o, "filterField", m.filterField, error) ||
        !readStringList(o, "filterValues", m.filterValues, error) ||
        !readStringList(o, "dimensionAttributes", m.dimensionAttributes, error))
        return m;
    if (!m.fixedPeriod.isEmpty() && !Period::parse(m.fixedPeriod)) {
        *error = QStringLiteral("mapping.fixedPeriod: '%1' is not a period").arg(m.fixedPeriod);
        return m;
    }
    if (o.contains(QLatin1String("delimiter"))) {
        const QString d = o.value(QLatin1String("delimiter")).toString();
        if (d.size() != 1) {
            *error = QStringLiteral("mapping.delimiter: must be one character");
            return m;
        }
        m.delimiter = d.at(0);
    }
    for (const char *key : {"decimalComma", "applyUnitMult"}) {
        const QJsonValue v = o.value(QLatin1String(key));
        if (!v.isUndefined() && !v.isBool()) {
            *error = QStringLiteral("mapping.%1: must be true or false").arg(QLatin1String(key));
            return m;
        }
    }
    m.decimalComma = o.value(QLatin1String("decimalComma")).toBool(false);
    m.applyUnitMult = o.value(QLatin1String("applyUnitMult")).toBool(false);
    const QJsonValue vc = o.value(QLatin1String("valueColumns"));
    if (!vc.isUndefined()) {
        if (!vc.isArray()) {
            *error = QStringLiteral("mapping.valueColumns: must be a list");
            return m;
        }
        const QJsonArray a = vc.toArray();
        for (qsizetype i = 0; i < a.size(); ++i) {
            const QJsonObject c = a[i].toObject();
            ValueColumn col{c.value(QLatin1String("column")).toString(),
                            c.value(QLatin1String("indicator")).toString()};
            if (col.column.isEmpty() || col.indicator.isEmpty()) {
                *error =
                    QStringLiteral("mapping.valueColumns[%1]: needs column and indicator").arg(i);
                return m;
            }
            m.valueColumns << col;
        }
    }
    return m;
}

QJsonObject FeedMapping::toJson() const {
    QJsonObject o;
    auto put = [&](const char *k, const QString &v) {
        if (!v.isEmpty())
            o.insert(QLatin1String(k), v);
    };
    auto putList = [&](const char *k, const QStringList &v) {
        if (!v.isEmpty())
            o.insert(QLatin1String(k), QJsonArray::fromStringList(v));
    };
    put("seriesPath", seriesPath);
    put("timeField", timeField);
    put("valueField", valueField);
    put("indicatorField", indicatorField);
    put("indicator", indicator);
    putList("dimensionFields", dimensionFields);
    put("unitField", unitField);
    put("unit", unit);
    put("fixedPeriod", fixedPeriod);
    putList("includeIndicators", includeIndicators);
    put("filterField", filterField);
    putList("filterValues", filterValues);
    if (!delimiter.isNull())
        o.insert(QLatin1String("delimiter"), QString(delimiter));
    if (decimalComma)
        o.insert(QLatin1String("decimalComma"), true);
    if (indicatorAttribute != QLatin1String("INDICATOR"))
        put("indicatorAttribute", indicatorAttribute);
    if (dimensionAttributes != QStringList{QStringLiteral("FREQ")})
        o.insert(QLatin1String("dimensionAttributes"),
                 QJsonArray::fromStringList(dimensionAttributes));
    if (applyUnitMult)
        o.insert(QLatin1String("applyUnitMult"), true);
    if (!valueColumns.isEmpty()) {
        QJsonArray a;
        for (const ValueColumn &c : valueColumns)
            a.append(QJsonObject{{QStringLiteral("column"), c.column},
                                 {QStringLiteral("indicator"), c.indicator}});
        o.insert(QLatin1String("valueColumns"), a);
    }
    return o;
}

} // namespace opswall::feeds
