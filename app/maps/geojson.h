#pragma once
// GeoJSON (RFC 7946) decoder for FeatureCollections of Polygon/MultiPolygon features, to the same
// in-memory geometry as the TopoJSON decoder. Pure: bytes in, FeatureSet out; no I/O.

#include "geometry.h"

#include <QByteArray>

namespace opswall::maps {

FeatureSet decodeGeoJson(const QByteArray &json, const DecodeLimits &limits = {});

} // namespace opswall::maps
