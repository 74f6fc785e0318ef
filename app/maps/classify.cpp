#include "classify.h"

#include <algorithm>
#include <cmath>

namespace opswall::maps {

int ClassBreaks::classOf(double value) const {
    if (!std::isfinite(value) || count() == 0)
        return -1;
    for (int k = 0; k < count(); ++k) {
        if (value < edges[k + 1])
            return k;
    }
    return count() - 1; // at or above the top edge
}

namespace {

double quantile(const QList<double> &sorted, double q) {
    if (sorted.isEmpty())
        return qQNaN();
    const double pos = q * double(sorted.size() - 1);
    const qsizetype lo = qsizetype(std::floor(pos));
    const qsizetype hi = std::min<qsizetype>(lo + 1, sorted.size() - 1);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - double(lo));
}

QList<double> quantileEdges(const QList<double> &sorted, int classes, double lo, double hi) {
    QList<double> edges{lo};
    for (int k = 1; k < classes; ++k)
        edges << quantile(sorted, double(k) / classes);
    edges << hi;
    return edges;
}

void dedupe(QList<double> &edges) {
    edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
}

} // namespace

ClassBreaks classify(const QList<double> &values, const ClassifyOptions &options, QString *error) {
    QList<double> sorted;
    for (double v : values) {
        if (std::isfinite(v))
            sorted << v;
    }
    std::sort(sorted.begin(), sorted.end());
    ClassBreaks out;
    if (options.method == ClassificationMethod::ExplicitBreaks) {
        if (options.breaks.isEmpty() ||
            !std::is_sorted(options.breaks.begin(), options.breaks.end()) ||
            std::adjacent_find(options.breaks.begin(), options.breaks.end()) !=
                options.breaks.end()) {
            *error = QStringLiteral("explicit breaks must be a non-empty, strictly ascending list");
            return {};
        }
        const double lo = sorted.isEmpty() ? options.breaks.first()
                                           : std::min(sorted.first(), options.breaks.first());
        const double hi = sorted.isEmpty() ? options.breaks.last()
                                           : std::max(sorted.last(), options.breaks.last());
        out.edges << lo << options.breaks << hi;
        dedupe(out.edges);
        return out;
    }
    if (options.classCount < 2 || options.classCount > 9) {
        *error =
            QStringLiteral("class count must be between 2 and 9 (got %1)").arg(options.classCount);
        return {};
    }
    if (sorted.isEmpty()) {
        *error = QStringLiteral("no values to classify");
        return {};
    }
    const double lo = sorted.first(), hi = sorted.last();
    const int n = options.classCount;
    if (options.method == ClassificationMethod::EqualIntervals) {
        if (options.centre) { // symmetric around the centre
            const double c = *options.centre;
            const double d = std::max({std::abs(lo - c), std::abs(hi - c), 1e-9});
            for (int k = 0; k <= n; ++k)
                out.edges << c - d + 2 * d * k / n;
        } else {
            const double span = std::max(hi - lo, 1e-9);
            for (int k = 0; k <= n; ++k)
                out.edges << lo + span * k / n;
        }
    } else if (options.method == ClassificationMethod::Quantiles) {
        if (options.centre) { // quantiles on each side of the centre
            const double c = *options.centre;
            QList<double> below, above;
            for (double v : sorted)
                (v < c ? below : above) << v;
            const int nb = n / 2, na = n - nb;
            if (!below.isEmpty())
                out.edges = quantileEdges(below, nb, lo, c);
            else
                out.edges << c;
            if (!above.isEmpty()) {
                const QList<double> up = quantileEdges(above, na, c, std::max(hi, c));
                out.edges.append(up.mid(1));
            }
            if (out.edges.size() < 2)
                out.edges << c;
        } else {
            out.edges = quantileEdges(sorted, n, lo, hi);
        }
    } else {
        *error = QStringLiteral("unknown classification method");
        return {};
    }
    dedupe(out.edges);
    if (out.edges.size() < 2) // all values equal: one class
        out.edges = {lo, hi + (hi == lo ? 1e-9 : 0)};
    return out;
}

namespace {

QColor mix(const QColor &a, const QColor &b, double t) {
    t = std::clamp(t, 0.0, 1.0);
    return QColor::fromRgbF(float(a.redF() + (b.redF() - a.redF()) * t),
                            float(a.greenF() + (b.greenF() - a.greenF()) * t),
                            float(a.blueF() + (b.blueF() - a.blueF()) * t));
}

QColor ramp(const QList<QColor> &anchors, double t) {
    t = std::clamp(t, 0.0, 1.0) * double(anchors.size() - 1);
    const int i = std::min(int(t), int(anchors.size()) - 2);
    return mix(anchors[i], anchors[i + 1], t - i);
}

} // namespace

QList<QColor> classColors(PaletteKind kind, const ClassBreaks &breaks,
                          std::optional<double> centre) {
    const int n = breaks.count();
    QList<QColor> out;
    if (n == 0)
        return out;
    // Sequential: pale yellow-green to deep blue; readable on a dark wall and in print.
    static const QList<QColor> sequential{QColor(0xf7, 0xfc, 0xb9), QColor(0x7f, 0xcd, 0xbb),
                                          QColor(0x2c, 0x7f, 0xb8), QColor(0x25, 0x34, 0x94)};
    static const QList<QColor> below{QColor(0xf7, 0xf4, 0xe8), QColor(0xf4, 0xa5, 0x82),
                                     QColor(0xb2, 0x18, 0x2b)};
    static const QList<QColor> above{QColor(0xf7, 0xf4, 0xe8), QColor(0x92, 0xc5, 0xde),
                                     QColor(0x21, 0x66, 0xac)};
    if (kind != PaletteKind::Diverging) {
        for (int k = 0; k < n; ++k)
            out << ramp(sequential, n == 1 ? 0.5 : double(k) / (n - 1));
        return out;
    }
    const double c = centre.value_or((breaks.edges.first() + breaks.edges.last()) / 2);
    // Rank the classes on each side of the centre so each gets its own step (the outermost the
    // strongest hue), whatever the class widths.
    QList<int> belowClasses, aboveClasses;
    for (int k = 0; k < n; ++k)
        ((breaks.edges[k] + breaks.edges[k + 1]) / 2 < c ? belowClasses : aboveClasses) << k;
    auto strength = [](int rankFromCentre, qsizetype sideCount) {
        return sideCount <= 1 ? 0.7 : 0.3 + 0.7 * double(rankFromCentre) / double(sideCount - 1);
    };
    out.resize(n);
    for (qsizetype j = 0; j < belowClasses.size(); ++j) // j = 0 is the most negative class
        out[belowClasses[j]] =
            ramp(below, strength(int(belowClasses.size() - 1 - j), belowClasses.size()));
    for (qsizetype j = 0; j < aboveClasses.size(); ++j)
        out[aboveClasses[j]] = ramp(above, strength(int(j), aboveClasses.size()));
    return out;
}

} // namespace opswall::maps
