#pragma once
// What every format adapter produces: a list of series (indicator x dimension) of observations,
// or an error that says what is wrong and where.

#include "feeds/period.h"

#include <QList>
#include <QMap>
#include <QString>

#include <cstdint>

namespace opswall::feeds {

enum class Format { Invalid = 0, Json, Csv, SdmxMl, SdmxJson, WorldBank };

QString formatName(Format format);
// Accepts json, csv, sdmx-ml, sdmx-json, worldbank; Invalid otherwise.
Format formatFromName(const QString &name);

struct Observation {
    Period period;
    double value = 0.0;
};

struct Series {
    QString indicator;
    // The breakdown: a province code, a partner country, an SDMX series key; empty = national.
    QString dimension;
    QString unit;
    // Published values times 10^unitMult are the unit amount (SDMX UNIT_MULT). When the mapping
    // asks for scaling, adapters apply it and leave 0 here.
    int unitMult = 0;
    QMap<QString, QString> attributes;
    QList<Observation> points; // sorted by period, one point per period
};

struct ParseError {
    QString message; // empty when there is no error
    // Where: a byte offset (-1 if unknown), 1-based line/column where known, and a path in the
    // document ("$.data[3].value", "row 12, column value") where that is clearer.
    std::int64_t offset = -1;
    int line = 0;
    int column = 0;
    QString where;

    QString toString() const;
};

struct Paging {
    int page = 0; // 1-based; 0 when the format has no paging
    int pages = 0;
    int perPage = 0;
    int total = 0;
};

struct ParseResult {
    QList<Series> series;
    ParseError error;
    Paging paging;
    QString source; // the publisher's last-updated or prepared stamp, as given

    bool ok() const { return error.message.isEmpty(); }
    std::int64_t pointCount() const;
    // The series with that indicator (and dimension, when not null); nullptr if absent.
    const Series *find(const QString &indicator, const QString &dimension = QString()) const;
};

// Bounds every adapter enforces, so a hostile or broken feed cannot exhaust the wall.
struct ParseLimits {
    std::int64_t maxBytes = 64 * 1024 * 1024;
    std::int64_t maxPoints = 2'000'000;
    int maxDepth = 64;
    int maxSeries = 100'000;
};

// Sorts every series' points by period and keeps the last value given for a duplicated period.
void normalize(QList<Series> &series);

// Strict decimal parser: "1234.5", "-1.2e3", and with decimalComma "1.234,5" / "1 234,5".
// Rejects NaN, Infinity, empty strings and trailing garbage.
std::optional<double> parseDecimal(QStringView text, bool decimalComma = false);

} // namespace opswall::feeds
