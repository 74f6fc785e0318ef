// libFuzzer target: GeoJSON decoding, then everything that consumes a decoded set
// (triangulation, projection fit, label anchors), under tight limits.
#include "maps/geojson.h"
#include "maps/labels.h"
#include "maps/projection.h"
#include "maps/triangulate.h"

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    using namespace opswall::maps;
    DecodeLimits limits;
    limits.maxBytes = 1 << 20;
    limits.maxPoints = 200000;
    limits.maxRingPoints = 50000;
    limits.maxFeatures = 500;
    const FeatureSet set = decodeGeoJson(
        QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size)), limits);
    if (!set.ok())
        return 0;
    triangulate(set);
    const MapProjection p =
        MapProjection::fit(set, QRectF(0, 0, 640, 480), IslandLayout::InsetBoxes, 8);
    for (const Feature &f : set.features) {
        int polygon = -1;
        const QPointF a = labelAnchor(f, &polygon);
        if (p.isValid() && polygon >= 0)
            p.toPixel(a, p.regionOf(f.polygons[polygon]));
    }
    return 0;
}
