#include "feeds/indicators.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace opswall::feeds {

namespace {
QString str(const QJsonObject &o, const char *key) {
    return o.value(QLatin1String(key)).toString();
}

bool checkKnown(const QJsonObject &o, const QStringList &known, const QString &where,
                QString *error) {
    for (auto it = o.begin(); it != o.end(); ++it)
        if (!known.contains(it.key())) {
            *error = QStringLiteral("%1.%2: unknown field").arg(where, it.key());
            return false;
        }
    return true;
}

QString number(double v, int decimals) {
    return QString::number(v, 'f', decimals);
}
} // namespace

QString severityName(Severity s) {
    switch (s) {
    case Severity::Info:
        return QStringLiteral("info");
    case Severity::Warning:
        return QStringLiteral("warning");
    case Severity::Critical:
        return QStringLiteral("critical");
    case Severity::Invalid:
        break;
    }
    return QStringLiteral("invalid");
}

std::optional<IndicatorMeta> IndicatorMeta::fromJson(const QJsonObject &o, const QString &where,
                                                     QString *error) {
    if (!checkKnown(o,
                    {QStringLiteral("code"), QStringLiteral("nameVi"), QStringLiteral("nameEn"),
                     QStringLiteral("unitVi"), QStringLiteral("unitEn"), QStringLiteral("decimals"),
                     QStringLiteral("displayScale"), QStringLiteral("target"),
                     QStringLiteral("higherIsBetter"), QStringLiteral("dimension"),
                     QStringLiteral("feedId"), QStringLiteral("simulated"),
                     QStringLiteral("source"), QStringLiteral("aggregation"),
                     QStringLiteral("sourceEn"), QStringLiteral("weightIndicator"),
                     QStringLiteral("weightPeriod"), QStringLiteral("forecast")},
                    where, error))
        return std::nullopt;
    IndicatorMeta m;
    m.code = str(o, "code");
    m.nameVi = str(o, "nameVi");
    m.nameEn = str(o, "nameEn");
    if (m.code.isEmpty()) {
        *error = where + QStringLiteral(".code: required");
        return std::nullopt;
    }
    if (m.nameVi.isEmpty() || m.nameEn.isEmpty()) {
        *error = where + QStringLiteral(".nameVi/nameEn: both names are required");
        return std::nullopt;
    }
    m.unitVi = str(o, "unitVi");
    m.unitEn = str(o, "unitEn");
    m.decimals = o.value(QLatin1String("decimals")).toInt(1);
    if (m.decimals < 0 || m.decimals > 6) {
        *error = where + QStringLiteral(".decimals: must be 0 to 6");
        return std::nullopt;
    }
    m.displayScale = o.value(QLatin1String("displayScale")).toDouble(1.0);
    if (o.contains(QLatin1String("target"))) {
        if (!o.value(QLatin1String("target")).isDouble()) {
            *error = where + QStringLiteral(".target: must be a number");
            return std::nullopt;
        }
        m.target = o.value(QLatin1String("target")).toDouble();
    }
    m.higherIsBetter = o.value(QLatin1String("higherIsBetter")).toBool(true);
    m.dimension = str(o, "dimension");
    m.feedId = str(o, "feedId");
    m.simulated = o.value(QLatin1String("simulated")).toBool(false);
    m.source = str(o, "source");
    m.sourceEn = str(o, "sourceEn");
    m.aggregation = str(o, "aggregation");
    m.weightIndicator = str(o, "weightIndicator");
    m.weightPeriod = str(o, "weightPeriod");
    if (!m.aggregation.isEmpty() && m.aggregation != QLatin1String("sum") &&
        m.aggregation != QLatin1String("weightedMean")) {
        *error = where + QStringLiteral(".aggregation: must be \"sum\" or \"weightedMean\"");
        return std::nullopt;
    }
    if (m.aggregation == QLatin1String("weightedMean") && m.weightIndicator.isEmpty()) {
        *error = where + QStringLiteral(".weightIndicator: required for a weighted mean (the "
                                        "series that weights the provinces, e.g. population)");
        return std::nullopt;
    }
    if (!m.weightPeriod.isEmpty() && !Period::parse(m.weightPeriod)) {
        *error =
            where + QStringLiteral(".weightPeriod: \"%1\" is not a period").arg(m.weightPeriod);
        return std::nullopt;
    }
    if (o.contains(QLatin1String("forecast"))) {
        const QJsonObject f = o.value(QLatin1String("forecast")).toObject();
        const QString fw = where + QStringLiteral(".forecast");
        if (!checkKnown(f,
                        {QStringLiteral("method"), QStringLiteral("period"),
                         QStringLiteral("horizon"), QStringLiteral("coverage")},
                        fw, error))
            return std::nullopt;
        m.forecast.method = str(f, "method");
        if (m.forecast.method != QLatin1String("yearToDate") &&
            forecast::methodFromName(m.forecast.method) == forecast::Method::Invalid) {
            *error = fw + QStringLiteral(".method: must be seasonalNaive, dampedTrend, "
                                         "holtWinters or yearToDate");
            return std::nullopt;
        }
        if (m.forecast.method == QLatin1String("yearToDate") && !m.target) {
            *error = fw + QStringLiteral(".method: yearToDate needs the indicator's target (the "
                                         "annual plan)");
            return std::nullopt;
        }
        m.forecast.period = f.value(QLatin1String("period")).toInt(12);
        m.forecast.horizon = f.value(QLatin1String("horizon")).toInt(6);
        m.forecast.coverage = f.value(QLatin1String("coverage")).toDouble(0.8);
        if (m.forecast.period < 1 || m.forecast.period > 366) {
            *error = fw + QStringLiteral(".period: must be 1 to 366");
            return std::nullopt;
        }
        if (m.forecast.horizon < 1 || m.forecast.horizon > 36) {
            *error = fw + QStringLiteral(".horizon: must be 1 to 36");
            return std::nullopt;
        }
        if (!(m.forecast.coverage >= 0.5 && m.forecast.coverage <= 0.99)) {
            *error = fw + QStringLiteral(".coverage: must be 0.5 to 0.99");
            return std::nullopt;
        }
    }
    return m;
}

