#include "maprenderer.h"

#include "core/cputime.h"

#include <QElapsedTimer>
#include <QFont>
#include <QFontMetricsF>
#include <QPainter>

#include <algorithm>
#include <cmath>
#include <future>
#include <limits>

namespace opswall::maps {

QString sourceLine(const MapContent &content) {
    QString source = content.source.trimmed();
    for (const QString &prefix :
         {content.sourcePrefix, QStringLiteral("Nguồn"), QStringLiteral("Source")}) {
        if (!prefix.isEmpty() && source.startsWith(prefix, Qt::CaseInsensitive) &&
            source.mid(prefix.size()).trimmed().startsWith(QLatin1Char(':'))) {
            source = source.mid(source.indexOf(QLatin1Char(':'), prefix.size()) + 1).trimmed();
            break;
        }
    }
    if (source.isEmpty())
        return {};
    return content.sourcePrefix.isEmpty() ? source
                                          : content.sourcePrefix + QStringLiteral(": ") + source;
}

namespace {
constexpr double kMinShapePx = 5.0; // parts smaller than this are drawn as dots
constexpr double kDotPx = 3.0;
constexpr double kSimplifyPx = 0.5; // projected vertices closer than this are one
} // namespace

QString formatValue(const QLocale &locale, double value) {
    const double a = std::abs(value);
    const int decimals = a >= 1000 ? 0 : a >= 100 ? 1 : a >= 1 ? 2 : 3;
    QString s = locale.toString(value, 'f', decimals);
    // Trim trailing zeros after the decimal point ("100,50" -> "100,5", "100,00" -> "100").
    if (decimals > 0) {
        const QChar point = locale.decimalPoint().at(0);
        while (s.endsWith(QLatin1Char('0')))
            s.chop(1);
        if (s.endsWith(point))
            s.chop(1);
    }
    return s;
}

void MapRenderer::setGeometry(std::shared_ptr<const GeoSet> geo, QSize sizePx,
                              IslandLayout layout) {
    if (geo == m_geo && sizePx == m_size && layout == m_layout && !m_layoutDirty)
        return;
    m_geo = std::move(geo);
    m_size = sizePx;
    m_layout = layout;
    m_layoutDirty = true;
    this->layout();
}

void MapRenderer::layout() {
    m_layoutDirty = false;
    m_projection = {};
    m_rankingRect = {};
    m_paths.clear();
    m_borderLayer = {};
    if (!m_geo || m_size.isEmpty())
        return;
    const double w = m_size.width(), h = m_size.height();
    const double shortSide = std::min(w, h);
    const double margin = std::max(6.0, shortSide * 0.015);
    m_titlePx = std::clamp(shortSide * 0.038, 11.0, 72.0);
    m_legendPx = std::clamp(shortSide * 0.024, 10.0, 40.0);
    // Province names as large as the legend's text less a little: they must read at wall
    // distance (the text-size rule, README "Text on the wall"); crowded ones are left out.
    // Whole pixels, rounded up: the fonts are set in whole pixels and must not drop under the rule.
    m_labelPx = std::ceil(std::max(m_minTextPx, std::clamp(shortSide * 0.02, 10.0, 34.0)));
    m_legendPx = std::ceil(std::max(m_minTextPx, m_legendPx));
    m_titlePx = std::ceil(std::max(m_minTextPx * 1.3, m_titlePx));
    const double titleH = m_titlePx * 1.35 + m_legendPx * 1.5;
    const double attributionH = m_legendPx * 1.3;
    m_titleRect = QRectF(margin, margin, w - 2 * margin, titleH);
    m_attributionRect = QRectF(margin, h - margin - attributionH, w - 2 * margin, attributionH);
    const QRectF body(margin, m_titleRect.bottom() + margin * 0.5, w - 2 * margin,
                      m_attributionRect.top() - m_titleRect.bottom() - margin);
    const double legendW = std::min(body.width() * 0.45, m_legendPx * 11.0);
    const double legendH = std::min(body.height() * 0.6, m_legendPx * 1.55 * 13);
    const double rankingMinW = m_legendPx * 13.0; // "12. Thành phố Hồ Chí Minh  102,97"
    const double rankingMinH = m_legendPx * 1.5 * 6;
    // Viet Nam is tall and narrow: fit the map to the body's height first, measure how wide it
    // came out, and give the width it leaves to a side column (the ranked list, the legend).
    // A tall tile does the same downwards: the map takes the width, the rest below it.
    if (w >= h * 0.9) {
        project(body);
        // The projection centres the map in its box: what counts is the drawn width.
        const double mapW = std::min(body.width(), drawnExtent().width() + margin);
        const double spare = body.width() - mapW - margin;
        if (spare >= legendW) {
            m_mapRect = QRectF(body.left(), body.top(), mapW, body.height());
            const QRectF column(m_mapRect.right() + margin, body.top(), spare, body.height());
            if (spare >= legendW + margin + rankingMinW) {
                // Legend and list side by side in the column.
                m_legendRect = QRectF(column.left(), column.bottom() - legendH, legendW, legendH);
                // Not wider than a name and its value need; map and column are centred below.
                m_rankingRect = QRectF(
                    m_legendRect.right() + margin, column.top(),
                    std::min(column.right() - m_legendRect.right() - margin, m_legendPx * 20.0),
                    column.height());
            } else if (spare >= rankingMinW && column.height() - legendH - margin >= rankingMinH) {
                // The list above the legend.
                m_legendRect = QRectF(column.left(), column.bottom() - legendH, legendW, legendH);
                m_rankingRect = QRectF(column.left(), column.top(), column.width(),
                                       column.height() - legendH - margin);
            } else {
                m_legendRect = QRectF(column.left(), column.bottom() - legendH, legendW, legendH);
            }
            // Centre map and column together: no empty band at one side.
            const double used =
                (m_rankingRect.isEmpty() ? m_legendRect.right() : m_rankingRect.right()) -
                body.left();
            const double shift = std::max(0.0, (body.width() - used) / 2.0);
            m_mapRect.translate(shift, 0);
            m_legendRect.translate(shift, 0);
            m_rankingRect.translate(shift, 0);
        } else {
            m_legendRect = QRectF(body.left(), body.bottom() - legendH, legendW, legendH);
            m_mapRect = body.adjusted(legendW + margin, 0, 0, 0);
        }
    } else {
        const double bandMinH = std::min(legendH, body.height() * 0.3);
        project(body.adjusted(0, 0, 0, -bandMinH - margin));
        const double mapH = std::min(body.height(), drawnExtent().height() + margin);
        m_mapRect = QRectF(body.left(), body.top(), body.width(), mapH);
        const QRectF band(body.left(), m_mapRect.bottom() + margin, body.width(),
                          body.bottom() - m_mapRect.bottom() - margin);
        m_legendRect = QRectF(band.left(), band.bottom() - std::min(legendH, band.height()),
                              legendW, std::min(legendH, band.height()));
        if (band.width() - legendW - margin >= rankingMinW * 0.8 && band.height() >= rankingMinH)
            m_rankingRect = QRectF(m_legendRect.right() + margin, band.top(),
                                   band.right() - m_legendRect.right() - margin, band.height());
    }
    project(m_mapRect);
    // The borders depend on the layout only: stroking starts now, on a worker, and the first
    // render composites them when it gets to them.
    if (m_projection.isValid())
        strokeBorderLayer(MapStyle{}.border);
}

QRectF MapRenderer::drawnExtent() const {
    QRectF out;
    for (const QRectF &b : m_pathBounds)
        out = out.isNull() ? b : out.united(b);
    for (int r = 1; r < m_projection.regions().size(); ++r)
        if (!m_projection.regions()[r].boxPx.isEmpty())
            out = out.united(m_projection.regions()[r].boxPx);
    return out;
}

double MapRenderer::smallestTextPx() const {
    return std::min(m_labelPx, m_legendPx);
}

void MapRenderer::project(const QRectF &mapRect) {
    m_paths.clear();
    m_borderPaths.clear();
    m_dots.clear();
    m_pathBounds.clear();
    m_anchorsPx.clear();
    m_areasPx.clear();
    const double margin = std::max(6.0, std::min(m_size.width(), m_size.height()) * 0.015);
    m_projection = MapProjection::fit(m_geo->features, mapRect, m_layout, margin * 0.5);
    // A box too small for any map (a thumbnail's tile) has no projection: nothing is drawn, and
    // painting, hover and labels all check isValid() first.
    if (!m_projection.isValid())
        return;
    for (const Feature &f : m_geo->features.features) {
        QPainterPath path, borderPath;
        // Non-zero winding with outer rings and holes oriented oppositely: parts of one
        // province that overlap each other stay filled (odd-even would punch them out).
        path.setFillRule(Qt::WindingFill);
        QList<QPointF> dots;
        for (const Polygon &polygon : f.polygons) {
            const QTransform &t =
                m_projection.regions().at(m_projection.regionOf(polygon)).lonLatToPixel;
            const QRectF px = t.mapRect(ringBounds(polygon.outer));
            // Reefs of Trường Sa and islets of Hoàng Sa are a pixel or two at wall scale: they
            // must still show, so they get a solid dot of the province's colour and no outline
            // (an outline in the background colour would erase them).
            const bool tiny = std::max(px.width(), px.height()) < kMinShapePx;
            if (tiny)
                dots << px.center();
            auto addRing = [&](const Ring &ring, bool isHole) {
                // Projected points closer than half a pixel to the last one kept are dropped:
                // at wall scale most of a coastline's vertices fall inside one pixel, and every
                // vertex costs in the antialiased border stroke and the fill (the drawn shape
                // moves by under half a pixel, under the border line).
                QPolygonF poly;
                poly.reserve(ring.size());
                for (const QPointF &pt : ring) {
                    const QPointF q = t.map(pt);
                    if (!poly.isEmpty()) {
                        const QPointF d = q - poly.back();
                        if (d.x() * d.x() + d.y() * d.y() < kSimplifyPx * kSimplifyPx)
                            continue;
                    }
                    poly << q;
                }
                if (poly.size() < 4) { // too few left to keep its shape: all of them
                    poly.clear();
                    for (const QPointF &pt : ring)
                        poly << t.map(pt);
                }
                if ((signedArea(ring) < 0) != isHole) // outer counter-clockwise, holes clockwise
                    std::reverse(poly.begin(), poly.end());
                path.addPolygon(poly);
                path.closeSubpath();
                if (!tiny) {
                    borderPath.addPolygon(poly);
                    borderPath.closeSubpath();
                }
            };
            addRing(polygon.outer, false);
            for (const Ring &hole : polygon.holes)
                addRing(hole, true);
        }
        m_borderPaths << std::move(borderPath);
        m_dots << std::move(dots);
        int anchorPolygon = -1;
        const QPointF anchor = labelAnchor(f, &anchorPolygon);
        m_anchorsPx << (anchorPolygon >= 0
                            ? m_projection.toPixel(anchor,
                                                   m_projection.regionOf(f.polygons[anchorPolygon]))
                            : QPointF());
        const QRectF bounds = path.boundingRect();
        m_pathBounds << bounds;
        m_areasPx << bounds.width() * bounds.height();
        m_paths << std::move(path);
    }
}

int MapRenderer::featureAt(QPointF pixel) const {
    if (!m_geo || !m_projection.isValid())
        return -1;
    int region = -1;
    const QPointF lonLat = m_projection.toLonLat(pixel, &region);
    if (region < 0)
        return -1;
    const QList<Feature> &features = m_geo->features.features;
    for (int i = 0; i < features.size(); ++i) {
        if (!m_pathBounds[i].contains(pixel))
            continue;
        for (const Polygon &polygon : features[i].polygons) {
            if (m_projection.regionOf(polygon) == region && pointInPolygon(polygon, lonLat))
                return i;
        }
    }
    return -1;
}

namespace {

void drawHaloText(QPainter &p, const QRectF &rect, int flags, const QString &text,
                  const QColor &color, const QColor &halo) {
    // A 1px halo in the background colour keeps labels readable over any fill.
    p.setPen(halo);
    for (const QPointF &o : {QPointF(-1, 0), QPointF(1, 0), QPointF(0, -1), QPointF(0, 1)})
        p.drawText(rect.translated(o), flags, text);
    p.setPen(color);
    p.drawText(rect, flags, text);
}

// The same number of decimals for the whole legend: the fewest (0..3) that keep every class edge
// distinct and within 2% of the narrowest class of its true value (so "92 – 96" never stands for
// 92.45 – 95.61).
int legendDecimals(const QList<double> &edges) {
    double narrowest = std::numeric_limits<double>::infinity();
    for (qsizetype k = 1; k < edges.size(); ++k)
        narrowest = std::min(narrowest, edges[k] - edges[k - 1]);
    for (int d = 0; d < 3; ++d) {
        const double scale = std::pow(10, d);
        bool good = true;
        for (qsizetype k = 0; k < edges.size() && good; ++k) {
            const double rounded = std::round(edges[k] * scale) / scale;
            good = std::abs(rounded - edges[k]) <= 0.02 * narrowest &&
                   (k == 0 || rounded != std::round(edges[k - 1] * scale) / scale);
        }
        if (good)
            return d;
    }
    return 3;
}

QBrush noDataBrush(const MapStyle &style) {
    return QBrush(style.noDataHatch, Qt::BDiagPattern);
}

} // namespace

namespace {

using core::threadCpuMs;

double borderWidth(QSize size) {
    return std::max(0.6, std::min(size.width(), size.height()) / 1400.0);
}

} // namespace

// The border layer: every outline stroked once, antialiased, into a transparent image covering
// only the outlines' extent (a Viet Nam map is a third of a 4K tile wide). Runs on a worker
// thread: it reads the paths and writes nothing shared.
MapRenderer::BorderLayer MapRenderer::strokeBorders(const QList<QPainterPath> &paths, QSize size,
                                                    double width, const QColor &color) {
    const double cpu0 = threadCpuMs();
    QRectF extent;
    for (const QPainterPath &path : paths) {
        if (!path.isEmpty())
            extent =
                extent.isNull() ? path.controlPointRect() : extent.united(path.controlPointRect());
    }
    const QRect area = extent.adjusted(-width - 2, -width - 2, width + 2, width + 2)
                           .toAlignedRect()
                           .intersected(QRect(QPoint(0, 0), size));
    MapRenderer::BorderLayer out;
    out.at = area.topLeft();
    QImage layer(area.isEmpty() ? QSize(1, 1) : area.size(), QImage::Format_ARGB32_Premultiplied);
    layer.fill(Qt::transparent);
    QPainter p(&layer);
    p.setRenderHint(QPainter::Antialiasing, true);
    p.translate(-area.topLeft());
    p.setBrush(Qt::NoBrush);
    // Bevel joins within a piece (the pen's default, as before); round caps where two pieces
    // meet (round joins everywhere would double the stroker's work).
    p.setPen(QPen(color, width, Qt::SolidLine, Qt::RoundCap, Qt::BevelJoin));
    // In pieces of at most kStrokePiece segments: Qt's antialiasing rasterizer walks a whole
    // outline once per band of rows it renders, so one long outline (a province's coast) costs
    // far more than the same length in short pieces (42 against 24 ms CPU at 4K).
    constexpr qsizetype kStrokePiece = 32;
    for (const QPainterPath &path : paths) {
        for (const QPolygonF &line : path.toSubpathPolygons()) {
            for (qsizetype i = 0; i + 1 < line.size(); i += kStrokePiece) {
                const qsizetype n = std::min(kStrokePiece + 1, line.size() - i);
                p.drawPolyline(line.constData() + i, int(n));
            }
        }
    }
    p.end();
    out.image = std::move(layer);
    out.cpuMs = threadCpuMs() - cpu0;
    return out;
}

void MapRenderer::strokeBorderLayer(const QColor &color) {
    m_borderLayerColor = color;
    m_borderLayerUsed = false;
    m_borderLayerStartCpuMs = threadCpuMs();
    // It reads copies of the paths and writes nothing shared.
    m_borderLayer = std::async(std::launch::async, strokeBorders, m_borderPaths, m_size,
                               borderWidth(m_size), color)
                        .share();
}

QImage MapRenderer::render(const MapContent &content, const MapStyle &style, QImage canvas) {
    if (m_layoutDirty)
        layout();
    const QSize size = m_size.isEmpty() ? QSize(1, 1) : m_size;
    QImage image = canvas.size() == size &&
                           canvas.format() == QImage::Format_ARGB32_Premultiplied &&
                           canvas.isDetached()
                       ? std::move(canvas)
                       : QImage(size, QImage::Format_ARGB32_Premultiplied);
    image.fill(style.background);
    m_labels.clear();
    if (!m_geo || !m_projection.isValid())
        return image;
    const QList<Feature> &features = m_geo->features.features;
    const double borderW = borderWidth(m_size);

    QElapsedTimer timer;
    timer.start();
    auto lap = [&timer] { return double(timer.nsecsElapsed()) / 1e6; };
    m_timings = {};
    // Borders do not depend on the data: stroked once per layout (antialiased stroking of the
    // outlines is the largest single cost of a first render at 4K) on a worker thread that
    // layout() started, while this thread fills the provinces and draws the title, legend and
    // list, which lie outside the borders' pixels; then composited.
    if (!m_borderLayer.valid() || m_borderLayerColor != style.border)
        strokeBorderLayer(style.border);
    QPainter p(&image);
    p.setRenderHint(QPainter::TextAntialiasing, true);
    auto fillOf = [&](int i) {
        const int k = content.breaks.classOf(content.featureValues.value(i, qQNaN()));
        return k < 0 || k >= content.classColors.size() ? style.noData : content.classColors[k];
    };
    // Fills without antialiasing (2-3x cheaper at 4K); the antialiased borders drawn over them
    // smooth the edges.
    p.setRenderHint(QPainter::Antialiasing, false);
    for (int i = 0; i < features.size(); ++i) {
        const QColor fill = fillOf(i);
        p.setPen(Qt::NoPen);
        p.setBrush(fill);
        p.drawPath(m_paths[i]);
        if (fill == style.noData) {
            p.setBrush(noDataBrush(style));
            p.drawPath(m_paths[i]);
        }
    }
    m_timings.fillMs = lap();
    p.setRenderHint(QPainter::Antialiasing, true);
    drawTitleAndAttribution(p, content, style);
    drawLegend(p, content, style);
    drawRanking(p, content, style);
    m_timings.decorationsMs = lap() - m_timings.fillMs;

    if (!m_borderLayerUsed) {
        m_borderLayerUsed = true;
        m_timings.overlapCpuMs = threadCpuMs() - m_borderLayerStartCpuMs;
        const double waitFrom = lap();
        m_timings.layerCpuMs = m_borderLayer.get().cpuMs;
        m_timings.layerWaitMs = lap() - waitFrom;
    }
    const BorderLayer &layer = m_borderLayer.get();
    p.drawImage(layer.at, layer.image);
    p.setRenderHint(QPainter::Antialiasing, false); // crisp, exact-colour dots
    p.setPen(Qt::NoPen);
    for (int i = 0; i < features.size(); ++i) {
        if (m_dots[i].isEmpty())
            continue;
        p.setBrush(fillOf(i));
        for (const QPointF &c : m_dots[i])
            p.drawRect(QRectF(std::round(c.x() - kDotPx / 2), std::round(c.y() - kDotPx / 2),
                              kDotPx, kDotPx));
    }
    p.setRenderHint(QPainter::Antialiasing, true);
    p.setPen(QPen(style.highlight, borderW * 3.5));
    p.setBrush(Qt::NoBrush);
    for (int i = 0; i < features.size(); ++i) {
        if (content.highlighted.contains(features[i].code))
            p.drawPath(m_paths[i]);
    }
    m_timings.bordersMs = lap() - m_timings.fillMs - m_timings.decorationsMs;

    QFont font(style.fontFamily);
    // Inset frames with the archipelagos' names.
    QList<QRectF> obstacles{m_legendRect, m_titleRect, m_attributionRect};
    font.setPixelSize(int(m_labelPx));
    p.setFont(font);
    for (int r = 1; r < m_projection.regions().size(); ++r) {
        const ProjectionRegion &region = m_projection.regions()[r];
        if (region.boxPx.isEmpty())
            continue;
        p.setPen(QPen(style.insetFrame, borderW * 1.5));
        p.setBrush(Qt::NoBrush);
        p.drawRect(region.boxPx);
        const QRectF nameRect(region.boxPx.left() + 4, region.boxPx.top() + 2,
                              region.boxPx.width() - 8, m_labelPx * 1.4);
        // "Quần đảo Hoàng Sa" in a narrow frame: "Hoàng Sa" (the frame says it is the islands),
        // an ellipsis only if even that does not fit.
        const QFontMetricsF nameMetrics(font);
        QString name = region.label;
        if (nameMetrics.horizontalAdvance(name) > nameRect.width() && name.contains(u' '))
            name = name.section(u' ', 2);
        drawHaloText(p, nameRect, Qt::AlignLeft | Qt::AlignVCenter,
                     nameMetrics.elidedText(name.isEmpty() ? region.label : name, Qt::ElideRight,
                                            nameRect.width()),
                     style.text, style.textHalo);
        obstacles << nameRect;
    }

    if (content.showLabels) {
        const QFontMetricsF fm(font);
        QList<LabelCandidate> candidates;
        for (int i = 0; i < features.size(); ++i) {
            const Feature &f = features[i];
            double priority = m_areasPx[i];
            if (f.kind == QLatin1String("municipality"))
                priority += 1e12;
            if (content.highlighted.contains(f.code))
                priority += 1e13;
            candidates.append({i, m_anchorsPx[i],
                               QSizeF(fm.horizontalAdvance(f.name) + 2, fm.height()), priority});
        }
        m_labels = placeLabels(candidates, m_mapRect, obstacles);
        for (const PlacedLabel &l : m_labels)
            drawHaloText(p, l.rectPx, Qt::AlignCenter, features[l.featureIndex].name, style.text,
                         style.textHalo);
    }
    m_timings.labelsMs = lap() - m_timings.fillMs - m_timings.decorationsMs - m_timings.bordersMs;
    return image;
}

void MapRenderer::drawTitleAndAttribution(QPainter &p, const MapContent &content,
                                          const MapStyle &style) {
    QFont font(style.fontFamily);
    font.setPixelSize(int(m_titlePx));
    font.setBold(true);
    p.setFont(font);
    p.setPen(style.text);
    p.drawText(QRectF(m_titleRect.left(), m_titleRect.top(), m_titleRect.width(), m_titlePx * 1.3),
               Qt::AlignLeft | Qt::AlignVCenter, content.title);
    font.setBold(false);
    font.setPixelSize(int(m_legendPx));
    p.setFont(font);
    QStringList sub;
    if (!content.period.isEmpty())
        sub << content.period;
    if (const QString source = sourceLine(content); !source.isEmpty())
        sub << source;
    p.drawText(QRectF(m_titleRect.left(), m_titleRect.top() + m_titlePx * 1.35, m_titleRect.width(),
                      m_legendPx * 1.4),
               Qt::AlignLeft | Qt::AlignVCenter, sub.join(QStringLiteral(" · ")));

    // The CC BY-SA attribution must stay readable on small tiles: shrink to fit, then wrap.
    double attributionPx = std::max(8.0, m_legendPx * 0.7);
    font.setPixelSize(int(attributionPx));
    while (attributionPx > 8.0 &&
           QFontMetricsF(font).horizontalAdvance(content.attribution) > m_attributionRect.width()) {
        attributionPx -= 1.0;
        font.setPixelSize(int(attributionPx));
    }
    p.setFont(font);
    p.setPen(style.text.darker(130));
    const bool fits =
        QFontMetricsF(font).horizontalAdvance(content.attribution) <= m_attributionRect.width();
    const QRectF attributionRect =
        fits ? m_attributionRect
             : m_attributionRect.adjusted(0, -QFontMetricsF(font).height(), 0, 0);
    p.drawText(attributionRect, Qt::AlignRight | Qt::AlignVCenter | Qt::TextWordWrap,
               content.attribution);
}

void MapRenderer::drawRanking(QPainter &p, const MapContent &content, const MapStyle &style) {
    m_ranked.clear();
    if (m_rankingRect.isEmpty() || !content.showRanking || !m_geo)
        return;
    const QList<Feature> &features = m_geo->features.features;
    for (int i = 0; i < features.size(); ++i)
        if (std::isfinite(content.featureValues.value(i, qQNaN())))
            m_ranked << i;
    std::stable_sort(m_ranked.begin(), m_ranked.end(), [&content](int a, int b) {
        return content.featureValues[a] > content.featureValues[b];
    });
    const double line = m_legendPx * 1.5;
    const int rows = std::max(0, int((m_rankingRect.height() - line) / line));
    if (m_ranked.size() > rows)
        m_ranked.resize(rows);
    QFont font(style.fontFamily);
    font.setPixelSize(int(m_legendPx));
    font.setBold(true);
    p.setFont(font);
    p.setPen(style.text);
    double y = m_rankingRect.top();
    p.drawText(QRectF(m_rankingRect.left(), y, m_rankingRect.width(), line),
               Qt::AlignLeft | Qt::AlignVCenter,
               content.rankingTitle +
                   (content.unit.isEmpty()
                        ? QString()
                        : QStringLiteral(" (") + content.unit + QLatin1Char(')')));
    y += line;
    font.setBold(false);
    p.setFont(font);
    const QFontMetricsF fm(font);
    const double swatch = m_legendPx * 0.8;
    const double valueW = fm.horizontalAdvance(QStringLiteral("000.000,00"));
    for (qsizetype r = 0; r < m_ranked.size(); ++r) {
        const int i = m_ranked[r];
        const double v = content.featureValues[i];
        const int k = content.breaks.classOf(v);
        p.setPen(Qt::NoPen);
        p.setBrush(k >= 0 && k < content.classColors.size() ? content.classColors[k]
                                                            : style.noData);
        p.drawRect(QRectF(m_rankingRect.left(), y + (line - swatch) / 2, swatch, swatch));
        p.setPen(style.text);
        const QRectF nameRect(m_rankingRect.left() + swatch * 1.6, y,
                              m_rankingRect.width() - swatch * 1.6 - valueW, line);
        p.drawText(nameRect, Qt::AlignLeft | Qt::AlignVCenter,
                   fm.elidedText(QStringLiteral("%1. %2").arg(r + 1).arg(features[i].name),
                                 Qt::ElideRight, nameRect.width()));
        p.drawText(QRectF(m_rankingRect.right() - valueW, y, valueW, line),
                   Qt::AlignRight | Qt::AlignVCenter, formatValue(content.locale, v));
        y += line;
    }
}

void MapRenderer::drawLegend(QPainter &p, const MapContent &content, const MapStyle &style) {
    QFont font(style.fontFamily);
    font.setPixelSize(int(m_legendPx));
    const double line = m_legendPx * 1.55;
    const int classes = content.breaks.count();
    // Bottom-aligned in its box: header (unit, period), the classes (highest on top), no data.
    const double needed = line * (classes + 3);
    double y = m_legendRect.top() + std::max(0.0, m_legendRect.height() - needed);
    font.setBold(true);
    p.setFont(font);
    p.setPen(style.text);
    p.drawText(QRectF(m_legendRect.left(), y, m_legendRect.width(), line),
               Qt::AlignLeft | Qt::AlignVCenter,
               content.unit.isEmpty() ? QStringLiteral("Giá trị") : content.unit);
    y += line;
    font.setBold(false);
    p.setFont(font);
    p.drawText(QRectF(m_legendRect.left(), y, m_legendRect.width(), line),
               Qt::AlignLeft | Qt::AlignVCenter, content.period);
    y += line;
    const double swatchW = m_legendPx * 2.2, swatchH = line * 0.75;
    auto entry = [&](const QBrush &brush, const QBrush &overlay, const QString &text) {
        const QRectF swatch(m_legendRect.left(), y + (line - swatchH) / 2, swatchW, swatchH);
        p.setPen(QPen(style.border, 1));
        p.setBrush(brush);
        p.drawRect(swatch);
        if (overlay.style() != Qt::NoBrush) {
            p.setBrush(overlay);
            p.drawRect(swatch);
        }
        p.setPen(style.text);
        p.drawText(
            QRectF(swatch.right() + m_legendPx * 0.6, y, m_legendRect.width() - swatchW, line),
            Qt::AlignLeft | Qt::AlignVCenter, text);
        y += line;
    };
    const int decimals = legendDecimals(content.breaks.edges);
    auto edge = [&](int k) {
        return content.locale.toString(content.breaks.edges[k], 'f', decimals);
    };
    for (int k = classes - 1; k >= 0; --k) {
        const QString range = edge(k) + QStringLiteral(" – ") + edge(k + 1);
        entry(content.classColors.value(k), Qt::NoBrush, range);
    }
    entry(style.noData, noDataBrush(style), content.noDataText);
}

} // namespace opswall::maps
