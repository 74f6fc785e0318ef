// A bar chart of provinces for one indicator, bounded to at most 12 bars: Qt Charts repaints bar
// series slowly (STACK-NOTES.md), so a wall never shows hundreds of bars.
// binding: {"indicator": "FDI_YEAR_NEW_CAPITAL", "period": "2024", "count": 10, "language": "vi"}
import QtQuick
import QtCharts
import OpsWall.Indicators

ChartView {
    id: chart

    required property var binding
    property string language: chart.binding.language ?? "vi"
    readonly property int barCount: Math.max(1, Math.min(chart.binding.count ?? 10, 12))
    readonly property alias bars: bars
    // Re-read only when the indicator changed (not for another tile's).
    property IndicatorWatch watch: IndicatorWatch { indicators: [chart.binding.indicator ?? ""] }
    readonly property var info: chart.watch.revision >= 0 // re-read on data change (see IndicatorMapTile)
        ? IndicatorData.provinceValues(chart.binding.indicator ?? "", chart.binding.period ?? "", chart.language)
        : ({})

    title: (chart.info.name ?? "") + (chart.info.unit ? " (" + chart.info.unit + ")" : "")
           + (chart.info.periodText ? " · " + chart.info.periodText : "")
    antialiasing: true
    // Text grows with the tile (Qt Charts' default is a desktop's 12 px, unreadable on a wall).
    property real minTextPx: 0 // the wall-distance rule in this viewport (set by the tile frame)
    readonly property real textPx: Math.max(14, chart.minTextPx, Math.min(chart.width, chart.height * 1.6) * 0.032)
    titleFont: Qt.font({ family: "Noto Sans", pixelSize: chart.textPx * 1.15, bold: true })
    legend.visible: false
    backgroundColor: "#10243a"
    titleColor: "#ffffff"

    function refresh() {
        // Highest at the top: a horizontal bar series draws its first category at the bottom.
        const rows = IndicatorData.rankedProvinces(chart.binding.indicator ?? "",
                                                   chart.binding.period ?? "", chart.barCount,
                                                   false, chart.language).reverse()
        bars.clear()
        const names = rows.map(r => r.name)
        const values = rows.map(r => r.value)
        axisY.categories = names
        let hi = 0
        for (const v of values)
            hi = Math.max(hi, v)
        axisX.min = Math.min(0, ...values)
        axisX.max = hi > 0 ? hi * 1.1 : 1
        bars.append(chart.info.name ?? "", values)
    }

    Connections {
        target: chart.watch
        function onChanged() { chart.refresh() }
    }
    Component.onCompleted: refresh()

    HorizontalBarSeries {
        id: bars
        axisY: BarCategoryAxis {
            id: axisY
            labelsColor: "#e8eef4"
            labelsFont: Qt.font({ pixelSize: chart.textPx })
        }
        // Qt 6.4's QtCharts qmltypes declare QValueAxis twice, so qmllint cannot resolve it.
        // qmllint disable
        axisX: ValueAxis {
            id: axisX
            labelsColor: "#9fb3c8"
            labelsFont: Qt.font({ pixelSize: chart.textPx })
        }
        // qmllint enable
    }
}
