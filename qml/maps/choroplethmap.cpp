#include "choroplethmap.h"

#include "core/engineservices.h"

#include <QCryptographicHash>
#include <QDataStream>
#include <QElapsedTimer>
#include <QQmlEngine>
#include <QQuickWindow>
#include <QSGImageNode>

#include <cmath>
#include <utility>

namespace opswall::maps {

ChoroplethMap::ChoroplethMap(QQuickItem *parent)
    : QQuickItem(parent) {
    setFlag(ItemHasContents, true);
    m_content.attribution = GeoLibrary::attribution();
}

ChoroplethMap::~ChoroplethMap() {
    // The next map of this size draws into this one's picture instead of a fresh image. The
    // texture drawn from it holds it until the window's next sync deletes this item's node: ask
    // for that frame now, or the next map (laid out in a polish, before any sync) would find
    // the picture still held and draw into a fresh one (96 MB of new pages for a map over the
    // demo wall).
    if (m_imageLibrary && !m_image.isNull()) {
        m_drawn.reset();
        m_imageLibrary->recycleImage(std::exchange(m_image, QImage()));
        if (QQuickWindow *w = window())
            w->update();
    }
}

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
    m_b.values = values;
    m_b.messages.clear();
    m_b.dataUnits = dataUnits;
    if (!info.title.isEmpty())
        m_b.title = info.title;
    m_b.unit = info.unit;
    m_b.period = info.period;
    m_b.source = info.source;
    m_b.aggregation = info.aggregation;
    m_b.weights = info.weights;
    Q_EMIT dataChanged();
    invalidate();
}

void ChoroplethMap::setBinding(const QVariantMap &binding) {
    if (binding == m_bindingSource)
        return;
    m_bindingSource = binding;
    MapBinding b = mapBindingFromVariant(binding);
    if (b.units != m_b.units) {
        m_geo.reset();
        m_b = std::move(b);
        Q_EMIT unitsChanged();
    } else {
        m_b = std::move(b);
    }
    Q_EMIT dataChanged();
    Q_EMIT styleChanged();
    invalidate();
}

