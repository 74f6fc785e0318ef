import QtQuick
import OpsWall.Wall

// binding: {"timeZone": "Asia/Ho_Chi_Minh", "show": "time|date|datetime", "label": "Hà Nội"}
TileContent {
    id: tile

    readonly property string show: binding.show ?? "datetime"

    WallClock {
        id: clock
        timeZone: tile.binding.timeZone ?? "Asia/Ho_Chi_Minh"
        language: tile.language
        // No timer while the tile is hidden (kept built for a later recall, or built ahead of
        // one); ticks at once when shown.
        running: tile.visible
    }

    Column {
        anchors.centerIn: parent
        spacing: 8 * tile.pxPerMm
        Text {
            anchors.horizontalCenter: parent.horizontalCenter
            visible: tile.show !== "date"
            text: clock.timeText
            color: Theme.bodyText
            font.family: Theme.fontFamily
            font.bold: true
            font.pixelSize: Math.max(1, Math.min(tile.height * 0.45, tile.width * 0.2))
        }
        Text {
            anchors.horizontalCenter: parent.horizontalCenter
            visible: tile.show !== "time"
            text: clock.dateText
            color: Theme.mutedText
            font.family: Theme.fontFamily
            font.pixelSize: Math.max(1, Math.min(tile.height * 0.12, tile.width * 0.045))
        }
        Text {
            anchors.horizontalCenter: parent.horizontalCenter
            visible: text.length > 0
            text: tile.binding.label ?? ""
            textFormat: Text.PlainText
            color: Theme.accent
            font.family: Theme.fontFamily
            font.pixelSize: Math.max(1, Math.min(tile.height * 0.1, tile.width * 0.04))
        }
    }
}
