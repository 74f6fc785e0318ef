#pragma once
// What the map decoders' fuzz targets share (fuzz_maps_geojson, fuzz_maps_topojson): the tight
// limits they decode under, and everything that consumes a decoded set (triangulation,
// projection fit, label anchors).
#include "maps/geometry.h"
#include "maps/labels.h"
#include "maps/projection.h"
#include "maps/triangulate.h"

#include <QByteArray>

#include <cstddef>
#include <cstdint>

namespace opswall::maps::fuzz {

inline DecodeLimits tightLimits() {
    DecodeLimits limits;
    limits.maxBytes = 1 << 20;
    limits.maxPoints = 200000;
    limits.maxRingPoints = 50000;
    limits.maxFeatures = 500;
    return limits;
}

inline QByteArray bytes(const std::uint8_t *data, std::size_t size) {
    return QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size));
}

inline void useDecoded(const FeatureSet &set) {
    if (!set.ok())
        return;
    triangulate(set);
    const MapProjection p =
        MapProjection::fit(set, QRectF(0, 0, 640, 480), IslandLayout::InsetBoxes, 8);
    for (const Feature &f : set.features) {
        int polygon = -1;
        const QPointF a = labelAnchor(f, &polygon);
        if (p.isValid() && polygon >= 0)
            p.toPixel(a, p.regionOf(f.polygons[polygon]));
    }
}

} // namespace opswall::maps::fuzz
