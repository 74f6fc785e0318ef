#include "choroplethmap.h"

#include "core/engineservices.h"

#include <QElapsedTimer>
#include <QQmlEngine>
#include <QQuickWindow>
#include <QSGImageNode>

#include <cmath>

namespace opswall::maps {

ChoroplethMap::ChoroplethMap(QQuickItem *parent)
    : QQuickItem(parent) {
    setFlag(ItemHasContents, true);
    m_content.attribution = GeoLibrary::attribution();
}

ChoroplethMap::~ChoroplethMap() = default;

GeoLibrary *ChoroplethMap::library() {
    if (QQmlEngine *engine = qmlEngine(this)) {
        if (GeoLibrary *shared = opswall::lookup<GeoLibrary>(engine))
            return shared;
    }
    if (!m_ownLibrary)
        m_ownLibrary = std::make_unique<GeoLibrary>();
    return m_ownLibrary.get();
}

void ChoroplethMap::invalidate() {
    m_contentDirty = true;
    polish();
}

void ChoroplethMap::setSeries(const QHash<QString, double> &values, int dataUnits,
                              const SeriesInfo &info) {
    m_values = values;
    m_inputMessages.clear();
    m_dataUnits = dataUnits;
    const QString title = info.title.isEmpty() ? m_info.title : info.title;
    m_info = info;
    m_info.title = title;
    Q_EMIT dataChanged();
    invalidate();
}

void ChoroplethMap::setUnits(int units) {
    if (units == m_units)
        return;
    m_units = units;
    m_geo.reset();
    Q_EMIT unitsChanged();
    invalidate();
}

#define OPSWALL_SETTER(Name, Type, member, signal)                                                 \
    void ChoroplethMap::Name(Type v) {                                                             \
        if (member == v)                                                                           \
            return;                                                                                \
        member = v;                                                                                \
        Q_EMIT signal();                                                                           \
        invalidate();                                                                              \
    }

void ChoroplethMap::setDataUnits(int units) {
    if (units == m_dataUnits)
        return;
    m_dataUnits = units;
    Q_EMIT dataChanged();
    invalidate();
}

QVariantMap ChoroplethMap::values() const {
    QVariantMap out;
    for (auto it = m_values.cbegin(); it != m_values.cend(); ++it)
        out.insert(it.key(), it.value());
    return out;
}

namespace {

// QML hands numbers, numeric strings, null/undefined; anything not a finite number is no data.
QHash<QString, double> toNumbers(const QVariantMap &map, QStringList *messages) {
    QHash<QString, double> out;
    for (auto it = map.cbegin(); it != map.cend(); ++it) {
        bool ok = false;
        const double v = it.value().toDouble(&ok);
        if (ok && std::isfinite(v))
            out.insert(it.key(), v);
        else if (!it.value().isNull() && it.value().isValid())
            *messages << QStringLiteral("value for %1 is not a number ('%2'); shown as no data")
                             .arg(it.key(), it.value().toString());
    }
    return out;
}

} // namespace

void ChoroplethMap::setValues(const QVariantMap &values) {
    m_inputMessages.clear();
    m_values = toNumbers(values, &m_inputMessages);
    Q_EMIT dataChanged();
    invalidate();
}

OPSWALL_SETTER(setTitle, const QString &, m_info.title, dataChanged)
OPSWALL_SETTER(setUnit, const QString &, m_info.unit, dataChanged)
OPSWALL_SETTER(setPeriod, const QString &, m_info.period, dataChanged)
OPSWALL_SETTER(setSource, const QString &, m_info.source, dataChanged)
OPSWALL_SETTER(setWeightName, const QString &, m_info.aggregation.weightName, dataChanged)
OPSWALL_SETTER(setClassification, Classification, m_classification, styleChanged)
OPSWALL_SETTER(setClassCount, int, m_classCount, styleChanged)
OPSWALL_SETTER(setBreaks, const QList<qreal> &, m_breaks, styleChanged)
OPSWALL_SETTER(setPalette, Palette, m_palette, styleChanged)
OPSWALL_SETTER(setHighlighted, const QStringList &, m_highlighted, styleChanged)
OPSWALL_SETTER(setIslands, Islands, m_islands, styleChanged)
OPSWALL_SETTER(setShowLabels, bool, m_showLabels, styleChanged)
#undef OPSWALL_SETTER

void ChoroplethMap::setCentre(qreal v) {
    if (v == m_centre || (std::isnan(v) && std::isnan(m_centre)))
        return;
    m_centre = v;
    Q_EMIT styleChanged();
    invalidate();
}

ChoroplethMap::Aggregation ChoroplethMap::aggregation() const {
    switch (m_info.aggregation.rule) {
    case AggregationRule::Sum:
        return Sum;
    case AggregationRule::WeightedMean:
        return WeightedMean;
    case AggregationRule::Invalid:
        break;
    }
    return NoAggregation;
}

void ChoroplethMap::setAggregation(Aggregation v) {
    const AggregationRule rule = v == Sum            ? AggregationRule::Sum
                                 : v == WeightedMean ? AggregationRule::WeightedMean
                                                     : AggregationRule::Invalid;
    if (rule == m_info.aggregation.rule)
        return;
    m_info.aggregation.rule = rule;
    Q_EMIT dataChanged();
    invalidate();
}

QVariantMap ChoroplethMap::weights() const {
    QVariantMap out;
    for (auto it = m_info.weights.cbegin(); it != m_info.weights.cend(); ++it)
        out.insert(it.key(), it.value());
    return out;
}

void ChoroplethMap::setWeights(const QVariantMap &v) {
    QStringList ignored;
    m_info.weights = toNumbers(v, &ignored);
    Q_EMIT dataChanged();
    invalidate();
}

void ChoroplethMap::recompute() {
    QStringList messages = m_inputMessages;
    QString error;
    GeoLibrary *lib = library();
    if (!m_geo)
        m_geo = lib->provinces(m_units, &error);
    if (!m_geo) {
        messages << error;
    } else {
        // Parts left out of the shipped geometry matter to the viewer; repaired or warned-about
        // parts are drawn and only logged (GeoLibrary logs every issue once at load).
        for (const GeometryIssue &issue : m_geo->features.issues) {
            if (issue.severity != IssueSeverity::Warning)
                messages << issue.message;
        }
    }
    const int fromUnits = m_dataUnits == 0 ? m_units : m_dataUnits;
    QHash<QString, double> shown;
    if (!m_values.isEmpty()) {
        QString crosswalkError;
        const Crosswalk &crosswalk =
            fromUnits != m_units ? lib->crosswalk(&crosswalkError) : Crosswalk{};
        if (!crosswalkError.isEmpty())
            messages << crosswalkError;
        AggregationResult converted = convertUnits(crosswalk, m_values, fromUnits, m_units,
                                                   m_info.aggregation, m_info.weights);
        if (!converted.ok)
            messages << converted.error;
        messages << converted.messages;
        shown = std::move(converted.values);
    }
    m_content.featureValues.clear();
    QList<double> present;
    if (m_geo) {
        for (const Feature &f : m_geo->features.features) {
            const double v = shown.value(f.code, qQNaN());
            m_content.featureValues << v;
            if (std::isfinite(v))
                present << v;
        }
        for (auto it = shown.cbegin(); it != shown.cend(); ++it) {
            if (m_geo->features.indexOf(it.key()) < 0)
                messages << QStringLiteral(
                                "value for unknown province code '%1' ignored (map has %2 units)")
                                .arg(it.key())
                                .arg(m_units);
        }
    }
    ClassifyOptions options;
    options.method = m_classification == EqualIntervals   ? ClassificationMethod::EqualIntervals
                     : m_classification == ExplicitBreaks ? ClassificationMethod::ExplicitBreaks
                                                          : ClassificationMethod::Quantiles;
    options.classCount = m_classCount;
    options.breaks = m_breaks;
    if (m_palette == Diverging)
        options.centre = std::isfinite(m_centre) ? m_centre : 100.0; // indices: previous = 100
    QString classError;
    m_content.breaks = present.isEmpty() && options.method != ClassificationMethod::ExplicitBreaks
                           ? ClassBreaks{}
                           : classify(present, options, &classError);
    if (!classError.isEmpty())
        messages << classError;
    m_content.classColors = opswall::maps::classColors(
        m_palette == Diverging ? PaletteKind::Diverging : PaletteKind::Sequential, m_content.breaks,
        options.centre);
    m_content.title = m_info.title;
    m_content.unit = m_info.unit;
    m_content.period = m_info.period;
    m_content.source = m_info.source;
    m_content.highlighted = QSet<QString>(m_highlighted.cbegin(), m_highlighted.cend());
    m_content.showLabels = m_showLabels;
    messages.removeDuplicates();
    if (messages != m_messages) {
        m_messages = messages;
        Q_EMIT messagesChanged();
    }
}

void ChoroplethMap::geometryChange(const QRectF &newGeometry, const QRectF &oldGeometry) {
    QQuickItem::geometryChange(newGeometry, oldGeometry);
    if (newGeometry.size() != oldGeometry.size())
        polish();
}

void ChoroplethMap::itemChange(ItemChange change, const ItemChangeData &value) {
    QQuickItem::itemChange(change, value);
    if (change == ItemSceneChange && value.window)
        polish();
}

void ChoroplethMap::updatePolish() {
    // Draw in device pixels (a scaled wall output has a ratio above 1); item coordinates in the
    // API stay logical.
    m_dpr = window() ? window()->effectiveDevicePixelRatio() : 1.0;
    const QSize sizePx = (size() * m_dpr).toSize();
    if (sizePx.isEmpty())
        return;
    QElapsedTimer timer;
    timer.start();
    if (m_contentDirty || !m_geo) {
        recompute();
        m_contentDirty = false;
    }
    IslandLayout layout =
        m_islands == InsetBoxes ? IslandLayout::InsetBoxes : IslandLayout::InPlace;
    if (m_islands == Auto) // portrait and square tiles: archipelagos in insets, mainland larger
        layout = sizePx.width() < sizePx.height() * 1.2 ? IslandLayout::InsetBoxes
                                                        : IslandLayout::InPlace;
    m_renderer.setGeometry(m_geo, sizePx, layout);
    m_image = m_renderer.render(m_content);
    m_imageDirty = true;
    m_lastRenderMs = double(timer.nsecsElapsed()) / 1e6;
    ++m_renderCount;
    update();
    Q_EMIT rendered();
}

QSGNode *ChoroplethMap::updatePaintNode(QSGNode *oldNode, UpdatePaintNodeData *) {
    auto *node = static_cast<QSGImageNode *>(oldNode);
    if (m_image.isNull()) {
        delete node;
        return nullptr;
    }
    if (!node) {
        node = window()->createImageNode();
        node->setOwnsTexture(true);
    }
    if (m_imageDirty) {
        node->setTexture(window()->createTextureFromImage(m_image));
        m_imageDirty = false;
    }
    node->setRect(QRectF(QPointF(0, 0), QSizeF(m_image.size()) / m_dpr));
    return node;
}

QVariantMap ChoroplethMap::province(const QString &code) const {
    if (!m_geo)
        return {};
    const int i = m_geo->features.indexOf(code);
    if (i < 0)
        return {};
    const Feature &f = m_geo->features.features[i];
    const double v = m_content.featureValues.value(i, qQNaN());
    QVariantMap out{{QStringLiteral("code"), f.code},
                    {QStringLiteral("name"), f.name},
                    {QStringLiteral("nameFull"), f.nameFull},
                    {QStringLiteral("hasValue"), std::isfinite(v)},
                    {QStringLiteral("classIndex"), m_content.breaks.classOf(v)},
                    {QStringLiteral("unit"), m_info.unit},
                    {QStringLiteral("period"), m_info.period}};
    if (std::isfinite(v))
        out.insert(QStringLiteral("value"), v);
    return out;
}

QVariantList ChoroplethMap::placedLabels() const {
    QVariantList out;
    if (!m_geo)
        return out;
    for (const PlacedLabel &l : m_renderer.labels()) {
        const Feature &f = m_geo->features.features[l.featureIndex];
        out << QVariantMap{{QStringLiteral("code"), f.code},
                           {QStringLiteral("name"), f.name},
                           {QStringLiteral("x"), l.rectPx.x() / m_dpr},
                           {QStringLiteral("y"), l.rectPx.y() / m_dpr},
                           {QStringLiteral("width"), l.rectPx.width() / m_dpr},
                           {QStringLiteral("height"), l.rectPx.height() / m_dpr}};
    }
    return out;
}

QPointF ChoroplethMap::toPixel(qreal lon, qreal lat) const {
    const MapProjection &p = m_renderer.projection();
    if (!p.isValid())
        return {};
    const QPointF lonLat(lon, lat);
    return p.toPixel(lonLat, p.regionOfPoint(lonLat)) / m_dpr;
}

QVariantMap ChoroplethMap::provinceAt(qreal x, qreal y) const {
    const int i = m_renderer.featureAt(QPointF(x, y) * m_dpr);
    if (i < 0 || !m_geo)
        return {};
    return province(m_geo->features.features[i].code);
}

} // namespace opswall::maps
