import QtQuick
import OpsWall.Wall

// A tile whose kind this build cannot show yet: says so clearly instead of staying blank.
TileContent {
    id: tile
    Rectangle {
        anchors.fill: parent
        color: "transparent"
        border.color: Theme.tileBorder
        border.width: Math.max(1, 4 * tile.pxPerMm)
    }
    Text {
        anchors.fill: parent
        anchors.margins: 20 * tile.pxPerMm
        horizontalAlignment: Text.AlignHCenter
        verticalAlignment: Text.AlignVCenter
        wrapMode: Text.WordWrap
        text: qsTr("This kind of tile is not available in this build")
        color: Theme.mutedText
        font.family: Theme.fontFamily
        font.pixelSize: Math.max(1, 28 * tile.pxPerMm)
    }
}
