#include "topojson.h"

#include "decodecommon.h"

#include <QJsonArray>
#include <QJsonObject>

#include <cmath>
#include <optional>

namespace opswall::maps {

namespace {

struct Transform {
    double sx = 1, sy = 1, tx = 0, ty = 0;
};

class TopoDecoder {
public:
    TopoDecoder(const DecodeLimits &limits, FeatureSet &set)
        : m_limits(limits)
        , m_set(set) {}

    bool readArcs(const QJsonArray &arcs, const std::optional<Transform> &transform) {
        m_arcs.reserve(arcs.size());
        for (qsizetype a = 0; a < arcs.size(); ++a) {
            const QJsonArray positions = arcs.at(a).toArray();
            Ring arc;
            arc.reserve(positions.size());
            double x = 0, y = 0;
            bool good = positions.size() >= 2;
            for (const QJsonValue &pv : positions) {
                const QJsonArray pos = pv.toArray();
                if (pos.size() < 2 || !pos.at(0).isDouble() || !pos.at(1).isDouble()) {
                    good = false;
                    break;
                }
                if (transform) { // quantised, delta-coded (TopoJSON spec 2.1.2)
                    x += pos.at(0).toDouble();
                    y += pos.at(1).toDouble();
                    arc.append(QPointF(x * transform->sx + transform->tx,
                                       y * transform->sy + transform->ty));
                } else {
                    arc.append(QPointF(pos.at(0).toDouble(), pos.at(1).toDouble()));
                }
            }
            m_points += arc.size();
            if (m_points > m_limits.maxPoints) {
                m_set.error =
                    QStringLiteral("too many points in arcs (limit %1)").arg(m_limits.maxPoints);
                return false;
            }
            if (!good) {
                m_badArcs.append(a);
                arc.clear();
            }
            m_arcs.append(std::move(arc));
        }
        m_points = 0;
        return true;
    }

    // Builds one ring from arc indices; *why is set when it cannot.
    std::optional<Ring> ring(const QJsonArray &indices, QString *why) {
        Ring out;
        for (const QJsonValue &iv : indices) {
            if (!iv.isDouble()) {
                *why = QStringLiteral("has an arc reference that is not a number");
                return std::nullopt;
            }
            const double d = iv.toDouble();
            if (d != std::floor(d) || std::abs(d) > 1e9) {
                *why = QStringLiteral("has an arc reference that is not an integer");
                return std::nullopt;
            }
            const qint64 index = qint64(d);
            const bool reversed = index < 0;
            const qint64 arcIndex = reversed ? ~index : index; // ~i: arc i, reversed
            if (arcIndex >= m_arcs.size()) {
                *why = QStringLiteral("refers to arc %1, but the topology has %2 arcs")
                           .arg(arcIndex)
                           .arg(m_arcs.size());
                return std::nullopt;
            }
            const Ring &arc = m_arcs.at(arcIndex);
            if (arc.isEmpty()) {
                *why = QStringLiteral("uses arc %1, which is malformed").arg(arcIndex);
                return std::nullopt;
            }
            if (out.size() + arc.size() > m_limits.maxRingPoints ||
                m_points + arc.size() > m_limits.maxPoints) {
                *why = QStringLiteral("exceeds the point limit");
                return std::nullopt;
            }
            // Consecutive arcs share their end/start point: skip the first point of each later arc.
            const qsizetype skip = out.isEmpty() ? 0 : 1;
            if (reversed) {
                for (qsizetype k = arc.size() - 1 - skip; k >= 0; --k)
                    out.append(arc.at(k));
            } else {
                for (qsizetype k = skip; k < arc.size(); ++k)
                    out.append(arc.at(k));
            }
            m_points += arc.size();
        }
        return out;
    }

    void polygon(Feature &feature, int featureIndex, int polygonIndex, const QJsonArray &rings) {
        QList<Ring> decoded;
        for (qsizetype r = 0; r < rings.size(); ++r) {
            QString why;
            std::optional<Ring> ringPoints = ring(rings.at(r).toArray(), &why);
            if (!ringPoints) {
                const QString where =
                    r == 0 ? QStringLiteral("polygon %1 outer ring").arg(polygonIndex)
                           : QStringLiteral("polygon %1 hole %2").arg(polygonIndex).arg(r);
                m_set.issues.append({IssueSeverity::PartDropped, featureIndex, feature.code,
                                     detail::featureLabel(featureIndex, feature) +
                                         QStringLiteral(": ") + where + QLatin1Char(' ') + why +
                                         (r == 0 ? QStringLiteral("; polygon left out")
                                                 : QStringLiteral("; hole left out"))});
                if (r == 0)
                    return;
                continue;
            }
            decoded.append(std::move(*ringPoints));
        }
        detail::addPolygon(m_set, feature, featureIndex, polygonIndex, std::move(decoded), true);
    }

