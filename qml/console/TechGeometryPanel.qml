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
        Layout.fillWidth: true // the four buttons share the panel's width instead of passing it
        Repeater {
            model: [["←", -1, 0, "nudgeLeft"], ["→", 1, 0, "nudgeRight"], ["↑", 0, -1, "nudgeUp"], ["↓", 0, 1, "nudgeDown"]]
            delegate: Permitted {
                required property var modelData
                objectName: modelData[3]
                Layout.fillWidth: true
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

    // The picked display's bezels (mm, as mounted) and rotation, from the wall model: edited,
    // applied live (the crosshatch follows across the seams), then saved or undone below.
    readonly property var picked: {
        for (const d of part.panel.displays)
            if (d.id === part.panel.chosen[0])
                return d
        return null
    }
    // The picked display and its bezels and rotation as the wall model has them: the fields are
    // filled again when these change (another display picked, an apply or an undo taking effect),
    // not when the wall is merely read again, so what is being typed stays.
    readonly property string pickedGeometry: picked && part.panel.chosen.length === 1
                                             ? JSON.stringify([picked.id, picked.bezelMm, picked.rotation]) : ""
    onPickedGeometryChanged: load()
    function load() {
        if (!picked || part.panel.chosen.length !== 1)
            return
        const b = picked.bezelMm || {}
        bezelLeft.text = String(b.left || 0)
        bezelTop.text = String(b.top || 0)
        bezelRight.text = String(b.right || 0)
        bezelBottom.text = String(b.bottom || 0)
        rotationChoice.currentIndex = Math.max(0, [0, 90, 180, 270].indexOf(picked.rotation || 0))
    }
    function applyBezelAndRotation() {
        if (part.panel.chosen.length !== 1)
            return
        part.panel.session.call("tech.geometry", "POST", "/calibration/geometry", {
            display: part.panel.chosen[0],
            bezel: { left: Number(bezelLeft.text), top: Number(bezelTop.text),
                     right: Number(bezelRight.text), bottom: Number(bezelBottom.text) },
            rotation: [0, 90, 180, 270][rotationChoice.currentIndex]
        })
    }
    GridLayout {
        columns: 4
        enabled: part.panel.chosen.length === 1
        Layout.fillWidth: true
        Label { text: qsTr("Bezel left (mm)"); color: Look.muted }
        TextField {
            id: bezelLeft
            objectName: "bezelLeft"
            validator: DoubleValidator { bottom: 0; top: 200 }
            Layout.preferredWidth: 70
        }
        Label { text: qsTr("right"); color: Look.muted }
        TextField {
            id: bezelRight
            objectName: "bezelRight"
            validator: DoubleValidator { bottom: 0; top: 200 }
            Layout.preferredWidth: 70
        }
        Label { text: qsTr("top"); color: Look.muted }
        TextField {
            id: bezelTop
            objectName: "bezelTop"
            validator: DoubleValidator { bottom: 0; top: 200 }
            Layout.preferredWidth: 70
        }
        Label { text: qsTr("bottom"); color: Look.muted }
        TextField {
            id: bezelBottom
            objectName: "bezelBottom"
            validator: DoubleValidator { bottom: 0; top: 200 }
            Layout.preferredWidth: 70
        }
        Label { text: qsTr("Rotation"); color: Look.muted }
        ComboBox {
            id: rotationChoice
            objectName: "rotationChoice"
            model: [qsTr("0°"), qsTr("90°"), qsTr("180°"), qsTr("270°")]
            Layout.columnSpan: 3
        }
    }
    RowLayout {
        Permitted {
            objectName: "geometryApply"
            view: part.panel.view
            permission: "calibration.geometry"
            text: qsTr("Apply bezels and rotation (live)")
            extraEnabled: part.panel.chosen.length === 1
            onClicked: part.applyBezelAndRotation()
        }
        Permitted {
            objectName: "showCrosshatch"
            view: part.panel.view
            permission: "calibration.pattern"
            text: qsTr("Show the crosshatch")
            onClicked: part.panel.showPattern("crosshatch")
        }
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
