#pragma once
// How to read a feed's document: where the series, the period, the value and the breakdown are.
// One struct for every format; each adapter reads the fields that apply to it.

#include "feeds/series.h"

#include <QJsonObject>
#include <QStringList>

namespace opswall::feeds {

struct ValueColumn {
    QString column;    // CSV header (or JSON field) holding the value
    QString indicator; // the indicator it feeds
};

struct FeedMapping {
    // --- generic JSON ---
    // Dotted path to the array of records, e.g. "data.items"; empty = the document is the array.
    QString seriesPath;
    // --- JSON and CSV ---
    QString timeField;           // field/column with the period; empty = use fixedPeriod
    QString valueField;          // field/column with the value (long format)
    QString indicatorField;      // field/column with the indicator code; empty = use indicator
    QString indicator;           // constant indicator when the document has no indicator field
    QStringList dimensionFields; // joined with '.' into Series::dimension
    QString unitField;
    QString unit;
    QString fixedPeriod;             // e.g. "2024-12" for a one-period table
    QList<ValueColumn> valueColumns; // wide format: one indicator per column
    QStringList includeIndicators;   // empty = all
    // Keep only records whose filterField is one of filterValues (e.g. unit_type in
    // [province, total] in GSO's public-investment table, which also lists ministries).
    QString filterField;
    QStringList filterValues;
    // --- CSV ---
    QChar delimiter;           // null = detect (',' or ';' or tab)
    bool decimalComma = false; // "1.234,5"
    // --- SDMX ---
    QString indicatorAttribute = QStringLiteral("INDICATOR");
    // Attributes joined into Series::dimension. FREQ by default: GDPVNM.xml has the same
    // INDICATOR as an annual and a quarterly series.
    QStringList dimensionAttributes = {QStringLiteral("FREQ")};
    bool applyUnitMult = false; // multiply by 10^UNIT_MULT

    // Reads a mapping object; fields unknown to the mapping are an error naming the field.
    static FeedMapping fromJson(const QJsonObject &o, QString *error);
    QJsonObject toJson() const;
};

} // namespace opswall::feeds
