// Per-stream figures for technicians: toggled with VideoTile.showStats.
import QtQuick
import OpsWall.Video

Rectangle {
    id: overlay
    property VideoStream stream

    width: column.implicitWidth + 16
    height: column.implicitHeight + 12
    radius: 4
    color: "#b0000000"

    Column {
        id: column
        x: 8
        y: 6
        Repeater {
            model: overlay.stream ? [
                qsTr("State: %1").arg(overlay.stream.stateName),
                qsTr("%1 fps, %2 dropped").arg(overlay.stream.fps.toFixed(1)).arg(overlay.stream.droppedFrames),
                qsTr("%1 kbit/s").arg(Math.round(overlay.stream.bitrateKbps)),
                qsTr("%1×%2 → %3").arg(overlay.stream.resolution.width).arg(overlay.stream.resolution.height)
                    .arg(overlay.stream.outputSize.width > 0
                         ? overlay.stream.outputSize.width + "×" + overlay.stream.outputSize.height
                         : qsTr("full size")),
                qsTr("%1 (%2)").arg(overlay.stream.codec).arg(overlay.stream.decoder),
                qsTr("Latency ≈ %1 ms, first frame %2 ms").arg(overlay.stream.latencyMs).arg(overlay.stream.timeToFirstFrameMs),
                qsTr("Reconnects: %1").arg(overlay.stream.reconnects)
            ] : []
            Text {
                required property string modelData
                text: modelData
                color: "white"
                font.pixelSize: 12
                font.family: "monospace"
            }
        }
    }
}