QString IndicatorMeta::sourceText(const QString &language) const {
    const QString &text =
        language == QLatin1String("en") && !sourceEn.isEmpty() ? sourceEn : source;
    return withoutSourcePrefix(text);
}

QString withoutSourcePrefix(const QString &text) {
    for (const QString &prefix : {QStringLiteral("Nguồn"), QStringLiteral("Source")}) {
        if (text.startsWith(prefix, Qt::CaseInsensitive) &&
            text.mid(prefix.size()).trimmed().startsWith(QLatin1Char(':')))
            return text.mid(text.indexOf(QLatin1Char(':'), prefix.size()) + 1).trimmed();
    }
    return text.trimmed();
}

QJsonObject IndicatorMeta::toJson() const {
    QJsonObject o{{QStringLiteral("code"), code},
                  {QStringLiteral("nameVi"), nameVi},
                  {QStringLiteral("nameEn"), nameEn},
                  {QStringLiteral("unitVi"), unitVi},
                  {QStringLiteral("unitEn"), unitEn},
                  {QStringLiteral("decimals"), decimals},
                  {QStringLiteral("displayScale"), displayScale},
                  {QStringLiteral("higherIsBetter"), higherIsBetter},
                  {QStringLiteral("dimension"), dimension},
                  {QStringLiteral("feedId"), feedId},
                  {QStringLiteral("simulated"), simulated},
                  {QStringLiteral("source"), source}};
    if (target)
        o.insert(QStringLiteral("target"), *target);
    if (!sourceEn.isEmpty())
        o.insert(QStringLiteral("sourceEn"), sourceEn);
    if (!aggregation.isEmpty())
        o.insert(QStringLiteral("aggregation"), aggregation);
    if (!weightIndicator.isEmpty())
        o.insert(QStringLiteral("weightIndicator"), weightIndicator);
    if (!weightPeriod.isEmpty())
        o.insert(QStringLiteral("weightPeriod"), weightPeriod);
    if (!forecast.isEmpty())
        o.insert(QStringLiteral("forecast"),
                 QJsonObject{{QStringLiteral("method"), forecast.method},
                             {QStringLiteral("period"), forecast.period},
                             {QStringLiteral("horizon"), forecast.horizon},
                             {QStringLiteral("coverage"), forecast.coverage}});
    return o;
}

