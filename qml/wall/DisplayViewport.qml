pragma ComponentBehavior: Bound
import QtQuick
import OpsWall.Wall

// What one display shows: the canvas rectangle `source` (millimetres) scaled into this item.
// Tiles outside the source rectangle are not instantiated here.
Rectangle {
    id: viewport

    required property var source // {x, y, width, height} in canvas millimetres

    readonly property real kx: width / source.width
    readonly property real ky: height / source.height

    color: WallScene.background
    clip: true

    Repeater {
        model: WallScene.tiles
        delegate: TileFrame {
            required property real xMm
            required property real yMm
            required property real widthMm
            required property real heightMm
            required property int zOrder

            inView: xMm < viewport.source.x + viewport.source.width
                    && xMm + widthMm > viewport.source.x
                    && yMm < viewport.source.y + viewport.source.height
                    && yMm + heightMm > viewport.source.y
            visible: inView
            x: (xMm - viewport.source.x) * viewport.kx
            y: (yMm - viewport.source.y) * viewport.ky
            width: widthMm * viewport.kx
            height: heightMm * viewport.ky
            // A briefing's focus tile is raised above the dimming layer.
            z: tileId !== "" && tileId === WallScene.presentation.focus
               && WallScene.presentation.blank !== true ? 60000 + zOrder : zOrder
            pxPerMm: viewport.kx
        }
    }

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
