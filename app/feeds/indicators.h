#pragma once
// Indicator metadata (names in Vietnamese and English, unit, number format, target, direction)
// and alert rules, evaluated by a pure function. A JSON document { "schemaVersion": 1,
// "indicators": [...], "rules": [...] } carries both; validation names the field at fault.

#include "feeds/feeddefinition.h"
#include "feeds/forecast.h"
#include "feeds/seriesstore.h"

#include <QDateTime>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace opswall::feeds {

struct IndicatorMeta {
    QString code;
    QString nameVi;
    QString nameEn;
    QString unitVi;
    QString unitEn;
    int decimals = 1;
    double displayScale =
        1.0; // shown value = stored value x displayScale (e.g. 1e-3 for "nghìn tỷ")
    std::optional<double> target; // annual target/plan in the indicator's unit
    bool higherIsBetter = true;
    QString dimension; // the breakdown tiles show by default ("" = national)
    QString feedId;
    bool simulated = false;
    QString source;   // Vietnamese (the default language), with or without "Nguồn:"
    QString sourceEn; // English; empty: the Vietnamese source, without its "Nguồn:"
    // The source in the wall's language, without a leading "Nguồn:"/"Source:" (the tile writes
    // its own, in its language).
    QString sourceText(const QString &language) const;
    // How province values combine when a map shows fewer, larger units (63 -> 34 provinces):
    // "sum" for amounts, "weightedMean" for rates and indices, weighted by the province values of
    // weightIndicator (for weightPeriod when given, else the same period). Empty: not combinable.
    QString aggregation;
    QString weightIndicator;
    QString weightPeriod;
    // The forecast tiles draw for this indicator (app/feeds/forecast.h); empty: none.
    forecast::Spec forecast;

    static std::optional<IndicatorMeta> fromJson(const QJsonObject &o, const QString &where,
                                                 QString *error);
    QJsonObject toJson() const;
};

enum class RuleKind { Invalid = 0, Threshold, BehindPlan, FeedStale, ForecastBehindPlan };
enum class Severity { Invalid = 0, Info, Warning, Critical };
enum class ThresholdDirection { Invalid = 0, Above, Below };
QString severityName(Severity s);
// text without a leading "Nguồn:" or "Source:" (any case), trimmed.
QString withoutSourcePrefix(const QString &text);

struct AlertRule {
    QString id;
    RuleKind kind = RuleKind::Invalid;
    Severity severity = Severity::Warning;
    QString indicator; // Threshold, BehindPlan
    QString dimension;
    double threshold = 0.0; // Threshold; ForecastBehindPlan: % of plan projected at year end
    ThresholdDirection direction = ThresholdDirection::Above;
    double tolerancePct = 0.0; // BehindPlan: percentage points below the pro-rata plan allowed
    QString feedId;            // FeedStale
    int staleMinutes = 60;     // FeedStale

    static std::optional<AlertRule> fromJson(const QJsonObject &o, const QString &where,
                                             QString *error);
    QJsonObject toJson() const;
};

struct RuleInput {
    std::optional<StoredPoint> latest; // the indicator's latest value
    std::optional<IndicatorMeta> meta;
    std::optional<FeedStatus> feed;           // FeedStale
    std::optional<forecast::YearEnd> yearEnd; // ForecastBehindPlan: the year-end projection
    QDateTime now;
};

struct RuleOutcome {
    bool firing = false;
    QString message; // in words (Vietnamese / English), for the alert list
};

// Pure: no clock, no store.
RuleOutcome evaluateRule(const AlertRule &rule, const RuleInput &input);

struct IndicatorDocument {
    QList<IndicatorMeta> indicators;
    QList<AlertRule> rules;
};
std::optional<IndicatorDocument> parseIndicatorDocument(const QByteArray &json, QString *error);

} // namespace opswall::feeds
