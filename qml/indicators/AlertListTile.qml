// The open alerts of the indicator feeds (behind plan, threshold crossed, feed stale), newest
// first, coloured by severity. binding: {"max": 8, "language": "vi"}
pragma ComponentBehavior: Bound
import QtQuick
import OpsWall.Indicators

Item {
    id: tile

    required property var binding
    property string language: tile.binding.language ?? "vi"
    readonly property var alerts: IndicatorData.revision >= 0 // re-read on data change (see IndicatorMapTile)
        ? IndicatorData.openAlerts(tile.language).slice(0, Math.max(1, tile.binding.max ?? 8))
        : []
    readonly property real rowHeight: Math.max(10, height / Math.max(4, tile.binding.max ?? 8))

    function colourOf(severity: string): color {
        return severity === "critical" ? "#d64545" : severity === "warning" ? "#e0a526" : "#4f8fd0"
    }

    Text {
        anchors.centerIn: parent
        visible: tile.alerts.length === 0
        text: tile.language === "en" ? "No open alerts" : "Không có cảnh báo"
        color: "#7fbf7f"
        font.pixelSize: Math.max(8, tile.rowHeight * 0.5)
    }

    Column {
        width: parent.width
        Repeater {
            model: tile.alerts
            delegate: Item {
                id: row
                required property var modelData
                width: tile.width
                height: tile.rowHeight
                opacity: row.modelData.acknowledged ? 0.6 : 1

                Rectangle {
                    width: Math.max(3, row.height * 0.12)
                    height: row.height * 0.8
                    y: row.height * 0.1
                    color: tile.colourOf(row.modelData.severity)
                }
                Text {
                    x: row.height * 0.3
                    width: row.width - x
                    height: row.height
                    verticalAlignment: Text.AlignVCenter
                    elide: Text.ElideRight
                    maximumLineCount: 2
                    wrapMode: Text.WordWrap
                    text: row.modelData.sinceText + " · " + row.modelData.message
                    color: "#f2f6fa"
                    font.pixelSize: Math.max(8, row.height * 0.32)
                }
            }
        }
    }
}
