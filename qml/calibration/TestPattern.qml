pragma ComponentBehavior: Bound
import QtQuick
import OpsWall.Calibration

// A test pattern over one display, instead of the layout, while the technician has one shown
// (Calibration.pattern; every display or Calibration.patternDisplays). Sized in the display's
// own pixels; the crosshatch is placed in canvas millimetres, so its lines continue across the
// bezels exactly as bezel compensation says they should.
Item {
    id: root

    property string displayId
    property rect sourceRect: Qt.rect(0, 0, 1, 1) // the canvas millimetres this display shows
    readonly property real kx: width / sourceRect.width
    readonly property real ky: height / sourceRect.height
    readonly property real spacingMm: 100 // crosshatch pitch on the wall
    readonly property string pattern: Calibration.pattern
    // Reads patternDisplays so that the binding follows patternChanged.
    readonly property bool shown: pattern !== "" && Calibration.patternDisplays !== undefined
                                  && Calibration.showsPattern(displayId)
    readonly property var solids: ({
        white: "#ffffff", black: "#000000", red: "#ff0000", green: "#00ff00",
        blue: "#0000ff", grey: "#808080", crosshatch: "#000000", idcard: "#000000",
        uniformity: "#ffffff"
    })

    visible: shown

    Rectangle { // solid fields, and the background of the others
        anchors.fill: parent
        color: root.solids[root.pattern] !== undefined ? root.solids[root.pattern] : "#000000"
    }

    Row { // grey steps: 0 %, 10 % ... 100 %
        anchors.fill: parent
        visible: root.pattern === "greysteps"
        Repeater {
            model: 11
            Rectangle {
                required property int index
                width: root.width / 11
                height: root.height
                color: Qt.rgba(index / 10, index / 10, index / 10, 1)
            }
        }
    }

    Rectangle { // grey ramp, black at the left to white at the right
        anchors.fill: parent
        visible: root.pattern === "greyramp"
        gradient: Gradient {
            orientation: Gradient.Horizontal
            GradientStop { position: 0; color: "#000000" }
            GradientStop { position: 1; color: "#ffffff" }
        }
    }

    Row { // colour bars (100 %): white, yellow, cyan, green, magenta, red, blue, black
        anchors.fill: parent
        visible: root.pattern === "colourbars"
        Repeater {
            model: ["#ffffff", "#ffff00", "#00ffff", "#00ff00", "#ff00ff", "#ff0000", "#0000ff",
                    "#000000"]
            Rectangle {
                required property string modelData
                width: root.width / 8
                height: root.height
                color: modelData
            }
        }
    }

    Item { // crosshatch: white lines every spacingMm of the canvas, 2 px wide
        anchors.fill: parent
        visible: root.pattern === "crosshatch"
        readonly property int firstColumn: Math.ceil(root.sourceRect.x / root.spacingMm)
        readonly property int lastColumn: Math.floor((root.sourceRect.x + root.sourceRect.width)
                                                     / root.spacingMm)
        readonly property int firstRow: Math.ceil(root.sourceRect.y / root.spacingMm)
        readonly property int lastRow: Math.floor((root.sourceRect.y + root.sourceRect.height)
                                                  / root.spacingMm)
        id: hatch
        Repeater {
            model: Math.max(0, hatch.lastColumn - hatch.firstColumn + 1)
            Rectangle {
                required property int index
                x: Math.round(((hatch.firstColumn + index) * root.spacingMm - root.sourceRect.x)
                              * root.kx) - 1
                width: 2
                height: root.height
                color: "#ffffff"
            }
        }
        Repeater {
            model: Math.max(0, hatch.lastRow - hatch.firstRow + 1)
            Rectangle {
                required property int index
                y: Math.round(((hatch.firstRow + index) * root.spacingMm - root.sourceRect.y)
                              * root.ky) - 1
                height: 2
                width: root.width
                color: "#ffffff"
            }
        }
    }

    Item { // uniformity: full white, a light 3 x 3 grid, a target in the middle for the meter
        anchors.fill: parent
        visible: root.pattern === "uniformity"
        Repeater {
            model: 2
            Rectangle {
                required property int index
                x: Math.round(root.width * (index + 1) / 3)
                width: 1
                height: root.height
                color: "#c0c0c0"
            }
        }
        Repeater {
            model: 2
            Rectangle {
                required property int index
                y: Math.round(root.height * (index + 1) / 3)
                height: 1
                width: root.width
                color: "#c0c0c0"
            }
        }
        Rectangle {
            readonly property real size: Math.min(root.width, root.height) / 6
            x: (root.width - size) / 2
            y: (root.height - size) / 2
            width: size
            height: size
            radius: size / 2
            color: "transparent"
            border.color: "#000000"
            border.width: Math.max(2, size / 40)
        }
        Rectangle {
            x: root.width / 2 - 1
            y: root.height / 2 - root.height / 16
            width: 2
            height: root.height / 8
            color: "#000000"
        }
        Rectangle {
            x: root.width / 2 - root.height / 16
            y: root.height / 2 - 1
            width: root.height / 8
            height: 2
            color: "#000000"
        }
    }

    Column { // ID card: who this panel is and how it is reached
        visible: root.pattern === "idcard"
        readonly property var info: root.shown && root.pattern === "idcard"
                                    ? Calibration.displayInfo(root.displayId) : ({})
        id: card
        anchors.centerIn: parent
        spacing: root.height / 40
        Text {
            anchors.horizontalCenter: parent.horizontalCenter
            text: card.info.label !== undefined ? card.info.label : root.displayId
            color: "#ffffff"
            font.pixelSize: root.height / 4
            font.bold: true
        }
        Repeater {
            model: [
                qsTr("ID %1").arg(root.displayId)
                + (card.info.deviceId !== undefined ? " · " + qsTr("set ID %1").arg(card.info.deviceId) : ""),
                card.info.address ? card.info.protocol + " " + card.info.address : qsTr("no control link"),
                qsTr("input %1").arg(card.info.input ? card.info.input : "?"),
                card.info.resolution ? card.info.resolution + " px" : "",
                qsTr("firmware %1").arg(card.info.firmware ? card.info.firmware : "?")
            ]
            Text {
                required property string modelData
                anchors.horizontalCenter: parent.horizontalCenter
                text: modelData
                color: "#ffffff"
                font.pixelSize: root.height / 16
            }
        }
    }
}
