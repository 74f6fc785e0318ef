pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import OpsWall.Console

// The wall in miniature, to scale: displays with their bezels, IDs and state, the live picture of
// each display (from the wall's output pictures), and the staged tiles on top, which are moved and
// resized here. Tiles are drawn where they are on the wallCanvas (millimetres).
FocusScope {
    id: wallCanvas
    objectName: "wallCanvas"

    required property Item view
    property bool showPictures: true
    readonly property WallSession session: view.session
    readonly property QtObject staged: view.staged

    readonly property rect area: staged.canvasMm
    readonly property real margin: 24
    // Pixels per millimetre.
    readonly property real mm: area.width > 0 ? Math.min((width - 2 * margin) / area.width,
                                                         (height - 2 * margin - 24) / area.height) : 1
    readonly property real ox: (width - area.width * mm) / 2 - area.x * mm
    readonly property real oy: margin + 24 - area.y * mm

    function toMm(px: real, py: real): point {
        return Qt.point((px - ox) / mm, (py - oy) / mm)
    }
    function toPx(xMm: real, yMm: real): point {
        return Qt.point(ox + xMm * mm, oy + yMm * mm)
    }
    // Fill the display under the first selected tile's centre, or every display the selection
    // covers.
    function fillUnderSelection(all: bool) {
        const sel = staged.selection
        if (sel.length === 0)
            return
        if (!all) {
            const t = staged.tile(sel[0])
            staged.fillDisplayAt(t.rect.x + t.rect.width / 2, t.rect.y + t.rect.height / 2)
            return
        }
        let ids = []
        for (let i = 0; i < sel.length; ++i) {
            const r = staged.tile(sel[i]).rect
            ids = ids.concat(staged.displaysUnder(r.x, r.y, r.width, r.height))
        }
        staged.fillDisplays(ids)
    }
    // The output index and region of a display, from /wall's outputs.
    function regionOf(displayId: string): var {
        const outputs = session.wall.outputs || []
        for (let i = 0; i < outputs.length; ++i) {
            const regions = outputs[i].regions || []
            for (let k = 0; k < regions.length; ++k)
                if (regions[k].display === displayId)
                    return { output: i, rect: Qt.rect(regions[k].x, regions[k].y, regions[k].width, regions[k].height),
                             size: Qt.size(outputs[i].width, outputs[i].height) }
        }
        return null
    }
    function stateOf(displayId: string): var {
        const states = session.wall.displayStates || []
        for (let i = 0; i < states.length; ++i)
            if (states[i].display === displayId)
                return states[i]
        return null
    }

    activeFocusOnTab: true
    clip: true

    // Alt held (while the wall view has the keyboard) suspends snapping, as Alt in a drag does.
    property bool snapSuspended: false
    Keys.onPressed: (event) => { if (event.key === Qt.Key_Alt) snapSuspended = true }
    Keys.onReleased: (event) => { if (event.key === Qt.Key_Alt) snapSuspended = false }
    onActiveFocusChanged: if (!activeFocus) snapSuspended = false
    function snapping(modifiers: int): bool {
        return !(modifiers & Qt.AltModifier) && !snapSuspended
    }

    Rectangle {
        anchors.fill: parent
        color: Look.window
        border.color: wallCanvas.activeFocus ? Look.accent : "transparent"
    }

    Label {
        x: wallCanvas.margin
        y: 6
        text: wallCanvas.view.mayEdit
              ? (wallCanvas.staged.dirty ? qsTr("Staged copy — the wall still shows the live layout. Publish to make it live.")
                                     : qsTr("The live layout. Changes are staged until you publish them."))
              : qsTr("View only: %1").arg(wallCanvas.view.whyNot("layout.set"))
        color: wallCanvas.staged.dirty ? Look.selection : Look.muted
        objectName: "canvasHint"
    }
    CheckBox {
        id: picturesBox
        objectName: "picturesBox"
        anchors.right: parent.right
        y: 0
        text: qsTr("Live picture")
        checked: wallCanvas.showPictures
        onToggled: wallCanvas.showPictures = checked
    }

    // Empty wall: click to clear the selection and take the keyboard; drag a rubber band to select
    // every tile it touches (Shift or Ctrl adds to the selection).
    MouseArea {
        id: bandArea
        objectName: "bandArea"
        anchors.fill: parent
        property point from: Qt.point(0, 0)
        property bool banding: false
        property var keep: []
        onPressed: (mouse) => {
            wallCanvas.forceActiveFocus()
            from = Qt.point(mouse.x, mouse.y)
            banding = false
            keep = (mouse.modifiers & (Qt.ShiftModifier | Qt.ControlModifier)) ? wallCanvas.staged.selection : []
            if (keep.length === 0)
                wallCanvas.staged.clearSelection()
        }
        onPositionChanged: (mouse) => {
            if (!banding && Math.abs(mouse.x - from.x) + Math.abs(mouse.y - from.y) < 4)
                return
            banding = true
            band.x = Math.min(from.x, mouse.x)
            band.y = Math.min(from.y, mouse.y)
            band.width = Math.abs(mouse.x - from.x)
            band.height = Math.abs(mouse.y - from.y)
            const a = wallCanvas.toMm(band.x, band.y)
            wallCanvas.staged.selectInRect(a.x, a.y, band.width / wallCanvas.mm, band.height / wallCanvas.mm,
                                           keep)
        }
        onReleased: banding = false
        onCanceled: banding = false
    }

    // Displays: outer rectangle (the bezel), the active area with its part of the live picture.
    Repeater {
        model: wallCanvas.session.wall.displays || []
        delegate: Rectangle {
            id: display
            required property var modelData
            readonly property var region: wallCanvas.regionOf(modelData.id)
            readonly property var health: wallCanvas.stateOf(modelData.id)
            readonly property bool off: health !== null && health.power === "off"
            readonly property bool unreachable: health !== null && health.bound && health.polled && !health.reachable
            objectName: "display-" + modelData.id
            x: wallCanvas.ox + modelData.xMm * wallCanvas.mm
            y: wallCanvas.oy + modelData.yMm * wallCanvas.mm
            width: modelData.widthMm * wallCanvas.mm
            height: modelData.heightMm * wallCanvas.mm
            color: Look.bezel
            Rectangle {
                id: active
                x: display.modelData.bezelMm.left * wallCanvas.mm
                y: display.modelData.bezelMm.top * wallCanvas.mm
                width: display.width - (display.modelData.bezelMm.left + display.modelData.bezelMm.right) * wallCanvas.mm
                height: display.height - (display.modelData.bezelMm.top + display.modelData.bezelMm.bottom) * wallCanvas.mm
                color: display.off ? "#000000" : "#101a24"
                SnapshotView {
                    anchors.fill: parent
                    visible: wallCanvas.showPictures && display.region !== null && !display.off
                    session: wallCanvas.session
                    output: display.region ? display.region.output : -1
                    sourceRect: display.region ? display.region.rect : Qt.rect(0, 0, 0, 0)
                    outputSize: display.region ? display.region.size : Qt.size(0, 0)
                    opacity: 0.85
                }
            }
            // ID and state, bottom-left.
            Rectangle {
                x: 4
                y: display.height - height - 4
                width: idLabel.implicitWidth + 8
                height: idLabel.implicitHeight + 4
                color: "#b0000000"
                radius: 2
                Label {
                    id: idLabel
                    anchors.centerIn: parent
                    font.pixelSize: 11
                    color: display.unreachable ? Look.bad : display.off ? Look.warn : Look.muted
                    text: display.modelData.label + " · ID " + display.modelData.deviceId
                          + (display.health === null || !display.health.bound ? ""
                             : display.unreachable ? " · " + qsTr("no answer")
                             : display.health.power ? " · " + (display.off ? qsTr("off") : qsTr("on")) : "")
                          + (display.health && display.health.alertSeverity ? " · ⚠" : "")
                }
            }
        }
    }

    // The staged tiles, lowest z first.
    Repeater {
        id: tiles
        model: wallCanvas.staged
        delegate: TileItem {
            canvas: wallCanvas
        }
    }

    // The rubber band while it is drawn.
    Rectangle {
        id: band
        objectName: "rubberBand"
        visible: bandArea.banding
        color: "#303da5ff"
        border.color: Look.accent
        z: 10001
    }

    // Snap guides while dragging.
    Rectangle {
        objectName: "guideX"
        visible: wallCanvas.staged.guide.x !== undefined && wallCanvas.staged.guide.x >= 0
        x: wallCanvas.ox + (wallCanvas.staged.guide.x || 0) * wallCanvas.mm
        y: 0
        width: 1
        height: wallCanvas.height
        color: Look.selection
        z: 10000
    }
    Rectangle {
        objectName: "guideY"
        visible: wallCanvas.staged.guide.y !== undefined && wallCanvas.staged.guide.y >= 0
        x: 0
        y: wallCanvas.oy + (wallCanvas.staged.guide.y || 0) * wallCanvas.mm
        width: wallCanvas.width
        height: 1
        color: Look.selection
        z: 10000
    }

    // Drops from the library.
    DropArea {
        id: drop
        objectName: "dropArea"
        anchors.fill: parent
        keys: ["opswall/library"]
        onDropped: (d) => {
            const entry = d.source.entry
            const size = entry.sizeMm
            // The tile is centred where it is dropped, then snapped.
            const at = wallCanvas.toMm(d.x, d.y)
            const id = wallCanvas.staged.place(entry.kind, entry.binding, entry.title,
                                           at.x - size.width / 2, at.y - size.height / 2,
                                           size.width, size.height, true)
            wallCanvas.forceActiveFocus()
            d.accept()
            wallCanvas.placed(id)
        }
    }
    signal placed(string id)
}
