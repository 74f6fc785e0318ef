// A province map tile for the wall. The layout gives it a binding:
//   {"units": 34, "values": {"01": 101.57, ...}, "dataUnits": 63, "title": "...", "unit": "...",
//    "period": "12/2024", "source": "Cục Thống kê", "palette": "diverging", "centre": 100,
//    "classification": "quantiles" | "equal" | "breaks", "classes": 5, "breaks": [95, 100, 105],
//    "aggregation": "sum" | "weightedMean", "weightName": "...", "weights": {...},
//    "highlight": ["01", "79"], "islands": "auto" | "inplace" | "inset"}
// Wrong keys are named on the tile. Feeds wiring from C++ goes through ChoroplethMap.setSeries().
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
        binding: tile.binding // read in C++ (app/maps/mapvalues.h), the same as the API reads it
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
