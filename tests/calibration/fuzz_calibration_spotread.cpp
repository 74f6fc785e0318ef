// The spotread output parser: any bytes, never a crash or a reading with Y <= 0 or NaN.
#include "calibration/uniformity.h"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    using namespace opswall::calibration::uniformity;
    const auto r = parseSpotread(std::string_view(reinterpret_cast<const char *>(data), size));
    if (r && (!(r->Y > 0) || !std::isfinite(r->X) || !std::isfinite(r->Z)))
        std::abort();
    return 0;
}
