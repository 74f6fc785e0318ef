#pragma once
// In-memory province geometry, shared by the TopoJSON and GeoJSON decoders: plain values in
// WGS84 longitude/latitude degrees (QPointF x = lon, y = lat). Rings are stored open (the closing
// point that repeats the first one is dropped). Decoders never throw: a bad feature is reported in
// FeatureSet::issues and left out (or kept with a warning), and the rest of the set still loads.

#include <QList>
#include <QPointF>
#include <QRectF>
#include <QString>
#include <QStringList>

namespace opswall::maps {

using Ring = QList<QPointF>;

struct Polygon {
    Ring outer;
    QList<Ring> holes;
};

struct Feature {
    QString code;           // GSO code, 2 digits, leading zero kept ("01")
    QString name;           // short Vietnamese name with diacritics ("Khánh Hòa")
    QString nameFull;       // "Tỉnh Khánh Hòa"
    QString kind;           // "province" | "municipality" | "country"
    QString code2025;       // 63-unit sets: the 34-unit province it belongs to from 2025-07-01
    QStringList mergedFrom; // 34-unit sets: the old 63-unit codes
    QList<Polygon> polygons;
    QRectF bounds; // lon/lat bounding box of all outer rings
};

enum class IssueSeverity { Invalid = 0, Warning, FeatureDropped, PartDropped };

struct GeometryIssue {
    IssueSeverity severity = IssueSeverity::Invalid;
    int featureIndex = -1; // index in the source document
    QString code;          // the feature's code when it has one
    QString message;       // for people: "feature 12 (code 56): ring 3 is not closed; closed it"
};

struct FeatureSet {
    QList<Feature> features;
    QList<GeometryIssue> issues;
    QString error; // non-empty when the document itself could not be read (nothing loaded)
    QRectF bounds;

    bool ok() const { return error.isEmpty(); }
    int indexOf(const QString &code) const;
    QStringList issueMessages() const;
};

// Bounds on what a decoder accepts, so a hostile or broken file cannot exhaust memory or time.
struct DecodeLimits {
    qsizetype maxBytes = 64 * 1024 * 1024;
    int maxFeatures = 5000;
    qsizetype maxPoints = 4'000'000;     // total decoded points in the set
    qsizetype maxRingPoints = 1'000'000; // one ring
    int maxParts = 20000;                // polygons + rings in one feature
};

// --- pure geometry helpers -------------------------------------------------------------------

double signedArea(const Ring &ring);        // shoelace, in squared degrees; > 0 counter-clockwise
double polygonArea(const Polygon &polygon); // |outer| - sum |holes|
bool pointInRing(const Ring &ring, QPointF p);
bool pointInPolygon(const Polygon &polygon, QPointF p); // inside outer and outside every hole
QRectF ringBounds(const Ring &ring);

// Finds one pair of crossing, non-adjacent edges (a uniform grid keeps this near linear).
// Returns true and the crossing point when the ring intersects itself.
bool ringSelfIntersects(const Ring &ring, QPointF *where = nullptr);

// Checks and repairs one decoded ring in place. Drops a repeated closing point, reports an
// unclosed GeoJSON ring (when closedExpected), removes consecutive duplicates, rejects NaN/inf and
// out-of-range coordinates and rings with fewer than 3 distinct points. Returns false when the
// ring is unusable; *message says why (or what was repaired, with the ring still usable).
enum class RingCheck { Invalid = 0, Good, Repaired, Unusable };
RingCheck checkRing(Ring &ring, bool closedExpected, QString *message);

// Runs the per-feature checks shared by both decoders (self-intersections, empty features,
// duplicate codes, bad codes), fills bounds, and appends issues. Called by the decoders at the end.
void finishFeatureSet(FeatureSet &set);

} // namespace opswall::maps
