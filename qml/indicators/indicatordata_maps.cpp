#include "indicatordata.h"

#include "indicatordata_p.h"

#include "feeds/feedhub.h"
#include "feeds/readmodel.h"

#include <algorithm>

// IndicatorData's province maps: the values of one indicator and period by province, a map tile's
// binding resolved, and the provinces ranked.
namespace opswall::indicators {

using namespace opswall::feeds;
using namespace detail;

namespace {
// Province values of one indicator and period (province codes only: the national total "VN",
// "00" or empty is not a province).
QVariantMap provinceMap(ReadModel &model, const QString &indicator, const Period &p) {
    QVariantMap values;
    static const QRegularExpression provinceCode(QStringLiteral("^[0-9]{2}$"));
    const QHash<QString, StoredPoint> &all = model.allDimensions(indicator, p);
    for (auto it = all.begin(); it != all.end(); ++it)
        if (provinceCode.match(it.key()).hasMatch() && it.key() != QLatin1String("00"))
            values.insert(it.key(), it->value);
    return values;
}
} // namespace

QVariantMap IndicatorData::provinceValues(const QString &indicator, const QString &period,
                                          const QString &language) const {
    // Every item of a tile (one per display it spans), and the table's ranking, ask the same
    // question after each change: the store answers it once per change of the indicator.
    const QString key = period + u'\x1f' + language;
    QHash<QString, QVariantMap> &cache = m_provinceValues[indicator];
    if (const auto it = cache.constFind(key); it != cache.cend())
        return *it;
    const QVariantMap m = readProvinceValues(indicator, period, language);
    cache.insert(key, m);
    return m;
}

QVariantMap IndicatorData::readProvinceValues(const QString &indicator, const QString &period,
                                              const QString &language) const {
    const bool en = language == QLatin1String("en");
    QVariantMap m;
    const std::optional<IndicatorMeta> meta = metaOf(indicator);
    m[QStringLiteral("name")] = meta ? (en ? meta->nameEn : meta->nameVi) : indicator;
    m[QStringLiteral("unit")] = meta ? (en ? meta->unitEn : meta->unitVi) : QString();
    m[QStringLiteral("source")] = meta ? meta->sourceText(language) : QString();
    m[QStringLiteral("simulated")] = meta && meta->simulated;
    const std::optional<Period> p = Period::parse(period);
    if (!p) {
        m[QStringLiteral("error")] = QStringLiteral("\"%1\" is not a period").arg(period);
        return m;
    }
    const QVariantMap values = provinceMap(m_hub->readModel(), indicator, *p);
    m[QStringLiteral("values")] = values;
    m[QStringLiteral("count")] = values.size();
    m[QStringLiteral("periodText")] = periodText(*p, language);
    return m;
}

QVariantMap IndicatorData::mapBinding(const QVariantMap &tileBinding,
                                      const QString &language) const {
    const QString indicator = tileBinding.value(QStringLiteral("indicator")).toString();
    if (indicator.isEmpty())
        return tileBinding; // a map of values given in the layout itself
    const QVariantMap info =
        provinceValues(indicator, tileBinding.value(QStringLiteral("period")).toString(), language);
    QVariantMap out = tileBinding; // style keys (palette, classes, highlight, ...) pass through
    out.insert(QStringLiteral("values"), info.value(QStringLiteral("values")));
    out.insert(QStringLiteral("title"), info.value(QStringLiteral("name")));
    out.insert(QStringLiteral("unit"), info.value(QStringLiteral("unit")));
    out.insert(QStringLiteral("period"), info.value(QStringLiteral("periodText")));
    out.insert(QStringLiteral("source"), info.value(QStringLiteral("source")));
    const auto byDefault = [&out](const char *key, const QVariant &v) {
        if (!out.contains(QLatin1String(key)))
            out.insert(QLatin1String(key), v);
    };
    byDefault("units", 34);
    byDefault("dataUnits", 63); // the historical series are by the 63 provinces
    byDefault("palette", QStringLiteral("diverging"));
    byDefault("centre", 100);
    byDefault("classification", QStringLiteral("quantiles"));
    byDefault("classes", 5);
    byDefault("showMessages", true);
    // 63 -> 34: the indicator's own rule unless the layout overrides it.
    const std::optional<IndicatorMeta> meta = metaOf(indicator);
    if (!meta || out.contains(QStringLiteral("aggregation")))
        return out;
    out.insert(QStringLiteral("aggregation"), meta->aggregation);
    if (meta->aggregation != QLatin1String("weightedMean"))
        return out;
    const std::optional<IndicatorMeta> weight = metaOf(meta->weightIndicator);
    const bool en = language == QLatin1String("en");
    out.insert(QStringLiteral("weightName"),
               weight ? (en ? weight->nameEn : weight->nameVi) : meta->weightIndicator);
    const std::optional<Period> wp = Period::parse(
        meta->weightPeriod.isEmpty() ? tileBinding.value(QStringLiteral("period")).toString()
                                     : meta->weightPeriod);
    if (wp)
        out.insert(QStringLiteral("weights"),
                   provinceMap(m_hub->readModel(), meta->weightIndicator, *wp));
    return out;
}

QVariantList IndicatorData::rankedProvinces(const QString &indicator, const QString &period,
                                            int count, bool ascending,
                                            const QString &language) const {
    const QVariantMap values =
        provinceValues(indicator, period, language).value(QStringLiteral("values")).toMap();
    QList<QPair<QString, double>> rows;
    for (auto it = values.begin(); it != values.end(); ++it)
        rows.append({it.key(), it.value().toDouble()});
    std::sort(rows.begin(), rows.end(), [ascending](const auto &a, const auto &b) {
        return ascending ? a.second < b.second : a.second > b.second;
    });
    const std::optional<IndicatorMeta> meta = metaOf(indicator);
    const int dec = meta ? meta->decimals : 1;
    QVariantList out;
    for (qsizetype i = 0; i < rows.size() && i < qBound(1, count, 63); ++i)
        out.append(QVariantMap{
            {QStringLiteral("rank"), int(i + 1)},
            {QStringLiteral("code"), rows[i].first},
            {QStringLiteral("name"), m_provinceNames.value(rows[i].first, rows[i].first)},
            {QStringLiteral("value"), rows[i].second},
            {QStringLiteral("valueText"), formatNumber(rows[i].second, dec, language)}});
    return out;
}

} // namespace opswall::indicators
