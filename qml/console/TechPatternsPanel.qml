pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import OpsWall.Console

// The technician page's test patterns: drawn by the wall itself over the picked displays (none
// picked: all), until taken back to the live layout.
ColumnLayout {
    id: part
    objectName: "techPatterns"
    // The technician's page (TechnicianPanel; "var": its type would make the two files cycle): the
    // picked displays, its state and its calls to the wall.
    required property var panel
    spacing: Look.gap

    Label { text: qsTr("Test pattern"); color: Look.text; font.bold: true }
    Label {
        objectName: "patternNow"
        Layout.fillWidth: true
        wrapMode: Text.Wrap
        color: part.panel.patternState.pattern ? Look.warn : Look.muted
        text: part.panel.patternState.pattern
              ? qsTr("The wall shows “%1” on %2; the live layout is kept underneath.")
                    .arg(part.panel.patternWords(part.panel.patternState.pattern))
                    .arg(part.panel.patternState.displays === "all" ? qsTr("every display")
                                                               : (part.panel.patternState.displays || []).join(", "))
              : qsTr("The wall shows its live layout.")
    }
    RowLayout {
        Layout.fillWidth: true
        ComboBox {
            id: patternChoice
            objectName: "patternChoice"
            Layout.fillWidth: true
            model: part.panel.patterns.map(p => part.panel.patternWords(p))
        }
        Permitted {
            objectName: "showPattern"
            view: part.panel.view
            permission: "calibration.pattern"
            text: part.panel.chosen.length === 0 ? qsTr("Show on all") : qsTr("Show")
            onClicked: part.panel.showPattern(part.panel.patterns[patternChoice.currentIndex])
        }
    }
    Permitted {
        objectName: "clearPattern"
        view: part.panel.view
        permission: "calibration.patternClear"
        text: qsTr("Back to the live layout")
        extraEnabled: !!part.panel.patternState.pattern
        onClicked: part.panel.clearPattern()
    }
}
