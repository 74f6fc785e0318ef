pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import OpsWall.Console

// The briefing editor: make a briefing, rename it, delete it; add a preset as a step, remove and
// reorder steps; each step's focus tile, notes (Vietnamese and English) and planned duration.
// Saving goes through the API against the revision opened: if someone saved the briefing in the
// meantime the wall refuses (nothing is overwritten) and the editor offers to load their version
// or to save this one over it. The wall validates; a refusal names the field.
Item {
    id: editor
    objectName: "briefingEditor"

    required property Item view
    required property BriefingSession briefings

    // The briefing being edited: {title, organisation, steps: [...]} as the API has it.
    property var draft: null
    property int draftId: 0       // 0: new, not saved yet
    property int baseRevision: 0  // the revision opened
    property bool dirty: false
    property string conflict: ""  // the wall's words when a save met someone else's
    property string error: ""
    property int pendingLoad: 0
    readonly property string saveReason: view.whyNot("briefing.save")
    readonly property string deleteReason: view.whyNot("briefing.delete")
    readonly property var presets: view.session.presets
    readonly property alias steps: stepList
    readonly property alias titleField: titleVi

    function textOf(text: var, lang: string): string {
        if (text === undefined || text === null)
            return ""
        if (typeof text === "string")
            return lang === "vi" ? text : ""
        return text[lang] || ""
    }
    function makeText(vi: string, en: string): var {
        const t = { vi: vi }
        if (en !== "")
            t.en = en
        return t
    }
    function touch() {
        draft = Object.assign({}, draft)
        dirty = true
    }
    // The title and organisation fields write into the draft as they are typed (so a change of
    // the steps, which renews the draft, keeps them).
    function edited() {
        draft.title = makeText(titleVi.text, titleEn.text)
        if (orgVi.text !== "")
            draft.organisation = makeText(orgVi.text, orgEn.text)
        else
            delete draft.organisation
        dirty = true
    }
    function newBriefing() {
        draft = { schemaVersion: 1, kind: "opswall.briefing",
                  title: { vi: qsTr("New briefing") }, steps: [] }
        draftId = 0
        baseRevision = 0
        dirty = true
        conflict = ""
        error = ""
    }
    function open(id: int) {
        pendingLoad = id
        conflict = ""
        error = ""
        briefings.load(id)
    }
    function presetTiles(name: string): var {
        for (let i = 0; i < presets.length; ++i)
            if (presets[i].name === name) {
                const layout = view.session.presetLayouts[String(presets[i].id)]
                return layout && layout.tiles ? layout.tiles.map(t => t.id) : []
            }
        return []
    }
    function addStep(presetName: string) {
        const steps = draft.steps.slice()
        steps.push({ title: { vi: presetName }, preset: presetName })
        draft.steps = steps
        touch()
    }
    function removeStep(index: int) {
        const steps = draft.steps.slice()
        steps.splice(index, 1)
        draft.steps = steps
        touch()
    }
    function moveStep(index: int, by: int) {
        const to = index + by
        if (to < 0 || to >= draft.steps.length)
            return
        const steps = draft.steps.slice()
        const s = steps[index]
        steps.splice(index, 1)
        steps.splice(to, 0, s)
        draft.steps = steps
        touch()
    }
    function setStep(index: int, key: string, value: var) {
        const steps = draft.steps.slice()
        const s = Object.assign({}, steps[index])
        if (value === undefined || value === "" || value === 0)
            delete s[key]
        else
            s[key] = value
        if (key === "preset" && s.focus && presetTiles(value).indexOf(s.focus) < 0)
            delete s.focus
        steps[index] = s
        draft.steps = steps
        touch()
    }
    // The document as the API takes it.
    function documentOf(): var {
        const d = { schemaVersion: 1, kind: "opswall.briefing",
                    title: makeText(titleVi.text, titleEn.text), steps: draft.steps }
        if (orgVi.text !== "")
            d.organisation = makeText(orgVi.text, orgEn.text)
        return d
    }
    function save() {
        error = ""
        conflict = ""
        if (draftId === 0)
            briefings.create(documentOf())
        else
            briefings.save(draftId, documentOf(), baseRevision)
    }
    // After a conflict: this version over theirs (against the revision the wall has now).
    function saveOverTheirs() {
        for (let i = 0; i < briefings.briefings.length; ++i)
            if (briefings.briefings[i].id === draftId)
                baseRevision = briefings.briefings[i].revision
        save()
    }

    Connections {
        target: editor.briefings
        function onLoaded(id: int, revision: int, document: var) {
            if (id !== editor.pendingLoad)
                return
            editor.pendingLoad = 0
            editor.draft = document
            editor.draftId = id
            editor.baseRevision = revision
            editor.dirty = false
        }
        function onSaved(id: int, revision: int) {
            editor.draftId = id
            editor.baseRevision = revision
            editor.dirty = false
        }
        function onActionFinished(tag: string, ok: bool, code: string, message: string, field: string) {
            if (tag !== "save" && tag !== "create" && tag !== "delete")
                return
            if (ok) {
                if (tag === "delete") {
                    editor.draft = null
                    editor.draftId = 0
                    editor.dirty = false
                }
                return
            }
            if (code === "conflict" && field === "baseRevision")
                editor.conflict = message
            else
                editor.error = message + (field ? " [" + field + "]" : "")
        }
    }

    RowLayout {
        anchors.fill: parent
        anchors.margins: Look.gap
        spacing: Look.gap

        // The briefings on the wall.
        ColumnLayout {
            Layout.preferredWidth: 300
            Layout.fillHeight: true
            Permitted {
                objectName: "newBriefing"
                view: editor.view
                permission: "briefing.save"
                text: qsTr("New briefing")
                Layout.fillWidth: true
                onClicked: editor.newBriefing()
            }
            ListView {
                objectName: "editorBriefingList"
                Layout.fillWidth: true
                Layout.fillHeight: true
                clip: true
                spacing: 4
                model: editor.briefings.briefings
                delegate: ItemDelegate {
                    id: listRow
                    required property var modelData
                    objectName: "edit-" + modelData.id
                    width: ListView.view.width
                    highlighted: editor.draftId === modelData.id
                    text: qsTr("%1 (%2 steps, revision %3)").arg(modelData.title).arg(modelData.steps).arg(modelData.revision)
                    onClicked: editor.open(modelData.id)
                }
            }
        }

        // The draft.
        ColumnLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            visible: editor.draft !== null
            spacing: Look.gap

            Rectangle {
                objectName: "conflictBanner"
                visible: editor.conflict !== ""
                Layout.fillWidth: true
                Layout.preferredHeight: conflictRow.implicitHeight + 12
                color: Look.warn
                radius: 4
                RowLayout {
                    id: conflictRow
                    anchors.fill: parent
                    anchors.margins: 6
                    Label {
                        objectName: "conflictText"
                        Layout.fillWidth: true
                        wrapMode: Text.Wrap
                        color: "black"
                        text: qsTr("Someone else saved this briefing: %1").arg(editor.conflict)
                    }
                    Button {
                        objectName: "reloadTheirs"
                        text: qsTr("Load their version")
                        onClicked: editor.open(editor.draftId)
                    }
                    Button {
                        objectName: "saveMine"
                        text: qsTr("Save mine over it")
                        onClicked: editor.saveOverTheirs()
                    }
                }
            }
            Label {
                objectName: "editorError"
                visible: text !== ""
                Layout.fillWidth: true
                text: editor.error
                color: Look.bad
                wrapMode: Text.Wrap
            }

            GridLayout {
                columns: 4
                Layout.fillWidth: true
                Label { text: qsTr("Title"); color: Look.muted }
                TextField {
                    id: titleVi
                    objectName: "titleVi"
                    Layout.fillWidth: true
                    placeholderText: qsTr("Vietnamese (required)")
                    text: editor.draft ? editor.textOf(editor.draft.title, "vi") : ""
                    onTextEdited: editor.edited()
                }
                TextField {
                    id: titleEn
                    objectName: "titleEn"
                    Layout.fillWidth: true
                    placeholderText: qsTr("English")
                    text: editor.draft ? editor.textOf(editor.draft.title, "en") : ""
                    onTextEdited: editor.edited()
                }
                Item { Layout.preferredWidth: 1 }
                Label { text: qsTr("Organisation"); color: Look.muted }
                TextField {
                    id: orgVi
                    objectName: "organisationVi"
                    Layout.fillWidth: true
                    text: editor.draft ? editor.textOf(editor.draft.organisation, "vi") : ""
                    onTextEdited: editor.edited()
                }
                TextField {
                    id: orgEn
                    objectName: "organisationEn"
                    Layout.fillWidth: true
                    text: editor.draft ? editor.textOf(editor.draft.organisation, "en") : ""
                    onTextEdited: editor.edited()
                }
                Item { Layout.preferredWidth: 1 }
            }

            ListView {
                id: stepList
                objectName: "editorSteps"
                Layout.fillWidth: true
                Layout.fillHeight: true
                clip: true
                spacing: 6
                model: editor.draft ? editor.draft.steps : []
                delegate: Rectangle {
                    id: stepRow
                    required property var modelData
                    required property int index
                    objectName: "editorStep-" + (index + 1)
                    width: ListView.view.width
                    height: stepGrid.implicitHeight + 12
                    color: Look.panelAlt
                    radius: 4
                    readonly property var tiles: stepRow.modelData.preset ? editor.presetTiles(stepRow.modelData.preset) : []
                    GridLayout {
                        id: stepGrid
                        anchors.fill: parent
                        anchors.margins: 6
                        columns: 6
                        Label {
                            text: String(stepRow.index + 1)
                            color: Look.selection
                            font.bold: true
                        }
                        TextField {
                            objectName: "stepTitle"
                            Layout.fillWidth: true
                            Layout.columnSpan: 2
                            text: editor.textOf(stepRow.modelData.title, "vi")
                            placeholderText: qsTr("Step title")
                            onEditingFinished: if (text !== editor.textOf(stepRow.modelData.title, "vi"))
                                                   editor.setStep(stepRow.index, "title",
                                                                  editor.makeText(text, editor.textOf(stepRow.modelData.title, "en")))
                        }
                        ComboBox {
                            objectName: "stepPreset"
                            Layout.preferredWidth: 220
                            enabled: !stepRow.modelData.layout
                            model: stepRow.modelData.layout ? [qsTr("(its own layout)")] : editor.presets.map(p => p.name)
                            currentIndex: stepRow.modelData.layout ? 0 : editor.presets.map(p => p.name).indexOf(stepRow.modelData.preset)
                            onActivated: (i) => editor.setStep(stepRow.index, "preset", editor.presets[i].name)
                        }
                        ComboBox {
                            objectName: "stepFocus"
                            Layout.preferredWidth: 200
                            model: [qsTr("(no focus)")].concat(stepRow.tiles)
                            currentIndex: stepRow.modelData.focus ? Math.max(0, stepRow.tiles.indexOf(stepRow.modelData.focus) + 1) : 0
                            onActivated: (i) => editor.setStep(stepRow.index, "focus", i === 0 ? "" : stepRow.tiles[i - 1])
                        }
                        RowLayout {
                            Button {
                                objectName: "stepUp"
                                text: "▲"
                                enabled: stepRow.index > 0
                                onClicked: editor.moveStep(stepRow.index, -1)
                            }
                            Button {
                                objectName: "stepDown"
                                text: "▼"
                                enabled: stepRow.index < editor.draft.steps.length - 1
                                onClicked: editor.moveStep(stepRow.index, 1)
                            }
                            Button {
                                objectName: "stepRemove"
                                text: qsTr("Remove")
                                onClicked: editor.removeStep(stepRow.index)
                            }
                        }
                        Label { text: qsTr("Notes"); color: Look.muted }
                        TextField {
                            objectName: "stepNotesVi"
                            Layout.fillWidth: true
                            Layout.columnSpan: 2
                            placeholderText: qsTr("Speaker notes (Vietnamese)")
                            text: editor.textOf(stepRow.modelData.notes, "vi")
                            onEditingFinished: if (text !== editor.textOf(stepRow.modelData.notes, "vi"))
                                                   editor.setStep(stepRow.index, "notes",
                                                                  text === "" ? "" : editor.makeText(text, editor.textOf(stepRow.modelData.notes, "en")))
                        }
                        TextField {
                            objectName: "stepNotesEn"
                            Layout.fillWidth: true
                            placeholderText: qsTr("Speaker notes (English)")
                            text: editor.textOf(stepRow.modelData.notes, "en")
                            onEditingFinished: {
                                const vi = editor.textOf(stepRow.modelData.notes, "vi")
                                if (text !== editor.textOf(stepRow.modelData.notes, "en") && vi !== "")
                                    editor.setStep(stepRow.index, "notes", editor.makeText(vi, text))
                            }
                        }
                        Label { text: qsTr("Planned (s)"); color: Look.muted }
                        SpinBox {
                            objectName: "stepSeconds"
                            from: 0
                            to: 14400
                            stepSize: 30
                            editable: true
                            value: stepRow.modelData.plannedSeconds || 0
                            onValueModified: editor.setStep(stepRow.index, "plannedSeconds", value)
                        }
                    }
                }
            }

            RowLayout {
                Layout.fillWidth: true
                ComboBox {
                    id: addPreset
                    objectName: "addStepPreset"
                    Layout.preferredWidth: 260
                    model: editor.presets.map(p => p.name)
                }
                Permitted {
                    objectName: "addStep"
                    view: editor.view
                    permission: "briefing.save"
                    text: qsTr("Add as a step")
                    extraEnabled: addPreset.currentIndex >= 0
                    onClicked: editor.addStep(addPreset.currentText)
                }
                Item { Layout.fillWidth: true }
                Permitted {
                    objectName: "saveBriefing"
                    view: editor.view
                    permission: "briefing.save"
                    text: editor.dirty ? qsTr("Save •") : qsTr("Save")
                    onClicked: editor.save()
                }
                Permitted {
                    id: deleteButton
                    objectName: "deleteBriefing"
                    property bool asking: false
                    view: editor.view
                    permission: "briefing.delete"
                    extraEnabled: editor.draftId > 0
                    text: asking ? qsTr("Really delete?") : qsTr("Delete…")
                    onClicked: {
                        if (asking)
                            editor.briefings.remove(editor.draftId)
                        asking = !asking
                    }
                }
                Button {
                    objectName: "cancelDelete"
                    visible: deleteButton.asking
                    text: qsTr("Keep it")
                    onClicked: deleteButton.asking = false
                }
            }
        }
    }
}
