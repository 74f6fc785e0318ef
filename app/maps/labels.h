#pragma once
// Province label placement: an anchor inside each province, then greedy placement by priority
// (highlighted, then municipalities, then larger areas first); a label that would overlap a placed
// one or an obstacle (legend, title, inset frame) is tried at a few offsets, else left out.

#include "geometry.h"

#include <QList>
#include <QRectF>
#include <QSizeF>

namespace opswall::maps {

// A point inside the feature's largest polygon (its area centroid when that is inside, else the
// middle of the widest interior run of the horizontal line through the centroid), in lon/lat.
// *polygonIndex is set to the polygon used.
QPointF labelAnchor(const Feature &feature, int *polygonIndex);

struct LabelCandidate {
    int featureIndex = -1;
    QPointF anchorPx;
    QSizeF sizePx;
    double priority = 0; // larger first
};

struct PlacedLabel {
    int featureIndex = -1;
    QRectF rectPx;
};

QList<PlacedLabel> placeLabels(QList<LabelCandidate> candidates, const QRectF &boundsPx,
                               const QList<QRectF> &obstaclesPx, double marginPx = 2.0);

} // namespace opswall::maps
