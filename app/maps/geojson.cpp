#include "geojson.h"

#include "decodecommon.h"

#include <QJsonArray>
#include <QJsonObject>

namespace opswall::maps {

namespace {

// Reads [[lon, lat], ...]; a position that is not two numbers becomes NaN so checkRing reports it.
Ring readRing(const QJsonArray &positions, qsizetype *budget) {
    Ring ring;
    if (positions.size() > *budget) {
        *budget = 0;
        return ring;
    }
    *budget -= positions.size();
    ring.reserve(positions.size());
    for (const QJsonValue &pv : positions) {
        const QJsonArray pos = pv.toArray();
        if (pos.size() < 2 || !pos.at(0).isDouble() || !pos.at(1).isDouble())
            ring.append(QPointF(qQNaN(), qQNaN()));
        else
            ring.append(QPointF(pos.at(0).toDouble(), pos.at(1).toDouble()));
    }
    return ring;
}

} // namespace

FeatureSet decodeGeoJson(const QByteArray &json, const DecodeLimits &limits) {
    FeatureSet set;
    const std::optional<QJsonObject> read =
        detail::readRoot(json, QStringLiteral("GeoJSON"), limits, &set.error);
    if (!read)
        return set;
    const QJsonObject &root = *read;
    QJsonArray features;
    const QString rootType = root.value(QLatin1String("type")).toString();
    if (rootType == QLatin1String("FeatureCollection")) {
        features = root.value(QLatin1String("features")).toArray();
    } else if (rootType == QLatin1String("Feature")) {
        features.append(root);
    } else {
        set.error = QStringLiteral("not a GeoJSON FeatureCollection or Feature (type is '%1')")
                        .arg(rootType);
        return set;
    }
    if (features.size() > limits.maxFeatures) {
        set.error = QStringLiteral("GeoJSON has %1 features; the limit is %2")
                        .arg(features.size())
                        .arg(limits.maxFeatures);
        return set;
    }
    qsizetype budget = limits.maxPoints;
    for (qsizetype i = 0; i < features.size(); ++i) {
        const QJsonObject f = features.at(i).toObject();
        Feature feature;
        detail::readProperties(f.value(QLatin1String("properties")).toObject(),
                               f.value(QLatin1String("id")), feature);
        const QJsonObject g = f.value(QLatin1String("geometry")).toObject();
        const QString type = g.value(QLatin1String("type")).toString();
        const QJsonArray coordinates = g.value(QLatin1String("coordinates")).toArray();
        QList<QJsonArray> polygons;
        if (type == QLatin1String("Polygon")) {
            polygons.append(coordinates);
        } else if (type == QLatin1String("MultiPolygon")) {
            if (coordinates.size() > limits.maxParts) {
                set.issues.append({IssueSeverity::FeatureDropped, int(i), feature.code,
                                   detail::featureLabel(int(i), feature) +
                                       QStringLiteral(": too many polygons; left out")});
                continue;
            }
            for (const QJsonValue &p : coordinates)
                polygons.append(p.toArray());
        } else if (!type.isEmpty()) {
            set.issues.append(
                {IssueSeverity::FeatureDropped, int(i), feature.code,
                 detail::featureLabel(int(i), feature) +
                     QStringLiteral(": geometry type '%1' is not an area; left out").arg(type)});
            continue;
        }
        for (int p = 0; p < polygons.size(); ++p) {
            QList<Ring> rings;
            for (const QJsonValue &r : polygons.at(p)) {
                if (budget <= 0)
                    break;
                rings.append(readRing(r.toArray(), &budget));
            }
            if (budget <= 0) {
                set.error =
                    QStringLiteral("GeoJSON exceeds the point limit (%1)").arg(limits.maxPoints);
                set.features.clear();
                return set;
            }
            detail::addPolygon(set, feature, int(i), p, std::move(rings), true);
        }
        set.features.append(std::move(feature));
    }
    finishFeatureSet(set);
    return set;
}

} // namespace opswall::maps
