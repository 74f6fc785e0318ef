#pragma once
// The GSO's monthly national table (shared data: gso-monthly-national-2024-01_2025-02.csv, 266
// values) as the demo's feed "gso-monthly" reads it (assets/demo/demo-feeds.json): a long table,
// one row per value with the columns period, indicator, value and unit.
#include "../support/testfiles.h"
#include "feeds/adapters.h"

namespace opswall::feeds::testing {

inline FeedMapping gsoMonthlyMapping() {
    FeedMapping m;
    m.timeField = QStringLiteral("period");
    m.valueField = QStringLiteral("value");
    m.indicatorField = QStringLiteral("indicator");
    m.unitField = QStringLiteral("unit");
    return m;
}

inline ParseResult gsoMonthlyNational() {
    return parseCsv(
        testsupport::readIndicatorFile(QStringLiteral("gso-monthly-national-2024-01_2025-02.csv")),
        gsoMonthlyMapping(), {});
}

} // namespace opswall::feeds::testing
