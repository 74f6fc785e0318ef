#pragma once
// What a province map shows, without drawing it: a tile's binding (the layout's JSON) read into
// options, then values converted to the map's units, classified and coloured per feature. The map
// item (qml/maps ChoroplethMap) draws exactly this, and the control API answers "the value under
// a province" from the same function, so the two never disagree.
//
// Binding keys (all optional; see qml/maps/MapTile.qml):
//   units 34|63, dataUnits 34|63, values {code: number}, title, unit, period, source,
//   classification "quantiles"|"equal"|"breaks", classes 2..9, breaks [..], palette
//   "sequential"|"diverging", centre, aggregation "sum"|"weightedMean", weightName, weights {..},
//   highlight [codes], islands "auto"|"inplace"|"inset", showLabels

#include "aggregate.h"
#include "classify.h"
#include "geometry.h"

#include <QColor>
#include <QHash>
#include <QList>
#include <QStringList>
#include <QVariantMap>

namespace opswall::maps {

enum class IslandMode { Auto = 0, InPlace, InsetBoxes };

struct MapBinding {
    int units = 34;
    int dataUnits = 0; // 0: same as units
    QHash<QString, double> values;
    QString title;
    QString unit;
    QString period;
    QString source;
    ClassificationMethod classification = ClassificationMethod::Quantiles;
    int classCount = 5;
    QList<double> breaks;
    PaletteKind palette = PaletteKind::Sequential;
    double centre = qQNaN(); // diverging: NaN means 100 (indices, previous period = 100)
    IndicatorAggregation aggregation;
    QHash<QString, double> weights;
    QStringList highlighted;
    IslandMode islands = IslandMode::Auto;
    bool showLabels = true;
    QStringList messages; // what was wrong in the binding (not numbers, unknown names)
};

// Reads a binding; wrong values are named in messages and replaced by the defaults.
MapBinding mapBindingFromVariant(const QVariantMap &binding);

// QML and JSON values -> finite numbers by key; anything else is named in messages.
QHash<QString, double> numbersByKey(const QVariantMap &map, QStringList *messages);

struct MapValues {
    QList<double> featureValues; // per feature of the set, NaN = no data
    ClassBreaks breaks;
    QList<QColor> classColors;
    QStringList messages; // refused aggregation, unknown codes, bad breaks: shown on the tile
};

// crosswalk is needed only when the binding's dataUnits differ from the map's units.
MapValues computeMapValues(const FeatureSet &features, const Crosswalk &crosswalk,
                           const MapBinding &binding);

// What the map shows for one province: {code, name, nameFull, hasValue, value (when it has one),
// classIndex (-1: no data), classFrom, classTo, unit, period, title, source}; {} for an unknown
// code. The console's hover and the API's query by code both answer with this.
QVariantMap provinceInfo(const FeatureSet &features, const MapValues &shown,
                         const MapBinding &binding, const QString &code);

} // namespace opswall::maps
