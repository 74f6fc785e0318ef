pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import OpsWall.Console

// The technician page's wall geometry: a display's place in the wall model in millimetres (the
// crosshatch moves live across the seams), saved as a wall revision, undone.
ColumnLayout {
    id: part
    objectName: "techGeometry"
    // The technician's page (TechnicianPanel; "var": its type would make the two files cycle): the
    // picked displays, its state and its calls to the wall.
    required property var panel
    spacing: Look.gap

    // Geometry: a display's place in the wall model, in millimetres (watch the crosshatch).
    Label { text: qsTr("Geometry"); color: Look.text; font.bold: true }
    Label {
        visible: part.panel.chosen.length !== 1
        text: qsTr("Pick exactly one display to move it.")
        color: Look.muted
    }
    GridLayout {
        columns: 4
        enabled: part.panel.chosen.length === 1
        Repeater {
            model: [["←", -1, 0, "nudgeLeft"], ["→", 1, 0, "nudgeRight"], ["↑", 0, -1, "nudgeUp"], ["↓", 0, 1, "nudgeDown"]]
            delegate: Permitted {
                required property var modelData
                objectName: modelData[3]
                view: part.panel.view
                permission: "calibration.geometry"
                text: modelData[0] + " " + qsTr("%1 mm").arg(stepMm.value)
                onClicked: part.panel.nudge(modelData[1] * stepMm.value, modelData[2] * stepMm.value)
            }
        }
    }
    RowLayout {
        Label { text: qsTr("Step (mm)"); color: Look.muted }
        SpinBox { id: stepMm; objectName: "nudgeStep"; from: 1; to: 50; value: 1; editable: true }
    }
    RowLayout {
        Permitted {
            objectName: "geometrySave"
            view: part.panel.view
            permission: "calibration.geometrySave"
            text: qsTr("Save geometry")
            onClicked: part.panel.session.call("tech.geometrySave", "POST", "/calibration/geometry/save", { note: qsTr("set up from the console") })
        }
        Permitted {
            objectName: "geometryUndo"
            view: part.panel.view
            permission: "calibration.geometryUndo"
            text: qsTr("Undo set-up")
            onClicked: part.panel.session.call("tech.geometryUndo", "POST", "/calibration/geometry/undo")
        }
    }
}
