// Key projects (investment supervision): for each project of the layout, progress against its
// schedule (the bar and the schedule mark), the share disbursed, and how many months it is late;
// a late project is flagged in red. The demo's values are simulated and the tile says so.
// binding: {"projects": [{"id": "DA-01", "name": "..."}, ...], "language": "vi"}
pragma ComponentBehavior: Bound
import QtQuick
import OpsWall.Indicators

Rectangle {
    id: tile

    required property var binding
    property string language: tile.binding.language ?? "vi"
    property real minTextPx: 0 // the wall-distance rule in this viewport (set by the tile frame)
    property IndicatorWatch watch: IndicatorWatch {
        indicators: ["PROJ_PROGRESS_PCT", "PROJ_PLANNED_PCT", "PROJ_DISBURSED_PCT", "PROJ_SLIP_MONTHS"]
    }
    readonly property var rows: tile.watch.revision >= 0 // re-read on data change (see IndicatorMapTile)
        ? IndicatorData.projects(tile.binding.projects ?? [], tile.language)
        : []
    readonly property bool simulated: rows.some(r => r.simulated === true)
    // The text size and the rows' height worked out together: the header is 1.5 text sizes tall and
    // the text 0.3 of a row, so a row is (height - 8) / (rows + 0.45) before the text's bounds (no
    // property depends on itself through the header's height).
    readonly property real textPx: Math.max(tile.minTextPx,
                                            Math.min((height - 8) * 0.3 / (Math.max(1, rows.length) + 0.45),
                                                     width * 0.03))
    readonly property real rowHeight: (height - textPx * 1.5 - 8) / Math.max(1, rows.length)

    color: "#10243a"

    Row {
        id: header
        x: 8
        y: 4
        spacing: tile.textPx
        height: tile.textPx * 1.5
        Text {
            anchors.verticalCenter: parent.verticalCenter
            text: tile.language === "en" ? "progress / schedule · disbursed" : "tiến độ / kế hoạch · giải ngân"
            color: "#9fb3c8"
            font.pixelSize: tile.textPx * 0.9
        }
        Rectangle {
            objectName: "simulatedBadge"
            visible: tile.simulated
            anchors.verticalCenter: parent.verticalCenter
            width: simText.implicitWidth + tile.textPx * 0.8
            height: simText.implicitHeight + 4
            radius: 4
            color: "#6a3fb5"
            Text {
                id: simText
                anchors.centerIn: parent
                text: tile.language === "en" ? "SIMULATED" : "MÔ PHỎNG"
                color: "white"
                font.bold: true
                font.pixelSize: Math.max(tile.minTextPx, tile.textPx * 0.8)
            }
        }
    }

    Column {
        anchors { top: header.bottom; left: parent.left; right: parent.right; margins: 8 }
        Repeater {
            model: tile.rows
            delegate: Item {
                id: row
                objectName: "projectRow"
                required property var modelData
                width: parent.width
                height: tile.rowHeight
                readonly property bool late: row.modelData.late === true

                Rectangle { // the flag of a late project
                    width: Math.max(4, tile.textPx * 0.3)
                    height: row.height * 0.8
                    y: row.height * 0.1
                    color: row.late ? "#d64545" : "#3fa66b"
                }
                Text {
                    id: name
                    x: tile.textPx
                    y: row.height * 0.08
                    width: row.width * 0.5 - x
                    text: row.modelData.name
                    color: "#f2f6fa"
                    font.pixelSize: tile.textPx
                    font.bold: true
                    elide: Text.ElideRight
                }
                Text {
                    objectName: "slip"
                    anchors.right: parent.right
                    anchors.baseline: name.baseline
                    text: row.modelData.hasData ? row.modelData.slipText
                                                : (tile.language === "en" ? "no data" : "chưa có số liệu")
                    color: row.late ? "#ff8a80" : "#7ee2a8"
                    font.pixelSize: tile.textPx
                    font.bold: row.late
                }
                Item { // progress against the schedule
                    x: tile.textPx
                    y: row.height * 0.55
                    width: row.width * 0.62 - x
                    height: row.height * 0.25
                    visible: row.modelData.hasData === true
                    Rectangle { anchors.fill: parent; color: "#23384f"; radius: 3 }
                    Rectangle {
                        width: parent.width * Math.min(1, (row.modelData.progress ?? 0) / 100)
                        height: parent.height
                        radius: 3
                        color: row.late ? "#d64545" : "#4ea1ff"
                    }
                    Rectangle { // where the schedule says it should be
                        objectName: "scheduleMark"
                        x: parent.width * Math.min(1, (row.modelData.planned ?? 0) / 100) - width / 2
                        y: -parent.height * 0.25
                        width: Math.max(3, parent.height * 0.18)
                        height: parent.height * 1.5
                        color: "#ffd27a"
                    }
                }
                Text {
                    anchors.right: parent.right
                    y: row.height * 0.5
                    visible: row.modelData.hasData === true
                    text: IndicatorData.formatNumber(row.modelData.progress ?? 0, 0, tile.language) + "% / "
                          + IndicatorData.formatNumber(row.modelData.planned ?? 0, 0, tile.language) + "% · "
                          + (tile.language === "en" ? "disb. " : "GN ")
                          + IndicatorData.formatNumber(row.modelData.disbursed ?? 0, 0, tile.language) + "%"
                    color: "#c8d6e5"
                    font.pixelSize: tile.textPx * 0.9 >= tile.minTextPx ? tile.textPx * 0.9 : tile.minTextPx
                }
            }
        }
    }
}
