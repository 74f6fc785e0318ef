// A KPI tile: the latest value large with its unit, the change against the previous period and
// the same period last year, a sparkline, progress to the target, and the data's age when stale.
// A failing feed never blanks the tile: the last values stay, marked with their age.
// binding: {"indicator": "PUBINV_YTD", "dimension": "", "language": "vi" | "en"}
import QtQuick
import OpsWall.Indicators

Rectangle {
    id: tile

    required property var binding
    property string language: tile.binding.language ?? "vi"
    readonly property var kpi: IndicatorData.revision >= 0 // re-read on data change (see IndicatorMapTile)
        ? IndicatorData.kpi(tile.binding.indicator ?? "", tile.binding.dimension ?? "", tile.language)
        : ({})
    readonly property bool good: {
        const d = tile.kpi.changePrev ?? 0;
        return tile.kpi.higherIsBetter ? d >= 0 : d <= 0;
    }
    readonly property real u: Math.min(width, height * 1.6) / 100

    color: "#10243a"
    radius: 2 * u

    Column {
        anchors.fill: parent
        anchors.margins: 5 * tile.u
        spacing: 2 * tile.u

        Text {
            objectName: "name"
            width: parent.width
            text: tile.kpi.name ?? ""
            color: "#c8d6e5"
            font.pixelSize: 5 * tile.u
            elide: Text.ElideRight
        }
        Row {
            spacing: 2 * tile.u
            Text {
                id: valueText
                text: tile.kpi.valueText ?? "–"
                color: tile.kpi.stale ? "#a0a8b0" : "#ffffff"
                font.pixelSize: 16 * tile.u
                font.bold: true
            }
            Text {
                anchors.baseline: valueText.baseline
                text: tile.kpi.unit ?? ""
                color: "#c8d6e5"
                font.pixelSize: 5.5 * tile.u
            }
        }
        Text {
            text: (tile.kpi.periodText ?? "")
                  + (tile.kpi.changePrevText !== undefined
                     ? "   " + (tile.language === "en" ? "vs prev. " : "so kỳ trước ") + tile.kpi.changePrevText : "")
                  + (tile.kpi.changeYoYText !== undefined
                     ? "   " + (tile.language === "en" ? "y/y " : "cùng kỳ ") + tile.kpi.changeYoYText : "")
            color: tile.good ? "#7ee2a8" : "#ff9f8a"
            font.pixelSize: 4.5 * tile.u
        }
        Sparkline {
            width: parent.width
            height: 14 * tile.u
            values: tile.kpi.sparkline ?? []
        }
        Item {
            visible: tile.kpi.target !== undefined
            width: parent.width
            height: 6 * tile.u
            Rectangle {
                anchors.fill: parent
                radius: height / 2
                color: "#23384f"
            }
            Rectangle {
                width: parent.width * Math.max(0, Math.min(1, tile.kpi.progress ?? 0))
                height: parent.height
                radius: height / 2
                color: "#4ea1ff"
            }
            Text {
                anchors.right: parent.right
                anchors.bottom: parent.top
                text: (tile.language === "en" ? "target " : "mục tiêu ") + (tile.kpi.targetText ?? "")
                      + " · " + IndicatorData.formatNumber((tile.kpi.progress ?? 0) * 100, 1, tile.language) + "%"
                color: "#c8d6e5"
                font.pixelSize: 3.5 * tile.u
            }
        }
    }

    // Stale marker: the data's age, on top of (never instead of) the last values.
    Rectangle {
        objectName: "staleMarker"
        visible: tile.kpi.hasData === true && tile.kpi.stale === true
        anchors.right: parent.right
        anchors.top: parent.top
        anchors.margins: 3 * tile.u
        width: staleText.implicitWidth + 4 * tile.u
        height: staleText.implicitHeight + 2 * tile.u
        radius: 1.5 * tile.u
        color: "#b36b00"
        Text {
            id: staleText
            anchors.centerIn: parent
            text: tile.kpi.ageText ?? ""
            color: "white"
            font.pixelSize: 3.5 * tile.u
        }
    }
    // Simulated values are labelled as such, always.
    Rectangle {
        objectName: "simulatedBadge"
        visible: tile.kpi.simulated === true
        anchors.left: parent.left
        anchors.bottom: parent.bottom
        anchors.margins: 3 * tile.u
        width: simText.implicitWidth + 4 * tile.u
        height: simText.implicitHeight + 2 * tile.u
        radius: 1.5 * tile.u
        color: "#6a3fb5"
        Text {
            id: simText
            anchors.centerIn: parent
            text: tile.language === "en" ? "SIMULATED" : "MÔ PHỎNG"
            color: "white"
            font.pixelSize: 3.5 * tile.u
        }
    }
}
