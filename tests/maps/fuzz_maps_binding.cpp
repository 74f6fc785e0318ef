// Fuzzes a map tile's binding as a layout carries it (JSON -> mapBindingFromVariant ->
// computeMapValues on the shipped 34-unit set, 63-unit data): never a crash, every class index
// within the classes, every value shown finite or no data.
#include "maps/geolibrary.h"
#include "maps/mapvalues.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>

using namespace opswall::maps;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    static GeoLibrary library;
    static QString error;
    static const auto geo34 = library.provinces(34, &error);
    static const auto geo63 = library.provinces(63, &error);
    static const Crosswalk &crosswalk = library.crosswalk(&error);
    if (!geo34 || !geo63)
        std::abort();
    const QJsonDocument doc = QJsonDocument::fromJson(
        QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size)));
    const MapBinding b = mapBindingFromVariant(doc.object().toVariantMap());
    if (b.units != 34 && b.units != 63)
        std::abort();
    const auto &geo = b.units == 34 ? geo34 : geo63;
    const MapValues shown = computeMapValues(geo->features, crosswalk, b);
    if (shown.featureValues.size() != geo->features.features.size())
        std::abort();
    for (double v : shown.featureValues) {
        const int k = shown.breaks.classOf(v);
        if (k >= shown.breaks.count() || (std::isfinite(v) && shown.breaks.count() > 0 && k < 0))
            std::abort();
    }
    for (const Feature &f : geo->features.features)
        (void)provinceInfo(geo->features, shown, b, f.code);
    return 0;
}
