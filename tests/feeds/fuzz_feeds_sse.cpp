// libFuzzer target for the SSE parser: any bytes, fed in two pieces, must never crash or grow
// without bound. Seed corpus: tests/feeds/corpus/sse/ (the feed service's live stream).
#include "feeds/sse.h"

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    opswall::feeds::SseParser p(4096);
    const QByteArrayView all(reinterpret_cast<const char *>(data), qsizetype(size));
    const qsizetype cut = size ? qsizetype(data[0]) % qsizetype(size) : 0;
    p.feed(all.first(cut));
    p.feed(all.sliced(cut));
    return 0;
}
