pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import OpsWall.Console

// One staged tile in the miniature: drawn where it is, outlined by what happened to it (added,
// moved, changed), dragged to move, resized by its handles. Alt while dragging: no snapping.
Item {
    id: tile

    required property Item canvas
    required property string tileId
    required property string kind
    required property string title
    required property real xMm
    required property real yMm
    required property real widthMm
    required property real heightMm
    required property int zOrder
    required property bool selected
    required property string editState

    readonly property real mm: canvas.mm
    readonly property bool editable: canvas.view.mayEdit
    objectName: "tile-" + tileId
    x: canvas.ox + xMm * mm
    y: canvas.oy + yMm * mm
    width: widthMm * mm
    height: heightMm * mm
    // The wall's stacking; selected tiles on top so their handles can be reached.
    z: 1000 + zOrder + (selected ? 100000 : 0)

    readonly property color kindColor: ({
        "video": "#2c7be5", "map": "#1f9d74", "kpi": "#c9841a", "chart": "#b75cd6",
        "bar": "#b75cd6", "table": "#8a6cc9", "text": "#687a8c", "clock": "#4a90a4",
        "image": "#7a8c5a", "color": "#555555", "alerts": "#c0392b" })[kind] || "#5a6a7a"

    Rectangle {
        anchors.fill: parent
        color: Qt.rgba(tile.kindColor.r, tile.kindColor.g, tile.kindColor.b,
                       tile.canvas.showPictures ? 0.18 : 0.55)
        border.width: tile.selected ? 3 : 2
        border.color: tile.selected ? Look.selection
                      : tile.editState === "added" ? Look.added
                      : tile.editState === "moved" ? Look.moved
                      : tile.editState === "changed" ? Look.changed : tile.kindColor
    }
    Rectangle {
        x: 2
        y: 2
        width: Math.min(parent.width - 4, label.implicitWidth + 8)
        height: label.implicitHeight + 2
        color: "#c0000000"
        visible: parent.width > 30 && parent.height > 14
        Label {
            id: label
            x: 4
            text: (tile.title ? tile.title : tile.tileId) + " · " + tile.kind
            color: Look.text
            font.pixelSize: 11
            elide: Text.ElideRight
            width: Math.min(implicitWidth, tile.width - 12)
        }
    }

    // Move (and select: Ctrl+click adds to the selection).
    MouseArea {
        id: body
        objectName: "tileBody"
        anchors.fill: parent
        cursorShape: tile.editable ? Qt.SizeAllCursor : Qt.ArrowCursor
        property point start
        property rect startRect
        property bool moved: false
        onPressed: (mouse) => {
            tile.canvas.forceActiveFocus()
            if (mouse.modifiers & Qt.ControlModifier)
                tile.canvas.staged.select(tile.tileId, true)
            else if (!tile.selected)
                tile.canvas.staged.select(tile.tileId, false)
            if (!tile.editable)
                return
            start = mapToItem(tile.canvas, mouse.x, mouse.y)
            startRect = Qt.rect(tile.xMm, tile.yMm, tile.widthMm, tile.heightMm)
            moved = false
            tile.canvas.staged.beginGesture(tile.tileId)
        }
        onPositionChanged: (mouse) => {
            if (!tile.editable || !pressed)
                return
            const p = mapToItem(tile.canvas, mouse.x, mouse.y)
            const dx = (p.x - start.x) / tile.mm
            const dy = (p.y - start.y) / tile.mm
            moved = true
            tile.canvas.staged.updateGesture(startRect.x + dx, startRect.y + dy, startRect.width,
                                             startRect.height, "move",
                                             tile.canvas.snapping(mouse.modifiers))
        }
        onReleased: if (tile.editable) tile.canvas.staged.endGesture()
    }

    // Resize handles on the selected tile: corners and edges.
    Repeater {
        model: tile.selected && tile.editable
               ? [["l", 0, 0.5], ["r", 1, 0.5], ["t", 0.5, 0], ["b", 0.5, 1],
                  ["lt", 0, 0], ["rt", 1, 0], ["lb", 0, 1], ["rb", 1, 1]] : []
        delegate: Rectangle {
            id: handle
            required property var modelData
            readonly property string edges: modelData[0]
            objectName: "handle-" + edges
            width: 10
            height: 10
            x: modelData[1] * tile.width - width / 2
            y: modelData[2] * tile.height - height / 2
            color: Look.selection
            border.color: "black"
            MouseArea {
                anchors.fill: parent
                anchors.margins: -3
                cursorShape: handle.edges === "l" || handle.edges === "r" ? Qt.SizeHorCursor
                             : handle.edges === "t" || handle.edges === "b" ? Qt.SizeVerCursor
                             : handle.edges === "lt" || handle.edges === "rb" ? Qt.SizeFDiagCursor
                             : Qt.SizeBDiagCursor
                property point start
                property rect startRect
                onPressed: (mouse) => {
                    start = mapToItem(tile.canvas, mouse.x, mouse.y)
                    startRect = Qt.rect(tile.xMm, tile.yMm, tile.widthMm, tile.heightMm)
                    tile.canvas.staged.beginGesture(tile.tileId)
                }
                onPositionChanged: (mouse) => {
                    if (!pressed)
                        return
                    const p = mapToItem(tile.canvas, mouse.x, mouse.y)
                    const dx = (p.x - start.x) / tile.mm
                    const dy = (p.y - start.y) / tile.mm
                    let l = startRect.x, t = startRect.y
                    let r = startRect.x + startRect.width, b = startRect.y + startRect.height
                    if (handle.edges.indexOf("l") >= 0) l = Math.min(l + dx, r - 10)
                    if (handle.edges.indexOf("r") >= 0) r = Math.max(r + dx, l + 10)
                    if (handle.edges.indexOf("t") >= 0) t = Math.min(t + dy, b - 10)
                    if (handle.edges.indexOf("b") >= 0) b = Math.max(b + dy, t + 10)
                    tile.canvas.staged.updateGesture(l, t, r - l, b - t, handle.edges,
                                                     tile.canvas.snapping(mouse.modifiers))
                }
                onReleased: tile.canvas.staged.endGesture()
            }
        }
    }
}
