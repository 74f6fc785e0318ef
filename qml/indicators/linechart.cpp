#include "linechart.h"

#include <QDateTime>
#include <QFontMetricsF>
#include <QPainter>
#include <QPainterPath>
#include <QQuickWindow>
#include <QSGImageNode>
#include <QSGTexture>
#include <QtMath>

#include <cmath>

namespace opswall::indicators {

namespace {
// Qt Charts' nice number (QValueAxisPrivate): 1, 2, 5 or 10 x 10^k.
qreal niceNumber(qreal x, bool ceiling) {
    const qreal z = std::pow(10.0, std::floor(std::log10(x)));
    const qreal q = x / z;
    if (ceiling)
        return (q <= 1.0 ? 1.0 : q <= 2.0 ? 2.0 : q <= 5.0 ? 5.0 : 10.0) * z;
    return (q < 1.5 ? 1.0 : q < 3.0 ? 2.0 : q < 7.0 ? 5.0 : 10.0) * z;
}

QFont labelFont(qreal px) {
    QFont f(QStringLiteral("Noto Sans"));
    f.setPixelSize(qMax(1, qRound(px)));
    return f;
}
} // namespace

ChartLine::ChartLine(WallLineChart *chart)
    : QObject(chart)
    , m_chart(chart) {}

void ChartLine::append(qreal x, qreal y) {
    QList<QPointF> p = m_points;
    p.append(QPointF(x, y));
    replace(p);
}

void ChartLine::setPoints(const QVariantList &points) {
    QList<QPointF> p;
    p.reserve(points.size());
    for (const QVariant &v : points)
        p << v.toPointF();
    replace(p);
}

void ChartLine::replace(const QList<QPointF> &points) {
    if (points == m_points)
        return;
    // Appended: every old point kept in place, new ones after them.
    const bool appended = points.size() > m_points.size() && !m_points.isEmpty() &&
                          std::equal(m_points.cbegin(), m_points.cend(), points.cbegin());
    const qsizetype from = appended ? m_points.size() : -1;
    m_points = points;
    m_chart->lineChanged(this, from);
    Q_EMIT pointsChanged();
}

void ChartLine::setColor(const QColor &c) {
    if (c == m_color)
        return;
    m_color = c;
    m_chart->lineChanged(this, -1);
    Q_EMIT styleChanged();
}

void ChartLine::setWidth(qreal w) {
    if (w == m_width)
        return;
    m_width = w;
    m_chart->lineChanged(this, -1);
    Q_EMIT styleChanged();
}

void ChartLine::setDashed(bool d) {
    if (d == m_dashed)
        return;
    m_dashed = d;
    m_chart->lineChanged(this, -1);
    Q_EMIT styleChanged();
}

WallLineChart::WallLineChart(QQuickItem *parent)
    : QQuickItem(parent)
    , m_locale(QLocale::Vietnamese, QLocale::Vietnam) {
    setFlag(ItemHasContents);
    m_bandUpper.setWidth(0);
    m_bandLower.setWidth(0);
}

QVariantList WallLineChart::earlierLines() const {
    QVariantList out;
    for (ChartLine *l : m_earlier)
        out << QVariant::fromValue<QObject *>(l);
    return out;
}

QObject *WallLineChart::series(int i) {
    if (i >= 0 && i < m_earlier.size())
        return m_earlier[i];
    ChartLine *fixed[] = {&m_line, &m_bandUpper, &m_bandLower, &m_forecast, &m_target};
    i -= int(m_earlier.size());
    return i >= 0 && i < 5 ? fixed[i] : nullptr;
}

QVariantList WallLineChart::ensureEarlierLines(int n) {
    if (n > m_earlier.size()) {
        while (m_earlier.size() < n) {
            auto *l = new ChartLine(this);
            l->setColor(m_line.color());
            l->setWidth(m_line.width());
            m_earlier << l;
        }
        Q_EMIT earlierLinesChanged();
    }
    return earlierLines();
}

void WallLineChart::setValueRange(qreal lo, qreal hi) {
    if (!std::isfinite(lo) || !std::isfinite(hi))
        return;
    if (hi <= lo)
        hi = lo + 1;
    const qreal range = niceNumber(hi - lo, true);
    const qreal step = niceNumber(range / 4, false); // 5 ticks, as Qt Charts' default
    const qreal min = std::floor(lo / step) * step;
    const qreal max = std::ceil(hi / step) * step;
    const int ticks = int(std::lround((max - min) / step)) + 1;
    const int decimals = step >= 1 ? 0 : step >= 0.1 ? 1 : 2;
    if (min == m_vMin && max == m_vMax && ticks == m_vTicks && decimals == m_vDecimals)
        return; // the range did not move: nothing to redraw
    m_vMin = min;
    m_vMax = max;
    m_vTicks = ticks;
    m_vDecimals = decimals;
    relayout();
}

void WallLineChart::setTimeRange(qreal minMs, qreal maxMs) {
    if (minMs == m_tMin && maxMs == m_tMax)
        return;
    m_tMin = minMs;
    m_tMax = maxMs > minMs ? maxMs : minMs + 1;
    relayout();
}

QString WallLineChart::valueLabel(qreal v) const {
    return m_locale.toString(std::fabs(v) < 1e-9 ? 0.0 : v, 'f', m_vDecimals);
}

void WallLineChart::relayout() {
    // Room for the widest value label on the left and one line of dates below (and whatever the
    // tile writes under the dates: bottomMargin).
    const QFontMetricsF fm(labelFont(m_textPx));
    qreal labelWidth = 0;
    const qreal step = m_vTicks > 1 ? (m_vMax - m_vMin) / (m_vTicks - 1) : 0;
    for (int i = 0; i < m_vTicks; ++i)
        labelWidth = qMax(labelWidth, fm.horizontalAdvance(valueLabel(m_vMin + i * step)));
    const qreal pad = qMax(6.0, m_textPx * 0.6);
    const qreal left = pad + labelWidth + pad * 0.6;
    const qreal top = m_topMargin + pad;
    // Half a date label of room on the right, so the last one is not cut.
    const qreal right = pad + fm.horizontalAdvance(QStringLiteral("00/0000")) / 2;
    const qreal bottom = pad + fm.height() * 1.3 + m_bottomMargin;
    m_plot =
        QRectF(left, top, qMax(1.0, width() - left - right), qMax(1.0, height() - top - bottom));
    Q_EMIT axesChanged();
    repaintAll();
}

QRectF WallLineChart::timeLabelsArea() const {
    // Where paint() writes the dates.
    const QFontMetricsF fm(labelFont(m_textPx));
    return {0, m_plot.bottom() + fm.height() * 0.2, width(), fm.height()};
}

void WallLineChart::repaintAll() {
    m_fullPending = true;
    ++m_fullRepaints;
    update();
    Q_EMIT repainted();
}

QPointF WallLineChart::map(const QPointF &v) const {
    return {m_plot.left() + (v.x() - m_tMin) / (m_tMax - m_tMin) * m_plot.width(),
            m_plot.bottom() - (v.y() - m_vMin) / (m_vMax - m_vMin) * m_plot.height()};
}

QPointF WallLineChart::mapToPosition(const QPointF &value, QObject *) const {
    return map(value);
}

void WallLineChart::lineChanged(ChartLine *line, qsizetype appendedFrom) {
    if (m_fullPending)
        return; // the whole chart is repainted anyway
    if (appendedFrom <= 0) {
        repaintAll();
        return;
    }
    // Only the new segments: from the last old point through the new ones.
    const QList<QPointF> &p = line->points();
    QPointF lo = map(p[appendedFrom - 1]), hi = lo;
    for (qsizetype i = appendedFrom; i < p.size(); ++i) {
        const QPointF at = map(p[i]);
        lo = QPointF(std::min(lo.x(), at.x()), std::min(lo.y(), at.y()));
        hi = QPointF(std::max(hi.x(), at.x()), std::max(hi.y(), at.y()));
    }
    const QRectF dirty(lo, hi);
    const qreal grow = line->width() / 2 + 2;
    repaintRect(dirty.adjusted(-grow, -grow, grow, grow).toAlignedRect());
    ++m_partialRepaints;
    Q_EMIT repainted();
}

void WallLineChart::repaintRect(const QRect &rect) {
    m_dirty = m_dirty.united(rect);
    update();
}

QSGNode *WallLineChart::updatePaintNode(QSGNode *oldNode, UpdatePaintNodeData *) {
    // The scene graph's synchronisation: the GUI thread waits, the item's state may be read.
    auto *node = static_cast<QSGImageNode *>(oldNode);
    QQuickWindow *win = window();
    const qreal dpr = win ? win->effectiveDevicePixelRatio() : 1.0;
    const QSize px(qCeil(width() * dpr), qCeil(height() * dpr));
    if (!win || px.isEmpty()) {
        delete node;
        return nullptr;
    }
    if (!node) {
        node = win->createImageNode();
        node->setOwnsTexture(true);
        node->setFiltering(QSGTexture::Nearest);
    }
    if (m_image.size() != px || m_image.devicePixelRatio() != dpr) {
        m_image = QImage(); // the old picture goes with the old texture, below
        m_fullPending = true;
    }
    const bool full = m_fullPending;
    const bool repaint = full || !m_dirty.isEmpty();
    if (repaint || !node->texture()) {
        // Let the texture's share of the picture go first (a one-pixel stand-in), so that
        // painting it in place does not copy it.
        if (node->texture())
            node->setTexture(win->createTextureFromImage(QImage(1, 1, QImage::Format_RGB32)));
        if (m_image.isNull()) {
            // Opaque, in the screen's format: the software scene graph's texture shares it.
            m_image = QImage(px, QImage::Format_RGB32);
            m_image.setDevicePixelRatio(dpr);
        }
        if (repaint) {
            QPainter p(&m_image);
            // A full repaint fills the whole image: its last column and row may reach past the
            // item's fractional width and height.
            const QRectF area = full ? QRectF(QPointF(), QSizeF(px) / dpr)
                                     : QRectF(m_dirty).intersected(boundingRect());
            if (!full)
                p.setClipRect(area);
            p.setCompositionMode(QPainter::CompositionMode_Source);
            p.fillRect(area, m_fill);
            p.setCompositionMode(QPainter::CompositionMode_SourceOver);
            paint(&p);
            m_dirty = QRect();
        }
        node->setTexture(win->createTextureFromImage(m_image));
        node->setRect(QRectF(QPointF(), QSizeF(px) / dpr));
        node->setSourceRect(QRectF(QPointF(), QSizeF(px)));
    }
    return node;
}

void WallLineChart::geometryChange(const QRectF &newGeometry, const QRectF &oldGeometry) {
    QQuickItem::geometryChange(newGeometry, oldGeometry);
    if (newGeometry.size() != oldGeometry.size())
        relayout();
}

#define OPSWALL_SETTER(Type, name, member, full)                                                   \
    void WallLineChart::name(Type v) {                                                             \
        if (member == v)                                                                           \
            return;                                                                                \
        member = v;                                                                                \
        Q_EMIT styleChanged();                                                                     \
        full;                                                                                      \
    }
OPSWALL_SETTER(const QColor &, setBandColor, m_bandColor, repaintAll())
OPSWALL_SETTER(const QColor &, setLabelsColor, m_labelsColor, repaintAll())
OPSWALL_SETTER(const QColor &, setGridColor, m_gridColor, repaintAll())
OPSWALL_SETTER(qreal, setTextPx, m_textPx, relayout())
OPSWALL_SETTER(qreal, setTopMargin, m_topMargin, relayout())
OPSWALL_SETTER(qreal, setBottomMargin, m_bottomMargin, relayout())
OPSWALL_SETTER(const QString &, setTimeFormat, m_timeFormat, repaintAll())
OPSWALL_SETTER(int, setTimeTickCount, m_timeTicks, repaintAll())
#undef OPSWALL_SETTER

void WallLineChart::setLanguage(const QString &l) {
    if (l == m_language)
        return;
    m_language = l;
    m_locale = l == QLatin1String("en") ? QLocale(QLocale::English, QLocale::UnitedStates)
                                        : QLocale(QLocale::Vietnamese, QLocale::Vietnam);
    Q_EMIT styleChanged();
    relayout();
}

void WallLineChart::drawLine(QPainter *p, const ChartLine &line, const QRectF &clip) const {
    const QList<QPointF> &pts = line.points();
    if (pts.size() < 2 || line.width() <= 0)
        return;
    QPolygonF poly;
    poly.reserve(pts.size());
    bool flat = true;
    for (const QPointF &v : pts) {
        poly << map(v);
        flat = flat && v.y() == pts.front().y();
    }
    if (!poly.boundingRect()
             .adjusted(-line.width(), -line.width(), line.width(), line.width())
             .intersects(clip))
        return;
    // A horizontal line (the target) needs no antialiasing: on whole pixels it is crisp.
    p->setRenderHint(QPainter::Antialiasing, !flat);
    if (flat)
        for (QPointF &q : poly)
            q.setY(std::round(q.y()));
    QPen pen(line.color(), line.width(), line.dashed() ? Qt::DashLine : Qt::SolidLine, Qt::FlatCap,
             Qt::RoundJoin);
    p->setPen(pen);
    p->setBrush(Qt::NoBrush);
    // Stroking is the cost of a chart: only the segments that cross the repainted rectangle are
    // stroked (all of them in a full repaint; one or two when a point was appended). A dashed
    // line is stroked whole, so that its dashes stay where they were.
    const QRectF reach =
        clip.adjusted(-line.width() - 1, -line.width() - 1, line.width() + 1, line.width() + 1);
    if (line.dashed() || reach.contains(poly.boundingRect())) {
        p->drawPolyline(poly);
        return;
    }
    qsizetype runStart = -1;
    for (qsizetype i = 1; i <= poly.size(); ++i) {
        const bool crosses =
            i < poly.size() &&
            QRectF(poly[i - 1], poly[i]).normalized().adjusted(-1, -1, 1, 1).intersects(reach);
        if (crosses && runStart < 0)
            runStart = i - 1;
        if (!crosses && runStart >= 0) {
            p->drawPolyline(poly.constData() + runStart, int(i - runStart));
            runStart = -1;
        }
    }
}

void WallLineChart::paint(QPainter *p) {
    const bool full = m_fullPending;
    m_fullPending = false;
    // Partial repaints arrive clipped to the dirty rectangle (the item's image keeps the rest).
    const QRectF clip = p->hasClipping() && !full ? p->clipBoundingRect() : boundingRect();
    const qreal step = m_vTicks > 1 ? (m_vMax - m_vMin) / (m_vTicks - 1) : 0;
    const QFont font = labelFont(m_textPx);
    const QFontMetricsF fm(font);

    // Grid and axis lines: one pixel, on whole pixels, no antialiasing.
    p->setRenderHint(QPainter::Antialiasing, false);
    p->setPen(QPen(m_gridColor, 1));
    for (int i = 0; i < m_vTicks; ++i) {
        const qreal y = std::round(map({m_tMin, m_vMin + i * step}).y());
        if (y >= clip.top() - 1 && y <= clip.bottom() + 1)
            p->drawLine(QPointF(m_plot.left(), y), QPointF(m_plot.right(), y));
    }
    const int tTicks = qMax(2, m_timeTicks);
    for (int i = 0; i < tTicks; ++i) {
        const qreal x = std::round(m_plot.left() + i * m_plot.width() / (tTicks - 1));
        if (x >= clip.left() - 1 && x <= clip.right() + 1)
            p->drawLine(QPointF(x, m_plot.top()), QPointF(x, m_plot.bottom()));
    }

    // The band (forecast interval) under the lines.
    p->setClipRect(m_plot.adjusted(-4, -4, 4, 4).intersected(clip), Qt::IntersectClip);
    const QList<QPointF> &up = m_bandUpper.points(), &low = m_bandLower.points();
    if (up.size() >= 2 && up.size() == low.size()) {
        QPolygonF band;
        for (const QPointF &v : up)
            band << map(v);
        for (qsizetype i = low.size() - 1; i >= 0; --i)
            band << map(low[i]);
        if (band.boundingRect().intersects(clip)) {
            p->setRenderHint(QPainter::Antialiasing, true);
            p->setPen(Qt::NoPen);
            p->setBrush(m_bandColor);
            p->drawPolygon(band);
        }
    }
    for (const ChartLine *l : m_earlier)
        drawLine(p, *l, clip);
    drawLine(p, m_line, clip);
    drawLine(p, m_forecast, clip);
    drawLine(p, m_target, clip);
    p->setClipping(false);

    // Labels: antialiased text only, and only those in the repainted rectangle.
    p->setRenderHint(QPainter::Antialiasing, false);
    p->setRenderHint(QPainter::TextAntialiasing, true);
    p->setFont(font);
    p->setPen(m_labelsColor);
    for (int i = 0; i < m_vTicks; ++i) {
        const qreal v = m_vMin + i * step;
        const qreal y = map({m_tMin, v}).y();
        const QRectF r(0, y - fm.height() / 2, m_plot.left() - qMax(6.0, m_textPx * 0.36),
                       fm.height());
        if (!r.intersects(clip))
            continue;
        p->drawText(r, Qt::AlignRight | Qt::AlignVCenter, valueLabel(v));
    }
    for (int i = 0; i < tTicks; ++i) {
        const qreal t = m_tMin + i * (m_tMax - m_tMin) / (tTicks - 1);
        const qreal x = m_plot.left() + i * m_plot.width() / (tTicks - 1);
        const QString label =
            QDateTime::fromMSecsSinceEpoch(qint64(std::llround(t))).toString(m_timeFormat);
        const qreal w = fm.horizontalAdvance(label);
        const QRectF r(x - w / 2 - 2, m_plot.bottom() + fm.height() * 0.2, w + 4, fm.height());
        if (r.intersects(clip))
            p->drawText(r, Qt::AlignCenter, label);
    }
}

} // namespace opswall::indicators
