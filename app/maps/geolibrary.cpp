#include "geolibrary.h"

#include "topojson.h"

#include <QFile>
#include <QLoggingCategory>

#include <utility>

namespace opswall::maps {

Q_LOGGING_CATEGORY(lcMaps, "opswall.maps")

GeoLibrary::GeoLibrary(QString resourceDir, QObject *parent)
    : QObject(parent)
    , m_dir(std::move(resourceDir)) {}

GeoLibrary::~GeoLibrary() {
    if (m_preloader.joinable())
        m_preloader.join();
}

QString GeoLibrary::attribution() {
    return QStringLiteral("Province boundaries: Open Development Mekong / Department of Survey and "
                          "Mapping of Viet Nam, CC BY-SA 4.0; modified (properties, 2025 merger)");
}

namespace {

// Reads and decodes one shipped set; touches nothing shared (preload() runs it on a worker).
GeoLibrary::LoadedSet loadSet(const QString &dir, int units) {
    GeoLibrary::LoadedSet out;
    const QString path = QStringLiteral("%1/vn-provinces-%2.topo.json").arg(dir).arg(units);
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        out.error = QStringLiteral("cannot read %1: %2").arg(path, file.errorString());
        return out;
    }
    auto set = std::make_shared<GeoSet>();
    set->units = units;
    set->features = decodeTopoJson(file.readAll(), QStringLiteral("provinces"));
    if (!set->features.ok()) {
        out.error = path + QStringLiteral(": ") + set->features.error;
        return out;
    }
    for (const GeometryIssue &issue : set->features.issues)
        qCInfo(lcMaps).noquote() << path << issue.message;
    out.set = std::move(set);
    return out;
}

bool knownUnits(int units) {
    return units == 34 || units == 63;
}

} // namespace

void GeoLibrary::preload(const QList<int> &units) {
    QList<int> todo;
    for (int u : units) {
        if (knownUnits(u) && !m_sets.contains(u) && !m_loading.contains(u) && !todo.contains(u))
            todo << u;
    }
    if (todo.isEmpty())
        return;
    // One worker decodes the sets in order; each set's result is ready as soon as it is done.
    auto promises =
        std::make_shared<std::vector<std::promise<LoadedSet>>>(std::size_t(todo.size()));
    for (qsizetype i = 0; i < todo.size(); ++i)
        m_loading.insert(todo[i], (*promises)[std::size_t(i)].get_future().share());
    if (m_preloader.joinable())
        m_preloader.join();
    m_preloader = std::thread([dir = m_dir, todo, promises] {
        for (qsizetype i = 0; i < todo.size(); ++i)
            (*promises)[std::size_t(i)].set_value(loadSet(dir, todo[i]));
    });
}

std::shared_ptr<const GeoSet> GeoLibrary::provinces(int units, QString *error) {
    if (!knownUnits(units)) {
        *error = QStringLiteral("no province map with %1 units (34 or 63)").arg(units);
        return nullptr;
    }
    if (const auto it = m_sets.constFind(units); it != m_sets.cend())
        return *it;
    LoadedSet loaded;
    if (const auto it = m_loading.constFind(units); it != m_loading.cend()) {
        loaded = it->get(); // decoded by preload(); waits if the worker is still at it
        m_loading.remove(units);
    } else {
        loaded = loadSet(m_dir, units);
    }
    if (!loaded.set) {
        *error = loaded.error;
        return nullptr;
    }
    m_sets.insert(units, loaded.set);
    return loaded.set;
}

const Crosswalk &GeoLibrary::crosswalk(QString *error) {
    if (!m_crosswalkLoaded) {
        m_crosswalkLoaded = true;
        QFile file(m_dir + QStringLiteral("/vn-province-merger-2025.csv"));
        if (!file.open(QIODevice::ReadOnly))
            m_crosswalkError =
                QStringLiteral("cannot read %1: %2").arg(file.fileName(), file.errorString());
        else
            m_crosswalk = parseCrosswalkCsv(file.readAll(), &m_crosswalkError);
    }
    if (!m_crosswalkError.isEmpty())
        *error = m_crosswalkError;
    return m_crosswalk;
}

std::shared_ptr<const GeoLibrary::DrawnMap> GeoLibrary::drawnMap(const QByteArray &key) const {
    return m_drawn.value(key).lock();
}

void GeoLibrary::keepDrawnMap(const QByteArray &key, const std::shared_ptr<const DrawnMap> &map) {
    for (auto it = m_drawn.begin(); it != m_drawn.end();)
        it = it->expired() ? m_drawn.erase(it) : std::next(it);
    m_drawn.insert(key, map);
    ++m_mapsDrawn;
}

std::shared_ptr<const MapRenderer> GeoLibrary::laidOut(const QByteArray &key) const {
    for (const auto &[k, renderer] : m_laidOut)
        if (k == key)
            return renderer;
    return nullptr;
}

void GeoLibrary::keepLaidOut(const QByteArray &key, std::shared_ptr<const MapRenderer> renderer) {
    m_laidOut.removeIf([&key](const auto &entry) { return entry.first == key; });
    m_laidOut.append({key, std::move(renderer)});
    while (m_laidOut.size() > kLaidOutKept)
        m_laidOut.removeFirst();
}

void GeoLibrary::recycleImage(const QImage &image) {
    if (!image.isNull() && image.cacheKey() != m_spareImage.cacheKey())
        m_spareImage = image;
}

QImage GeoLibrary::takeImage(QSize size) {
    if (m_spareImage.size() != size || !m_spareImage.isDetached())
        return {};
    return std::exchange(m_spareImage, QImage());
}

} // namespace opswall::maps
