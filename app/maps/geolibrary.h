#pragma once
// The shipped boundary sets (assets/geo, compiled in as Qt resources under :/opswall/geo/),
// decoded once (triangulated on first use) and shared read-only by every map tile of an engine.
// main() makes one and attaches it with opswall::provide(engine, library); a ChoroplethMap without
// one (a test, a preview) makes its own.

#include "aggregate.h"
#include "geometry.h"
#include "labels.h"
#include "triangulate.h"

#include <QByteArray>
#include <QHash>
#include <QImage>
#include <QObject>

#include <future>
#include <memory>
#include <mutex>
#include <thread>

namespace opswall::maps {

class MapRenderer;

struct GeoSet {
    int units = 0; // 34 or 63
    FeatureSet features;
    // One mesh per feature, same order: triangulated on first use and kept. The map draws through
    // a texture (QPainter), which does not need them, so loading a set does not pay for them.
    const QList<FeatureMesh> &meshes() const {
        std::call_once(m_meshesOnce, [this] { m_meshes = triangulate(features); });
        return m_meshes;
    }

private:
    mutable std::once_flag m_meshesOnce;
    mutable QList<FeatureMesh> m_meshes;
};

class GeoLibrary : public QObject {
    Q_OBJECT
public:
    // resourceDir: where the .topo.json files are; the compiled-in resources by default.
    explicit GeoLibrary(QString resourceDir = QStringLiteral(":/opswall/geo"),
                        QObject *parent = nullptr);
    ~GeoLibrary() override; // waits for a preload() still decoding

    // nullptr and *error set when the set cannot be loaded; decode issues of single features are
    // in the returned set's features.issues.
    std::shared_ptr<const GeoSet> provinces(int units, QString *error);
    // Starts decoding these sets on a worker thread and returns at once (main() calls it at
    // start-up, so that the first map tile does not decode on the GUI thread while the user
    // waits). provinces() takes a set from it, waiting for it if it is still being decoded.
    void preload(const QList<int> &units = {34, 63});
    const Crosswalk &crosswalk(QString *error);

    static QString attribution();

    // A drawn map that several items show: the wall makes one item per display a tile spans, and
    // they all draw the same picture. The first item to draw keeps it here under a key of what
    // it drew (content, size, layout); the others take it instead of drawing it again. Entries
    // live as long as an item holds them.
    struct DrawnMap {
        QImage image;
        QList<PlacedLabel> labels;
        QList<int> ranked;  // feature indices of the ranked side list, top first
        QRectF rankingRect; // where the list is (empty: none)
        double smallestTextPx = 0;
    };
    std::shared_ptr<const DrawnMap> drawnMap(const QByteArray &key) const;
    void keepDrawnMap(const QByteArray &key, const std::shared_ptr<const DrawnMap> &map);
    // Maps actually drawn (not taken from another item): for tests and the benchmark.
    int mapsDrawn() const { return m_mapsDrawn; }

    // A renderer already laid out for a set, a size and a layout (projected paths, the stroked
    // border layer): a new item of that size (another indicator, a tile recreated by a preset
    // recall) starts from a copy of it instead of projecting and stroking again. The copies
    // share their data. The last kLaidOutKept sizes are kept (a 4K border layer is 33 MB).
    static constexpr int kLaidOutKept = 2;
    std::shared_ptr<const MapRenderer> laidOut(const QByteArray &key) const;
    void keepLaidOut(const QByteArray &key, std::shared_ptr<const MapRenderer> renderer);

    // A picture an item no longer shows, kept (one) to be drawn over by the next render of that
    // size once nothing else holds it (the texture lets go of it after the next frame): a 4K
    // image is 33 MB, and a fresh one costs 8,100 page faults to fill.
    void recycleImage(const QImage &image);
    // The kept image when it has this size and only the library holds it; else a null image.
    QImage takeImage(QSize size);

    struct LoadedSet {
        std::shared_ptr<const GeoSet> set;
        QString error;
    };

private:
    QString m_dir;
    QHash<int, std::shared_ptr<const GeoSet>> m_sets;
    QHash<int, std::shared_future<LoadedSet>> m_loading; // preload() on a worker thread
    std::thread m_preloader;
    QHash<QByteArray, std::weak_ptr<const DrawnMap>> m_drawn;
    int m_mapsDrawn = 0;
    QList<std::pair<QByteArray, std::shared_ptr<const MapRenderer>>> m_laidOut; // newest last
    QImage m_spareImage;
    Crosswalk m_crosswalk;
    QString m_crosswalkError;
    bool m_crosswalkLoaded = false;
};

} // namespace opswall::maps
