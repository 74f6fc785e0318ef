// The open alerts of the indicator feeds (behind plan, forecast behind plan, threshold crossed,
// feed stale), newest first: one row per alert with its severity in words and colour, how long
// ago it was raised, the indicator it is about, and the message in the wall's language.
// binding: {"max": 8, "language": "vi"}
pragma ComponentBehavior: Bound
import QtQuick
import OpsWall.Indicators

Item {
    id: tile

    required property var binding
    property string language: tile.binding.language ?? "vi"
    // As many rows as fit at a readable size (the wall-distance rule), at most binding.max.
    readonly property int fits: Math.max(1, Math.floor(height / (Math.max(10, tile.minTextPx / 0.85) * 3.4)))
    property IndicatorWatch watch: IndicatorWatch { alerts: true }
    readonly property var alerts: tile.watch.revision >= 0 // re-read on data change (see IndicatorMapTile)
        ? IndicatorData.openAlerts(tile.language).slice(0, Math.max(1, Math.min(tile.fits, tile.binding.max ?? 8)))
        : []
    // Rows share the height (at least three rows' worth each, so one alert is not a giant).
    readonly property real rowHeight: height / Math.max(Math.min(3, tile.fits), Math.min(tile.alerts.length, tile.binding.max ?? 8))
    property real minTextPx: 0 // the wall-distance rule in this viewport (set by the tile frame)
    readonly property real textPx: Math.max(10, tile.minTextPx / 0.85, rowHeight * 0.26)

    function colourOf(severity: string): color {
        return severity === "critical" ? "#d64545" : severity === "warning" ? "#e0a526" : "#4f8fd0"
    }

    Text {
        anchors.centerIn: parent
        visible: tile.alerts.length === 0
        text: tile.language === "en" ? "No open alerts" : "Không có cảnh báo"
        color: "#7fbf7f"
        font.pixelSize: Math.max(10, tile.minTextPx, Math.min(tile.height * 0.2, tile.width * 0.05))
    }

    Column {
        width: parent.width
        Repeater {
            model: tile.alerts
            delegate: Item {
                id: row
                objectName: "alertRow"
                required property var modelData
                width: tile.width
                height: tile.rowHeight
                opacity: row.modelData.acknowledged ? 0.6 : 1

                Rectangle {
                    id: bar
                    width: Math.max(4, tile.textPx * 0.35)
                    height: row.height * 0.84
                    y: row.height * 0.08
                    color: tile.colourOf(row.modelData.severity)
                }
                Column {
                    anchors { left: bar.right; leftMargin: tile.textPx * 0.6; right: parent.right
                              rightMargin: tile.textPx * 0.4; verticalCenter: parent.verticalCenter }
                    spacing: tile.textPx * 0.15
                    Item {
                        width: parent.width
                        height: head.implicitHeight
                        Row {
                            id: head
                            spacing: tile.textPx * 0.5
                            width: parent.width - age.implicitWidth - tile.textPx
                            Rectangle {
                                objectName: "severity"
                                width: sev.implicitWidth + tile.textPx * 0.6
                                height: sev.implicitHeight
                                radius: height * 0.2
                                color: tile.colourOf(row.modelData.severity)
                                Text {
                                    id: sev
                                    anchors.centerIn: parent
                                    text: row.modelData.severityText
                                    color: "#101820"
                                    font.bold: true
                                    font.pixelSize: tile.textPx * 0.85
                                }
                            }
                            Text {
                                objectName: "indicator"
                                width: head.width - x
                                text: row.modelData.indicatorName
                                color: "#f2f6fa"
                                font.bold: true
                                font.pixelSize: tile.textPx
                                elide: Text.ElideRight
                            }
                        }
                        Text {
                            id: age
                            objectName: "age"
                            anchors.right: parent.right
                            anchors.verticalCenter: head.verticalCenter
                            text: row.modelData.ageText
                            color: "#b8c4d0"
                            font.pixelSize: Math.max(tile.minTextPx, tile.textPx * 0.9)
                        }
                    }
                    Text {
                        objectName: "message"
                        width: parent.width
                        text: row.modelData.text
                        color: "#dfe7ef"
                        font.pixelSize: Math.max(tile.minTextPx, tile.textPx * 0.9)
                        wrapMode: Text.WordWrap
                        maximumLineCount: row.height > tile.textPx * 4.2 ? 2 : 1
                        elide: Text.ElideRight
                    }
                }
            }
        }
    }
}
