import QtQuick

// binding: {"color": "#rrggbb"}
TileContent {
    id: tile
    Rectangle {
        anchors.fill: parent
        color: tile.binding.color ?? "black"
    }
}
