// libFuzzer target for the sdmx_ml adapter: any bytes must give series or a clear error, never a
// crash, a hang or a sanitizer report. Seed corpus: tests/feeds/corpus/sdmx_ml/ (real excerpts).
// Differential: whatever the fast path accepts, the QXmlStreamReader path must accept with the
// same result to the last bit (the fast path may only be stricter, never looser).
#include "feeds/adapters.h"
#include "sdmx_same.h"

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    using namespace opswall::feeds;
    FeedMapping m;
    m.applyUnitMult = (size % 2) == 1;
    if (size % 3 == 0)
        m.includeIndicators = {QStringLiteral("TB_USD"), QStringLiteral("NGDP_XDC")};
    ParseLimits limits;
    limits.maxBytes = 1 << 20;
    limits.maxPoints = 100000;
    limits.maxDepth = 8 + int(size % 8);
    const QByteArrayView bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    const ParseResult r = parseSdmxMl(bytes, m, limits);
    if (!r.ok() && r.error.message.isEmpty())
        __builtin_trap();
    if (bytes.size() <= limits.maxBytes) {
        if (const auto fast = detail::parseSdmxMlFast(bytes, m, limits)) {
            if (!fast->ok() ||
                !test::sameResult(*fast, detail::parseSdmxMlReader(bytes, m, limits)))
                __builtin_trap();
        }
    }
    return 0;
}