std::optional<AlertRule> AlertRule::fromJson(const QJsonObject &o, const QString &where,
                                             QString *error) {
    if (!checkKnown(o,
                    {QStringLiteral("id"), QStringLiteral("kind"), QStringLiteral("severity"),
                     QStringLiteral("indicator"), QStringLiteral("dimension"),
                     QStringLiteral("threshold"), QStringLiteral("direction"),
                     QStringLiteral("tolerancePct"), QStringLiteral("feedId"),
                     QStringLiteral("staleMinutes")},
                    where, error))
        return std::nullopt;
    AlertRule r;
    r.id = str(o, "id");
    if (r.id.isEmpty()) {
        *error = where + QStringLiteral(".id: required");
        return std::nullopt;
    }
    const QString kind = str(o, "kind");
    r.kind = kind == QLatin1String("threshold")            ? RuleKind::Threshold
             : kind == QLatin1String("behindPlan")         ? RuleKind::BehindPlan
             : kind == QLatin1String("feedStale")          ? RuleKind::FeedStale
             : kind == QLatin1String("forecastBehindPlan") ? RuleKind::ForecastBehindPlan
                                                           : RuleKind::Invalid;
    if (r.kind == RuleKind::Invalid) {
        *error = where + QStringLiteral(".kind: must be threshold, behindPlan, feedStale or "
                                        "forecastBehindPlan");
        return std::nullopt;
    }
    const QString sev = o.value(QLatin1String("severity")).toString(QStringLiteral("warning"));
    r.severity = sev == QLatin1String("info")       ? Severity::Info
                 : sev == QLatin1String("warning")  ? Severity::Warning
                 : sev == QLatin1String("critical") ? Severity::Critical
                                                    : Severity::Invalid;
    if (r.severity == Severity::Invalid) {
        *error = where + QStringLiteral(".severity: must be info, warning or critical");
        return std::nullopt;
    }
    r.indicator = str(o, "indicator");
    r.dimension = str(o, "dimension");
    r.feedId = str(o, "feedId");
    if (r.kind != RuleKind::FeedStale && r.indicator.isEmpty()) {
        *error = where + QStringLiteral(".indicator: required for this kind");
        return std::nullopt;
    }
    if (r.kind == RuleKind::Threshold || r.kind == RuleKind::ForecastBehindPlan) {
        if (!o.value(QLatin1String("threshold")).isDouble()) {
            *error = where + QStringLiteral(".threshold: must be a number");
            return std::nullopt;
        }
        r.threshold = o.value(QLatin1String("threshold")).toDouble();
        const QString dir = o.value(QLatin1String("direction")).toString(QStringLiteral("above"));
        r.direction = dir == QLatin1String("above")   ? ThresholdDirection::Above
                      : dir == QLatin1String("below") ? ThresholdDirection::Below
                                                      : ThresholdDirection::Invalid;
        if (r.direction == ThresholdDirection::Invalid) {
            *error = where + QStringLiteral(".direction: must be above or below");
            return std::nullopt;
        }
    }
    r.tolerancePct = o.value(QLatin1String("tolerancePct")).toDouble(0.0);
    if (r.kind == RuleKind::FeedStale) {
        if (r.feedId.isEmpty()) {
            *error = where + QStringLiteral(".feedId: required for feedStale");
            return std::nullopt;
        }
        r.staleMinutes = o.value(QLatin1String("staleMinutes")).toInt(60);
        if (r.staleMinutes < 1) {
            *error = where + QStringLiteral(".staleMinutes: must be at least 1");
            return std::nullopt;
        }
    }
    return r;
}

QJsonObject AlertRule::toJson() const {
    static const char *kinds[] = {"invalid", "threshold", "behindPlan", "feedStale",
                                  "forecastBehindPlan"};
    QJsonObject o{{QStringLiteral("id"), id},
                  {QStringLiteral("kind"), QLatin1String(kinds[int(kind)])},
                  {QStringLiteral("severity"), severityName(severity)}};
    if (!indicator.isEmpty())
        o.insert(QStringLiteral("indicator"), indicator);
    if (!dimension.isEmpty())
        o.insert(QStringLiteral("dimension"), dimension);
    if (kind == RuleKind::Threshold) {
        o.insert(QStringLiteral("threshold"), threshold);
        o.insert(QStringLiteral("direction"), direction == ThresholdDirection::Below
                                                  ? QStringLiteral("below")
                                                  : QStringLiteral("above"));
    }
    if (kind == RuleKind::BehindPlan)
        o.insert(QStringLiteral("tolerancePct"), tolerancePct);
    if (kind == RuleKind::ForecastBehindPlan)
        o.insert(QStringLiteral("threshold"), threshold);
    if (kind == RuleKind::FeedStale) {
        o.insert(QStringLiteral("feedId"), feedId);
        o.insert(QStringLiteral("staleMinutes"), staleMinutes);
    }
    return o;
}

