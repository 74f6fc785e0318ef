// A line chart tile with the target line and a period (time) axis, drawn by Qt Charts (needs
// QApplication). Data goes in with one replace() per change (IndicatorData.fillSeries). When the
// indicator's metadata asks for a forecast, it continues the line dashed with its interval as a
// band (IndicatorData.fillForecast), and the model and backtest error are written under the chart.
// A year-to-date series (restarting every January) is drawn one line per year, broken where
// the new year starts, with a thin rule and the year written there: the restart is not a collapse.
// binding: {"indicator": "CPI_YOY_INDEX", "dimension": "", "maxPoints": 60, "language": "vi",
//           "transform": "yoyPct" (growth on the same period a year earlier, e.g. GDP by quarter)}
pragma ComponentBehavior: Bound

import QtQuick
import QtCharts
import OpsWall.Indicators

ChartView {
    id: chart

    required property var binding
    property string language: chart.binding.language ?? "vi"
    property var axesInfo: ({})
    readonly property alias line: line
    readonly property alias targetLine: targetLine
    readonly property alias forecastLine: forecastLine
    property var forecastInfo: ({})
    // The years before the current one of a year-to-date series (oldest first), one LineSeries
    // each, created as needed and reused; yearStarts [{t, year}] marks where each new year starts.
    property var earlierLines: []
    property var yearStarts: []
    readonly property var kpi: IndicatorData.revision >= 0 // re-read on data change (see IndicatorMapTile)
        ? IndicatorData.kpi(chart.binding.indicator ?? "", chart.binding.dimension ?? "", chart.language,
                            chart.binding.transform ?? "")
        : ({})

    title: (chart.kpi.name ?? "") + (chart.kpi.unit ? " (" + chart.kpi.unit + ")" : "")
           + (chart.kpi.simulated ? (chart.language === "en" ? " · SIMULATED" : " · MÔ PHỎNG") : "")
           + (chart.kpi.stale && chart.kpi.hasData ? " · " + chart.kpi.ageText : "")
    antialiasing: true
    // Text grows with the tile (Qt Charts' default is a desktop's 12 px, unreadable on a wall).
    property real minTextPx: 0 // the wall-distance rule in this viewport (set by the tile frame)
    readonly property real textPx: Math.max(14, chart.minTextPx, Math.min(chart.width, chart.height * 1.6) * 0.032)
    titleFont: Qt.font({ family: "Noto Sans", pixelSize: chart.textPx * 1.15, bold: true })
    // Axis numbers in the wall's language (104,5 in Vietnamese).
    localizeNumbers: true
    locale: Qt.locale(chart.language === "en" ? "en_US" : "vi_VN")
    legend.visible: false
    backgroundColor: "#10243a"
    titleColor: "#ffffff"

    function refresh() {
        const fill = () => IndicatorData.fillSeries(line, chart.binding.indicator ?? "", chart.binding.dimension ?? "",
                                                    chart.binding.maxPoints ?? 60, chart.binding.transform ?? "",
                                                    chart.earlierLines);
        let info = fill();
        if (info.segments - 1 > chart.earlierLines.length) {
            const lines = chart.earlierLines.slice();
            while (lines.length < info.segments - 1) {
                const s = chart.createSeries(ChartView.SeriesTypeLine, "", axisX, axisY);
                s.color = line.color;
                s.width = line.width;
                lines.push(s);
            }
            chart.earlierLines = lines;
            info = fill();
        }
        chart.yearStarts = info.yearStarts ?? [];
        chart.axesInfo = info;
        // A transformed series (growth) has no forecast of its own.
        const fc = IndicatorData.fillForecast(forecastLine, bandUpper, bandLower,
                                              chart.binding.transform ? "" : (chart.binding.indicator ?? ""),
                                              chart.binding.dimension ?? "", chart.language);
        chart.forecastInfo = fc;
        if (info.count > 0) {
            let lo = info.minV, hi = info.maxV;
            if (fc.count > 0) {
                lo = Math.min(lo, fc.minV);
                hi = Math.max(hi, fc.maxV);
            }
            if (info.target !== undefined) {
                lo = Math.min(lo, info.target);
                hi = Math.max(hi, info.target);
            }
            const pad = (hi - lo) * 0.08 || 1;
            // Amounts never go below zero on the axis; round ticks a leader can read at a glance.
            axisY.min = lo >= 0 ? Math.max(0, lo - pad) : lo - pad;
            axisY.max = hi + pad;
            axisY.applyNiceNumbers();
            const step = (axisY.max - axisY.min) / Math.max(1, axisY.tickCount - 1);
            axisY.labelFormat = step >= 1 ? "%.0f" : step >= 0.1 ? "%.1f" : "%.2f";
            axisX.min = new Date(info.minT);
            axisX.max = new Date(fc.count > 0 ? fc.maxT : info.maxT);
        }
        targetLine.clear();
        if (info.target !== undefined && info.count > 0) {
            targetLine.append(info.minT, info.target);
            targetLine.append(fc.count > 0 ? fc.maxT : info.maxT, info.target);
        }
    }

    Connections {
        target: IndicatorData
        function onChanged() { chart.refresh(); }
    }
    Component.onCompleted: refresh()

    DateTimeAxis {
        id: axisX
        format: "MM/yyyy"
        // As many dates as fit side by side at the text size.
        tickCount: Math.max(2, Math.min(6, Math.floor(chart.plotArea.width / (chart.textPx * 5))))
        labelsColor: "#c8d6e5"
        labelsFont: Qt.font({ pixelSize: chart.textPx })
    }
    // Qt 6.4's QtCharts qmltypes declare QValueAxis twice, so qmllint cannot resolve ValueAxis
    // (it works at run time; the QML test draws this chart).
    // qmllint disable
    ValueAxis {
        id: axisY
        labelsColor: "#c8d6e5"
        labelsFont: Qt.font({ pixelSize: chart.textPx })
    }
    LineSeries {
        id: line
        axisX: axisX
        axisY: axisY
        color: "#4ea1ff"
        width: 3
    }
    // The forecast's interval, under the lines.
    AreaSeries {
        id: band
        axisX: axisX
        axisY: axisY
        color: "#334ea1ff"
        borderWidth: 0
        upperSeries: LineSeries { id: bandUpper }
        lowerSeries: LineSeries { id: bandLower }
    }
    LineSeries {
        id: forecastLine
        axisX: axisX
        axisY: axisY
        color: "#9ecbff"
        width: 3
        style: Qt.DashLine
    }
    LineSeries {
        id: targetLine
        axisX: axisX
        axisY: axisY
        color: "#ffcc4d"
        width: 2
        style: Qt.DashLine
    }
    // qmllint enable

    // Where a year-to-date series restarts: a thin rule between December and January and the
    // new year beside it (right of the rule, or left of it near the right edge).
    Repeater {
        model: chart.yearStarts
        delegate: Item {
            id: mark
            objectName: "yearStart"
            required property var modelData
            readonly property real span: axisX.max.getTime() - axisX.min.getTime()
            x: chart.plotArea.x + (span > 0 ? (mark.modelData.t - axisX.min.getTime()) / span : 0) * chart.plotArea.width
            y: chart.plotArea.y
            width: 1
            height: chart.plotArea.height
            Rectangle {
                width: Math.max(2, chart.textPx * 0.12)
                height: parent.height
                x: -width / 2
                color: "#9fb3c8" // brighter than the grid, which it may sit next to"
            }
            Text {
                objectName: "yearStartLabel"
                readonly property bool fitsRight: mark.x + 6 + implicitWidth <= chart.plotArea.x + chart.plotArea.width
                x: fitsRight ? 6 : -6 - implicitWidth
                y: 2
                text: String(mark.modelData.year)
                color: "#c8d6e5"
                font.pixelSize: chart.textPx
            }
        }
    }

    // The model, its interval and its backtest error: the tile's details.
    Text {
        objectName: "forecastDetail"
        visible: (chart.forecastInfo.count ?? 0) > 0
        anchors { left: parent.left; right: parent.right; bottom: parent.bottom; margins: 6 }
        text: chart.forecastInfo.detail ?? ""
        color: "#ffd27a"
        font.pixelSize: chart.textPx * 0.9
        elide: Text.ElideRight
        horizontalAlignment: Text.AlignRight
    }
}
