pragma ComponentBehavior: Bound
import QtQuick
import QtQml.Models
import OpsWall.Wall

// The live layout's tiles, each built once for one window (an output, or the preview), whatever
// the number of displays it spans. A tile's frame and content are drawn in the display viewport
// that holds most of it (its home, in that display's pixels). Every other viewport of this window
// that the tile overlaps shows its part in one of two ways, by the tile's kind
// (WallScene.perDisplayKinds, from the tile-kind table):
// - drawn again: a light kind (text, clock, colour, image) or one whose picture is shared (a
//   map: every item of one tile at one size shows one drawing) gets a copy of the frame in that
//   viewport, in its pixels, clipped by it; a copy loads its own content;
// - mirrored: any other kind (a chart, a video) is shown there through a ShaderEffectSource
//   limited to that part (a texture the size of the part, drawn 1:1 where the displays' scales
//   agree), so that its content exists once.
// Either way bezel compensation and rotation apply to the part as to anything else in the
// viewport. A tile on no display of this window gets no frame here: the window's model
// (TileViewModel) holds only the tiles that overlap one of its viewports.
//
// A recall's new tiles arrive "staged" (TileListModel): built hidden, their content incubated
// asynchronously, each reported ready; the model then switches every window in one go. The tiles
// of the last layouts left stay "kept" (hidden, built, ready); a recall that has them again takes
// them as staged tiles that are built already. A tile that
// persists but moves onto this window from another arrives staged too (at its new place), and
// leaves the other window in the same switch.
Item {
    id: tileLayer

    // The window's DisplayViewport items (source, kx, ky); null entries are skipped.
    property var viewports: []

    visible: false

    // A recall still being built is not ready yet, as the tests' walk over the items sees it
    // (what waits for the wall to be drawn reads WallScene.readiness and TileListModel.staging
    // instead: WallApplication::tilesNotReady). A frame with no viewport left, waiting for its row
    // to go, is always ready: it loads nothing.
    readonly property bool tileReady: !WallScene.tiles.staging
    readonly property string tileId: WallScene.tiles.staging ? "(a recall being built)" : ""

    // The viewports of this window a tile overlaps: [{index, area}], the largest overlap first.
    function partsOf(xMm: real, yMm: real, wMm: real, hMm: real, views: var): var {
        const parts = []
        for (let i = 0; i < views.length; ++i) {
            const v = views[i]
            if (!v)
                continue
            const s = v.source
            const w = Math.min(xMm + wMm, s.x + s.width) - Math.max(xMm, s.x)
            const h = Math.min(yMm + hMm, s.y + s.height) - Math.max(yMm, s.y)
            if (w > 0 && h > 0)
                parts.push({ index: i, area: w * h })
        }
        parts.sort((a, b) => b.area - a.area || a.index - b.index)
        return parts
    }

    // This window's tiles: those that overlap one of its viewports.
    TileViewModel {
        id: windowTiles
        tiles: WallScene.tiles
        regions: tileLayer.viewports.map(v => v ? v.source : null)
    }

    Instantiator {
        model: windowTiles
        // A removed tile leaves the picture at once, not when its object is deleted later.
        onObjectRemoved: (index, object) => { if (object) object.retired = true }

        delegate: TileFrame {
            id: frame

            required property real xMm
            required property real yMm
            required property real widthMm
            required property real heightMm
            required property int zOrder
            required property int stackIndex
            required property bool staged
            required property bool keptRow
            required property int rowSerial

            readonly property var parts: tileLayer.partsOf(xMm, yMm, widthMm, heightMm,
                                                        tileLayer.viewports)
            // The viewports of the other parts (their indices, ascending), set only when that
            // set changes (the parts are recomputed each time the tile moves). The copies and
            // mirrors are made by number and each follows its entry of the list, so a tile that
            // moves (its home display changing with it) keeps them: only a change in their number
            // makes them again.
            property var otherPartViews: []
            property int otherPartCount: 0
            property string otherPartsKey: ""
            function updateOtherParts() {
                const views = parts.slice(1).map(p => p.index).sort((a, b) => a - b)
                const key = views.join(",")
                if (key === otherPartsKey)
                    return
                otherPartsKey = key
                otherPartViews = views
                otherPartCount = views.length
            }
            onPartsChanged: updateOtherParts()
            readonly property bool drawnPerDisplay:
                WallScene.perDisplayKinds.indexOf(kind) >= 0
            readonly property Item home: parts.length > 0 ? tileLayer.viewports[parts[0].index] : null
            readonly property real kx: home ? home.kx : 1
            readonly property real ky: home ? home.ky : 1

            parent: home ?? tileLayer
            inView: home !== null
            // A retired frame (its row is gone) leaves the picture at once, with its copies and
            // mirrored parts; it is deleted later.
            visible: inView && !staged && !retired
            x: home ? (xMm - home.source.x) * kx : 0
            y: home ? (yMm - home.source.y) * ky : 0
            width: widthMm * kx
            height: heightMm * ky
            pxPerMm: kx
            buildAhead: staged
            kept: keptRow
            // Equal z: later tiles of the layout draw on top. A briefing's focus tile is raised
            // above the dimming layer.
            z: (tileId !== "" && tileId === WallScene.presentation.focus
                && WallScene.presentation.blank !== true ? 60000 + zOrder : zOrder)
               + stackIndex / 65536

            // Staged: tell the model once this window's frame is ready to be shown.
            // A kept frame (staged too: hidden) is not waited for; when a recall takes it, it
            // stops being kept and reports itself ready at once if it is.
            readonly property bool stagedReady: staged && !kept && tileReady && copiesReady
                                                && !retired
            // The copies of the frame in the other viewports are built too.
            readonly property bool copiesReady: {
                for (let i = 0; i < copies.count; ++i) {
                    const c = copies.objectAt(i)
                    if (c && !c.tileReady)
                        return false
                }
                return true
            }
            onStagedReadyChanged: if (stagedReady) WallScene.tiles.stagedTileReady(windowTiles, tileId)
            onTileIdChanged: if (stagedReady) WallScene.tiles.stagedTileReady(windowTiles, tileId)
            // Kept (or built ahead of a layout expected next): tell the model once this window's
            // frame and copies have their content built, so that a recall may take it as it is.
            readonly property bool keptBuilt: keptRow && loaded && copiesLoaded && !retired
            readonly property bool copiesLoaded: {
                for (let i = 0; i < copies.count; ++i) {
                    const c = copies.objectAt(i)
                    if (c && !c.loaded)
                        return false
                }
                return true
            }
            onKeptBuiltChanged: WallScene.tiles.keptTileBuilt(windowTiles, rowSerial, keptBuilt)
            Component.onCompleted: {
                updateOtherParts()
                if (stagedReady)
                    WallScene.tiles.stagedTileReady(windowTiles, tileId)
                if (keptBuilt)
                    WallScene.tiles.keptTileBuilt(windowTiles, rowSerial, true)
            }

            // The tile drawn again in the other viewports it overlaps (drawnPerDisplay kinds).
            Instantiator {
                id: copies
                model: frame.drawnPerDisplay ? frame.otherPartCount : 0
                delegate: TileFrame {
                    required property int index
                    readonly property DisplayViewport viewport:
                        tileLayer.viewports[frame.otherPartViews[index] ?? -1] ?? null

                    tileId: frame.tileId
                    kind: frame.kind
                    title: frame.title
                    showFrame: frame.showFrame
                    binding: frame.binding
                    parent: viewport
                    inView: viewport !== null
                    retired: frame.retired
                    buildAhead: frame.buildAhead
                    kept: frame.kept
                    visible: frame.visible && viewport !== null
                    x: viewport ? (frame.xMm - viewport.source.x) * viewport.kx : 0
                    y: viewport ? (frame.yMm - viewport.source.y) * viewport.ky : 0
                    width: frame.widthMm * (viewport ? viewport.kx : 1)
                    height: frame.heightMm * (viewport ? viewport.ky : 1)
                    pxPerMm: viewport ? viewport.kx : 1
                    z: frame.z
                    titleOf: frame
                    // The title bar (at most two lines high) reaches into this display.
                    titleInView: viewport !== null
                                 && frame.yMm + 1.75 * Theme.titleBarMm > viewport.source.y
                }
            }

            // The tile's parts on the other displays of this window, mirrored (other kinds).
            Instantiator {
                model: frame.drawnPerDisplay ? 0 : frame.otherPartCount
                delegate: ShaderEffectSource {
                    id: part
                    required property int index
                    readonly property DisplayViewport viewport:
                        tileLayer.viewports[frame.otherPartViews[index] ?? -1] ?? null
                    readonly property rect src: viewport ? viewport.source : Qt.rect(0, 0, 1, 1)
                    // The part in canvas millimetres.
                    readonly property real x0: Math.max(frame.xMm, src.x)
                    readonly property real y0: Math.max(frame.yMm, src.y)
                    readonly property real x1: Math.min(frame.xMm + frame.widthMm, src.x + src.width)
                    readonly property real y1: Math.min(frame.yMm + frame.heightMm,
                                                        src.y + src.height)
                    // The part in the frame's pixels, widened to whole pixels (the software
                    // layer grabs whole pixels); the item is widened to match.
                    readonly property real fx: Math.floor((x0 - frame.xMm) * frame.kx)
                    readonly property real fy: Math.floor((y0 - frame.yMm) * frame.ky)
                    readonly property real fw: Math.ceil((x1 - frame.xMm) * frame.kx) - fx
                    readonly property real fh: Math.ceil((y1 - frame.yMm) * frame.ky) - fy
                    readonly property real sx: viewport ? viewport.kx / frame.kx : 1
                    readonly property real sy: viewport ? viewport.ky / frame.ky : 1

                    parent: viewport
                    visible: frame.visible && viewport !== null
                    x: viewport ? (frame.xMm - src.x) * viewport.kx + fx * sx : 0
                    y: viewport ? (frame.yMm - src.y) * viewport.ky + fy * sy : 0
                    width: fw * sx
                    height: fh * sy
                    z: frame.z
                    sourceItem: frame
                    sourceRect: Qt.rect(fx, fy, fw, fh)
                    // 1:1 where the two displays have the same pixels per millimetre.
                    smooth: Math.abs(sx - 1) > 1e-6 || Math.abs(sy - 1) > 1e-6
                    live: true
                    hideSource: false

                    // The software scene graph draws the part through a copy of the layer's
                    // picture that it remakes only when the item is updated: updated after each
                    // grab, or a part changed in two frames in a row keeps the first picture.
                    MirrorRefresh {
                        mirror: part
                    }
                }
            }
        }
    }
}
