#include "labels.h"

#include <algorithm>
#include <cmath>

namespace opswall::maps {

namespace {

QPointF ringCentroid(const Ring &ring, double *area) {
    double a = 0, cx = 0, cy = 0;
    const qsizetype n = ring.size();
    for (qsizetype i = 0, j = n - 1; i < n; j = i++) {
        const double f = ring[j].x() * ring[i].y() - ring[i].x() * ring[j].y();
        a += f;
        cx += (ring[j].x() + ring[i].x()) * f;
        cy += (ring[j].y() + ring[i].y()) * f;
    }
    *area = a / 2;
    if (a == 0)
        return ring.isEmpty() ? QPointF() : ring.first();
    return QPointF(cx / (3 * a), cy / (3 * a));
}

// Crossings of the horizontal line y with every ring of the polygon, sorted.
QList<double> crossings(const Polygon &polygon, double y) {
    QList<double> xs;
    auto add = [&](const Ring &ring) {
        const qsizetype n = ring.size();
        for (qsizetype i = 0, j = n - 1; i < n; j = i++) {
            const QPointF a = ring[i], b = ring[j];
            if ((a.y() > y) != (b.y() > y))
                xs << a.x() + (y - a.y()) * (b.x() - a.x()) / (b.y() - a.y());
        }
    };
    add(polygon.outer);
    for (const Ring &hole : polygon.holes)
        add(hole);
    std::sort(xs.begin(), xs.end());
    return xs;
}

} // namespace

QPointF labelAnchor(const Feature &feature, int *polygonIndex) {
    int best = -1;
    double bestArea = -1;
    for (int p = 0; p < feature.polygons.size(); ++p) {
        const double a = polygonArea(feature.polygons[p]);
        if (a > bestArea) {
            bestArea = a;
            best = p;
        }
    }
    *polygonIndex = best;
    if (best < 0)
        return {};
    const Polygon &polygon = feature.polygons[best];
    double area = 0;
    const QPointF c = ringCentroid(polygon.outer, &area);
    if (pointInPolygon(polygon, c))
        return c;
    // Concave shapes (Quảng Nam's hook, the long coastal provinces): widest inside run.
    const QRectF box = ringBounds(polygon.outer);
    QPointF bestPoint = polygon.outer.first();
    double bestWidth = -1;
    for (double t : {0.5, 0.4, 0.6, 0.3, 0.7}) {
        const double y = box.top() + box.height() * t;
        const QList<double> xs = crossings(polygon, y);
        for (qsizetype k = 0; k + 1 < xs.size(); k += 2) {
            if (xs[k + 1] - xs[k] > bestWidth) {
                bestWidth = xs[k + 1] - xs[k];
                bestPoint = QPointF((xs[k] + xs[k + 1]) / 2, y);
            }
        }
        if (bestWidth > 0 && t == 0.5 && std::abs(y - c.y()) < box.height() * 0.01)
            break;
    }
    return bestPoint;
}

QList<PlacedLabel> placeLabels(QList<LabelCandidate> candidates, const QRectF &boundsPx,
                               const QList<QRectF> &obstaclesPx, double marginPx) {
    std::stable_sort(
        candidates.begin(), candidates.end(),
        [](const LabelCandidate &a, const LabelCandidate &b) { return a.priority > b.priority; });
    QList<PlacedLabel> placed;
    auto free = [&](const QRectF &r) {
        if (!boundsPx.contains(r))
            return false;
        const QRectF grown = r.adjusted(-marginPx, -marginPx, marginPx, marginPx);
        for (const QRectF &o : obstaclesPx) {
            if (grown.intersects(o))
                return false;
        }
        for (const PlacedLabel &p : placed) {
            if (grown.intersects(p.rectPx))
                return false;
        }
        return true;
    };
    for (const LabelCandidate &c : candidates) {
        const double w = c.sizePx.width(), h = c.sizePx.height();
        const QRectF centred(c.anchorPx.x() - w / 2, c.anchorPx.y() - h / 2, w, h);
        // Centred first, then just above, below, right, left of the anchor.
        const double dy = h + 2 * marginPx, dx = w / 2 + 2 * marginPx;
        const QPointF offsets[] = {{0, 0}, {0, -dy}, {0, dy}, {dx, 0}, {-dx, 0}};
        for (const QPointF &o : offsets) {
            const QRectF r = centred.translated(o);
            if (free(r)) {
                placed.append({c.featureIndex, r});
                break;
            }
        }
    }
    return placed;
}

} // namespace opswall::maps
