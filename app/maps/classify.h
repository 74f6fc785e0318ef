#pragma once
// Choropleth classification and colour scales. Pure functions on values; no drawing.

#include <QColor>
#include <QList>
#include <QString>

#include <optional>

namespace opswall::maps {

enum class ClassificationMethod { Invalid = 0, Quantiles, EqualIntervals, ExplicitBreaks };
enum class PaletteKind { Invalid = 0, Sequential, Diverging };

struct ClassifyOptions {
    ClassificationMethod method = ClassificationMethod::Quantiles;
    int classCount = 5;           // 2..9
    QList<double> breaks;         // ExplicitBreaks: inner thresholds, ascending (e.g. 95, 100, 105)
    std::optional<double> centre; // diverging scales: a class edge always falls on it (e.g. 100)
};

// Class k holds values in [edges[k], edges[k+1]); the last class also holds edges.last().
struct ClassBreaks {
    QList<double> edges;

    int count() const { return edges.size() < 2 ? 0 : int(edges.size() - 1); }
    int classOf(double value) const; // -1 for NaN or when there are no classes
};

// error is set (and an empty result returned) for bad options: unsorted explicit breaks, a class
// count out of range, no finite values.
ClassBreaks classify(const QList<double> &values, const ClassifyOptions &options, QString *error);

// One colour per class. Sequential: light to dark. Diverging: red below the centre, a neutral
// class around it, blue above (for change indices: decline red, growth blue).
QList<QColor> classColors(PaletteKind kind, const ClassBreaks &breaks,
                          std::optional<double> centre);

} // namespace opswall::maps
