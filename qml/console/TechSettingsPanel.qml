pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import OpsWall.Console

// The technician page's picture settings: read what the picked displays report and apply their
// profile (results per display in words, drift), and edit and save the profile itself.
ColumnLayout {
    id: part
    objectName: "techSettings"
    // The technician's page (TechnicianPanel; "var": its type would make the two files cycle): the
    // picked displays, its state and its calls to the wall.
    required property var panel
    spacing: Look.gap

    // Fills the form from the first picked display's profile, or else from its last read-back.
    function load() { form.load() }
    // The ticked settings as the wall's JSON, and the note for the history.
    function settings(): var { return form.settings() }
    readonly property string note: noteField.text

    component NumberSetting: RowLayout {
        id: numberRow
        required property string name
        required property string label
        property alias include: tick.checked
        property alias value: spin.value
        property int from: 0
        property int to: 100
        property int step: 1
        Layout.fillWidth: true
        objectName: "setting-" + name
        CheckBox {
            id: tick
            objectName: "include"
            text: numberRow.label
            Layout.fillWidth: true
        }
        SpinBox {
            id: spin
            objectName: "value"
            enabled: tick.checked
            from: numberRow.from
            to: numberRow.to
            stepSize: numberRow.step
            editable: true
            implicitWidth: 110 // the style's 140 leaves the panel too narrow
        }
    }
    component TripleSetting: ColumnLayout {
        id: tripleRow
        required property string name
        required property string label
        property alias include: tripleTick.checked
        property var values: [128, 128, 128]
        Layout.fillWidth: true
        objectName: "setting-" + name
        CheckBox {
            id: tripleTick
            objectName: "include"
            text: tripleRow.label
        }
        RowLayout {
            enabled: tripleTick.checked
            Layout.fillWidth: true // three channels share the panel's width
            Repeater {
                model: 3
                delegate: SpinBox {
                    required property int index
                    objectName: "channel" + index
                    from: 0
                    to: 255
                    editable: true
                    value: tripleRow.values[index]
                    onValueModified: {
                        const v = tripleRow.values.slice()
                        v[index] = value
                        tripleRow.values = v
                    }
                    implicitWidth: 96
                    Layout.fillWidth: true
                }
            }
        }
    }
    component TextSetting: RowLayout {
        id: textRow
        required property string name
        required property string label
        property alias include: textTick.checked
        property alias text: textValue.text
        property string hint: ""
        Layout.fillWidth: true
        objectName: "setting-" + name
        CheckBox {
            id: textTick
            objectName: "include"
            text: textRow.label
            Layout.fillWidth: true
        }
        TextField {
            id: textValue
            objectName: "value"
            enabled: textTick.checked
            placeholderText: textRow.hint
            Layout.preferredWidth: 110
        }
    }


    // What the displays report now, and the drift from their profiles.
    Label { text: qsTr("Picture settings"); color: Look.text; font.bold: true }
    RowLayout {
        Permitted {
            objectName: "readSettings"
            view: part.panel.view
            permission: "calibration.read"
            text: qsTr("Read from displays")
            extraEnabled: part.panel.chosen.length > 0 && part.panel.runningId === 0
            onClicked: part.panel.startRun("read")
        }
        Permitted {
            objectName: "applyProfile"
            view: part.panel.view
            permission: "calibration.apply"
            text: qsTr("Apply profile")
            extraEnabled: part.panel.chosen.length > 0 && part.panel.runningId === 0
            onClicked: part.panel.startRun("apply")
        }
        BusyIndicator {
            running: part.panel.runningId !== 0
            visible: running
            Layout.preferredWidth: 24
            Layout.preferredHeight: 24
        }
    }
    Label {
        visible: part.panel.chosen.length === 0
        text: qsTr("Pick one or more displays first.")
        color: Look.muted
    }
    Label {
        objectName: "runSummary"
        visible: part.panel.run.id !== undefined
        Layout.fillWidth: true
        wrapMode: Text.Wrap
        color: part.panel.run.ok ? Look.good : Look.warn
        text: part.panel.run.id === undefined ? ""
              : (part.panel.run.kind === "apply" ? qsTr("Apply: %1") : qsTr("Read: %1")).arg(part.panel.run.summary || "")
    }
    Repeater {
        model: part.panel.run.displays && !Array.isArray(part.panel.run.displays) ? Object.keys(part.panel.run.displays) : []
        delegate: ColumnLayout {
            id: result
            required property string modelData
            readonly property var one: part.panel.run.displays[modelData]
            objectName: "result-" + modelData
            Layout.fillWidth: true
            spacing: 2
            Label {
                objectName: "resultSummary"
                Layout.fillWidth: true
                wrapMode: Text.Wrap
                color: result.one.ok ? Look.text : Look.bad
                text: result.modelData + ": " + (result.one.summary || "")
            }
            Label {
                objectName: "resultReadback"
                Layout.fillWidth: true
                wrapMode: Text.Wrap
                color: Look.muted
                text: result.one.readback ? part.panel.settingsWords(result.one.readback.settings) : ""
            }
            Label {
                objectName: "resultUnreadable"
                visible: text !== ""
                Layout.fillWidth: true
                wrapMode: Text.Wrap
                color: Look.muted
                font.italic: true
                text: result.one.readback && result.one.readback.unreadable
                      ? Object.keys(result.one.readback.unreadable)
                            .map(k => part.panel.settingWords(k) + ": " + result.one.readback.unreadable[k]).join("; ")
                      : ""
            }
            Label {
                objectName: "resultDrift"
                visible: text !== ""
                Layout.fillWidth: true
                wrapMode: Text.Wrap
                color: Look.warn
                text: result.one.drift && result.one.drift.drift && result.one.drift.drift.length > 0
                      ? qsTr("Drift: %1").arg(result.one.drift.drift.map(
                            d => qsTr("%1 should be %2, is %3").arg(part.panel.settingWords(d.setting))
                                     .arg(part.panel.valueWords(d.want)).arg(part.panel.valueWords(d.have))).join("; "))
                      : (result.one.drift ? qsTr("In step with its profile.") : "")
            }
        }
    }

    // The profile: the settings the picked displays should have.
    Label { text: qsTr("Profile"); color: Look.text; font.bold: true }
    Label {
        objectName: "profileNow"
        Layout.fillWidth: true
        wrapMode: Text.Wrap
        color: Look.muted
        text: part.panel.chosen.length === 0 ? ""
              : part.panel.profile.settings && Object.keys(part.panel.profile.settings).length > 0
                ? qsTr("%1 should have: %2").arg(part.panel.chosen[0]).arg(part.panel.settingsWords(part.panel.profile.settings))
                : qsTr("%1 has no profile yet.").arg(part.panel.chosen[0])
    }
    Label {
        objectName: "profileHistory"
        visible: (part.panel.profile.history || []).length > 0
        Layout.fillWidth: true
        wrapMode: Text.Wrap
        color: Look.muted
        font.pixelSize: 11
        text: (part.panel.profile.history || []).slice(0, 3).map(
                  h => qsTr("%1 by %2%3").arg(h.at || h.time || "").arg(h.by || "")
                           .arg(h.note ? " — " + h.note : "")).join("\n")
    }
    GridLayout {
        id: form
        objectName: "settingsForm"
        columns: 2
        columnSpacing: Look.gap
        Layout.fillWidth: true
        enabled: part.panel.chosen.length > 0

        // Fills the form from the profile, or else from the last read-back.
        function load() {
            const s = (part.panel.profile.settings && Object.keys(part.panel.profile.settings).length > 0)
                      ? part.panel.profile.settings
                      : (part.panel.profile.readback ? part.panel.profile.readback.settings : {})
            for (const row of [brightness, backlight, contrast, colourTemperature]) {
                row.include = s[row.name] !== undefined
                if (s[row.name] !== undefined)
                    row.value = s[row.name]
            }
            for (const row of [rgbGain, rgbOffset]) {
                row.include = s[row.name] !== undefined
                if (s[row.name] !== undefined)
                    row.values = s[row.name]
            }
            pictureMode.include = s.pictureMode !== undefined
            pictureMode.text = s.pictureMode || ""
            gamma.include = s.gamma !== undefined
            gamma.text = s.gamma || ""
        }
        // The ticked settings as the wall's JSON.
        function settings(): var {
            const s = {}
            for (const row of [brightness, backlight, contrast, colourTemperature])
                if (row.include)
                    s[row.name] = row.value
            for (const row of [rgbGain, rgbOffset])
                if (row.include)
                    s[row.name] = row.values
            if (pictureMode.include)
                s.pictureMode = pictureMode.text
            if (gamma.include)
                s.gamma = gamma.text
            return s
        }

        NumberSetting { id: brightness; name: "brightness"; label: part.panel.settingWords(name); Layout.columnSpan: 2 }
        NumberSetting { id: backlight; name: "backlight"; label: part.panel.settingWords(name); Layout.columnSpan: 2 }
        NumberSetting { id: contrast; name: "contrast"; label: part.panel.settingWords(name); Layout.columnSpan: 2 }
        NumberSetting { id: colourTemperature; name: "colourTemperature"; label: part.panel.settingWords(name); Layout.columnSpan: 2; from: 2000; to: 20000; step: 100; value: 6500 }
        TripleSetting { id: rgbGain; name: "rgbGain"; label: part.panel.settingWords(name); Layout.columnSpan: 2 }
        TripleSetting { id: rgbOffset; name: "rgbOffset"; label: part.panel.settingWords(name); Layout.columnSpan: 2 }
        TextSetting { id: pictureMode; name: "pictureMode"; label: part.panel.settingWords(name); Layout.columnSpan: 2; hint: "standard" }
        TextSetting { id: gamma; name: "gamma"; label: part.panel.settingWords(name); Layout.columnSpan: 2; hint: "2.2" }
        TextField {
            id: noteField
            objectName: "profileNote"
            Layout.columnSpan: 2
            Layout.fillWidth: true
            placeholderText: qsTr("Note for the history (why)")
        }
    }
    Permitted {
        objectName: "saveProfile"
        view: part.panel.view
        permission: "calibration.set"
        text: qsTr("Save as the profile of %n display(s)", "", part.panel.chosen.length)
        extraEnabled: part.panel.chosen.length > 0
        onClicked: part.panel.saveProfile()
    }
}
