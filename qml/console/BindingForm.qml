pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import OpsWall.Console

// The selected tile's binding as a form, one field per setting of its kind: an indicator picked
// from the wall's list (GET /indicators, with units), a video source from /sources, text, colours
// with a swatch, choices and numbers. Apply checks it the way the wall does (StagedLayout::
// setBindingText, app/wall/layout.cpp) and a refused value is named next to its field. Keys the
// form does not show are kept as they are (the JSON box below edits everything).
ColumnLayout {
    id: form
    objectName: "bindingForm"

    required property Item view
    required property var tile           // StagedLayout::tile(): {id, kind, binding, …}
    property string error: ""            // "field: message" of the last refusal
    property string errorKey: ""         // the binding key it names ("timeZone")
    readonly property WallSession session: view.session
    readonly property bool vi: view.lang === "vi"
    readonly property var fields: fieldsOf(tile && tile.kind ? tile.kind : "")
    // The form's values, key -> value ("" = not set); filled from the tile's binding.
    property var values: ({})

    signal applied()

    spacing: 4

    function indicatorChoices(): var {
        return (session.indicators || []).map(m => ({
            value: m.id,
            text: (vi ? m.nameVi : m.nameEn) + " (" + (vi ? m.unitVi : m.unitEn) + ")"
        }))
    }
    function sourceChoices(): var {
        return (session.sources || []).map(s => ({ value: s.id, text: (s.label || s.name || s.id) + " · " + s.id }))
    }
    function choice(values: var, words: var): var {
        return values.map((v, i) => ({ value: v, text: words ? words[i] : String(v) }))
    }
    // The fields of each tile kind, in the order shown.
    function fieldsOf(kind: string): var {
        const fill = { key: "fill", type: "choice", label: qsTr("Fit"),
                       choices: choice(["fit", "fill", "stretch"], [qsTr("Fit inside"), qsTr("Fill (crop)"), qsTr("Stretch")]) }
        switch (kind) {
        case "text":
            return [{ key: "text", type: "text", label: qsTr("Text") },
                    { key: "align", type: "choice", label: qsTr("Alignment"),
                      choices: choice(["left", "center", "right"], [qsTr("Left"), qsTr("Centre"), qsTr("Right")]) },
                    { key: "color", type: "colour", label: qsTr("Colour") },
                    { key: "sizeMm", type: "number", label: qsTr("Letter height (mm)") }]
        case "clock":
            return [{ key: "timeZone", type: "editable", label: qsTr("Time zone"),
                      choices: choice(["Asia/Ho_Chi_Minh", "Asia/Bangkok", "Asia/Singapore", "Asia/Tokyo",
                                       "Asia/Shanghai", "Europe/London", "Europe/Paris", "America/New_York", "UTC"]) },
                    { key: "show", type: "choice", label: qsTr("Show"),
                      choices: choice(["datetime", "time", "date"], [qsTr("Date and time"), qsTr("Time"), qsTr("Date")]) },
                    { key: "label", type: "text", label: qsTr("Label") }]
        case "color":
            return [{ key: "color", type: "colour", label: qsTr("Colour") }]
        case "image":
            return [{ key: "source", type: "text", label: qsTr("Image (asset or media: name)") }, fill]
        case "video":
            return [{ key: "source", type: "source", label: qsTr("Video source") },
                    { key: "label", type: "text", label: qsTr("Label") }, fill,
                    { key: "stats", type: "bool", label: qsTr("Show stream statistics") }]
        case "kpi":
            return [{ key: "indicator", type: "indicator", label: qsTr("Indicator") },
                    { key: "dimension", type: "text", label: qsTr("Dimension") },
                    { key: "transform", type: "text", label: qsTr("Transform") },
                    { key: "forecast", type: "text", label: qsTr("Forecast") }]
        case "chart": case "bar": case "table":
            return [{ key: "indicator", type: "indicator", label: qsTr("Indicator") },
                    { key: "dimension", type: "text", label: qsTr("Dimension") },
                    { key: "maxPoints", type: "number", label: qsTr("Points at most") }]
        case "map":
            return [{ key: "indicator", type: "indicator", label: qsTr("Indicator") },
                    { key: "period", type: "text", label: qsTr("Period") },
                    { key: "units", type: "choice", label: qsTr("Provinces"),
                      choices: choice([34, 63], [qsTr("34 (since 2025)"), qsTr("63 (before 2025)")]) },
                    { key: "classes", type: "number", label: qsTr("Colour classes (2–9)") },
                    { key: "palette", type: "choice", label: qsTr("Palette"),
                      choices: choice(["sequential", "diverging"], [qsTr("Sequential"), qsTr("Diverging")]) },
                    { key: "showMessages", type: "bool", label: qsTr("Show messages on the map") }]
        case "alerts":
            return [{ key: "max", type: "number", label: qsTr("Alerts at most") }]
        default:
            return []
        }
    }

    function load() {
        const b = (tile && tile.binding) || {}
        const v = {}
        for (const f of (fields || [])) // (not yet evaluated while the form is being created)
            v[f.key] = b[f.key] === undefined ? "" : b[f.key]
        values = v
        error = ""
        errorKey = ""
    }
    function set(key: string, value: var) {
        const v = Object.assign({}, values)
        v[key] = value
        values = v
    }
    // The tile's binding with the form's values over it (an emptied field removes its key).
    function binding(): var {
        const b = Object.assign({}, (tile && tile.binding) || {})
        for (const f of (fields || [])) {
            const value = values[f.key]
            if (value === "" || value === undefined || value === null) {
                delete b[f.key]
            } else if (f.type === "number") {
                const n = Number(value)
                b[f.key] = isNaN(n) ? String(value) : n // a word is refused by the wall, by name
            } else {
                b[f.key] = value
            }
        }
        return b
    }
    function apply() {
        const r = view.staged.setBindingText(tile.id, JSON.stringify(binding()))
        if (r.ok) {
            error = ""
            errorKey = ""
            applied()
            return true
        }
        error = r.field + ": " + r.message
        const parts = String(r.field).split(".")
        errorKey = parts[parts.length - 1].replace(/\[.*$/, "")
        return false
    }

    onTileChanged: load()
    Component.onCompleted: load()

    Repeater {
        model: form.fields
        delegate: ColumnLayout {
            id: field
            required property var modelData
            readonly property var value: form.values[modelData.key]
            readonly property bool refused: form.errorKey === modelData.key
            objectName: "field-" + modelData.key
            Layout.fillWidth: true
            spacing: 2
            Label {
                text: field.modelData.label
                color: field.refused ? Look.bad : Look.muted
            }
            RowLayout {
                Layout.fillWidth: true
                TextField {
                    objectName: "input"
                    visible: ["text", "colour", "number", "editable"].indexOf(field.modelData.type) >= 0
                    Layout.fillWidth: true
                    enabled: form.view.mayEdit
                    text: field.value === undefined ? "" : String(field.value)
                    inputMethodHints: field.modelData.type === "number" ? Qt.ImhFormattedNumbersOnly : Qt.ImhNone
                    color: Look.text
                    background: Rectangle {
                        color: Look.window
                        border.color: field.refused ? Look.bad : Look.line
                    }
                    onTextEdited: form.set(field.modelData.key, text)
                    onAccepted: form.apply()
                }
                Rectangle {
                    objectName: "swatch"
                    visible: field.modelData.type === "colour"
                    width: 28
                    height: 28
                    radius: 3
                    border.color: Look.line
                    color: field.modelData.type === "colour" && field.value ? String(field.value) : "transparent"
                }
                // A list to choose from; for "editable" fields (a time zone) a list of common
                // values beside the text, which takes any value.
                ComboBox {
                    objectName: "choice"
                    visible: ["choice", "indicator", "source", "editable"].indexOf(field.modelData.type) >= 0
                    Layout.fillWidth: field.modelData.type !== "editable"
                    Layout.preferredWidth: field.modelData.type === "editable" ? 40 : -1
                    enabled: form.view.mayEdit
                    readonly property var options: field.modelData.type === "indicator" ? form.indicatorChoices()
                                                   : field.modelData.type === "source" ? form.sourceChoices()
                                                   : (field.modelData.choices || [])
                    model: options.map(o => o.text)
                    displayText: field.modelData.type === "editable" ? "" : currentText
                    currentIndex: options.findIndex(o => o.value === field.value)
                    popup.width: Math.max(width, 260)
                    onActivated: (index) => form.set(field.modelData.key, options[index].value)
                }
                CheckBox {
                    objectName: "check"
                    visible: field.modelData.type === "bool"
                    enabled: form.view.mayEdit
                    checked: field.value === true
                    onToggled: form.set(field.modelData.key, checked)
                }
            }
            Label {
                objectName: "fieldError"
                visible: field.refused
                text: form.error
                color: Look.bad
                wrapMode: Text.Wrap
                Layout.fillWidth: true
            }
        }
    }
    Label {
        objectName: "formError"
        visible: form.error !== "" && !form.fields.some(f => f.key === form.errorKey)
        text: form.error
        color: Look.bad
        wrapMode: Text.Wrap
        Layout.fillWidth: true
    }
    Permitted {
        objectName: "applyForm"
        visible: form.fields.length > 0
        view: form.view
        permission: "layout.set"
        text: qsTr("Apply")
        onClicked: form.apply()
    }
}
