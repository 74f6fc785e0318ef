#include "aggregate.h"

#include <QList>
#include <QRegularExpression>

#include <cmath>

namespace opswall::maps {

namespace {

QStringList splitCsvLine(const QString &line) {
    QStringList fields;
    QString field;
    bool quoted = false;
    for (qsizetype i = 0; i < line.size(); ++i) {
        const QChar ch = line[i];
        if (quoted) {
            if (ch == QLatin1Char('"') && i + 1 < line.size() && line[i + 1] == QLatin1Char('"')) {
                field += ch;
                ++i;
            } else if (ch == QLatin1Char('"')) {
                quoted = false;
            } else {
                field += ch;
            }
        } else if (ch == QLatin1Char('"')) {
            quoted = true;
        } else if (ch == QLatin1Char(',')) {
            fields << field;
            field.clear();
        } else {
            field += ch;
        }
    }
    fields << field;
    return fields;
}

} // namespace

Crosswalk parseCrosswalkCsv(const QByteArray &csv, QString *error) {
    static const QRegularExpression codePattern(QStringLiteral("^[0-9]{2}$"));
    const QStringList lines = QString::fromUtf8(csv).split(QLatin1Char('\n'));
    if (lines.isEmpty()) {
        *error = QStringLiteral("crosswalk CSV is empty");
        return {};
    }
    const QStringList header = splitCsvLine(lines.first().trimmed());
    const qsizetype c63 = header.indexOf(QStringLiteral("gso_code_63"));
    const qsizetype c34 = header.indexOf(QStringLiteral("gso_code_34"));
    const qsizetype n63 = header.indexOf(QStringLiteral("name_63"));
    const qsizetype n34 = header.indexOf(QStringLiteral("name_34"));
    if (c63 < 0 || c34 < 0) {
        *error = QStringLiteral("crosswalk CSV needs the columns gso_code_63 and gso_code_34");
        return {};
    }
    Crosswalk out;
    for (qsizetype l = 1; l < lines.size(); ++l) {
        const QString line = lines[l].trimmed();
        if (line.isEmpty())
            continue;
        const QStringList f = splitCsvLine(line);
        const QString old = f.value(c63), now = f.value(c34);
        if (!codePattern.match(old).hasMatch() || !codePattern.match(now).hasMatch()) {
            *error =
                QStringLiteral("crosswalk CSV line %1: codes must be two digits ('%2' -> '%3')")
                    .arg(l + 1)
                    .arg(old, now);
            return {};
        }
        if (out.newCodeOf.contains(old)) {
            *error = QStringLiteral("crosswalk CSV line %1: old code %2 appears twice")
                         .arg(l + 1)
                         .arg(old);
            return {};
        }
        out.newCodeOf.insert(old, now);
        out.membersOf[now] << old;
        out.name34.insert(now, f.value(n34));
        out.name63.insert(old, f.value(n63));
    }
    if (out.isEmpty())
        *error = QStringLiteral("crosswalk CSV has no rows");
    return out;
}

AggregationResult aggregate63To34(const Crosswalk &crosswalk,
                                  const QHash<QString, double> &values63,
                                  const IndicatorAggregation &how,
                                  const QHash<QString, double> &weights63) {
    AggregationResult result;
    if (crosswalk.isEmpty()) {
        result.error = QStringLiteral("no 63 -> 34 crosswalk is loaded");
        return result;
    }
    if (how.rule == AggregationRule::Invalid) {
        result.error =
            QStringLiteral("the indicator does not say how to aggregate (sum for amounts, "
                           "weighted mean for rates and indices); 63-unit data cannot be "
                           "shown on the 34-unit map");
        return result;
    }
    if (how.rule == AggregationRule::WeightedMean && weights63.isEmpty()) {
        result.error =
            how.weightName.isEmpty()
                ? QStringLiteral("the indicator is a rate or index (weighted mean) but names "
                                 "no weight series; not aggregated to 34 provinces")
                : QStringLiteral("weighted mean needs the weight series '%1' by 63-unit "
                                 "province, which is not available; not aggregated to 34 provinces")
                      .arg(how.weightName);
        return result;
    }
    for (auto it = values63.cbegin(); it != values63.cend(); ++it) {
        if (!crosswalk.newCodeOf.contains(it.key()))
            result.messages
                << QStringLiteral("value for unknown 63-unit code '%1' ignored").arg(it.key());
    }
    QStringList codes = crosswalk.membersOf.keys();
    codes.sort();
    for (const QString &code : codes) {
        const QStringList &members = crosswalk.membersOf[code];
        const QString who = code + QLatin1Char(' ') + crosswalk.name34.value(code);
        double sum = 0, weightSum = 0;
        QStringList missing, missingWeight;
        for (const QString &m : members) {
            const auto v = values63.constFind(m);
            if (v == values63.cend() || !std::isfinite(*v)) {
                missing << m + QStringLiteral(" (") + crosswalk.name63.value(m) + QLatin1Char(')');
                continue;
            }
            if (how.rule == AggregationRule::Sum) {
                sum += *v;
                continue;
            }
            const auto w = weights63.constFind(m);
            if (w == weights63.cend() || !std::isfinite(*w) || *w < 0) {
                missingWeight << m + QStringLiteral(" (") + crosswalk.name63.value(m) +
                                     QLatin1Char(')');
                continue;
            }
            sum += *v * *w;
            weightSum += *w;
        }
        if (!missing.isEmpty()) {
            result.messages << QStringLiteral("%1: no value for member %2; shown as no data")
                                   .arg(who, missing.join(QStringLiteral(", ")));
            continue;
        }
        if (!missingWeight.isEmpty()) {
            result.messages << QStringLiteral("%1: no %2 weight for member %3; shown as no data")
                                   .arg(who, how.weightName,
                                        missingWeight.join(QStringLiteral(", ")));
            continue;
        }
        if (how.rule == AggregationRule::WeightedMean) {
            if (weightSum <= 0) {
                result.messages
                    << QStringLiteral("%1: weights sum to zero; shown as no data").arg(who);
                continue;
            }
            sum /= weightSum;
        }
        result.values.insert(code, sum);
    }
    result.ok = true;
    return result;
}

AggregationResult convertUnits(const Crosswalk &crosswalk, const QHash<QString, double> &values,
                               int fromUnits, int toUnits, const IndicatorAggregation &how,
                               const QHash<QString, double> &weights) {
    AggregationResult result;
    if (fromUnits == toUnits) {
        result.ok = true;
        result.values = values;
        return result;
    }
    if (fromUnits == 63 && toUnits == 34)
        return aggregate63To34(crosswalk, values, how, weights);
    if (fromUnits == 34 && toUnits == 63) {
        result.error = QStringLiteral("data by the 34 provinces (from 1 July 2025) cannot be split "
                                      "back onto the 63 old provinces; show it on the 34-unit map");
        return result;
    }
    result.error =
        QStringLiteral("unsupported province units: data by %1, map by %2 (use 34 or 63)")
            .arg(fromUnits)
            .arg(toUnits);
    return result;
}

} // namespace opswall::maps
