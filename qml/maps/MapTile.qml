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
    // The wall-distance rule in this viewport (set by the tile frame; README "Text on the wall").
    property real minTextPx: 0

    ChoroplethMap {
        id: map
        anchors.fill: parent
        binding: tile.binding // read in C++ (app/maps/mapvalues.h), the same as the API reads it
        minTextPx: tile.minTextPx
    }

    // The value under the pointer on a console or a touch screen: hover with a mouse, tap with a
    // finger (a tap elsewhere on the map moves it, a tap outside the provinces hides it).
    property point pointer: Qt.point(-1, -1)

    HoverHandler {
        id: hover
        enabled: tile.hoverEnabled
        onPointChanged: if (hovered) tile.pointer = point.position
        onHoveredChanged: if (!hovered) tile.pointer = Qt.point(-1, -1)
    }

    TapHandler {
        enabled: tile.hoverEnabled
        onTapped: (eventPoint, button) => tile.pointer = eventPoint.position
    }

    Rectangle {
        id: tip
        objectName: "provinceTip"
        readonly property var info: tile.pointer.x >= 0 ? map.provinceAt(tile.pointer.x, tile.pointer.y) : ({})
        readonly property string text: info.code === undefined ? ""
            : info.name + ": " + (info.hasValue ? Number(info.value).toLocaleString(Qt.locale(), "f", 2) + (info.unit ? " " + info.unit : "")
                                                : qsTr("no data"))
        visible: text !== ""
        x: Math.min(tile.pointer.x + 12, tile.width - width)
        y: Math.max(0, tile.pointer.y - height - 8)
        width: tipText.implicitWidth + 16
        height: tipText.implicitHeight + 10
        radius: 4
        color: "#e6101820"
        border.color: "#6b7788"

        Text {
            id: tipText
            anchors.centerIn: parent
            color: "#f2f4f7"
            font.pixelSize: Math.max(14, tile.minTextPx)
            text: tip.text
        }
    }

    // Data problems (unknown codes, refused aggregation) stay visible on the tile, not only in logs.
    Text {
        anchors { left: parent.left; right: parent.right; bottom: parent.bottom; margins: 8 }
        visible: map.messages.length > 0 && tile.binding.showMessages === true
        color: "#ffc800"
        font.pixelSize: Math.max(12, tile.minTextPx)
        elide: Text.ElideRight
        text: map.messages.length === 0 ? ""
              : map.messages[0] + (map.messages.length > 1 ? " (+" + (map.messages.length - 1) + ")" : "")
    }
}
