import QtQuick
import QtQuick.Controls

// A button for one action of the permission table: disabled with the reason when the token's role
// may not do it (not hidden, and never failing on click).
Button {
    id: button

    required property Item view
    required property string permission
    property bool extraEnabled: true
    readonly property string reason: view.whyNot(permission)

    enabled: reason === "" && extraEnabled
    hoverEnabled: true
    ToolTip.visible: hovered && reason !== ""
    ToolTip.text: reason
    ToolTip.delay: 200
}