    void geometry(const QJsonObject &g, int featureIndex) {
        Feature feature;
        detail::readProperties(g.value(QLatin1String("properties")).toObject(),
                               g.value(QLatin1String("id")), feature);
        const QString type = g.value(QLatin1String("type")).toString();
        const QJsonArray arcs = g.value(QLatin1String("arcs")).toArray();
        if (type == QLatin1String("Polygon")) {
            polygon(feature, featureIndex, 0, arcs);
        } else if (type == QLatin1String("MultiPolygon")) {
            if (arcs.size() > m_limits.maxParts) {
                m_set.issues.append({IssueSeverity::FeatureDropped, featureIndex, feature.code,
                                     detail::featureLabel(featureIndex, feature) +
                                         QStringLiteral(": too many polygons; left out")});
                return;
            }
            for (qsizetype p = 0; p < arcs.size(); ++p)
                polygon(feature, featureIndex, int(p), arcs.at(p).toArray());
        } else if (!type.isEmpty() && type != QLatin1String("null")) {
            m_set.issues.append(
                {IssueSeverity::FeatureDropped, featureIndex, feature.code,
                 detail::featureLabel(featureIndex, feature) +
                     QStringLiteral(": geometry type '%1' is not an area; left out").arg(type)});
            return;
        }
        m_set.features.append(std::move(feature)); // empty ones are reported by finishFeatureSet
    }

    QList<qsizetype> m_badArcs;

private:
    const DecodeLimits &m_limits;
    FeatureSet &m_set;
    QList<Ring> m_arcs;
    qsizetype m_points = 0;
};

std::optional<Transform> readTransform(const QJsonObject &topology, QString *error) {
    if (!topology.contains(QLatin1String("transform")))
        return std::nullopt;
    const QJsonObject t = topology.value(QLatin1String("transform")).toObject();
    const QJsonArray scale = t.value(QLatin1String("scale")).toArray();
    const QJsonArray translate = t.value(QLatin1String("translate")).toArray();
    Transform out{scale.at(0).toDouble(qQNaN()), scale.at(1).toDouble(qQNaN()),
                  translate.at(0).toDouble(qQNaN()), translate.at(1).toDouble(qQNaN())};
    if (!std::isfinite(out.sx) || !std::isfinite(out.sy) || !std::isfinite(out.tx) ||
        !std::isfinite(out.ty) || out.sx == 0 || out.sy == 0) {
        *error = QStringLiteral("transform must have two finite, non-zero scale numbers and two "
                                "translate numbers");
        return Transform{qQNaN(), 0, 0, 0};
    }
    return out;
}

} // namespace

FeatureSet decodeTopoJson(const QByteArray &json, const QString &objectName,
                          const DecodeLimits &limits) {
    FeatureSet set;
    const std::optional<QJsonObject> read =
        detail::readRoot(json, QStringLiteral("TopoJSON"), limits, &set.error);
    if (!read)
        return set;
    const QJsonObject &topology = *read;
    if (topology.value(QLatin1String("type")).toString() != QLatin1String("Topology")) {
        set.error = QStringLiteral("not a TopoJSON document: \"type\" must be \"Topology\"");
        return set;
    }
    QString transformError;
    const std::optional<Transform> transform = readTransform(topology, &transformError);
    if (!transformError.isEmpty()) {
        set.error = QStringLiteral("TopoJSON ") + transformError;
        return set;
    }
    const QJsonObject objects = topology.value(QLatin1String("objects")).toObject();
    if (objects.isEmpty()) {
        set.error = QStringLiteral("TopoJSON has no objects");
        return set;
    }
    const QString name = objectName.isEmpty() ? objects.begin().key() : objectName;
    if (!objects.contains(name)) {
        set.error = QStringLiteral("TopoJSON has no object named '%1' (it has: %2)")
                        .arg(name, objects.keys().join(QStringLiteral(", ")));
        return set;
    }
    TopoDecoder decoder(limits, set);
    if (!decoder.readArcs(topology.value(QLatin1String("arcs")).toArray(), transform))
        return set;
    for (qsizetype a : decoder.m_badArcs) {
        if (set.issues.size() > 20)
            break;
        set.issues.append({IssueSeverity::Warning,
                           -1,
                           {},
                           QStringLiteral("arc %1 is malformed (needs at least two [x, y] number "
                                          "positions); rings using it are left out")
                               .arg(a)});
    }
    const QJsonObject object = objects.value(name).toObject();
    QJsonArray geometries;
    if (object.value(QLatin1String("type")).toString() == QLatin1String("GeometryCollection"))
        geometries = object.value(QLatin1String("geometries")).toArray();
    else
        geometries.append(object);
    if (geometries.size() > limits.maxFeatures) {
        set.error = QStringLiteral("TopoJSON object '%1' has %2 geometries; the limit is %3")
                        .arg(name)
                        .arg(geometries.size())
                        .arg(limits.maxFeatures);
        return set;
    }
    for (qsizetype i = 0; i < geometries.size(); ++i)
        decoder.geometry(geometries.at(i).toObject(), int(i));
    finishFeatureSet(set);
    return set;
}

} // namespace opswall::maps
