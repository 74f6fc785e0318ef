pragma ComponentBehavior: Bound
import QtQuick
import OpsWall.Wall

// What one display shows: the canvas rectangle `source` (millimetres) scaled into this item. The
// tiles are not built here: TileLayer.qml builds each once per window and places it (or, on the
// other displays it spans, a view of its part) in this viewport, stacked by z under the briefing's
// overlays.
Rectangle {
    id: viewport

    required property var source // {x, y, width, height} in canvas millimetres

    readonly property real kx: width / source.width
    readonly property real ky: height / source.height

    color: WallScene.background
    clip: true

    BriefingOverlay {
        part: "dim"
        anchors.fill: parent
        z: 50000
        source: viewport.source
        kx: viewport.kx
        ky: viewport.ky
    }
    BriefingOverlay {
        part: "top"
        anchors.fill: parent
        z: 70000
        source: viewport.source
        kx: viewport.kx
        ky: viewport.ky
    }
}
