#include "indicatordata.h"

#include <QRegularExpression>

#include "core/engineservices.h"
#include "feeds/feedhub.h"

#include <QLocale>
#include <QXYSeries>

#include <algorithm>
#include <cmath>

namespace opswall::indicators {

using namespace opswall::feeds;

namespace {
QLocale localeFor(const QString &language) {
    return language == QLatin1String("en") ? QLocale(QLocale::English, QLocale::UnitedStates)
                                           : QLocale(QLocale::Vietnamese, QLocale::Vietnam);
}

QString periodText(const Period &p, const QString &language) {
    const QDate d = p.start().date();
    switch (p.kind()) {
    case PeriodKind::Month:
        return language == QLatin1String("en")
                   ? localeFor(language).toString(d, QStringLiteral("MMM yyyy"))
                   : QStringLiteral("T%1/%2").arg(d.month()).arg(d.year());
    case PeriodKind::Quarter:
        return language == QLatin1String("en")
                   ? QStringLiteral("Q%1 %2").arg((d.month() - 1) / 3 + 1).arg(d.year())
                   : QStringLiteral("Quý %1/%2").arg((d.month() - 1) / 3 + 1).arg(d.year());
    case PeriodKind::Year:
        return language == QLatin1String("en") ? QString::number(d.year())
                                               : QStringLiteral("Năm %1").arg(d.year());
    case PeriodKind::Day:
        return localeFor(language).toString(d, QStringLiteral("dd/MM/yyyy"));
    default:
        return p.toString();
    }
}

QString ageText(std::int64_t secs, const QString &language) {
    const bool en = language == QLatin1String("en");
    if (secs < 0)
        return en ? QStringLiteral("no data yet") : QStringLiteral("chưa có dữ liệu");
    if (secs < 120)
        return en ? QStringLiteral("updated just now") : QStringLiteral("vừa cập nhật");
    if (secs < 7200)
        return en ? QStringLiteral("updated %1 min ago").arg(secs / 60)
                  : QStringLiteral("cập nhật %1 phút trước").arg(secs / 60);
    if (secs < 2 * 86400)
        return en ? QStringLiteral("updated %1 h ago").arg(secs / 3600)
                  : QStringLiteral("cập nhật %1 giờ trước").arg(secs / 3600);
    return en ? QStringLiteral("updated %1 days ago").arg(secs / 86400)
              : QStringLiteral("cập nhật %1 ngày trước").arg(secs / 86400);
}
} // namespace

IndicatorData::IndicatorData(FeedHub *hub, QObject *parent)
    : QObject(parent)
    , m_hub(hub) {
    connect(hub->scheduler(), &FeedScheduler::feedUpdated, this, &IndicatorData::notifyChanged);
    connect(hub->scheduler(), &FeedScheduler::statusChanged, this, &IndicatorData::notifyChanged);
    connect(hub->scheduler(), &FeedScheduler::liveValue, this, &IndicatorData::notifyChanged);
    connect(hub->alerts(), &AlertManager::indicatorsChanged, this, &IndicatorData::notifyChanged);
    connect(hub->alerts(), &AlertManager::alertRaised, this, &IndicatorData::notifyChanged);
    connect(hub->alerts(), &AlertManager::alertCleared, this, &IndicatorData::notifyChanged);
    connect(hub->alerts(), &AlertManager::alertAcknowledged, this, &IndicatorData::notifyChanged);
}

IndicatorData *IndicatorData::create(QQmlEngine *engine, QJSEngine *) {
    return opswall::lookup<IndicatorData>(engine);
}

void IndicatorData::notifyChanged() {
    m_provinceValues.clear();
    ++m_revision;
    Q_EMIT changed();
}

QString IndicatorData::formatNumber(double value, int decimals, const QString &language) const {
    if (!std::isfinite(value))
        return QStringLiteral("–");
    return localeFor(language).toString(value, 'f', qBound(0, decimals, 6));
}

namespace {
// Province values of one indicator and period (province codes only: the national total "VN",
// "00" or empty is not a province).
QVariantMap provinceMap(const SeriesStore &store, const QString &indicator, const Period &p) {
    QVariantMap values;
    static const QRegularExpression provinceCode(QStringLiteral("^[0-9]{2}$"));
    const auto all = store.allDimensions(indicator, p);
    for (auto it = all.begin(); it != all.end(); ++it)
        if (provinceCode.match(it.key()).hasMatch() && it.key() != QLatin1String("00"))
            values.insert(it.key(), it->value);
    return values;
}
} // namespace

QVariantMap IndicatorData::provinceValues(const QString &indicator, const QString &period,
                                          const QString &language) const {
    // Every item of a tile (one per display it spans), and the table's ranking, ask the same
    // question after each change: the store answers it once per revision.
    const QString key = indicator + u'\x1f' + period + u'\x1f' + language;
    if (const auto it = m_provinceValues.constFind(key); it != m_provinceValues.cend())
        return *it;
    const QVariantMap m = readProvinceValues(indicator, period, language);
    m_provinceValues.insert(key, m);
    return m;
}

QVariantMap IndicatorData::readProvinceValues(const QString &indicator, const QString &period,
                                              const QString &language) const {
    const bool en = language == QLatin1String("en");
    QVariantMap m;
    const std::optional<IndicatorMeta> meta = m_hub->alerts()->indicator(indicator);
    m[QStringLiteral("name")] = meta ? (en ? meta->nameEn : meta->nameVi) : indicator;
    m[QStringLiteral("unit")] = meta ? (en ? meta->unitEn : meta->unitVi) : QString();
    m[QStringLiteral("source")] = meta ? meta->source : QString();
    m[QStringLiteral("simulated")] = meta && meta->simulated;
    const std::optional<Period> p = Period::parse(period);
    if (!p) {
        m[QStringLiteral("error")] = QStringLiteral("\"%1\" is not a period").arg(period);
        return m;
    }
    const QVariantMap values = provinceMap(m_hub->series(), indicator, *p);
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
    const std::optional<IndicatorMeta> meta = m_hub->alerts()->indicator(indicator);
    if (!meta || out.contains(QStringLiteral("aggregation")))
        return out;
    out.insert(QStringLiteral("aggregation"), meta->aggregation);
    if (meta->aggregation != QLatin1String("weightedMean"))
        return out;
    const std::optional<IndicatorMeta> weight = m_hub->alerts()->indicator(meta->weightIndicator);
    const bool en = language == QLatin1String("en");
    out.insert(QStringLiteral("weightName"),
               weight ? (en ? weight->nameEn : weight->nameVi) : meta->weightIndicator);
    const std::optional<Period> wp = Period::parse(
        meta->weightPeriod.isEmpty() ? tileBinding.value(QStringLiteral("period")).toString()
                                     : meta->weightPeriod);
    if (wp)
        out.insert(QStringLiteral("weights"),
                   provinceMap(m_hub->series(), meta->weightIndicator, *wp));
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
    const std::optional<IndicatorMeta> meta = m_hub->alerts()->indicator(indicator);
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

QVariantList IndicatorData::openAlerts(const QString &language) const {
    const bool en = language == QLatin1String("en");
    QVariantList out;
    for (const Alert &a : m_hub->alerts()->openAlerts())
        out.append(QVariantMap{{QStringLiteral("id"), qint64(a.id)},
                               {QStringLiteral("severity"), severityName(a.severity)},
                               {QStringLiteral("message"), a.message},
                               {QStringLiteral("indicator"), a.indicator},
                               {QStringLiteral("sinceText"),
                                localeFor(language).toString(a.raisedAt.toLocalTime(),
                                                             en ? QStringLiteral("dd MMM HH:mm")
                                                                : QStringLiteral("HH:mm dd/MM"))},
                               {QStringLiteral("acknowledged"), !a.acknowledgedBy.isEmpty()}});
    return out;
}

QVariantMap IndicatorData::kpi(const QString &indicator, const QString &dimension,
                               const QString &language) const {
    const bool en = language == QLatin1String("en");
    QVariantMap m;
    const std::optional<IndicatorMeta> meta = m_hub->alerts()->indicator(indicator);
    const int dec = meta ? meta->decimals : 1;
    const double scale = meta ? meta->displayScale : 1.0;
    m[QStringLiteral("name")] = meta ? (en ? meta->nameEn : meta->nameVi) : indicator;
    m[QStringLiteral("unit")] = meta ? (en ? meta->unitEn : meta->unitVi) : QString();
    m[QStringLiteral("simulated")] = meta && meta->simulated;
    m[QStringLiteral("source")] = meta ? meta->source : QString();
    m[QStringLiteral("higherIsBetter")] = meta ? meta->higherIsBetter : true;
    const QString dim = dimension.isEmpty() && meta ? meta->dimension : dimension;
    const std::optional<StoredPoint> latest = m_hub->series().latest(indicator, dim);
    m[QStringLiteral("hasData")] = latest.has_value();
    if (!latest) {
        m[QStringLiteral("valueText")] = QStringLiteral("–");
        return m;
    }
    m[QStringLiteral("value")] = latest->value;
    m[QStringLiteral("valueText")] = formatNumber(latest->value * scale, dec, language);
    m[QStringLiteral("period")] = latest->period.toString();
    m[QStringLiteral("periodText")] = periodText(latest->period, language);
    m[QStringLiteral("revision")] = latest->revision;
    auto change = [&](const Period &other, const char *key) {
        if (const auto p = m_hub->series().valueAt(indicator, dim, other)) {
            const double d = (latest->value - p->value) * scale;
            m[QLatin1String(key)] = d;
            m[QLatin1String(key) + QStringLiteral("Text")] =
                (d > 0 ? QStringLiteral("+") : QString()) + formatNumber(d, dec, language);
            m[QLatin1String(key) + QStringLiteral("Pct")] =
                p->value != 0.0 ? (latest->value / p->value - 1.0) * 100.0 : qQNaN();
        }
    };
    change(latest->period.previous(), "changePrev");
    change(latest->period.sameLastYear(), "changeYoY");
    if (meta && meta->target) {
        m[QStringLiteral("target")] = *meta->target;
        m[QStringLiteral("targetText")] = formatNumber(*meta->target * scale, dec, language);
        m[QStringLiteral("progress")] = *meta->target != 0.0 ? latest->value / *meta->target : 0.0;
    }
    QVariantList spark;
    const QList<StoredPoint> history = m_hub->series().range(indicator, dim, {}, {});
    for (qsizetype i = qMax<qsizetype>(0, history.size() - 24); i < history.size(); ++i)
        spark << history[i].value;
    m[QStringLiteral("sparkline")] = spark;
    // Freshness: the feed's last success (not the period: a monthly figure is current for a month).
    const QString feedId = meta && !meta->feedId.isEmpty()
                               ? meta->feedId
                               : m_hub->series().info(indicator, dim).value_or(SeriesInfo{}).feedId;
    const FeedStatus st = m_hub->scheduler()->status(feedId);
    const auto def = m_hub->scheduler()->definition(feedId);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    std::int64_t age = st.ageSecs(now);
    if (age < 0) // not fetched in this run: the age of the stored value itself
        age = QDateTime::fromSecsSinceEpoch(latest->fetchedAtSecs, Qt::UTC).secsTo(now);
    const int staleAfter = def ? def->effectiveStaleAfterSecs() : 3 * 3600;
    const bool stale =
        st.state == FeedState::Failing || st.state == FeedState::Stale || age > staleAfter;
    m[QStringLiteral("ageSecs")] = qint64(age);
    m[QStringLiteral("stale")] = stale;
    m[QStringLiteral("ageText")] = ageText(age, language);
    m[QStringLiteral("feedState")] = feedStateName(st.state);
    m[QStringLiteral("lastError")] = st.lastError;
    return m;
}

QVariantMap IndicatorData::fillSeries(QObject *xySeries, const QString &indicator,
                                      const QString &dimension, int maxPoints) const {
    QVariantMap out;
    auto *series = qobject_cast<QXYSeries *>(xySeries);
    const std::optional<IndicatorMeta> meta = m_hub->alerts()->indicator(indicator);
    const double scale = meta ? meta->displayScale : 1.0;
    // The indicator's own dimension when none is given, as kpi() does.
    const QString dim = dimension.isEmpty() && meta ? meta->dimension : dimension;
    const QList<StoredPoint> history = m_hub->series().range(indicator, dim, {}, {});
    QList<QPointF> points;
    double minV = qInf(), maxV = -qInf();
    for (qsizetype i = qMax<qsizetype>(0, history.size() - qBound(2, maxPoints, 2000));
         i < history.size(); ++i) {
        const double v = history[i].value * scale;
        points << QPointF(double(history[i].period.startSecs()) * 1000.0, v);
        minV = std::min(minV, v);
        maxV = std::max(maxV, v);
    }
    if (series)
        series->replace(points); // one update, not one per point (STACK-NOTES: Qt Charts)
    out[QStringLiteral("count")] = int(points.size());
    if (!points.isEmpty()) {
        out[QStringLiteral("minT")] = points.front().x();
        out[QStringLiteral("maxT")] = points.back().x();
        out[QStringLiteral("minV")] = minV;
        out[QStringLiteral("maxV")] = maxV;
    }
    if (meta && meta->target)
        out[QStringLiteral("target")] = *meta->target * scale;
    return out;
}

} // namespace opswall::indicators
