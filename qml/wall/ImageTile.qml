import QtQuick
import OpsWall.Wall

// binding: {"source": "file or URL", "fill": "fit|fill|stretch"}
TileContent {
    id: tile

    contentReady: image.status === Image.Ready || image.status === Image.Error

    Image {
        id: image
        anchors.fill: parent
        source: WallScene.resolveAsset(tile.binding.source ?? "")
        asynchronous: true
        smooth: true
        fillMode: tile.binding.fill === "fill" ? Image.PreserveAspectCrop
                  : tile.binding.fill === "stretch" ? Image.Stretch : Image.PreserveAspectFit
    }
    Text {
        anchors.centerIn: parent
        visible: image.status === Image.Error
        text: qsTr("Image unavailable: %1").arg(tile.binding.source ?? "")
        textFormat: Text.PlainText
        color: Theme.mutedText
        font.family: Theme.fontFamily
        font.pixelSize: Math.max(1, 24 * tile.pxPerMm)
    }
}
