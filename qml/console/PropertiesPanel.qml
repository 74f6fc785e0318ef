pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import OpsWall.Console

// The selected tile: title and binding (a form per kind, and the binding as JSON for everything
// else), checked the way the wall checks them (the refused field is named next to it); its place in millimetres; z-order, fill, align and distribute for the
// selection.
Item {
    id: panel
    objectName: "propertiesPanel"

    required property Item view
    readonly property QtObject staged: view.staged
    readonly property var selection: staged.selection
    readonly property string tileId: selection.length === 1 ? selection[0] : ""
    // Re-read when the tile or the selection changes.
    property int tick: 0
    readonly property var tile: tileId !== "" && tick >= 0 ? staged.tile(tileId) : ({})
    property string titleError: ""
    property string bindingError: ""
    readonly property alias titleField: titleField
    readonly property alias bindingField: bindingField
    readonly property alias bindingForm: bindingForm

    Connections {
        target: panel.staged
        function onDiffChanged() { panel.tick++ }
        function onSelectionChanged() {
            panel.tick++
            panel.titleError = ""
            panel.bindingError = ""
        }
    }

    function applyTitle() {
        const r = staged.setTitle(tileId, titleField.text)
        titleError = r.ok ? "" : r.field + ": " + r.message
    }
    function applyBinding() {
        const r = staged.setBindingText(tileId, bindingField.text)
        bindingError = r.ok ? "" : r.field + ": " + r.message
    }

    ScrollView {
        anchors.fill: parent
        anchors.margins: Look.gap
        contentWidth: availableWidth
        ColumnLayout {
            width: parent.width
            spacing: Look.gap
            Label {
                visible: panel.selection.length === 0
                text: qsTr("Select a tile on the wall to edit it. Drag from the library to add one.")
                color: Look.muted
                wrapMode: Text.Wrap
                Layout.fillWidth: true
            }
            Label {
                visible: !panel.view.mayEdit
                text: panel.view.whyNot("layout.set")
                color: Look.warn
                wrapMode: Text.Wrap
                Layout.fillWidth: true
                objectName: "propertiesDisabledReason"
            }
            Label {
                visible: panel.selection.length > 1
                text: qsTr("%n tiles selected", "", panel.selection.length)
                color: Look.text
            }
            ColumnLayout {
                visible: panel.tileId !== ""
                Layout.fillWidth: true
                Label {
                    text: (panel.tile.id || "") + " · " + (panel.tile.kind || "")
                    color: Look.text
                    font.bold: true
                }
                Label {
                    text: panel.tile.rect
                          ? qsTr("x %1 mm, y %2 mm, %3 × %4 mm").arg(Math.round(panel.tile.rect.x))
                                .arg(Math.round(panel.tile.rect.y)).arg(Math.round(panel.tile.rect.width))
                                .arg(Math.round(panel.tile.rect.height))
                          : ""
                    color: Look.muted
                    objectName: "rectLabel"
                }
                Label { text: qsTr("Title"); color: Look.muted }
                TextField {
                    id: titleField
                    objectName: "titleField"
                    Layout.fillWidth: true
                    text: panel.tile.title || ""
                    enabled: panel.view.mayEdit
                    onAccepted: panel.applyTitle()
                    onEditingFinished: panel.applyTitle()
                }
                Label {
                    objectName: "titleError"
                    visible: panel.titleError !== ""
                    text: panel.titleError
                    color: Look.bad
                    wrapMode: Text.Wrap
                    Layout.fillWidth: true
                }
                Label { text: qsTr("Settings"); color: Look.text; font.bold: true; visible: bindingForm.fields.length > 0 }
                BindingForm {
                    id: bindingForm
                    view: panel.view
                    tile: panel.tile
                    Layout.fillWidth: true
                }
                CheckBox {
                    id: showJson
                    objectName: "showJson"
                    text: qsTr("Binding (JSON)")
                    checked: bindingForm.fields.length === 0
                }
                TextArea {
                    id: bindingField
                    objectName: "bindingField"
                    visible: showJson.checked
                    Layout.fillWidth: true
                    Layout.preferredHeight: 140
                    text: panel.tile.bindingText || "{}"
                    enabled: panel.view.mayEdit
                    font.family: "monospace"
                    wrapMode: TextEdit.Wrap
                    background: Rectangle {
                        color: Look.window
                        border.color: panel.bindingError ? Look.bad : Look.line
                    }
                    color: Look.text
                }
                Label {
                    objectName: "bindingError"
                    visible: panel.bindingError !== ""
                    text: panel.bindingError
                    color: Look.bad
                    wrapMode: Text.Wrap
                    Layout.fillWidth: true
                }
                Permitted {
                    objectName: "applyBinding"
                    visible: showJson.checked
                    view: panel.view
                    permission: "layout.set"
                    text: qsTr("Apply binding")
                    onClicked: panel.applyBinding()
                }
            }
            GridLayout {
                visible: panel.selection.length > 0
                columns: 2
                Layout.fillWidth: true
                Permitted { view: panel.view; permission: "layout.set"; text: qsTr("Bring to front"); onClicked: panel.staged.raiseSelected(); Layout.fillWidth: true }
                Permitted { view: panel.view; permission: "layout.set"; text: qsTr("Send to back"); onClicked: panel.staged.lowerSelected(); Layout.fillWidth: true }
                Permitted { view: panel.view; permission: "layout.set"; text: qsTr("Fill display"); onClicked: panel.view.canvas.fillUnderSelection(false); Layout.fillWidth: true }
                Permitted { view: panel.view; permission: "layout.set"; text: qsTr("Fill covered displays"); onClicked: panel.view.canvas.fillUnderSelection(true); Layout.fillWidth: true }
                Permitted { objectName: "deleteTile"; view: panel.view; permission: "layout.set"; text: qsTr("Delete"); onClicked: panel.staged.removeSelected(); Layout.fillWidth: true }
            }
            Label {
                visible: panel.selection.length > 1
                text: qsTr("Align to the first selected")
                color: Look.muted
            }
            GridLayout {
                visible: panel.selection.length > 1
                columns: 3
                Layout.fillWidth: true
                Repeater {
                    model: [["left", qsTr("Left")], ["hcenter", qsTr("Centre")], ["right", qsTr("Right")],
                            ["top", qsTr("Top")], ["vcenter", qsTr("Middle")], ["bottom", qsTr("Bottom")]]
                    delegate: Permitted {
                        required property var modelData
                        view: panel.view
                        permission: "layout.set"
                        text: modelData[1]
                        onClicked: panel.staged.alignSelected(modelData[0])
                        Layout.fillWidth: true
                    }
                }
                Permitted { view: panel.view; permission: "layout.set"; text: qsTr("Distribute ↔"); extraEnabled: panel.selection.length > 2; onClicked: panel.staged.distributeSelected("horizontal"); Layout.fillWidth: true }
                Permitted { view: panel.view; permission: "layout.set"; text: qsTr("Distribute ↕"); extraEnabled: panel.selection.length > 2; onClicked: panel.staged.distributeSelected("vertical"); Layout.fillWidth: true }
            }
        }
    }
}
