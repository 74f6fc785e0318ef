// A province map tile for the wall. The layout gives it a binding:
//   {"units": 34, "values": {"01": 101.57, ...}, "dataUnits": 63, "title": "...", "unit": "...",
//    "period": "12/2024", "source": "Cục Thống kê", "palette": "diverging", "centre": 100,
//    "classification": "quantiles" | "equal" | "breaks", "classes": 5, "breaks": [95, 100, 105],
//    "aggregation": "sum" | "weightedMean", "weightName": "...", "weights": {...},
//    "highlight": ["01", "79"], "islands": "auto" | "inplace" | "inset"}
// Feeds wiring from C++ goes through ChoroplethMap.setSeries() on the `map` item.
import QtQuick
import OpsWall.Maps

Item {
    id: tile

    required property var binding
    readonly property alias map: map
    property bool hoverEnabled: true

    ChoroplethMap {
        id: map
        anchors.fill: parent
        units: tile.binding.units ?? 34
        dataUnits: tile.binding.dataUnits ?? 0
        values: tile.binding.values ?? {}
        title: tile.binding.title ?? ""
        unit: tile.binding.unit ?? ""
        period: tile.binding.period ?? ""
        source: tile.binding.source ?? ""
        palette: tile.binding.palette === "diverging" ? ChoroplethMap.Diverging : ChoroplethMap.Sequential
        centre: tile.binding.centre ?? NaN
        classification: tile.binding.classification === "equal" ? ChoroplethMap.EqualIntervals
                      : tile.binding.classification === "breaks" ? ChoroplethMap.ExplicitBreaks
                      : ChoroplethMap.Quantiles
        classCount: tile.binding.classes ?? 5
        breaks: tile.binding.breaks ?? []
        aggregation: tile.binding.aggregation === "sum" ? ChoroplethMap.Sum
                   : tile.binding.aggregation === "weightedMean" ? ChoroplethMap.WeightedMean
                   : ChoroplethMap.NoAggregation
        weightName: tile.binding.weightName ?? ""
        weights: tile.binding.weights ?? {}
        highlighted: tile.binding.highlight ?? []
        islands: tile.binding.islands === "inplace" ? ChoroplethMap.InPlace
               : tile.binding.islands === "inset" ? ChoroplethMap.InsetBoxes
               : ChoroplethMap.Auto
    }

    // Console hover: the value under the pointer.
    HoverHandler {
        id: hover
        enabled: tile.hoverEnabled
    }

    Rectangle {
        id: tip
        readonly property var info: hover.hovered ? map.provinceAt(hover.point.position.x, hover.point.position.y) : ({})
        visible: hover.hovered && info.code !== undefined
        x: Math.min(hover.point.position.x + 12, tile.width - width)
        y: Math.max(0, hover.point.position.y - height - 8)
        width: tipText.implicitWidth + 16
        height: tipText.implicitHeight + 10
        radius: 4
        color: "#e6101820"
        border.color: "#6b7788"

        Text {
            id: tipText
            anchors.centerIn: parent
            color: "#f2f4f7"
            font.pixelSize: 14
            text: tip.visible
                  ? tip.info.name + ": " + (tip.info.hasValue ? Number(tip.info.value).toLocaleString(Qt.locale(), "f", 2)
                                                               + (map.unit ? " " + map.unit : "")
                                                             : "không có số liệu")
                  : ""
        }
    }

    // Data problems (unknown codes, refused aggregation) stay visible on the tile, not only in logs.
    Text {
        anchors { left: parent.left; right: parent.right; bottom: parent.bottom; margins: 8 }
        visible: map.messages.length > 0 && tile.binding.showMessages === true
        color: "#ffc800"
        font.pixelSize: 12
        elide: Text.ElideRight
        text: map.messages.length === 0 ? ""
              : map.messages[0] + (map.messages.length > 1 ? " (+" + (map.messages.length - 1) + ")" : "")
    }
}
