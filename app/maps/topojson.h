#pragma once
// TopoJSON 1.0 decoder (https://github.com/topojson/topojson-specification): shared arcs,
// optional quantisation transform with delta-coded positions, arc reversal (~i), Polygon and
// MultiPolygon geometries with holes. Pure: bytes in, FeatureSet out; no I/O.

#include "geometry.h"

#include <QByteArray>

namespace opswall::maps {

// objectName: which member of "objects" to read; empty means the first one.
FeatureSet decodeTopoJson(const QByteArray &json, const QString &objectName = {},
                          const DecodeLimits &limits = {});

} // namespace opswall::maps
