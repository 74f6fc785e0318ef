#include "geometry.h"

#include <QHash>
#include <QRegularExpression>

#include <algorithm>
#include <cmath>
#include <vector>

namespace opswall::maps {

int FeatureSet::indexOf(const QString &code) const {
    for (int i = 0; i < features.size(); ++i) {
        if (features.at(i).code == code)
            return i;
    }
    return -1;
}

QStringList FeatureSet::issueMessages() const {
    QStringList out;
    out.reserve(issues.size());
    for (const GeometryIssue &issue : issues)
        out << issue.message;
    return out;
}

double signedArea(const Ring &ring) {
    const qsizetype n = ring.size();
    double sum = 0;
    for (qsizetype i = 0, j = n - 1; i < n; j = i++)
        sum += (ring[j].x() - ring[i].x()) * (ring[j].y() + ring[i].y());
    return -sum / 2.0;
}

double polygonArea(const Polygon &polygon) {
    double area = std::abs(signedArea(polygon.outer));
    for (const Ring &hole : polygon.holes)
        area -= std::abs(signedArea(hole));
    return area;
}

bool pointInRing(const Ring &ring, QPointF p) {
    bool inside = false;
    const qsizetype n = ring.size();
    for (qsizetype i = 0, j = n - 1; i < n; j = i++) {
        const QPointF a = ring[i], b = ring[j];
        if ((a.y() > p.y()) != (b.y() > p.y()) &&
            p.x() < (b.x() - a.x()) * (p.y() - a.y()) / (b.y() - a.y()) + a.x())
            inside = !inside;
    }
    return inside;
}

bool pointInPolygon(const Polygon &polygon, QPointF p) {
    if (!pointInRing(polygon.outer, p))
        return false;
    for (const Ring &hole : polygon.holes) {
        if (pointInRing(hole, p))
            return false;
    }
    return true;
}

QRectF ringBounds(const Ring &ring) {
    if (ring.isEmpty())
        return {};
    double x0 = ring[0].x(), x1 = x0, y0 = ring[0].y(), y1 = y0;
    for (const QPointF &p : ring) {
        x0 = std::min(x0, p.x());
        x1 = std::max(x1, p.x());
        y0 = std::min(y0, p.y());
        y1 = std::max(y1, p.y());
    }
    return QRectF(QPointF(x0, y0), QPointF(x1, y1));
}

namespace {

double cross(QPointF o, QPointF a, QPointF b) {
    return (a.x() - o.x()) * (b.y() - o.y()) - (a.y() - o.y()) * (b.x() - o.x());
}

// Proper crossing only: touching at a vertex or collinear overlap is not reported, because
// pinched rings (two parts meeting at one point) are common in generalised boundaries and fill
// correctly with the odd-even rule.
bool segmentsCross(QPointF a, QPointF b, QPointF c, QPointF d, QPointF *where) {
    const double d1 = cross(c, d, a), d2 = cross(c, d, b), d3 = cross(a, b, c), d4 = cross(a, b, d);
    if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) {
        if (where) {
            const double t = d1 / (d1 - d2);
            *where = a + (b - a) * t;
        }
        return true;
    }
    return false;
}

} // namespace

bool ringSelfIntersects(const Ring &ring, QPointF *where) {
    const qsizetype n = ring.size();
    if (n < 4)
        return false;
    const QRectF box = ringBounds(ring);
    const int cells = std::clamp(int(std::sqrt(double(n))), 1, 512);
    const double cw = std::max(box.width(), 1e-12) / cells,
                 ch = std::max(box.height(), 1e-12) / cells;
    std::vector<std::vector<int>> grid(std::size_t(cells) * std::size_t(cells));
    auto cellX = [&](double x) { return std::clamp(int((x - box.left()) / cw), 0, cells - 1); };
    auto cellY = [&](double y) { return std::clamp(int((y - box.top()) / ch), 0, cells - 1); };
    for (qsizetype i = 0; i < n; ++i) {
        const QPointF a = ring[i], b = ring[(i + 1) % n];
        const int x0 = cellX(std::min(a.x(), b.x())), x1 = cellX(std::max(a.x(), b.x()));
        const int y0 = cellY(std::min(a.y(), b.y())), y1 = cellY(std::max(a.y(), b.y()));
        for (int cy = y0; cy <= y1; ++cy) {
            for (int cx = x0; cx <= x1; ++cx)
                grid[std::size_t(cy) * std::size_t(cells) + std::size_t(cx)].push_back(int(i));
        }
    }
    for (const std::vector<int> &cell : grid) {
        for (std::size_t p = 0; p < cell.size(); ++p) {
            for (std::size_t q = p + 1; q < cell.size(); ++q) {
                const qsizetype i = cell[p], j = cell[q];
                if (std::abs(i - j) <= 1 || std::abs(i - j) == n - 1)
                    continue; // adjacent edges share a vertex
                if (segmentsCross(ring[i], ring[(i + 1) % n], ring[j], ring[(j + 1) % n], where))
                    return true;
            }
        }
    }
    return false;
}

