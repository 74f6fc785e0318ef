import QtQuick
import OpsWall.Wall

// binding: {"text": "...", "align": "left|center|right", "color": "#rrggbb", "sizeMm": 40}
TileContent {
    id: tile
    Text {
        anchors.fill: parent
        anchors.margins: 20 * tile.pxPerMm
        text: tile.binding.text ?? ""
        // Plain text only: rich text would render markup and fetch <img src="http…"> from
        // anywhere an operator names.
        textFormat: Text.PlainText
        wrapMode: Text.WordWrap
        elide: Text.ElideRight
        horizontalAlignment: tile.binding.align === "center" ? Text.AlignHCenter
                             : tile.binding.align === "right" ? Text.AlignRight : Text.AlignLeft
        verticalAlignment: Text.AlignVCenter
        color: tile.binding.color ?? Theme.bodyText
        font.family: Theme.fontFamily
        font.pixelSize: Math.max(1, (tile.binding.sizeMm ?? 40) * tile.pxPerMm)
    }
}
