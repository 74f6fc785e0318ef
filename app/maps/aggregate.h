#pragma once
// 63 -> 34 province aggregation with the 2025 merger crosswalk. Every 2025 merger took whole old
// provinces, so a 34-unit value is an exact function of its members' 63-unit values:
//   amounts (Sum): the sum of the members;
//   rates and indices (WeightedMean): the mean of the members weighted by the series the
//   indicator names (population, employment, ...). Without that weight series nothing is guessed:
//   the aggregation is refused with a message naming the missing weight.
// The reverse (34 -> 63) cannot be derived from the data and is always refused.

#include <QByteArray>
#include <QHash>
#include <QString>
#include <QStringList>

namespace opswall::maps {

struct Crosswalk {
    QHash<QString, QString> newCodeOf;     // "02" (Hà Giang) -> "08" (Tuyên Quang)
    QHash<QString, QStringList> membersOf; // "08" -> {"02", "08"}
    QHash<QString, QString> name34;        // "08" -> "Tuyên Quang"
    QHash<QString, QString> name63;

    bool isEmpty() const { return newCodeOf.isEmpty(); }
};

// Reads vn-province-merger-2025.csv (columns gso_code_63, ..., gso_code_34, name_34, ...).
// error names the line at fault; rows with bad codes are rejected as a whole (no partial table).
Crosswalk parseCrosswalkCsv(const QByteArray &csv, QString *error);

enum class AggregationRule { Invalid = 0, Sum, WeightedMean };

struct IndicatorAggregation {
    AggregationRule rule = AggregationRule::Invalid;
    QString weightName; // WeightedMean: the series that weights it, e.g. "industrial employment"
};

struct AggregationResult {
    bool ok = false;
    QString error;                 // why nothing was aggregated
    QHash<QString, double> values; // by 34-unit code; units with missing members are absent
    QStringList messages; // per-unit notes: "19 Thái Nguyên: no value for member 06 (Bắc Kạn)"
};

AggregationResult aggregate63To34(const Crosswalk &crosswalk,
                                  const QHash<QString, double> &values63,
                                  const IndicatorAggregation &how,
                                  const QHash<QString, double> &weights63 = {});

// Front door used by the map: from/to are unit counts (63 or 34). Same units pass through;
// 34 -> 63 is refused.
AggregationResult convertUnits(const Crosswalk &crosswalk, const QHash<QString, double> &values,
                               int fromUnits, int toUnits, const IndicatorAggregation &how,
                               const QHash<QString, double> &weights = {});

} // namespace opswall::maps
