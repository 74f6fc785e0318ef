// A KPI tile: the latest value large with its unit, the change against the previous period and
// the same period last year, the forecast when the indicator has one ("at this pace: 94.3 % of
// plan by 31 December"), a sparkline, progress to the target, and the data's age when stale.
// A failing feed never blanks the tile: the last values stay, marked with their age.
// binding: {"indicator": "PUBINV_YTD", "dimension": "", "language": "vi" | "en",
//           "forecast": "PUBINV_YTD" (whose forecast line to show; default: the indicator's),
//           "transform": "yoyPct" (growth on the same period a year earlier)}
// Layout: the text block at the top, the target bar at the bottom, the sparkline fills what is
// between them (never under either), so nothing overlaps or is clipped at any tile size.
import QtQuick
import OpsWall.Indicators

Rectangle {
    id: tile

    required property var binding
    property string language: tile.binding.language ?? "vi"
    // The forecast may be another indicator's (binding.forecast): both are watched.
    property IndicatorWatch watch: IndicatorWatch {
        indicators: [tile.binding.indicator ?? "", tile.binding.forecast ?? ""]
    }
    readonly property var kpi: tile.watch.revision >= 0 // re-read on data change (see IndicatorMapTile)
        ? IndicatorData.kpi(tile.binding.indicator ?? "", tile.binding.dimension ?? "", tile.language,
                            tile.binding.transform ?? "")
        : ({})
    readonly property var forecast: tile.watch.revision >= 0
        ? IndicatorData.forecast(tile.binding.forecast ?? (tile.binding.transform ? "" : (tile.binding.indicator ?? "")),
                                 tile.binding.dimension ?? "", tile.language)
        : ({})
    readonly property bool good: {
        const d = tile.kpi.changePrev ?? 0;
        return tile.kpi.higherIsBetter ? d >= 0 : d <= 0;
    }
    // One unit of type: from the width, but never so large that the text block (name, value,
    // changes, forecast and the target, about 75 units with line spacing) does not fit the height.
    readonly property real u: Math.min(width, height * 1.6, height * 100 / 75) / 100
    // The smallest text the wall-distance rule allows in this viewport (set by the tile frame).
    property real minTextPx: 0
    function px(size: real): real { return Math.max(tile.minTextPx, size) }
    readonly property real margin: 5 * u

    color: "#10243a"
    radius: 2 * u
    clip: true

    Column {
        id: head
        anchors { left: parent.left; right: parent.right; top: parent.top; margins: tile.margin }
        spacing: 1.5 * tile.u

        Text {
            objectName: "name"
            width: parent.width
            text: tile.kpi.name ?? ""
            color: "#c8d6e5"
            font.pixelSize: tile.px(5 * tile.u)
            // A long name takes a second line where it fits, rather than an ellipsis.
            wrapMode: Text.WordWrap
            maximumLineCount: 2
            elide: Text.ElideRight
        }
        Row {
            spacing: 2 * tile.u
            Text {
                id: valueText
                objectName: "value"
                text: tile.kpi.valueText ?? "–"
                color: tile.kpi.stale ? "#a0a8b0" : "#ffffff"
                font.pixelSize: tile.px(16 * tile.u)
                font.bold: true
            }
            Text {
                anchors.baseline: valueText.baseline
                text: tile.kpi.unit ?? ""
                color: "#c8d6e5"
                font.pixelSize: tile.px(5.5 * tile.u)
            }
        }
        Text {
            width: parent.width
            text: (tile.kpi.periodText ?? "")
                  + (tile.kpi.changePrevText !== undefined
                     ? "   " + (tile.language === "en" ? "vs prev. " : "so kỳ trước ") + tile.kpi.changePrevText : "")
                  + (tile.kpi.changeYoYText !== undefined
                     ? "   " + (tile.language === "en" ? "y/y " : "cùng kỳ ") + tile.kpi.changeYoYText : "")
            color: tile.good ? "#7ee2a8" : "#ff9f8a"
            font.pixelSize: tile.px(4.5 * tile.u)
            elide: Text.ElideRight
        }
        Text {
            objectName: "forecast"
            visible: tile.forecast.available === true
            width: parent.width
            text: tile.forecast.text ?? ""
            color: "#ffd27a"
            font.pixelSize: tile.px(4.5 * tile.u)
            wrapMode: Text.WordWrap
            maximumLineCount: 2
            elide: Text.ElideRight
        }
    }

    // Progress to the target: its words on their own line above the bar.
    Column {
        id: targetBlock
        objectName: "target"
        visible: tile.kpi.target !== undefined
        anchors { left: parent.left; right: parent.right; bottom: parent.bottom; margins: tile.margin }
        spacing: 1 * tile.u
        Text {
            anchors.right: parent.right
            text: (tile.language === "en" ? "target " : "mục tiêu ") + (tile.kpi.targetText ?? "")
                  + " · " + IndicatorData.formatNumber((tile.kpi.progress ?? 0) * 100, 1, tile.language) + "%"
            color: "#c8d6e5"
            font.pixelSize: tile.px(4 * tile.u)
        }
        Item {
            width: parent.width
            height: 4 * tile.u
            Rectangle {
                anchors.fill: parent
                radius: height / 2
                color: "#23384f"
            }
            Rectangle {
                // At least as wide as it is high, so the rounded end never draws a sliver.
                width: Math.max(height, parent.width * Math.max(0, Math.min(1, tile.kpi.progress ?? 0)))
                visible: (tile.kpi.progress ?? 0) > 0
                height: parent.height
                radius: height / 2
                color: "#4ea1ff"
            }
        }
    }

    Sparkline {
        objectName: "sparkline"
        anchors {
            left: parent.left; right: parent.right; margins: tile.margin
            top: head.bottom; topMargin: 2 * tile.u
            bottom: targetBlock.visible ? targetBlock.top : parent.bottom
            bottomMargin: targetBlock.visible ? 2 * tile.u : tile.margin + (simBadge.visible ? simBadge.height + tile.u : 0)
        }
        visible: height >= 4 * tile.u
        values: tile.kpi.sparkline ?? []
        yearStarts: tile.kpi.sparkYearStarts ?? []
        labelPixelSize: tile.px(3.5 * tile.u)
        lineWidth: Math.max(2, 0.8 * tile.u)
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
            font.pixelSize: tile.px(3.5 * tile.u)
        }
    }
    // Simulated values are labelled as such, always.
    Rectangle {
        id: simBadge
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
            font.pixelSize: tile.px(3.5 * tile.u)
        }
    }
}
