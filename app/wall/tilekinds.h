#pragma once
// The tile kinds, in one table (tilekinds.cpp): adding a kind is one row there. Each kind has
// its binding's check (layout validation), the binding a new tile gets, and the QML component
// that draws it, by the module that provides it. Layout validation (layout.cpp), the API's
// tile.add and the list of kinds, and the renderer's kind -> component lookup (WallScene's
// kindSources, built from tileComponents()) all read this table.

#include "wall/jsonreader.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <QVariantMap>

#include <span>

namespace opswall::wall {

struct TileComponent {
    const char *module; // the build module that provides it: "wall" (always), "indicators",
                        // "video", "maps"
    const char *needs;  // a second module it needs, or nullptr
    const char *url;    // the QML component
};

struct TileKind {
    const char *name;           // "text"
    const char *description;    // for people, English
    const char *defaultBinding; // JSON object a new tile's binding starts from
    // Checks the binding (r is at "<tile>.binding"); nullptr: its module checks it when it binds.
    void (*validate)(const JsonReader &r, const QJsonObject &binding);
    TileComponent components[2]; // the first whose modules are built draws it
    // Drawn again in each display of a window that the tile spans (light content, or a picture
    // its items share, as a map's), rather than built once in the window and mirrored into the
    // others (qml/wall/TileLayer.qml). Measured (tests/bench/bench_topology, qml/wall/README.md
    // "How a layout becomes pixels"): for these kinds a mirror costs more than a copy on both
    // scene graphs we can measure (software; OpenGL on llvmpipe): its part is drawn anyway, into a
    // texture as large as the part (flipped into a second copy on the software scene graph), and
    // shown in one more frame; a recall took 1.6–4× longer to the next frame and the window held
    // 57–73 MiB more for 12 such tiles. Kinds whose content is costly to build (charts, tables,
    // video) are mirrored: built once per window.
    bool drawnPerDisplay = false;
    // Kept built, hidden, after it leaves the live layout, so that recalling a layout with it
    // again only shows it (qml/wall/TileListModel, "kept layouts"). Not for a kind that holds
    // something live while hidden (a video stream would go on being received and decoded).
    bool keptWhenHidden = true;
    // A hidden frame of this kind left by a switch is kept as a spare and given a new tile of the
    // kind by a later recall (its place, title and binding), instead of the recall building a
    // frame (qml/wall/TileListModel, "spare frames"). Only for a kind whose content takes a new
    // binding at once and whole, on the GUI thread: nothing read from a store or a feed, no
    // picture decoded, so the frame shows the new tile's content in the switch, never the old
    // one's.
    bool reusable = false;
};

std::span<const TileKind> tileKinds();
const TileKind *findTileKind(const QString &name); // nullptr when unknown
// Every kind's name, in table order.
QStringList knownTileKinds();
// The kinds drawn again in each display they span (TileKind::drawnPerDisplay); none when the
// environment has OPSWALL_MIRROR_EVERY_KIND=1 (every kind mirrored: the other configuration of
// tests/bench/bench_topology, and of tst_rendering tileSpanningDisplaysIsDrawnByItsKind).
QStringList perDisplayTileKinds();
// The kinds not kept built once hidden (TileKind::keptWhenHidden false).
QStringList unkeptTileKinds();
// The kinds whose hidden frames are reused for new tiles of the kind (TileKind::reusable).
QStringList reusableTileKinds();
// The binding a new tile of kind starts from ({} for an unknown kind).
QJsonObject defaultBinding(const QString &kind);
// kind -> QML component URL, for the kinds whose modules are in `modules` ("wall" is implied).
// Kinds whose module is not built have none: the renderer shows a placeholder.
QVariantMap tileComponents(const QStringList &modules);
// The table for the API (GET /api/v1/tile-kinds): name, description, defaultBinding, and
// whether this build draws it.
QJsonArray tileKindsJson(const QStringList &modules);

} // namespace opswall::wall
