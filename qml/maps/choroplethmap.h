#pragma once
// ChoroplethMap: a province map tile item. Values by province code (34 or 63 units; 63-unit data
// on a 34-unit map is aggregated by the indicator's rule, never the reverse), classified into
// colour classes, drawn by opswall::maps::MapRenderer into an image that a plain texture node
// shows: the same pixels on the software and OpenGL backends. Redrawn only when data, options or
// size change (in updatePolish, on the GUI thread).
//
// QML:   ChoroplethMap { units: 34; values: {"01": 101.6, ...}; unit: "%"; period: "12/2024" }
// C++:   map->setSeries(values, 63, {"Chỉ số", "12/2024", "Cục Thống kê"});

#include "maps/classify.h"
#include "maps/geolibrary.h"
#include "maps/maprenderer.h"
#include "maps/mapvalues.h"

#include <QHash>
#include <QImage>
#include <QPointer>
#include <QQuickItem>
#include <QVariantMap>
#include <QtQml/qqmlregistration.h>

#include <memory>

namespace opswall::maps {

// What the C++ side binds in one call (the feeds store will call setSeries on change).
struct SeriesInfo {
    QString unit;                     // "chỉ số (cùng kỳ năm trước = 100)"
    QString period;                   // "12/2024"
    QString source;                   // "Cục Thống kê"
    QString title;                    // optional; keeps the item's title when empty
    IndicatorAggregation aggregation; // how 63 -> 34 goes (Sum, or WeightedMean with weightName)
    QHash<QString, double> weights;   // WeightedMean: the weight series by the data's codes
};

class ChoroplethMap : public QQuickItem {
    Q_OBJECT
    QML_ELEMENT
    // The whole layout binding in one assignment (keys: app/maps/mapvalues.h), one redraw.
    Q_PROPERTY(QVariantMap binding READ binding WRITE setBinding NOTIFY dataChanged)
    Q_PROPERTY(int units READ units WRITE setUnits NOTIFY unitsChanged)
    Q_PROPERTY(int dataUnits READ dataUnits WRITE setDataUnits NOTIFY dataChanged)
    Q_PROPERTY(QVariantMap values READ values WRITE setValues NOTIFY dataChanged)
    Q_PROPERTY(QString title READ title WRITE setTitle NOTIFY dataChanged)
    Q_PROPERTY(QString unit READ unit WRITE setUnit NOTIFY dataChanged)
    Q_PROPERTY(QString period READ period WRITE setPeriod NOTIFY dataChanged)
    Q_PROPERTY(QString source READ source WRITE setSource NOTIFY dataChanged)
    Q_PROPERTY(Classification classification READ classification WRITE setClassification NOTIFY
                   styleChanged)
    Q_PROPERTY(int classCount READ classCount WRITE setClassCount NOTIFY styleChanged)
    Q_PROPERTY(QList<qreal> breaks READ breaks WRITE setBreaks NOTIFY styleChanged)
    Q_PROPERTY(Palette palette READ palette WRITE setPalette NOTIFY styleChanged)
    Q_PROPERTY(qreal centre READ centre WRITE setCentre NOTIFY styleChanged)
    Q_PROPERTY(Aggregation aggregation READ aggregation WRITE setAggregation NOTIFY dataChanged)
    Q_PROPERTY(QString weightName READ weightName WRITE setWeightName NOTIFY dataChanged)
    Q_PROPERTY(QVariantMap weights READ weights WRITE setWeights NOTIFY dataChanged)
    Q_PROPERTY(QStringList highlighted READ highlighted WRITE setHighlighted NOTIFY styleChanged)
    Q_PROPERTY(Islands islands READ islands WRITE setIslands NOTIFY styleChanged)
    Q_PROPERTY(bool showLabels READ showLabels WRITE setShowLabels NOTIFY styleChanged)
    Q_PROPERTY(QStringList messages READ messages NOTIFY messagesChanged)
    // The smallest text the wall-distance rule allows here, in item units (README "Text on the
    // wall"); 0: no minimum.
    Q_PROPERTY(qreal minTextPx READ minTextPx WRITE setMinTextPx NOTIFY styleChanged)
    Q_PROPERTY(QString attribution READ attribution CONSTANT)
    // The source line under the title as drawn: "Nguồn: ..." / "Source: ..." (prefix once).
    Q_PROPERTY(QString sourceLine READ sourceLine NOTIFY dataChanged)
    Q_PROPERTY(QRectF legendRect READ legendRect NOTIFY rendered)
    Q_PROPERTY(int renderCount READ renderCount NOTIFY rendered)
    Q_PROPERTY(QList<QColor> classColors READ classColors NOTIFY rendered)
    Q_PROPERTY(QList<qreal> classEdges READ classEdges NOTIFY rendered)

public:
    enum Classification { InvalidClassification = 0, Quantiles, EqualIntervals, ExplicitBreaks };
    Q_ENUM(Classification)
    enum Palette { InvalidPalette = 0, Sequential, Diverging };
    Q_ENUM(Palette)
    enum Aggregation { NoAggregation = 0, Sum, WeightedMean };
    Q_ENUM(Aggregation)
    enum Islands { InvalidIslands = 0, InPlace, InsetBoxes, Auto };
    Q_ENUM(Islands)