RingCheck checkRing(Ring &ring, bool closedExpected, QString *message) {
    for (const QPointF &p : ring) {
        if (!std::isfinite(p.x()) || !std::isfinite(p.y())) {
            *message = QStringLiteral("has a coordinate that is not a finite number");
            return RingCheck::Unusable;
        }
        if (std::abs(p.x()) > 180.0 || std::abs(p.y()) > 90.0) {
            *message = QStringLiteral("has a coordinate outside longitude/latitude range (%1, %2)")
                           .arg(p.x())
                           .arg(p.y());
            return RingCheck::Unusable;
        }
    }
    RingCheck result = RingCheck::Good;
    if (ring.size() >= 2 && ring.first() == ring.last()) {
        ring.removeLast();
    } else if (closedExpected && !ring.isEmpty()) {
        *message = QStringLiteral("is not closed (last point differs from the first); closed it");
        result = RingCheck::Repaired;
    }
    const qsizetype before = ring.size();
    ring.erase(std::unique(ring.begin(), ring.end()), ring.end());
    while (ring.size() > 1 && ring.first() == ring.last())
        ring.removeLast();
    if (ring.size() < 3) {
        *message = QStringLiteral("has fewer than 3 distinct points (%1)").arg(ring.size());
        return RingCheck::Unusable;
    }
    if (std::abs(signedArea(ring)) <= 0.0) {
        *message = QStringLiteral("has zero area");
        return RingCheck::Unusable;
    }
    if (ring.size() != before && result == RingCheck::Good)
        result = RingCheck::Good; // consecutive duplicates are harmless; not worth a message
    return result;
}

void finishFeatureSet(FeatureSet &set) {
    static const QRegularExpression codePattern(QStringLiteral("^[0-9A-Z]{2,3}$"));
    QHash<QString, int> seen;
    QList<Feature> kept;
    kept.reserve(set.features.size());
    QRectF all;
    for (int i = 0; i < set.features.size(); ++i) {
        Feature &f = set.features[i];
        const QString who = QStringLiteral("feature %1 (code '%2', %3)")
                                .arg(i)
                                .arg(f.code, f.name.isEmpty() ? QStringLiteral("no name") : f.name);
        auto drop = [&](const QString &why) {
            set.issues.append(
                {IssueSeverity::FeatureDropped, i, f.code, who + QStringLiteral(": ") + why});
        };
        if (!codePattern.match(f.code).hasMatch()) {
            drop(QStringLiteral("missing or malformed province code; feature left out"));
            continue;
        }
        if (seen.contains(f.code)) {
            drop(QStringLiteral("duplicate code (also feature %1); the first one is kept")
                     .arg(seen.value(f.code)));
            continue;
        }
        if (f.polygons.isEmpty()) {
            drop(QStringLiteral("empty geometry; feature left out"));
            continue;
        }
        seen.insert(f.code, i);
        QRectF bounds;
        for (int p = 0; p < f.polygons.size(); ++p) {
            const Polygon &poly = f.polygons.at(p);
            bounds =
                bounds.isNull() ? ringBounds(poly.outer) : bounds.united(ringBounds(poly.outer));
            QPointF at;
            if (ringSelfIntersects(poly.outer, &at)) {
                set.issues.append({IssueSeverity::Warning, i, f.code,
                                   who + QStringLiteral(": polygon %1 intersects itself near "
                                                        "%2°E %3°N; still drawn")
                                             .arg(p)
                                             .arg(at.x(), 0, 'f', 4)
                                             .arg(at.y(), 0, 'f', 4)});
            }
        }
        f.bounds = bounds;
        all = all.isNull() ? bounds : all.united(bounds);
        kept.append(std::move(f));
    }
    set.features = std::move(kept);
    set.bounds = all;
    if (set.features.isEmpty() && set.error.isEmpty())
        set.error = QStringLiteral("no usable feature in the document");
}

} // namespace opswall::maps
