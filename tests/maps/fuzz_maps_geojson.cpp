// libFuzzer target: GeoJSON decoding, then everything that consumes a decoded set
// (triangulation, projection fit, label anchors), under tight limits.
#include "fuzz_maps_decoded.h"
#include "maps/geojson.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    using namespace opswall::maps;
    fuzz::useDecoded(decodeGeoJson(fuzz::bytes(data, size), fuzz::tightLimits()));
    return 0;
}
