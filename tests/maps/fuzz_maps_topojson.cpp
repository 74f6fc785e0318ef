// libFuzzer target: TopoJSON decoding, then everything that consumes a decoded set
// (triangulation, projection fit, label anchors), under tight limits.
#include "fuzz_maps_decoded.h"
#include "maps/topojson.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    using namespace opswall::maps;
    fuzz::useDecoded(decodeTopoJson(fuzz::bytes(data, size), {}, fuzz::tightLimits()));
    return 0;
}
