#include "projection.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace opswall::maps {

QList<IslandGroup> vietnamIslandGroups() {
    return {
        {QStringLiteral("Quần đảo Hoàng Sa"), QRectF(QPointF(110.0, 14.5), QPointF(114.0, 18.0))},
        {QStringLiteral("Quần đảo Trường Sa"), QRectF(QPointF(110.0, 5.0), QPointF(119.0, 12.8))},
    };
}

namespace {

QRectF polygonBounds(const Polygon &polygon) {
    return ringBounds(polygon.outer);
}

// Fits lon/lat bounds into a pixel box: uniform scale, centred, y pointing down.
QTransform fitTransform(const QRectF &lonLat, const QRectF &box, double cosLat) {
    const double w = std::max(lonLat.width() * cosLat, 1e-9), h = std::max(lonLat.height(), 1e-9);
    const double scale = std::min(box.width() / w, box.height() / h);
    const double usedW = w * scale, usedH = h * scale;
    const double left = box.left() + (box.width() - usedW) / 2;
    const double top = box.top() + (box.height() - usedH) / 2;
    // px = left + (lon - lon0) * cosLat * scale ; py = top + (lat1 - lat) * scale
    const double a = cosLat * scale;
    return QTransform(a, 0, 0, -scale, left - lonLat.left() * a, top + lonLat.bottom() * scale);
}

} // namespace

int MapProjection::groupOf(const Polygon &polygon) const {
    const QPointF c = polygonBounds(polygon).center();
    for (int g = 0; g < m_groups.size(); ++g) {
        if (m_groups.at(g).lonLatArea.contains(c))
            return g;
    }
    return -1;
}

int MapProjection::regionOf(const Polygon &polygon) const {
    if (m_regions.size() <= 1)
        return 0;
    const int g = groupOf(polygon);
    return g < 0 ? 0 : g + 1;
}

MapProjection MapProjection::fit(const FeatureSet &set, const QRectF &targetPx, IslandLayout layout,
                                 double paddingPx, const QList<IslandGroup> &groups) {
    MapProjection projection;
    if (set.features.isEmpty() || targetPx.width() < 4 || targetPx.height() < 4)
        return projection;
    const double cosLat = std::cos(set.bounds.center().y() * std::numbers::pi / 180.0);
    const QRectF inner = targetPx.adjusted(paddingPx, paddingPx, -paddingPx, -paddingPx);
    if (layout != IslandLayout::InsetBoxes || inner.width() < 40 || inner.height() < 40) {
        projection.m_regions.append({fitTransform(set.bounds, inner, cosLat), inner, {}});
        return projection;
    }
    projection.m_groups = groups;
    QRectF mainland;
    QList<QRectF> groupBounds(groups.size());
    for (const Feature &f : set.features) {
        for (const Polygon &p : f.polygons) {
            const QRectF b = polygonBounds(p);
            const int g = projection.groupOf(p);
            QRectF &target = g < 0 ? mainland : groupBounds[g];
            target = target.isNull() ? b : target.united(b);
        }
    }
    // Mainland on the left; the insets stacked in a right-hand column about a third as wide as
    // the mainland is tall (Viet Nam is about half as wide as tall): on a wide tile the column
    // stays beside the mainland instead of taking a third of the width.
    const double columnW = std::min(inner.width(), inner.height()) * 0.3;
    const QRectF mainBox(inner.left(), inner.top(), inner.width() - columnW - paddingPx,
                         inner.height());
    const QTransform mainT =
        fitTransform(mainland.isNull() ? set.bounds : mainland, mainBox, cosLat);
    projection.m_regions.append({mainT, mainBox, {}});
    // Place the column right after the mainland's drawn extent (not at the tile edge).
    const QRectF drawn = mainT.mapRect(mainland.isNull() ? set.bounds : mainland);
    const double colLeft = drawn.right() + paddingPx;
    double heights = 0;
    for (const QRectF &b : groupBounds)
        heights += b.isNull() ? 0 : b.height();
    double y = inner.top();
    const double gap = paddingPx;
    const double usableH = inner.height() - gap * std::max<qsizetype>(0, groups.size() - 1);
    for (int g = 0; g < groups.size(); ++g) {
        if (groupBounds[g].isNull() || heights <= 0) {
            projection.m_regions.append({QTransform(), QRectF(), groups[g].name});
            continue;
        }
        const double share = std::max(0.25, groupBounds[g].height() / heights);
        const double boxH = std::min(usableH * share, inner.bottom() - y);
        const QRectF box(colLeft, y, std::min(columnW, inner.right() - colLeft), boxH);
        // Leave room inside the frame for the group's name.
        const QRectF fitBox = box.adjusted(6, 6 + std::min(28.0, boxH * 0.15), -6, -6);
        projection.m_regions.append(
            {fitTransform(groupBounds[g], fitBox, cosLat), box, groups[g].name});
        y += boxH + gap;
    }
    return projection;
}

int MapProjection::regionOfPoint(QPointF lonLat) const {
    if (m_regions.size() <= 1)
        return 0;
    for (int g = 0; g < m_groups.size(); ++g) {
        if (m_groups.at(g).lonLatArea.contains(lonLat))
            return g + 1;
    }
    return 0;
}

QPointF MapProjection::toPixel(QPointF lonLat, int region) const {
    if (region < 0 || region >= m_regions.size())
        return {};
    return m_regions.at(region).lonLatToPixel.map(lonLat);
}

QPointF MapProjection::toLonLat(QPointF pixel, int *region) const {
    // Insets first: their boxes sit beside the mainland and must win where the mainland's fitted
    // box (which is larger than its drawn extent) overlaps them.
    for (int r = int(m_regions.size()) - 1; r >= 0; --r) {
        const ProjectionRegion &reg = m_regions.at(r);
        if (reg.boxPx.contains(pixel) && reg.lonLatToPixel.isInvertible()) {
            if (region)
                *region = r;
            return reg.lonLatToPixel.inverted().map(pixel);
        }
    }
    if (region)
        *region = -1;
    return {};
}

double MapProjection::pixelsPerDegreeLat(int region) const {
    if (region < 0 || region >= m_regions.size())
        return 0;
    return std::abs(m_regions.at(region).lonLatToPixel.m22());
}

} // namespace opswall::maps
