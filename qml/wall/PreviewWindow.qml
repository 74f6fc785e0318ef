pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Window
import OpsWall.Wall

// The whole wall scaled into one window, as it looks from the room: bezels drawn, each display
// showing its share of the canvas, display IDs on top.
Window {
    id: window

    property bool showDisplayIds: true

    readonly property var canvas: WallScene.canvasRect
    readonly property real footerPx: 36

    title: qsTr("OpsWall — wall preview")
    color: "#05080b"
    width: 1920
    height: Math.round(40 + footerPx + (width - 40) * canvas.height / canvas.width)
    visible: true

    Item {
        id: wallArea
        x: 20
        y: 20
        width: parent.width - 40
        height: parent.height - 40 - window.footerPx
        readonly property real k: Math.min(width / window.canvas.width,
                                           height / window.canvas.height)

        // The displays' viewports, in display order (TileLayer places the tiles in them).
        property var viewports: []
        function collectViewports(leaving: Item) {
            const list = []
            for (let i = 0; i < displays.count; ++i) {
                const d = displays.itemAt(i)
                list.push(d && d !== leaving ? d.viewport : null)
            }
            viewports = list
        }

        TileLayer {
            viewports: wallArea.viewports
        }

        Repeater {
            id: displays
            model: WallScene.displays
            onItemAdded: wallArea.collectViewports(null)
            onItemRemoved: (index, item) => wallArea.collectViewports(item)
            delegate: Rectangle {
                id: display
                required property var modelData
                readonly property Item viewport: shown
                readonly property real k: wallArea.k
                // Whole pixels of the window: a viewport's clip and what covers it (the
                // briefing's blank screen) then end on the same pixel.
                function px(mm: real): int { return Math.round(mm * k) }
                x: px(modelData.outer.x - window.canvas.x)
                y: px(modelData.outer.y - window.canvas.y)
                width: px(modelData.outer.x + modelData.outer.width - window.canvas.x) - x
                height: px(modelData.outer.y + modelData.outer.height - window.canvas.y) - y
                color: Theme.bezel

                DisplayViewport {
                    id: shown
                    readonly property var a: display.modelData.active
                    x: display.px(a.x - window.canvas.x) - display.x
                    y: display.px(a.y - window.canvas.y) - display.y
                    width: display.px(a.x + a.width - window.canvas.x) - display.px(a.x - window.canvas.x)
                    height: display.px(a.y + a.height - window.canvas.y) - display.px(a.y - window.canvas.y)
                    source: Qt.rect(display.modelData.source.x, display.modelData.source.y,
                                    display.modelData.source.width, display.modelData.source.height)
                }

                Rectangle {
                    objectName: "displayIdBadge"
                    visible: window.showDisplayIds
                    x: parent.width - width - 6
                    y: parent.height - height - 6
                    width: Math.max(idText.implicitWidth + 12, height)
                    height: 26
                    radius: 4
                    color: Theme.displayIdBadge
                    opacity: 0.92
                    Text {
                        id: idText
                        anchors.centerIn: parent
                        text: display.modelData.label
                        color: "black"
                        font.family: Theme.fontFamily
                        font.bold: true
                        font.pixelSize: 16
                    }
                }
            }
        }
    }

    Text {
        anchors.left: parent.left
        anchors.leftMargin: 20
        anchors.bottom: parent.bottom
        anchors.bottomMargin: 10
        color: Theme.mutedText
        font.family: Theme.fontFamily
        font.pixelSize: 16
        text: qsTr("%1 · layout: %2 · %3 displays · bezel compensation %4")
              .arg(WallScene.wallName)
              .arg(WallScene.layoutName)
              .arg(WallScene.displays.length)
              .arg(WallScene.bezelCompensation ? qsTr("on") : qsTr("off"))
    }
}
