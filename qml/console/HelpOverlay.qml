pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// Every keyboard shortcut and mouse gesture of the console (F1 or ?).
Rectangle {
    id: help
    objectName: "helpOverlay"
    visible: false
    color: "#d0000000"
    function open() { visible = true }
    function close() { visible = false }

    readonly property var shortcuts: [
        ["1 … 9", qsTr("Recall the preset at that position in the list")],
        [qsTr("Drag from the library"), qsTr("Place a tile; Enter places the chosen item on the selected display")],
        [qsTr("Drag a tile / a handle"), qsTr("Move / resize it, snapped to display edges, bezels, other tiles and the grid")],
        [qsTr("Alt while dragging"), qsTr("No snapping")],
        [qsTr("Ctrl+click"), qsTr("Add a tile to the selection or take it out")],
        ["Tab / Shift+Tab", qsTr("Select the next / previous tile (wall view)")],
        ["Ctrl+A / Esc", qsTr("Select all tiles / none")],
        [qsTr("Arrows"), qsTr("Nudge the selection by 10 mm")],
        [qsTr("Shift+Arrows"), qsTr("Nudge the selection by 100 mm")],
        ["Delete", qsTr("Remove the selected tiles")],
        ["PgUp / PgDown", qsTr("Bring to front / send to back")],
        ["Ctrl+Shift+L / R / T / B", qsTr("Align left / right / top / bottom to the first selected")],
        ["Ctrl+Shift+H / V", qsTr("Distribute horizontally / vertically (three or more)")],
        ["F / Shift+F", qsTr("Fill the display under the tile / every display the selection covers")],
        ["Ctrl+Z / Ctrl+Y", qsTr("Undo / redo in the staged copy")],
        ["Ctrl+Enter", qsTr("Publish the staged changes to the wall")],
        ["Ctrl+Shift+Backspace", qsTr("Discard the staged changes")],
        ["Ctrl+F", qsTr("Search the library")],
        ["Ctrl+S", qsTr("Save the staged copy as a preset")],
        ["Ctrl+W", qsTr("Focus the wall view")],
        ["F1 / ?", qsTr("Show or hide this help")]
    ]

    MouseArea {
        anchors.fill: parent
        onClicked: help.close()
    }
    Rectangle {
        anchors.centerIn: parent
        width: Math.min(parent.width - 80, 900)
        height: Math.min(parent.height - 80, list.implicitHeight + 80)
        color: Look.panel
        border.color: Look.line
        radius: 6
        ColumnLayout {
            anchors.fill: parent
            anchors.margins: 20
            Label {
                text: qsTr("Keyboard and mouse")
                color: Look.text
                font.pixelSize: 20
                font.bold: true
            }
            GridLayout {
                id: list
                columns: 2
                columnSpacing: 24
                rowSpacing: 4
                Repeater {
                    model: help.shortcuts.length * 2
                    delegate: Label {
                        required property int index
                        readonly property var entry: help.shortcuts[Math.floor(index / 2)]
                        text: entry[index % 2]
                        color: index % 2 === 0 ? Look.selection : Look.text
                        font.bold: index % 2 === 0
                        Layout.fillWidth: index % 2 === 1
                        wrapMode: Text.Wrap
                    }
                }
            }
        }
    }
}
