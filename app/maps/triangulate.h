#pragma once
// Ear-clipping triangulation of polygons with holes (our implementation of the "earcut" approach:
// holes bridged into the outer ring, ears clipped with a z-order index, then local
// self-intersections cured and the rest split), so the GPU path and area checks need no
// tessellator at draw time. Done once per feature set and cached (see FeatureStore).

#include "geometry.h"

#include <QList>

#include <cstdint>
#include <vector>

namespace opswall::maps {

// Triangle indices into a flat coordinate list: coords = x0, y0, x1, y1, ...; holeStarts are the
// vertex indices at which each hole begins.
std::vector<std::uint32_t> earcut(const std::vector<double> &coords,
                                  const std::vector<std::uint32_t> &holeStarts);

struct FeatureMesh {
    QList<QPointF> vertices;      // lon/lat
    QList<std::uint32_t> indices; // three per triangle
    double triangleArea() const;  // sum of triangle areas (squared degrees)
};

FeatureMesh triangulate(const Feature &feature);
QList<FeatureMesh> triangulate(const FeatureSet &set);

} // namespace opswall::maps
