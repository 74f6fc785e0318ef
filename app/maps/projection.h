#pragma once
// Fits Viet Nam's geometry into a tile: an equirectangular projection with the x axis scaled by
// cos(latitude of the set's centre) (so shapes keep their proportions at these latitudes; Web
// Mercator's extra stretch between 8°N and 23°N is only ~9% and buys nothing on a wall), keeping
// aspect and padding. The offshore archipelagos Hoàng Sa and Trường Sa are always drawn: in place,
// or (IslandLayout::InsetBoxes) in framed boxes beside the mainland so a portrait or square tile
// does not shrink the mainland to fit 16° of sea.

#include "geometry.h"

#include <QList>
#include <QRectF>
#include <QTransform>

namespace opswall::maps {

enum class IslandLayout { Invalid = 0, InPlace, InsetBoxes };

struct IslandGroup {
    QString name;      // "Quần đảo Hoàng Sa"
    QRectF lonLatArea; // a polygon whose bounding-box centre lies here belongs to the group
};

// Hoàng Sa (Paracels, part of Đà Nẵng) and Trường Sa (Spratlys, part of Khánh Hòa): no mainland
// or coastal island of Viet Nam lies east of 110°E, so these boxes catch only the archipelagos.
QList<IslandGroup> vietnamIslandGroups();

struct ProjectionRegion {
    QTransform lonLatToPixel;
    QRectF boxPx;  // the pixel box this region was fitted into (insets draw a frame around it)
    QString label; // empty for the mainland
};

class MapProjection {
public:
    MapProjection() = default;

    // paddingPx is kept free on every side of the fitted geometry.
    static MapProjection fit(const FeatureSet &set, const QRectF &targetPx, IslandLayout layout,
                             double paddingPx,
                             const QList<IslandGroup> &groups = vietnamIslandGroups());

    bool isValid() const { return !m_regions.isEmpty(); }
    const QList<ProjectionRegion> &regions() const { return m_regions; }
    // Region (0 = mainland, 1.. = insets) a polygon is drawn in.
    int regionOf(const Polygon &polygon) const;
    int regionOfPoint(QPointF lonLat) const;
    QPointF toPixel(QPointF lonLat, int region) const;
    // Inverse: the lon/lat under a pixel, and which region's box it falls in (-1 when none).
    QPointF toLonLat(QPointF pixel, int *region) const;
    double pixelsPerDegreeLat(int region) const;

private:
    int groupOf(const Polygon &polygon) const;

    QList<ProjectionRegion> m_regions;
    QList<IslandGroup> m_groups; // empty with IslandLayout::InPlace
};

} // namespace opswall::maps
