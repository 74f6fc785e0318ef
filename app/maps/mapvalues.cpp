#include "maps/mapvalues.h"

#include <cmath>

namespace opswall::maps {

namespace {

QString text(const QVariantMap &b, const char *key) {
    return b.value(QLatin1String(key)).toString();
}

// A number from the binding, or fallback with a message when present but not a number.
double number(const QVariantMap &b, const char *key, double fallback, QStringList *messages) {
    const auto it = b.constFind(QLatin1String(key));
    if (it == b.constEnd() || it->isNull() || !it->isValid())
        return fallback;
    bool ok = false;
    const double v = it->toDouble(&ok);
    if (ok && std::isfinite(v))
        return v;
    *messages << QStringLiteral("'%1' is not a number ('%2'); the default is used")
                     .arg(QLatin1String(key), it->toString().left(40));
    return fallback;
}

// One of the named choices, or the first with a message.
template<typename T>
T choice(const QVariantMap &b, const char *key,
         std::initializer_list<std::pair<const char *, T>> names, QStringList *messages) {
    const QString v = text(b, key);
    for (const auto &[name, value] : names)
        if (v == QLatin1String(name))
            return value;
    if (!v.isEmpty()) {
        QStringList known;
        for (const auto &n : names)
            known << QLatin1String(n.first);
        *messages << QStringLiteral("'%1' must be one of %2, not '%3'")
                         .arg(QLatin1String(key), known.join(QStringLiteral(", ")), v.left(40));
    }
    return names.begin()->second;
}

} // namespace

QHash<QString, double> numbersByKey(const QVariantMap &map, QStringList *messages) {
    QHash<QString, double> out;
    for (auto it = map.cbegin(); it != map.cend(); ++it) {
        bool ok = false;
        const double v = it.value().toDouble(&ok);
        if (ok && std::isfinite(v))
            out.insert(it.key(), v);
        else if (!it.value().isNull() && it.value().isValid())
            *messages << QStringLiteral("value for %1 is not a number ('%2'); shown as no data")
                             .arg(it.key(), it.value().toString().left(40));
    }
    return out;
}

MapBinding mapBindingFromVariant(const QVariantMap &b) {
    MapBinding m;
    QStringList &msg = m.messages;
    const auto units = [&](const char *key, int fallback) {
        const double v = number(b, key, fallback, &msg);
        if (v == 34 || v == 63 || (v == 0 && fallback == 0))
            return int(v);
        msg << QStringLiteral("'%1' must be 34 or 63, not %2").arg(QLatin1String(key)).arg(v);
        return fallback;
    };
    m.units = units("units", 34);
    m.dataUnits = units("dataUnits", 0);
    m.values = numbersByKey(b.value(QStringLiteral("values")).toMap(), &msg);
    m.title = text(b, "title");
    m.unit = text(b, "unit");
    m.period = text(b, "period");
    m.source = text(b, "source");
    m.classification =
        choice<ClassificationMethod>(b, "classification",
                                     {{"quantiles", ClassificationMethod::Quantiles},
                                      {"equal", ClassificationMethod::EqualIntervals},
                                      {"breaks", ClassificationMethod::ExplicitBreaks}},
                                     &msg);
    m.classCount = int(number(b, "classes", 5, &msg));
    for (const QVariant &v : b.value(QStringLiteral("breaks")).toList()) {
        bool ok = false;
        const double d = v.toDouble(&ok);
        if (ok && std::isfinite(d))
            m.breaks << d;
        else
            msg << QStringLiteral("a class break is not a number ('%1')")
                       .arg(v.toString().left(40));
    }
    m.palette = choice<PaletteKind>(
        b, "palette",
        {{"sequential", PaletteKind::Sequential}, {"diverging", PaletteKind::Diverging}}, &msg);
    m.centre = number(b, "centre", qQNaN(), &msg);
    m.aggregation.rule = choice<AggregationRule>(b, "aggregation",
                                                 {{"", AggregationRule::Invalid},
                                                  {"sum", AggregationRule::Sum},
                                                  {"weightedMean", AggregationRule::WeightedMean}},
                                                 &msg);
    m.aggregation.weightName = text(b, "weightName");
    m.weights = numbersByKey(b.value(QStringLiteral("weights")).toMap(), &msg);
    m.highlighted = b.value(QStringLiteral("highlight")).toStringList();
    m.islands = choice<IslandMode>(b, "islands",
                                   {{"auto", IslandMode::Auto},
                                    {"inplace", IslandMode::InPlace},
                                    {"inset", IslandMode::InsetBoxes}},
                                   &msg);
    m.showLabels = b.value(QStringLiteral("showLabels"), true).toBool();
    return m;
}

MapValues computeMapValues(const FeatureSet &features, const Crosswalk &crosswalk,
                           const MapBinding &binding) {
    MapValues out;
    const int fromUnits = binding.dataUnits == 0 ? binding.units : binding.dataUnits;
    QHash<QString, double> shown;
    if (!binding.values.isEmpty()) {
        AggregationResult converted =
            convertUnits(crosswalk, binding.values, fromUnits, binding.units, binding.aggregation,
                         binding.weights);
        if (!converted.ok)
            out.messages << converted.error;
        out.messages << converted.messages;
        shown = std::move(converted.values);
    }
    QList<double> present;
    for (const Feature &f : features.features) {
        const double v = shown.value(f.code, qQNaN());
        out.featureValues << v;
        if (std::isfinite(v))
            present << v;
    }
    for (auto it = shown.cbegin(); it != shown.cend(); ++it)
        if (features.indexOf(it.key()) < 0)
            out.messages << QStringLiteral(
                                "value for unknown province code '%1' ignored (map has %2 units)")
                                .arg(it.key())
                                .arg(binding.units);
    ClassifyOptions options;
    options.method = binding.classification;
    options.classCount = binding.classCount;
    options.breaks = binding.breaks;
    if (binding.palette == PaletteKind::Diverging)
        options.centre = std::isfinite(binding.centre) ? binding.centre : 100.0;
    QString classError;
    out.breaks = present.isEmpty() && options.method != ClassificationMethod::ExplicitBreaks
                     ? ClassBreaks{}
                     : classify(present, options, &classError);
    if (!classError.isEmpty())
        out.messages << classError;
    out.classColors = classColors(binding.palette, out.breaks, options.centre);
    return out;
}

QVariantMap provinceInfo(const FeatureSet &features, const MapValues &shown,
                         const MapBinding &binding, const QString &code) {
    const int i = features.indexOf(code);
    if (i < 0)
        return {};
    const Feature &f = features.features[i];
    const double v = shown.featureValues.value(i, qQNaN());
    const int k = shown.breaks.classOf(v);
    QVariantMap out{
        {QStringLiteral("code"), f.code},           {QStringLiteral("name"), f.name},
        {QStringLiteral("nameFull"), f.nameFull},   {QStringLiteral("hasValue"), std::isfinite(v)},
        {QStringLiteral("classIndex"), k},          {QStringLiteral("unit"), binding.unit},
        {QStringLiteral("period"), binding.period}, {QStringLiteral("title"), binding.title},
        {QStringLiteral("source"), binding.source}};
    if (std::isfinite(v))
        out.insert(QStringLiteral("value"), v);
    if (k >= 0) {
        out.insert(QStringLiteral("classFrom"), shown.breaks.edges[k]);
        out.insert(QStringLiteral("classTo"), shown.breaks.edges[k + 1]);
    }
    return out;
}

} // namespace opswall::maps
