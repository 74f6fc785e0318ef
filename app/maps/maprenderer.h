#pragma once
// Draws a choropleth tile into a QImage with QPainter: provinces filled by class, no-data hatched,
// borders, highlighted provinces, inset frames for the archipelagos, labels, legend, title with
// source, and the CC BY-SA attribution line. The image is then shown by a plain texture node, so
// the same pixels appear on the software and the OpenGL scene-graph backends (the software
// backend does not draw custom QSGGeometryNodes). Projected paths are cached per (set, size,
// layout); a data change only refills them.

#include "classify.h"
#include "geolibrary.h"
#include "labels.h"
#include "projection.h"

#include <QColor>
#include <QImage>
#include <QLocale>
#include <QPainterPath>
#include <QSet>

#include <future>
#include <memory>

namespace opswall::maps {

struct MapStyle {
    QColor background{0x0e, 0x16, 0x21};
    QColor text{0xf2, 0xf4, 0xf7};
    QColor textHalo{0x0e, 0x16, 0x21};
    QColor border{0x0e, 0x16, 0x21};
    QColor noData{0x4a, 0x52, 0x5e};
    QColor noDataHatch{0x9a, 0xa3, 0xb0};
    QColor highlight{0xff, 0xc8, 0x00};
    QColor insetFrame{0x6b, 0x77, 0x88};
    QString fontFamily = QStringLiteral("DejaVu Sans"); // full Vietnamese coverage on Debian
};

struct MapContent {
    QString title;
    QString source;              // "Cục Thống kê" -> "Nguồn: Cục Thống kê"
    QString unit;                // "%", "tỷ đồng", "chỉ số (kỳ trước = 100)"
    QString period;              // "12/2024"
    QString attribution;         // the boundaries' CC BY-SA line
    QList<double> featureValues; // per feature of the set, NaN = no data
    ClassBreaks breaks;
    QList<QColor> classColors;
    QSet<QString> highlighted; // province codes
    bool showLabels = true;
    QLocale locale;
    // In the wall's language (the map item fills them through its translator).
    QString noDataText = QStringLiteral("Không có số liệu");
    QString sourcePrefix = QStringLiteral("Nguồn"); // not repeated when the source starts with it
    // The ranked side list a wide tile gets (provinces with a value, highest first): its heading.
    bool showRanking = true;
    QString rankingTitle = QStringLiteral("Xếp hạng");
};

// The map's source line: "<sourcePrefix>: <source>", the source's own leading "Nguồn:" or
// "Source:" (in either language) dropped so that the prefix is written once, in the wall's
// language. Empty without a source.
QString sourceLine(const MapContent &content);

class MapRenderer {
public:
    // Recomputes the layout and the projected paths only when one of these changed.
    void setGeometry(std::shared_ptr<const GeoSet> geo, QSize sizePx, IslandLayout layout);
    // The smallest text the wall-distance rule allows, in pixels (0: none); labels, legend and
    // list never go below it.
    void setMinTextPx(double px) {
        if (px != m_minTextPx) {
            m_minTextPx = px;
            m_layoutDirty = true;
        }
    }
    // canvas: an image to draw into when it has the tile's size, is ARGB32 premultiplied and
    // nobody else holds it (a recycled one, GeoLibrary::takeImage: no fresh 33 MB to fault in
    // at 4K); otherwise a new image.
    QImage render(const MapContent &content, const MapStyle &style = {}, QImage canvas = {});
    // Whether the layout is done for these (setGeometry would keep it as it is).
    bool laidOutFor(const std::shared_ptr<const GeoSet> &geo, QSize sizePx, IslandLayout layout,
                    double minTextPx) const {
        return geo == m_geo && sizePx == m_size && layout == m_layout && !m_layoutDirty &&
               minTextPx == m_minTextPx;
    }
    // Whether the border layer is stroked or being stroked (kept for the next render).
    bool hasBorderLayer() const { return m_borderLayer.valid(); }

    const MapProjection &projection() const { return m_projection; }
    QRectF legendRect() const { return m_legendRect; }
    QRectF mapRect() const { return m_mapRect; }
    // The ranked side list's box (empty when the tile has no room for one beside the map).
    QRectF rankingRect() const { return m_rankingRect; }
    // Feature indices in the last render's ranked list, top first.
    const QList<int> &rankedFeatures() const { return m_ranked; }
    // Smallest text drawn (labels, legend, list), in pixels of the font's size: the text-size
    // rule is checked against it.
    double smallestTextPx() const;
    // Feature index under a pixel of the tile, -1 when none.
    int featureAt(QPointF pixel) const;
    const QList<PlacedLabel> &labels() const { return m_labels; }

    // Where the last render() spent its time (wall ms): for the benchmark.
    struct Timings {
        double fillMs = 0, bordersMs = 0, labelsMs = 0, decorationsMs = 0;
        // A render that stroked the border layer (the first of a layout): the worker thread's
        // CPU for it, the CPU this thread spent meanwhile (fills, title, legend, list) and how
        // long it then waited for the worker (wall).
        double layerCpuMs = 0, overlapCpuMs = 0, layerWaitMs = 0;
    };
    Timings lastTimings() const { return m_timings; }

private:
    void layout();
    void project(const QRectF &mapRect);
    QRectF drawnExtent() const; // the union of what project() drew: provinces and inset frames
    void drawLegend(QPainter &p, const MapContent &content, const MapStyle &style);
    void drawRanking(QPainter &p, const MapContent &content, const MapStyle &style);
    void drawTitleAndAttribution(QPainter &p, const MapContent &content, const MapStyle &style);

    std::shared_ptr<const GeoSet> m_geo;
    QSize m_size;
    IslandLayout m_layout = IslandLayout::InPlace;
    bool m_layoutDirty = true;
    MapProjection m_projection;
    QList<QPainterPath> m_paths;       // per feature, pixels
    QList<QPainterPath> m_borderPaths; // per feature: only the parts big enough to outline
    // Borders only, transparent elsewhere, over the borders' extent (at) rather than the whole
    // tile; stroked once per layout, on a worker thread started when the layout is done (copies
    // of this renderer share it).
    struct BorderLayer {
        QImage image;
        QPoint at;
        double cpuMs = 0; // the worker's CPU time for it
    };
    void strokeBorderLayer(const QColor &color);
    static BorderLayer strokeBorders(const QList<QPainterPath> &paths, QSize size, double width,
                                     const QColor &color);
    std::shared_future<BorderLayer> m_borderLayer;
    QColor m_borderLayerColor;
    double m_borderLayerStartCpuMs = 0; // this thread's CPU clock when the worker started
    bool m_borderLayerUsed = false;     // a render has composited it
    QList<QList<QPointF>> m_dots;       // per feature: centres of parts too small to show as shapes
    QList<QRectF> m_pathBounds;         // per feature
    QList<QPointF> m_anchorsPx;         // per feature label anchor
    QList<double> m_areasPx;            // per feature, for label priority
    QRectF m_mapRect, m_legendRect, m_titleRect, m_attributionRect, m_rankingRect;
    QList<int> m_ranked;
    double m_labelPx = 12, m_legendPx = 14, m_titlePx = 24, m_minTextPx = 0;
    QList<PlacedLabel> m_labels;
    Timings m_timings;
};

// "95,8 – 100" style range text for a legend entry.
QString formatValue(const QLocale &locale, double value);

} // namespace opswall::maps
