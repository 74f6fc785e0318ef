import QtQuick
import OpsWall.Wall

// What a running briefing draws over one display's share of the canvas (WallScene.presentation):
// `part: "dim"` darkens every tile but the one in focus (which DisplayViewport raises above it);
// `part: "top"` outlines the focus, shows the small step indicator in the wall's bottom-right
// corner, and the calm black screen with the organisation's name when the wall is blanked.
// Everything is placed in canvas millimetres, so it lines up across displays and bezels. No
// animations: a step is one frame (software renderer).
Item {
    id: overlay

    required property string part
    required property rect source // the canvas rectangle this viewport shows (mm)
    required property real kx
    required property real ky

    readonly property var p: WallScene.presentation
    readonly property bool active: p.active === true
    readonly property bool blank: active && p.blank === true
    readonly property bool focused: active && !blank && !!p.focus && !!p.focusRect
    readonly property rect canvas: WallScene.canvasRect

    function px(mmX: real): real { return (mmX - source.x) * kx }
    function py(mmY: real): real { return (mmY - source.y) * ky }

    Rectangle {
        objectName: "briefingDim"
        visible: overlay.part === "dim" && overlay.focused
        anchors.fill: parent
        color: "black"
        opacity: 0.62
    }

    Rectangle {
        objectName: "briefingFocusOutline"
        visible: overlay.part === "top" && overlay.focused
        readonly property real marginMm: 8
        x: overlay.focused ? overlay.px(overlay.p.focusRect.x - marginMm) : 0
        y: overlay.focused ? overlay.py(overlay.p.focusRect.y - marginMm) : 0
        width: overlay.focused ? (overlay.p.focusRect.width + 2 * marginMm) * overlay.kx : 0
        height: overlay.focused ? (overlay.p.focusRect.height + 2 * marginMm) * overlay.ky : 0
        color: "transparent"
        border.color: Theme.accent
        border.width: Math.max(2, 6 * overlay.kx)
    }

    // The step indicator: small, muted, in the wall's bottom-right corner.
    Text {
        objectName: "briefingStepIndicator"
        visible: overlay.part === "top" && overlay.active && !overlay.blank
        readonly property real sizeMm: 28
        x: overlay.px(overlay.canvas.x + overlay.canvas.width - 30) - width
        y: overlay.py(overlay.canvas.y + overlay.canvas.height - 16) - height
        text: overlay.p.indicator || ""
        color: Theme.mutedText
        opacity: 0.75
        font.family: Theme.fontFamily
        font.pixelSize: Math.max(1, sizeMm * overlay.ky)
    }

    // Blank: black, with the organisation's name and the briefing's title, centred on the wall.
    Rectangle {
        objectName: "briefingBlank"
        visible: overlay.part === "top" && overlay.blank
        anchors.fill: parent
        color: "black"

        Column {
            x: overlay.px(overlay.canvas.x)
            y: overlay.py(overlay.canvas.y + overlay.canvas.height / 2) - height / 2
            width: overlay.canvas.width * overlay.kx
            spacing: 30 * overlay.ky
            Text {
                width: parent.width
                horizontalAlignment: Text.AlignHCenter
                text: (WallScene.language === "en" && overlay.p.organisationEn
                       ? overlay.p.organisationEn : overlay.p.organisation) || ""
                color: "#c9d4df"
                font.family: Theme.fontFamily
                font.pixelSize: Math.max(1, 90 * overlay.ky)
            }
            Text {
                width: parent.width
                horizontalAlignment: Text.AlignHCenter
                text: (WallScene.language === "en" && overlay.p.titleEn
                       ? overlay.p.titleEn : overlay.p.title) || ""
                color: "#6f8194"
                font.family: Theme.fontFamily
                font.pixelSize: Math.max(1, 50 * overlay.ky)
            }
        }
    }
}
