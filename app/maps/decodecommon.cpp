#include "decodecommon.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace opswall::maps::detail {

QString featureLabel(int featureIndex, const Feature &feature) {
    return QStringLiteral("feature %1 (code '%2', %3)")
        .arg(featureIndex)
        .arg(feature.code, feature.name.isEmpty() ? QStringLiteral("no name") : feature.name);
}

void readProperties(const QJsonObject &properties, const QJsonValue &id, Feature &feature) {
    const QJsonValue code = properties.value(QLatin1String("gso_code"));
    if (code.isString())
        feature.code = code.toString();
    else if (id.isString())
        feature.code = id.toString();
    else if (id.isDouble()) // a numeric id loses its leading zero; restore the 2-digit form
        feature.code = QStringLiteral("%1").arg(id.toInt(), 2, 10, QLatin1Char('0'));
    feature.name = properties.value(QLatin1String("name")).toString();
    feature.nameFull = properties.value(QLatin1String("name_full")).toString();
    feature.kind = properties.value(QLatin1String("kind")).toString();
    feature.code2025 = properties.value(QLatin1String("code_2025")).toString();
    const QJsonArray merged = properties.value(QLatin1String("merged_from")).toArray();
    for (const QJsonValue &v : merged) {
        if (v.isString())
            feature.mergedFrom << v.toString();
    }
    if (feature.name.isEmpty())
        feature.name = properties.value(QLatin1String("name_en")).toString();
}

void addPolygon(FeatureSet &set, Feature &feature, int featureIndex, int polygonIndex,
                QList<Ring> rings, bool closedExpected) {
    auto report = [&](IssueSeverity severity, const QString &what) {
        set.issues.append({severity, featureIndex, feature.code,
                           featureLabel(featureIndex, feature) + QStringLiteral(": ") + what});
    };
    if (rings.isEmpty()) {
        report(IssueSeverity::PartDropped,
               QStringLiteral("polygon %1 has no rings; left out").arg(polygonIndex));
        return;
    }
    Polygon polygon;
    for (int r = 0; r < rings.size(); ++r) {
        QString message;
        Ring ring = std::move(rings[r]);
        const RingCheck check = checkRing(ring, closedExpected, &message);
        const QString where = r == 0
                                  ? QStringLiteral("polygon %1 outer ring").arg(polygonIndex)
                                  : QStringLiteral("polygon %1 hole %2").arg(polygonIndex).arg(r);
        if (check == RingCheck::Unusable) {
            if (r == 0) {
                report(IssueSeverity::PartDropped,
                       where + QLatin1Char(' ') + message + QStringLiteral("; polygon left out"));
                return;
            }
            report(IssueSeverity::PartDropped,
                   where + QLatin1Char(' ') + message + QStringLiteral("; hole left out"));
            continue;
        }
        if (check == RingCheck::Repaired)
            report(IssueSeverity::Warning, where + QLatin1Char(' ') + message);
        if (r == 0)
            polygon.outer = std::move(ring);
        else
            polygon.holes.append(std::move(ring));
    }
    feature.polygons.append(std::move(polygon));
}

std::optional<QJsonObject> readRoot(const QByteArray &json, const QString &format,
                                    const DecodeLimits &limits, QString *error) {
    if (json.size() > limits.maxBytes) {
        *error = QStringLiteral("%1 document is %2 bytes; the limit is %3")
                     .arg(format)
                     .arg(json.size())
                     .arg(limits.maxBytes);
        return std::nullopt;
    }
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        *error = QStringLiteral("%1 is not valid JSON at byte %2: %3")
                     .arg(format)
                     .arg(parseError.offset)
                     .arg(parseError.errorString());
        return std::nullopt;
    }
    return doc.object();
}

} // namespace opswall::maps::detail
