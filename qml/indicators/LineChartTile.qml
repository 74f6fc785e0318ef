// A line chart tile with the target line and a period (time) axis, drawn by Qt Charts (needs
// QApplication). Data goes in with one replace() per change (IndicatorData.fillSeries).
// binding: {"indicator": "CPI_YOY_INDEX", "dimension": "", "maxPoints": 60, "language": "vi"}
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
    readonly property var kpi: IndicatorData.revision >= 0 // re-read on data change (see IndicatorMapTile)
        ? IndicatorData.kpi(chart.binding.indicator ?? "", chart.binding.dimension ?? "", chart.language)
        : ({})

    title: (chart.kpi.name ?? "") + (chart.kpi.unit ? " (" + chart.kpi.unit + ")" : "")
           + (chart.kpi.simulated ? (chart.language === "en" ? " · SIMULATED" : " · MÔ PHỎNG") : "")
           + (chart.kpi.stale && chart.kpi.hasData ? " · " + chart.kpi.ageText : "")
    antialiasing: true
    // Axis numbers in the wall's language (104,5 in Vietnamese).
    localizeNumbers: true
    locale: Qt.locale(chart.language === "en" ? "en_US" : "vi_VN")
    legend.visible: false
    backgroundColor: "#10243a"
    titleColor: "#ffffff"

    function refresh() {
        const info = IndicatorData.fillSeries(line, chart.binding.indicator ?? "", chart.binding.dimension ?? "",
                                              chart.binding.maxPoints ?? 60);
        chart.axesInfo = info;
        if (info.count > 0) {
            let lo = info.minV, hi = info.maxV;
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
            axisX.max = new Date(info.maxT);
        }
        targetLine.clear();
        if (info.target !== undefined && info.count > 0) {
            targetLine.append(info.minT, info.target);
            targetLine.append(info.maxT, info.target);
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
        tickCount: 6
        labelsColor: "#c8d6e5"
    }
    // Qt 6.4's QtCharts qmltypes declare QValueAxis twice, so qmllint cannot resolve ValueAxis
    // (it works at run time; the QML test draws this chart).
    // qmllint disable
    ValueAxis {
        id: axisY
        labelsColor: "#c8d6e5"
    }
    LineSeries {
        id: line
        axisX: axisX
        axisY: axisY
        color: "#4ea1ff"
        width: 3
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
}