RuleOutcome evaluateRule(const AlertRule &rule, const RuleInput &in) {
    RuleOutcome out;
    const QString name =
        in.meta ? in.meta->nameVi + QStringLiteral(" / ") + in.meta->nameEn : rule.indicator;
    const int dec = in.meta ? in.meta->decimals : 2;
    switch (rule.kind) {
    case RuleKind::Threshold: {
        if (!in.latest)
            return out;
        const double v = in.latest->value;
        out.firing =
            rule.direction == ThresholdDirection::Above ? v > rule.threshold : v < rule.threshold;
        if (out.firing)
            out.message =
                QStringLiteral("%1: %2 (%3) %4 ngưỡng %5 / %6 the threshold %5")
                    .arg(name, number(v, dec), in.latest->period.toString(),
                         rule.direction == ThresholdDirection::Above ? QStringLiteral("vượt")
                                                                     : QStringLiteral("dưới"),
                         number(rule.threshold, dec),
                         rule.direction == ThresholdDirection::Above ? QStringLiteral("above")
                                                                     : QStringLiteral("below"));
        return out;
    }
    case RuleKind::BehindPlan: {
        if (!in.latest)
            return out;
        // Share of the annual plan done so far against the share of the year elapsed at the end
        // of the period: the indicator is either a percentage of plan (no target) or a cumulative
        // amount with the annual plan as target.
        const double target = in.meta && in.meta->target ? *in.meta->target : 100.0;
        if (target == 0.0)
            return out;
        const double donePct = in.latest->value / target * 100.0;
        const double expectedPct = in.latest->period.yearFractionAtEnd() * 100.0;
        out.firing = donePct < expectedPct - rule.tolerancePct;
        if (out.firing)
            out.message = QStringLiteral("%1: chậm tiến độ, đạt %2% kế hoạch năm tại %3 (theo tiến "
                                         "độ %4%) / behind plan: "
                                         "%2% of the annual plan at %3, pro rata %4%")
                              .arg(name, number(donePct, 1), in.latest->period.toString(),
                                   number(expectedPct, 1));
        return out;
    }
    case RuleKind::ForecastBehindPlan: {
        // The year-end projection at this pace (forecast::projectYearEnd) below the share of the
        // plan the rule accepts: it fires in the first months, not in December.
        if (!in.yearEnd || !in.yearEnd->ok())
            return out;
        out.firing = in.yearEnd->pctOfPlan < rule.threshold;
        if (out.firing)
            out.message =
                QStringLiteral("%1: theo tốc độ hiện nay chỉ đạt %2% kế hoạch năm đến "
                               "31/12 (ngưỡng %3%) / at this pace %2% of the annual "
                               "plan by 31 December (threshold %3%)")
                    .arg(name, number(in.yearEnd->pctOfPlan, 1), number(rule.threshold, 0));
        return out;
    }
    case RuleKind::FeedStale: {
        const std::int64_t age = in.feed ? in.feed->ageSecs(in.now) : -1;
        out.firing = age < 0 || age > std::int64_t(rule.staleMinutes) * 60;
        if (out.firing)
            out.message =
                age < 0
                    ? QStringLiteral("Nguồn %1 chưa có dữ liệu / feed %1 has no data yet")
                          .arg(rule.feedId)
                    : QStringLiteral("Nguồn %1 không cập nhật %2 phút / feed %1 stale for %2 min%3")
                          .arg(rule.feedId)
                          .arg(age / 60)
                          .arg(in.feed->lastError.isEmpty()
                                   ? QString()
                                   : QStringLiteral(": ") + in.feed->lastError);
        return out;
    }
    case RuleKind::Invalid:
        break;
    }
    return out;
}

std::optional<IndicatorDocument> parseIndicatorDocument(const QByteArray &json, QString *error) {
    const std::optional<QJsonObject> document = readSchemaOneDocument(json, error);
    if (!document)
        return std::nullopt;
    const QJsonObject &root = *document;
    IndicatorDocument out;
    const QJsonArray ind = root.value(QLatin1String("indicators")).toArray();
    for (qsizetype i = 0; i < ind.size(); ++i) {
        auto m = IndicatorMeta::fromJson(ind[i].toObject(), QStringLiteral("indicators[%1]").arg(i),
                                         error);
        if (!m)
            return std::nullopt;
        out.indicators << *m;
    }
    const QJsonArray rules = root.value(QLatin1String("rules")).toArray();
    for (qsizetype i = 0; i < rules.size(); ++i) {
        auto r =
            AlertRule::fromJson(rules[i].toObject(), QStringLiteral("rules[%1]").arg(i), error);
        if (!r)
            return std::nullopt;
        out.rules << *r;
    }
    error->clear();
    return out;
}

} // namespace opswall::feeds
