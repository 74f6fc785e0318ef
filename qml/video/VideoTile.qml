// A video tile: the stream's picture, its state in words, a stale badge over a dimmed last frame
// while it reconnects, the conference label, and an optional statistics overlay.
//
//   import OpsWall.Video
//   VideoTile { binding: ({"source": "cam-1"}); showStats: true }
//   VideoTile { binding: ({"source": "cam-1"}); displayPath: VideoItem.OpenGl }   // GPU machines
import QtQuick
import OpsWall.Video

Item {
    id: root

    // {"source": "<source id>"} or {"uri": "rtsp://…"}, optional "label", "fill": "fit" |
    // "fill" | "stretch", "stats": true (the statistics overlay; toggled live with
    // PATCH /tiles/{id} {"options": {"stats": true}} or wallctl tile set ID stats=true), and
    // "displayPath": "opengl" for the zero-copy path on GPU machines.
    required property var binding
    property bool showStats: root.binding.stats === true
    // The wall-distance rule in this viewport (set by the tile frame; README "Text on the wall").
    property real minTextPx: 0
    property int fillMode: root.binding.fill === "fill" ? VideoItem.Fill
                         : root.binding.fill === "stretch" ? VideoItem.Stretch
                         : VideoItem.Fit
    // VideoItem.Texture (default, every backend) or VideoItem.OpenGl (qml6glsink, opt-in for
    // machines with a GPU; falls back to Texture with a log line where OpenGL is not available)
    property int displayPath: root.binding.displayPath === "opengl" ? VideoItem.OpenGl : VideoItem.Texture
    readonly property int effectiveDisplayPath: video.effectiveDisplayPath
    readonly property VideoStream stream: video.stream
    readonly property string statusText: describe(stream, stream ? stream.state : 0,
                                                  stream ? stream.retryInSeconds : 0,
                                                  stream ? stream.lastError : "")

    function describe(s, state, retryIn, reason) {
        if (!s)
            return qsTr("No video source")
        switch (state) {
        case VideoStream.Connecting:
            return qsTr("Connecting…")
        case VideoStream.Stalled:
            return retryIn > 0 ? qsTr("Stalled (%1), reconnecting in %2 s").arg(reason).arg(retryIn)
                               : qsTr("Stalled (%1)").arg(reason)
        case VideoStream.Reconnecting:
            if (retryIn > 0)
                return reason ? qsTr("Reconnecting in %1 s (%2)").arg(retryIn).arg(reason)
                              : qsTr("Reconnecting in %1 s").arg(retryIn)
            return qsTr("Reconnecting…")
        case VideoStream.Failed:
            return qsTr("Failed: %1").arg(reason)
        default:
            return ""
        }
    }

    Rectangle {
        anchors.fill: parent
        color: "black"
    }

    VideoItem {
        id: video
        anchors.fill: parent
        binding: root.binding
        fillMode: root.fillMode
        displayPath: root.displayPath
        opacity: video.stream && video.stream.stale ? 0.4 : 1.0
    }

    Rectangle {
        id: staleBadge
        objectName: "staleBadge"
        visible: video.stream !== null && video.stream.stale
        anchors { top: parent.top; right: parent.right; margins: 8 }
        width: staleText.implicitWidth + 16
        height: staleText.implicitHeight + 8
        radius: 4
        color: "#c0392b"
        Text {
            id: staleText
            anchors.centerIn: parent
            text: qsTr("STALE")
            color: "white"
            font.bold: true
            font.pixelSize: Math.max(14, root.minTextPx)
        }
    }

    Rectangle {
        visible: stateText.text !== ""
        anchors.centerIn: parent
        width: Math.min(parent.width - 16, stateText.implicitWidth + 24)
        height: stateText.implicitHeight + 12
        radius: 6
        color: "#b0000000"
        Text {
            id: stateText
            objectName: "stateText"
            anchors.centerIn: parent
            width: Math.min(implicitWidth, root.width - 40)
            text: root.statusText
            color: "white"
            font.pixelSize: Math.max(18, root.minTextPx * 1.1)
            wrapMode: Text.Wrap
            horizontalAlignment: Text.AlignHCenter
        }
    }

    Rectangle {
        visible: video.stream !== null && video.stream.conferenceLabel !== ""
        anchors { left: parent.left; bottom: parent.bottom; margins: 8 }
        width: labelText.implicitWidth + 16
        height: labelText.implicitHeight + 8
        color: "#a0000000"
        Text {
            id: labelText
            anchors.centerIn: parent
            text: video.stream ? video.stream.conferenceLabel : ""
            color: "white"
            font.pixelSize: Math.max(16, root.minTextPx)
        }
    }

    Text {
        visible: video.stream !== null && !video.stream.muted
        anchors { right: parent.right; bottom: parent.bottom; margins: 8 }
        text: qsTr("AUDIO %1%").arg(Math.round(video.stream ? video.stream.volume * 100 : 0))
        color: "#2ecc71"
        font.bold: true
        font.pixelSize: Math.max(16, root.minTextPx)
    }

    StatsOverlay {
        visible: root.showStats && video.stream !== null
        stream: video.stream
        anchors { left: parent.left; top: parent.top; margins: 8 }
    }
}
