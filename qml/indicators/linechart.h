#pragma once
// WallLineChart: the line chart of a wall tile, drawn with QPainter into the item's own image,
// without Qt Charts' scene: a wall chart needs no interaction. It draws a
// value axis with nice numbers, a time axis, grid, lines (solid or dashed), a band between two
// lines, and nothing else (the tile adds its title and marks in QML).
//
// It repaints only what changed: when a line's new points extend its old ones (points appended)
// and neither axis moved, only the rectangle of the new segments is repainted; an axis or style
// change repaints the whole chart. Lines, band and text are antialiased; the grid, the axes and
// horizontal lines (the target) are drawn without antialiasing, on whole pixels.
//
// The image is painted in place, in the scene graph's synchronisation (as QQuickPaintedItem
// paints), and shown by an image node whose texture shares it. Not a QQuickPaintedItem: Qt's
// software painter node (6.4) keeps a stale copy of every new picture in its texture and copies
// the picture once per size before painting it (twice the memory of every chart). Here the node's
// texture is let go before each repaint, so the image is painted without being copied, and a new
// texture takes it after.
//
// Lines are ChartLine objects owned by the chart (line, forecastLine, targetLine, bandUpper,
// bandLower, and earlierLines made on demand); IndicatorData.fillSeries/fillForecast fill them.

#include <QColor>
#include <QImage>
#include <QList>
#include <QLocale>
#include <QPointF>
#include <QQuickItem>
#include <QRect>
#include <QVariantList>
#include <QtQml/qqmlregistration.h>

namespace opswall::indicators {

class WallLineChart;

class ChartLine : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("a WallLineChart makes its lines")
    Q_PROPERTY(int count READ count NOTIFY pointsChanged)
    Q_PROPERTY(QColor color READ color WRITE setColor NOTIFY styleChanged)
    Q_PROPERTY(qreal width READ width WRITE setWidth NOTIFY styleChanged)
    Q_PROPERTY(bool dashed READ dashed WRITE setDashed NOTIFY styleChanged)

public:
    explicit ChartLine(WallLineChart *chart);

    int count() const { return int(m_points.size()); }
    Q_INVOKABLE QPointF at(int i) const { return m_points.value(i); }
    Q_INVOKABLE void append(qreal x, qreal y);
    Q_INVOKABLE void clear() { replace({}); }
    // All points at once from QML ([Qt.point(x, y), ...]): one repaint, none when unchanged.
    Q_INVOKABLE void setPoints(const QVariantList &points);
    // New points; when they extend the old ones (old ones kept, new ones after them) the chart
    // repaints only the new segments.
    void replace(const QList<QPointF> &points);
    const QList<QPointF> &points() const { return m_points; }

    QColor color() const { return m_color; }
    void setColor(const QColor &c);
    qreal width() const { return m_width; }
    void setWidth(qreal w);
    bool dashed() const { return m_dashed; }
    void setDashed(bool d);

Q_SIGNALS:
    void pointsChanged();
    void styleChanged();

private:
    WallLineChart *m_chart;
    QList<QPointF> m_points;
    QColor m_color = Qt::white;
    qreal m_width = 2;
    bool m_dashed = false;
};

class WallLineChart : public QQuickItem {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(opswall::indicators::ChartLine *line READ line CONSTANT)
    Q_PROPERTY(opswall::indicators::ChartLine *forecastLine READ forecastLine CONSTANT)
    Q_PROPERTY(opswall::indicators::ChartLine *targetLine READ targetLine CONSTANT)
    Q_PROPERTY(opswall::indicators::ChartLine *bandUpper READ bandUpper CONSTANT)
    Q_PROPERTY(opswall::indicators::ChartLine *bandLower READ bandLower CONSTANT)
    // The years before the current one of a year-to-date series (oldest first).
    Q_PROPERTY(QVariantList earlierLines READ earlierLines NOTIFY earlierLinesChanged)
    // Every line (for tests and tools: count and series(i), as Qt Charts' ChartView has).
    Q_PROPERTY(int count READ count NOTIFY earlierLinesChanged)
    Q_PROPERTY(QColor bandColor READ bandColor WRITE setBandColor NOTIFY styleChanged)
    Q_PROPERTY(QColor labelsColor READ labelsColor WRITE setLabelsColor NOTIFY styleChanged)
    Q_PROPERTY(QColor gridColor READ gridColor WRITE setGridColor NOTIFY styleChanged)
    Q_PROPERTY(qreal textPx READ textPx WRITE setTextPx NOTIFY styleChanged)
    // Room above the plot (the tile's title).
    Q_PROPERTY(qreal topMargin READ topMargin WRITE setTopMargin NOTIFY styleChanged)
    // Room below the dates (a note under the chart: the forecast's model and error).
    Q_PROPERTY(qreal bottomMargin READ bottomMargin WRITE setBottomMargin NOTIFY styleChanged)
    // Axis numbers in the wall's language ("vi": 104,5; "en": 104.5).
    Q_PROPERTY(QString language READ language WRITE setLanguage NOTIFY styleChanged)
    Q_PROPERTY(QString timeFormat READ timeFormat WRITE setTimeFormat NOTIFY styleChanged)
    Q_PROPERTY(int timeTickCount READ timeTickCount WRITE setTimeTickCount NOTIFY styleChanged)
    // The axes: time in ms since the epoch; values as set by setValueRange (nice numbers).
    Q_PROPERTY(qreal timeMin READ timeMin NOTIFY axesChanged)
    Q_PROPERTY(qreal timeMax READ timeMax NOTIFY axesChanged)
    Q_PROPERTY(qreal valueMin READ valueMin NOTIFY axesChanged)
    Q_PROPERTY(qreal valueMax READ valueMax NOTIFY axesChanged)
    Q_PROPERTY(int valueTickCount READ valueTickCount NOTIFY axesChanged)
    Q_PROPERTY(QRectF plotArea READ plotArea NOTIFY axesChanged)
    // The band the dates are written in, under the plot, the width of the item.
    Q_PROPERTY(QRectF timeLabelsArea READ timeLabelsArea NOTIFY axesChanged)
    // Full repaints and partial (appended points only) repaints since construction.
    Q_PROPERTY(int fullRepaints READ fullRepaints NOTIFY repainted)
    Q_PROPERTY(int partialRepaints READ partialRepaints NOTIFY repainted)

public:
    explicit WallLineChart(QQuickItem *parent = nullptr);

