// X-keys: the bytes cut into input reports of every size from 1 to 64 (first byte of the data
// picks the size), fed to the key tracker of every product and the version parser. Nothing may
// crash, hang or read past a report.
#include "xkeys.h"

#include <algorithm>
#include <cstdint>
#include <vector>

using namespace opswall::drivers::xkeys;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    if (size == 0)
        return 0;
    const std::size_t chunk = std::size_t(data[0] % kMaxInputReport) + 1;
    std::vector<KeyTracker> trackers;
    for (const Product &p : products())
        trackers.emplace_back(p);
    for (std::size_t at = 1; at < size; at += chunk) {
        const std::size_t n = std::min(chunk, size - at);
        // A copy of exactly n bytes, so that a read past the report is caught by ASan.
        const std::vector<std::uint8_t> report(data + at, data + at + n);
        for (KeyTracker &t : trackers)
            (void)t.update(report.data(), report.size());
        (void)parseVersion(report.data(), report.size());
    }
    return 0;
}
