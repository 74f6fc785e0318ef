// A ranked table of provinces for one indicator (e.g. top provinces by disbursement).
// binding: {"indicator": "PUBINV_YEAR_PCT_OF_PLAN", "period": "2024", "count": 10,
//           "ascending": false, "language": "vi"}
pragma ComponentBehavior: Bound
import QtQuick
import OpsWall.Indicators

Item {
    id: tile

    required property var binding
    property string language: tile.binding.language ?? "vi"
    readonly property int count: Math.max(1, Math.min(tile.binding.count ?? 10, 30))
    property IndicatorWatch watch: IndicatorWatch { indicators: [tile.binding.indicator ?? ""] }
    readonly property var kpiInfo: tile.watch.revision >= 0 // re-read on data change (see IndicatorMapTile)
        ? IndicatorData.provinceValues(tile.binding.indicator ?? "", tile.binding.period ?? "", tile.language)
        : ({})
    readonly property var rows: tile.watch.revision >= 0 // re-read on data change (see IndicatorMapTile)
        ? IndicatorData.rankedProvinces(tile.binding.indicator ?? "", tile.binding.period ?? "",
                                        tile.count, tile.binding.ascending ?? false, tile.language)
        : []
    readonly property real maxValue: rows.length > 0
                                     ? Math.max(...rows.map(r => Math.abs(r.value))) : 1
    property real minTextPx: 0 // the wall-distance rule in this viewport (set by the tile frame)
    readonly property real rowHeight: Math.max(8, (height - header.height) / tile.count)

    Text {
        id: header
        width: parent.width
        text: (tile.kpiInfo.name ?? "") + (tile.kpiInfo.unit ? " (" + tile.kpiInfo.unit + ")" : "")
              + (tile.kpiInfo.periodText ? " · " + tile.kpiInfo.periodText : "")
        color: "#9fb3c8"
        elide: Text.ElideRight
        font.pixelSize: Math.max(8, tile.minTextPx, tile.rowHeight * 0.45)
    }

    Text {
        anchors.centerIn: parent
        visible: tile.rows.length === 0
        text: tile.language === "en" ? "No data" : "Chưa có số liệu"
        color: "#9fb3c8"
        font.pixelSize: Math.max(8, tile.minTextPx, tile.height * 0.06)
    }

    Column {
        anchors.top: header.bottom
        width: parent.width
        Repeater {
            model: tile.rows
            delegate: Item {
                id: row
                required property var modelData
                width: tile.width
                height: tile.rowHeight

                Rectangle {
                    x: row.width * 0.45
                    y: row.height * 0.2
                    height: row.height * 0.6
                    width: row.width * 0.4 * Math.abs(row.modelData.value) / Math.max(1e-9, tile.maxValue)
                    color: "#3f7fbf"
                }
                Text {
                    width: row.width * 0.43
                    height: row.height
                    verticalAlignment: Text.AlignVCenter
                    elide: Text.ElideRight
                    text: row.modelData.rank + ". " + row.modelData.name
                    color: "#f2f6fa"
                    font.pixelSize: Math.max(8, tile.minTextPx, row.height * 0.5)
                }
                Text {
                    anchors.right: parent.right
                    height: row.height
                    verticalAlignment: Text.AlignVCenter
                    text: row.modelData.valueText
                    color: "#f2f6fa"
                    font.bold: true
                    font.pixelSize: Math.max(8, tile.minTextPx, row.height * 0.5)
                }
            }
        }
    }
}