    explicit ChoroplethMap(QQuickItem *parent = nullptr);
    ~ChoroplethMap() override;

    // The C++ binding API: all of a series in one call, one redraw.
    void setSeries(const QHash<QString, double> &values, int dataUnits, const SeriesInfo &info);

    // Province under a point of this item: {code, name, nameFull, value (or undefined),
    // hasValue, classIndex}; an empty map when the point is on no province.
    Q_INVOKABLE QVariantMap provinceAt(qreal x, qreal y) const;
    // The value shown for a code ({} when unknown): for the API's query by province code.
    Q_INVOKABLE QVariantMap province(const QString &code) const;
    // The province labels drawn in the last render: [{code, name, x, y, width, height}], for
    // overlays and tests.
    Q_INVOKABLE QVariantList placedLabels() const;
    // How the last render used the tile: {mapRect, legendRect, rankingRect (empty: no list),
    // ranked: [{code, name, value}] top first, smallestTextPx}, in item units.
    Q_INVOKABLE QVariantMap layoutInfo() const;
    // Where a longitude/latitude is drawn in this item (inset boxes included), for overlays.
    Q_INVOKABLE QPointF toPixel(qreal lon, qreal lat) const;

    QVariantMap binding() const { return m_bindingSource; }
    void setBinding(const QVariantMap &binding);
    int units() const { return m_b.units; }
    void setUnits(int units);
    int dataUnits() const { return m_b.dataUnits; }
    void setDataUnits(int units);
    QVariantMap values() const;
    void setValues(const QVariantMap &values);
    QString title() const { return m_b.title; }
    void setTitle(const QString &v);
    QString unit() const { return m_b.unit; }
    void setUnit(const QString &v);
    QString period() const { return m_b.period; }
    void setPeriod(const QString &v);
    QString source() const { return m_b.source; }
    void setSource(const QString &v);
    Classification classification() const { return Classification(m_b.classification); }
    void setClassification(Classification v);
    int classCount() const { return m_b.classCount; }
    void setClassCount(int v);
    QList<qreal> breaks() const { return m_b.breaks; }
    void setBreaks(const QList<qreal> &v);
    Palette palette() const { return Palette(m_b.palette); }
    void setPalette(Palette v);
    qreal centre() const { return m_b.centre; }
    void setCentre(qreal v);
    Aggregation aggregation() const;
    void setAggregation(Aggregation v);
    QString weightName() const { return m_b.aggregation.weightName; }
    void setWeightName(const QString &v);
    QVariantMap weights() const;
    void setWeights(const QVariantMap &v);
    QStringList highlighted() const { return m_b.highlighted; }
    void setHighlighted(const QStringList &v);
    Islands islands() const;
    void setIslands(Islands v);
    bool showLabels() const { return m_b.showLabels; }
    void setShowLabels(bool v);
    QStringList messages() const { return m_messages; }
    qreal minTextPx() const { return m_minTextPx; }
    void setMinTextPx(qreal px);
    QString attribution() const { return GeoLibrary::attribution(); }
    QString sourceLine() const;
    QRectF legendRect() const {
        const QRectF r = m_renderer.legendRect();
        return QRectF(r.topLeft() / m_dpr, r.size() / m_dpr);
    }
    int renderCount() const { return m_renderCount; }
    QList<QColor> classColors() const { return m_content.classColors; }
    QList<qreal> classEdges() const { return m_content.breaks.edges; }

    // Last full render time (ms), for the benchmark and diagnostics.
    double lastRenderMs() const { return m_lastRenderMs; }
    MapRenderer::Timings lastRenderTimings() const { return m_renderer.lastTimings(); }

Q_SIGNALS:
    void unitsChanged();
    void dataChanged();
    void styleChanged();
    void messagesChanged();
    void rendered();

protected:
    void geometryChange(const QRectF &newGeometry, const QRectF &oldGeometry) override;
    void itemChange(ItemChange change, const ItemChangeData &value) override;
    void updatePolish() override;
    QSGNode *updatePaintNode(QSGNode *oldNode, UpdatePaintNodeData *) override;

private:
    void invalidate(); // data or style changed: recompute and redraw on the next polish
    void recompute();  // values -> per-feature values, classes, colours, messages
    GeoLibrary *library();
    QByteArray drawnKey(QSize sizePx, IslandLayout layout) const; // what this item draws

    std::unique_ptr<GeoLibrary> m_ownLibrary;
    std::shared_ptr<const GeoLibrary::DrawnMap> m_drawn; // this item's picture, maybe shared
    std::shared_ptr<const GeoSet> m_geo;
    MapBinding m_b; // everything the layout binds: values, options, style
    QVariantMap m_bindingSource;
    QStringList m_messages;

    MapRenderer m_renderer;
    MapContent m_content;
    QImage m_image;
    QPointer<GeoLibrary> m_imageLibrary; // where m_image goes back to for reuse
    bool m_imageDirty = false;
    bool m_contentDirty = true;
    int m_renderCount = 0;
    double m_lastRenderMs = 0;
    qreal m_dpr = 1.0; // device pixels per item unit, from the window at the last render
    qreal m_minTextPx = 0;
};

} // namespace opswall::maps
