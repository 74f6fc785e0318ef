pragma ComponentBehavior: Bound
import QtQuick
import OpsWall.Devices

// One tile per display of the wall (row-major, `columns` wide): power, temperature, whether it
// answers, and its worst alert. Colours follow the alert severity; words come from the model.
GridView {
    id: root

    property int columns: 4

    cellWidth: width / Math.max(1, columns)
    cellHeight: 84
    interactive: false
    model: Devices.model

    delegate: Rectangle {
        id: tile

        required property string displayId
        required property string label
        required property bool bound
        required property bool polled
        required property bool reachable
        required property string power
        required property var temperatureC
        required property string alertSeverity
        required property string alertMessage

        width: root.cellWidth - 4
        height: root.cellHeight - 4
        radius: 4
        color: !tile.bound ? "#3a3a3a"
             : tile.polled && !tile.reachable ? "#8b1a1a"
             : tile.alertSeverity === "critical" ? "#b03a2e"
             : tile.alertSeverity === "warning" ? "#b9770e"
             : tile.power === "on" ? "#1e6b3a" : "#2c3e50"

        Column {
            anchors.fill: parent
            anchors.margins: 6
            spacing: 2

            Text {
                text: tile.label
                color: "white"
                font.bold: true
            }
            Text {
                text: !tile.bound ? qsTr("no device")
                    : !tile.polled ? qsTr("waiting for the first poll")
                    : !tile.reachable ? qsTr("not answering")
                    : qsTr("%1, %2").arg(tile.power.length > 0 ? tile.power : "?")
                                    .arg(tile.temperatureC === undefined
                                         ? "?" : qsTr("%1 °C").arg(tile.temperatureC))
                color: "white"
            }
            Text {
                width: parent.width
                text: tile.alertMessage
                color: "white"
                elide: Text.ElideRight
                font.pixelSize: 11
            }
        }
    }
}
