#pragma once
// The shipped boundary sets (assets/geo, compiled in as Qt resources under :/opswall/geo/),
// decoded and triangulated once and shared read-only by every map tile of an engine. main() makes
// one and attaches it with opswall::provide(engine, library); a ChoroplethMap without one (a test,
// a preview) makes its own.

#include "aggregate.h"
#include "geometry.h"
#include "triangulate.h"

#include <QHash>
#include <QObject>

#include <memory>

namespace opswall::maps {

struct GeoSet {
    int units = 0; // 34 or 63
    FeatureSet features;
    QList<FeatureMesh> meshes; // one per feature, same order
};

class GeoLibrary : public QObject {
    Q_OBJECT
public:
    // resourceDir: where the .topo.json files are; the compiled-in resources by default.
    explicit GeoLibrary(QString resourceDir = QStringLiteral(":/opswall/geo"),
                        QObject *parent = nullptr);

    // nullptr and *error set when the set cannot be loaded; decode issues of single features are
    // in the returned set's features.issues.
    std::shared_ptr<const GeoSet> provinces(int units, QString *error);
    const Crosswalk &crosswalk(QString *error);

    static QString attribution();

private:
    QString m_dir;
    QHash<int, std::shared_ptr<const GeoSet>> m_sets;
    Crosswalk m_crosswalk;
    QString m_crosswalkError;
    bool m_crosswalkLoaded = false;
};

} // namespace opswall::maps
