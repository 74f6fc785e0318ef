// libFuzzer target for the csv adapter: any bytes must give series or a clear error, never a
// crash, a hang or a sanitizer report. Seed corpus: tests/feeds/corpus/csv/ (real excerpts), read
// with the demo feed's mapping (gsomonthly.h).
#include "feeds/adapters.h"
#include "gsomonthly.h"

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    using namespace opswall::feeds;
    FeedMapping m = testing::gsoMonthlyMapping();
    m.decimalComma = (size % 2) == 1;
    ParseLimits limits;
    limits.maxBytes = 1 << 20;
    limits.maxPoints = 100000;
    const ParseResult r =
        parseCsv(QByteArrayView(reinterpret_cast<const char *>(data), qsizetype(size)), m, limits);
    if (!r.ok() && r.error.message.isEmpty())
        __builtin_trap();
    return 0;
}
