#pragma once
// Shared by the TopoJSON and GeoJSON decoders (internal to opswall_maps).

#include "geometry.h"

#include <QJsonObject>
#include <QJsonValue>

#include <optional>

namespace opswall::maps::detail {

// Reads the OpsWall boundary properties (gso_code, name, name_full, kind, code_2025,
// merged_from). The code falls back to the feature's "id".
void readProperties(const QJsonObject &properties, const QJsonValue &id, Feature &feature);

// Checks the rings of one polygon (the first is the outer ring, the rest are holes) and appends it
// to the feature. Problems become issues naming the feature, polygon and ring.
void addPolygon(FeatureSet &set, Feature &feature, int featureIndex, int polygonIndex,
                QList<Ring> rings, bool closedExpected);

QString featureLabel(int featureIndex, const Feature &feature);

// The document's root object, or nullopt with *error set: over limits.maxBytes, or not JSON.
// format ("GeoJSON", "TopoJSON") starts the message.
std::optional<QJsonObject> readRoot(const QByteArray &json, const QString &format,
                                    const DecodeLimits &limits, QString *error);

} // namespace opswall::maps::detail