    ChartLine *line() { return &m_line; }
    ChartLine *forecastLine() { return &m_forecast; }
    ChartLine *targetLine() { return &m_target; }
    ChartLine *bandUpper() { return &m_bandUpper; }
    ChartLine *bandLower() { return &m_bandLower; }
    QVariantList earlierLines() const;
    int count() const { return int(m_earlier.size()) + 5; }
    Q_INVOKABLE QObject *series(int i);
    // At least n earlier-year lines (styled as line), made as needed; returns earlierLines.
    Q_INVOKABLE QVariantList ensureEarlierLines(int n);

    // The value axis over [lo, hi] rounded out to nice numbers (about 5 ticks of 1, 2 or 5 x
    // 10^k, as Qt Charts' applyNiceNumbers). Nothing is repainted when the result is unchanged.
    Q_INVOKABLE void setValueRange(qreal lo, qreal hi);
    Q_INVOKABLE void setTimeRange(qreal minMs, qreal maxMs);
    // A value (time ms, value) in item coordinates.
    Q_INVOKABLE QPointF mapToPosition(const QPointF &value, QObject *series = nullptr) const;

    QColor bandColor() const { return m_bandColor; }
    void setBandColor(const QColor &c);
    QColor labelsColor() const { return m_labelsColor; }
    void setLabelsColor(const QColor &c);
    QColor gridColor() const { return m_gridColor; }
    void setGridColor(const QColor &c);
    qreal textPx() const { return m_textPx; }
    void setTextPx(qreal px);
    qreal topMargin() const { return m_topMargin; }
    void setTopMargin(qreal m);
    qreal bottomMargin() const { return m_bottomMargin; }
    void setBottomMargin(qreal m);
    QString language() const { return m_language; }
    void setLanguage(const QString &l);
    QString timeFormat() const { return m_timeFormat; }
    void setTimeFormat(const QString &f);
    int timeTickCount() const { return m_timeTicks; }
    void setTimeTickCount(int n);
    qreal timeMin() const { return m_tMin; }
    qreal timeMax() const { return m_tMax; }
    qreal valueMin() const { return m_vMin; }
    qreal valueMax() const { return m_vMax; }
    int valueTickCount() const { return m_vTicks; }
    QRectF plotArea() const { return m_plot; }
    QRectF timeLabelsArea() const;
    int fullRepaints() const { return m_fullRepaints; }
    int partialRepaints() const { return m_partialRepaints; }

    // Paints the chart, or the part in the painter's clip (a partial repaint).
    void paint(QPainter *painter);

    // ChartLine: its points changed; appendedFrom >= 0 when points from that index on were
    // appended to unchanged ones.
    void lineChanged(ChartLine *line, qsizetype appendedFrom);

Q_SIGNALS:
    void earlierLinesChanged();
    void styleChanged();
    void axesChanged();
    void repainted();

protected:
    void geometryChange(const QRectF &newGeometry, const QRectF &oldGeometry) override;
    QSGNode *updatePaintNode(QSGNode *oldNode, UpdatePaintNodeData *) override;

private:
    void relayout();
    void repaintAll();
    // A part of the image to paint again in the next synchronisation (item pixels).
    void repaintRect(const QRect &rect);
    QString valueLabel(qreal v) const;
    QPointF map(const QPointF &value) const;
    void drawLine(QPainter *p, const ChartLine &line, const QRectF &clip) const;

    ChartLine m_line{this}, m_forecast{this}, m_target{this}, m_bandUpper{this}, m_bandLower{this};
    QList<ChartLine *> m_earlier;
    QColor m_bandColor{0x33, 0x4e, 0xa1, 0xff};
    QColor m_labelsColor{0xc8, 0xd6, 0xe5};
    QColor m_gridColor{0x2c, 0x44, 0x5e};
    qreal m_textPx = 14;
    qreal m_topMargin = 0;
    qreal m_bottomMargin = 0;
    QString m_language = QStringLiteral("vi");
    QLocale m_locale;
    QString m_timeFormat = QStringLiteral("MM/yyyy");
    int m_timeTicks = 5;
    qreal m_tMin = 0, m_tMax = 1;
    qreal m_vMin = 0, m_vMax = 1;
    int m_vTicks = 5;
    int m_vDecimals = 0;
    QRectF m_plot;
    bool m_fullPending = true;
    QRect m_dirty;  // what to paint again when not all of it (united partial repaints)
    QImage m_image; // the picture, in device pixels; the node's texture shares it
    const QColor m_fill{0x10, 0x24, 0x3a};
    int m_fullRepaints = 0;
    int m_partialRepaints = 0;
};

} // namespace opswall::indicators
