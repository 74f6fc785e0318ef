// A line chart tile with the target line and a period (time) axis, drawn by WallLineChart (C++,
// no Qt Charts scene: a wall chart needs no interaction) which repaints only the points appended
// when its axes did not move. The time axis runs to the end of the latest year (the plan year), so
// a new month is drawn into room kept for it; the window of maxPoints values starts with a whole
// year and moves once a year. When the indicator's metadata asks for a forecast, it continues the
// line dashed with its interval as a band (IndicatorData.fillForecast), and the model and
// backtest error are written under the chart.
// A year-to-date series (restarting every January) is drawn one line per year, broken where
// the new year starts, with a thin rule and the year written there: the restart is not a collapse.
// The tile re-reads only when its indicator changed (IndicatorWatch), never for another tile's.
// binding: {"indicator": "CPI_YOY_INDEX", "dimension": "", "maxPoints": 60, "language": "vi",
//           "transform": "yoyPct" (growth on the same period a year earlier, e.g. GDP by quarter)}
pragma ComponentBehavior: Bound

import QtQuick
import OpsWall.Indicators

Rectangle {
    id: chart

    required property var binding
    property string language: chart.binding.language ?? "vi"
    property var axesInfo: ({})
    readonly property alias plot: plot
    readonly property ChartLine line: plot.line
    readonly property ChartLine targetLine: plot.targetLine
    readonly property ChartLine forecastLine: plot.forecastLine
    property var forecastInfo: ({})
    // The years before the current one of a year-to-date series (oldest first), one ChartLine
    // each, made as needed and reused; yearStarts [{t, year}] marks where each new year starts.
    readonly property var earlierLines: plot.earlierLines
    property var yearStarts: []
    // Every line of the chart (count, series(i)), as Qt Charts' ChartView offers them.
    readonly property int count: plot.count
    function series(i: int): QtObject { return plot.series(i); }
    function mapToPosition(value: point, series: QtObject): point { return plot.mapToPosition(value, series); }
    property IndicatorWatch watch: IndicatorWatch { indicators: [chart.binding.indicator ?? ""] }
    readonly property var kpi: chart.watch.revision >= 0 // re-read on data change (see IndicatorMapTile)
        ? IndicatorData.kpi(chart.binding.indicator ?? "", chart.binding.dimension ?? "", chart.language,
                            chart.binding.transform ?? "")
        : ({})

    color: "#10243a"
    // Text grows with the tile (a desktop's 12 px is unreadable on a wall).
    property real minTextPx: 0 // the wall-distance rule in this viewport (set by the tile frame)
    readonly property real textPx: Math.max(14, chart.minTextPx, Math.min(chart.width, chart.height * 1.6) * 0.032)

    function refresh() {
        const fill = () => IndicatorData.fillSeries(plot.line, chart.binding.indicator ?? "", chart.binding.dimension ?? "",
                                                    chart.binding.maxPoints ?? 60, chart.binding.transform ?? "",
                                                    plot.earlierLines);
        let info = fill();
        if (info.segments - 1 > plot.earlierLines.length) {
            plot.ensureEarlierLines(info.segments - 1);
            info = fill();
        }
        chart.yearStarts = info.yearStarts ?? [];
        chart.axesInfo = info;
        // A transformed series (growth) has no forecast of its own.
        const fc = IndicatorData.fillForecast(plot.forecastLine, plot.bandUpper, plot.bandLower,
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
            // Nothing is redrawn when the rounded range stays the same.
            plot.setValueRange(lo >= 0 ? Math.max(0, lo - pad) : lo - pad, hi + pad);
            // To the end of the latest year (data or forecast): new months fall inside the axis.
            const last = new Date(fc.count > 0 ? Math.max(fc.maxT, info.maxT) : info.maxT);
            plot.setTimeRange(info.minT, new Date(last.getFullYear() + 1, 0, 1).getTime());
        }
        if (info.target !== undefined && info.count > 0)
            plot.targetLine.setPoints([Qt.point(plot.timeMin, info.target), Qt.point(plot.timeMax, info.target)]);
        else
            plot.targetLine.clear();
    }

    Connections {
        target: chart.watch
        function onChanged() { chart.refresh(); }
    }
    Component.onCompleted: refresh()

    WallLineChart {
        id: plot
        anchors.fill: parent
        topMargin: title.y + title.height
        // The forecast's note under the dates, never over them.
        bottomMargin: note.visible ? note.height + note.anchors.bottomMargin : 0
        textPx: chart.textPx
        language: chart.language
        // As many dates as fit side by side at the text size.
        timeTickCount: Math.max(2, Math.min(6, Math.floor(plot.plotArea.width / (chart.textPx * 5))))
        labelsColor: "#c8d6e5"
        bandColor: "#334ea1ff"
        Component.onCompleted: {
            plot.line.color = "#4ea1ff";
            plot.line.width = 3;
            plot.forecastLine.color = "#9ecbff";
            plot.forecastLine.width = 3;
            plot.forecastLine.dashed = true;
            plot.targetLine.color = "#ffcc4d";
            plot.targetLine.width = 2;
            plot.targetLine.dashed = true;
        }
    }

    // Above the chart (which is opaque and fills the tile).
    Text {
        id: title
        objectName: "chartTitle"
        anchors { left: parent.left; right: parent.right; top: parent.top; margins: chart.textPx * 0.5 }
        horizontalAlignment: Text.AlignHCenter
        elide: Text.ElideRight
        text: (chart.kpi.name ?? "") + (chart.kpi.unit ? " (" + chart.kpi.unit + ")" : "")
              + (chart.kpi.simulated ? (chart.language === "en" ? " · SIMULATED" : " · MÔ PHỎNG") : "")
              + (chart.kpi.stale && chart.kpi.hasData ? " · " + chart.kpi.ageText : "")
        color: "#ffffff"
        font { family: "Noto Sans"; pixelSize: chart.textPx * 1.15; bold: true }
    }

    // Where a year-to-date series restarts: a thin rule between December and January and the
    // new year beside it (right of the rule, or left of it near the right edge).
    Repeater {
        model: chart.yearStarts
        delegate: Item {
            id: mark
            objectName: "yearStart"
            required property var modelData
            readonly property real span: plot.timeMax - plot.timeMin
            x: plot.plotArea.x + (span > 0 ? (mark.modelData.t - plot.timeMin) / span : 0) * plot.plotArea.width
            y: plot.plotArea.y
            width: 1
            height: plot.plotArea.height
            Rectangle {
                width: Math.max(2, chart.textPx * 0.12)
                height: parent.height
                x: -width / 2
                color: "#9fb3c8" // brighter than the grid, which it may sit next to
            }
            Text {
                objectName: "yearStartLabel"
                readonly property bool fitsRight: mark.x + 6 + implicitWidth <= plot.plotArea.x + plot.plotArea.width
                x: fitsRight ? 6 : -6 - implicitWidth
                y: 2
                text: String(mark.modelData.year)
                color: "#c8d6e5"
                font.pixelSize: chart.textPx
            }
        }
    }

    // The model, its interval and its backtest error: the tile's details, under the dates (the
    // plot leaves room for it: bottomMargin).
    Text {
        id: note
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