void ChoroplethMap::setUnits(int units) {
    if (units == m_b.units)
        return;
    m_b.units = units;
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

OPSWALL_SETTER(setDataUnits, int, m_b.dataUnits, dataChanged)
OPSWALL_SETTER(setTitle, const QString &, m_b.title, dataChanged)
OPSWALL_SETTER(setUnit, const QString &, m_b.unit, dataChanged)
OPSWALL_SETTER(setPeriod, const QString &, m_b.period, dataChanged)
OPSWALL_SETTER(setSource, const QString &, m_b.source, dataChanged)
OPSWALL_SETTER(setWeightName, const QString &, m_b.aggregation.weightName, dataChanged)
OPSWALL_SETTER(setClassCount, int, m_b.classCount, styleChanged)
OPSWALL_SETTER(setBreaks, const QList<qreal> &, m_b.breaks, styleChanged)
OPSWALL_SETTER(setHighlighted, const QStringList &, m_b.highlighted, styleChanged)
OPSWALL_SETTER(setShowLabels, bool, m_b.showLabels, styleChanged)
#undef OPSWALL_SETTER

namespace {
QVariantMap toVariant(const QHash<QString, double> &h) {
    QVariantMap out;
    for (auto it = h.cbegin(); it != h.cend(); ++it)
        out.insert(it.key(), it.value());
    return out;
}
} // namespace

QString ChoroplethMap::sourceLine() const {
    MapContent c;
    c.source = m_b.source;
    c.sourcePrefix = tr("Source");
    return maps::sourceLine(c);
}

QVariantMap ChoroplethMap::values() const {
    return toVariant(m_b.values);
}

void ChoroplethMap::setValues(const QVariantMap &values) {
    m_b.messages.clear();
    m_b.values = numbersByKey(values, &m_b.messages);
    Q_EMIT dataChanged();
    invalidate();
}

void ChoroplethMap::setClassification(Classification v) {
    const auto method = ClassificationMethod(v);
    if (method == m_b.classification)
        return;
    m_b.classification = method;
    Q_EMIT styleChanged();
    invalidate();
}

void ChoroplethMap::setPalette(Palette v) {
    const auto kind = PaletteKind(v);
    if (kind == m_b.palette)
        return;
    m_b.palette = kind;
    Q_EMIT styleChanged();
    invalidate();
}

ChoroplethMap::Islands ChoroplethMap::islands() const {
    switch (m_b.islands) {
    case IslandMode::InPlace:
        return InPlace;
    case IslandMode::InsetBoxes:
        return InsetBoxes;
    case IslandMode::Auto:
        break;
    }
    return Auto;
}

void ChoroplethMap::setIslands(Islands v) {
    const IslandMode mode = v == InPlace      ? IslandMode::InPlace
                            : v == InsetBoxes ? IslandMode::InsetBoxes
                                              : IslandMode::Auto;
    if (mode == m_b.islands)
        return;
    m_b.islands = mode;
    Q_EMIT styleChanged();
    invalidate();
}

void ChoroplethMap::setCentre(qreal v) {
    if (v == m_b.centre || (std::isnan(v) && std::isnan(m_b.centre)))
        return;
    m_b.centre = v;
    Q_EMIT styleChanged();
    invalidate();
}

ChoroplethMap::Aggregation ChoroplethMap::aggregation() const {
    switch (m_b.aggregation.rule) {
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
    if (rule == m_b.aggregation.rule)
        return;
    m_b.aggregation.rule = rule;
    Q_EMIT dataChanged();
    invalidate();
}

QVariantMap ChoroplethMap::weights() const {
    return toVariant(m_b.weights);
}

void ChoroplethMap::setWeights(const QVariantMap &v) {
    QStringList ignored;
    m_b.weights = numbersByKey(v, &ignored);
    Q_EMIT dataChanged();
    invalidate();
}

void ChoroplethMap::recompute() {
    QStringList messages = m_b.messages;
    QString error;
    GeoLibrary *lib = library();
    if (!m_geo)
        m_geo = lib->provinces(m_b.units, &error);
    m_content.featureValues.clear();
    m_content.breaks = {};
    m_content.classColors.clear();
    if (!m_geo) {
        messages << error;
    } else {
        // Parts left out of the shipped geometry matter to the viewer; repaired or warned-about
        // parts are drawn and only logged (GeoLibrary logs every issue once at load).
        for (const GeometryIssue &issue : m_geo->features.issues) {
            if (issue.severity != IssueSeverity::Warning)
                messages << issue.message;
        }
        const int fromUnits = m_b.dataUnits == 0 ? m_b.units : m_b.dataUnits;
        QString crosswalkError;
        const Crosswalk &crosswalk =
            fromUnits != m_b.units ? lib->crosswalk(&crosswalkError) : Crosswalk{};
        if (!crosswalkError.isEmpty())
            messages << crosswalkError;
        MapValues shown = computeMapValues(m_geo->features, crosswalk, m_b);
        messages << shown.messages;
        m_content.featureValues = std::move(shown.featureValues);
        m_content.breaks = std::move(shown.breaks);
        m_content.classColors = std::move(shown.classColors);
    }
    m_content.title = m_b.title;
    m_content.unit = m_b.unit;
    m_content.period = m_b.period;
    m_content.source = m_b.source;
    m_content.highlighted = QSet<QString>(m_b.highlighted.cbegin(), m_b.highlighted.cend());
    m_content.showLabels = m_b.showLabels;
    m_content.noDataText = tr("No data");
    m_content.sourcePrefix = tr("Source");
    m_content.rankingTitle = tr("Ranking");
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
        m_b.islands == IslandMode::InsetBoxes ? IslandLayout::InsetBoxes : IslandLayout::InPlace;
    // Auto: the archipelagos in inset frames beside the mainland at every aspect ratio; the
    // mainland is drawn larger and a wide tile keeps room for the ranked side list.
    if (m_b.islands == IslandMode::Auto)
        layout = IslandLayout::InsetBoxes;
    GeoLibrary *lib = library();
    // Another item of this size laid the map out already (projected paths, border layer):
    // start from a copy of its renderer (shared data) instead of projecting and stroking again.
    QByteArray layoutKey;
    {
        QDataStream out(&layoutKey, QIODevice::WriteOnly);
        out << m_b.units << sizePx << int(layout) << m_minTextPx * m_dpr;
    }
    if (!m_renderer.laidOutFor(m_geo, sizePx, layout, m_minTextPx * m_dpr)) {
        const std::shared_ptr<const MapRenderer> shared = lib->laidOut(layoutKey);
        if (shared && shared->laidOutFor(m_geo, sizePx, layout, m_minTextPx * m_dpr))
            m_renderer = *shared;
    }
    m_renderer.setMinTextPx(m_minTextPx * m_dpr);
    m_renderer.setGeometry(m_geo, sizePx, layout); // cheap; hover and the legend need it
    // The other items of the same tile (one per display it spans) draw the same picture: draw
    // it once.
    const QByteArray key = drawnKey(sizePx, layout);
    m_drawn = lib->drawnMap(key);
    if (!m_drawn) {
        auto drawn = std::make_shared<GeoLibrary::DrawnMap>();
        // Into the picture an item of this size showed last, when nothing holds it any more.
        drawn->image = m_renderer.render(m_content, {}, lib->takeImage(sizePx));
        drawn->labels = m_renderer.labels();
        drawn->ranked = m_renderer.rankedFeatures();
        drawn->rankingRect = m_renderer.rankingRect();
        drawn->smallestTextPx = m_renderer.smallestTextPx();
        m_drawn = drawn;
        lib->keepDrawnMap(key, m_drawn);
        const std::shared_ptr<const MapRenderer> kept = lib->laidOut(layoutKey);
        if (!kept || !kept->laidOutFor(m_geo, sizePx, layout, m_minTextPx * m_dpr) ||
            !kept->hasBorderLayer())
            lib->keepLaidOut(layoutKey, std::make_shared<const MapRenderer>(m_renderer));
    }
    lib->recycleImage(m_image); // the texture holds it until the next frame
    m_imageLibrary = lib;
    m_image = m_drawn->image;
    m_imageDirty = true;
    m_lastRenderMs = double(timer.nsecsElapsed()) / 1e6;
    ++m_renderCount;
    update();
    Q_EMIT rendered();
}

QByteArray ChoroplethMap::drawnKey(QSize sizePx, IslandLayout layout) const {
    QByteArray bytes;
    QDataStream out(&bytes, QIODevice::WriteOnly);
    out << m_b.units << sizePx << int(layout) << m_dpr << m_content.featureValues
        << m_content.breaks.edges << m_content.title << m_content.unit << m_content.period
        << m_content.source << m_content.attribution << m_content.showLabels
        << m_content.locale.name() << m_content.noDataText << m_content.sourcePrefix
        << m_content.rankingTitle << m_content.showRanking << m_minTextPx;
    for (const QColor &c : m_content.classColors)
        out << c.rgba();
    QStringList highlighted(m_content.highlighted.cbegin(), m_content.highlighted.cend());
    highlighted.sort();
    out << highlighted;
    return QCryptographicHash::hash(bytes, QCryptographicHash::Sha256);
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
    const MapValues shown{m_content.featureValues, m_content.breaks, m_content.classColors, {}};
    return provinceInfo(m_geo->features, shown, m_b, code);
}

QVariantList ChoroplethMap::placedLabels() const {
    QVariantList out;
    if (!m_geo || !m_drawn)
        return out;
    for (const PlacedLabel &l : m_drawn->labels) {
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

void ChoroplethMap::setMinTextPx(qreal px) {
    if (qFuzzyCompare(px + 1, m_minTextPx + 1))
        return;
    m_minTextPx = px;
    Q_EMIT styleChanged();
    polish();
}

QVariantMap ChoroplethMap::layoutInfo() const {
    QVariantMap out;
    if (!m_geo || !m_drawn)
        return out;
    const auto rect = [this](const QRectF &r) {
        return QRectF(r.topLeft() / m_dpr, r.size() / m_dpr);
    };
    QVariantList ranked;
    for (int i : m_drawn->ranked)
        ranked << QVariantMap{{QStringLiteral("code"), m_geo->features.features[i].code},
                              {QStringLiteral("name"), m_geo->features.features[i].name},
                              {QStringLiteral("value"), m_content.featureValues.value(i)}};
    out[QStringLiteral("ranked")] = ranked;
    out[QStringLiteral("rankingRect")] = rect(m_drawn->rankingRect);
    out[QStringLiteral("mapRect")] = rect(m_renderer.mapRect());
    out[QStringLiteral("legendRect")] = rect(m_renderer.legendRect());
    out[QStringLiteral("smallestTextPx")] = m_drawn->smallestTextPx / m_dpr;
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
