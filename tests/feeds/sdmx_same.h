#pragma once
// Whether two SDMX-ML parse results are the same to the last bit: the fast path's against the
// QXmlStreamReader path's (tst_feeds_adapters and the differential fuzz target fuzz_feeds_sdmx_ml).
#include "feeds/adapters.h"

#include <cstring>

namespace opswall::feeds::test {

inline bool sameResult(const ParseResult &a, const ParseResult &b) {
    if (a.ok() != b.ok() || a.error.message != b.error.message || a.source != b.source ||
        a.series.size() != b.series.size())
        return false;
    for (qsizetype i = 0; i < a.series.size(); ++i) {
        const Series &x = a.series[i];
        const Series &y = b.series[i];
        if (x.indicator != y.indicator || x.dimension != y.dimension || x.unit != y.unit ||
            x.unitMult != y.unitMult || x.attributes != y.attributes ||
            x.points.size() != y.points.size())
            return false;
        for (qsizetype k = 0; k < x.points.size(); ++k)
            if (x.points[k].period != y.points[k].period ||
                std::memcmp(&x.points[k].value, &y.points[k].value, sizeof(double)) != 0)
                return false;
    }
    return true;
}

} // namespace opswall::feeds::test
