pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import OpsWall.Console

// Presets: a thumbnail of each, recalled with a click or its number key (1-9), saved as,
// renamed, deleted and marked "for leaders". What the role may not do is disabled with the reason.
Item {
    id: panel
    objectName: "presetsPanel"

    required property Item view
    readonly property WallSession session: view.session
    readonly property alias list: list

    function focusSaveAs() {
        saveName.forceActiveFocus()
    }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: Look.gap
        spacing: Look.gap
        ListView {
            id: list
            objectName: "presetList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            spacing: 6
            model: panel.session.presets
            delegate: Rectangle {
                id: row
                required property var modelData
                required property int index
                readonly property string presetId: String(modelData.id)
                readonly property var layout: panel.session.presetLayouts[presetId]
                readonly property string recallReason: {
                    const r = panel.view.whyNot("preset.recall")
                    if (r)
                        return r
                    if (panel.session.role === "leader" && !row.modelData.forLeaders)
                        return qsTr("Leaders may recall only presets marked for leaders")
                    return ""
                }
                objectName: "preset-" + presetId
                width: ListView.view.width
                height: 190
                color: Look.panelAlt
                radius: 4
                ColumnLayout {
                    anchors.fill: parent
                    anchors.margins: 6
                    spacing: 4
                    RowLayout {
                        Layout.fillWidth: true
                        Label {
                            text: row.index < 9 ? String(row.index + 1) : ""
                            color: Look.selection
                            font.bold: true
                        }
                        TextField {
                            id: nameField
                            objectName: "presetName"
                            Layout.fillWidth: true
                            text: row.modelData.name
                            readOnly: panel.view.whyNot("preset.save") !== ""
                            onAccepted: panel.session.updatePreset(row.modelData.id, text, leaders.checked)
                        }
                    }
                    // Thumbnail: the wall's displays and the preset's tiles, to scale.
                    Item {
                        id: thumb
                        Layout.fillWidth: true
                        Layout.fillHeight: true
                        readonly property var displays: panel.session.wall.displays || []
                        readonly property rect area: panel.view.staged.canvasMm
                        readonly property real k: area.width > 0 ? Math.min(width / area.width, height / area.height) : 0
                        readonly property real ox: (width - area.width * k) / 2 - area.x * k
                        // The preset as the wall draws it; the outlines below until it came.
                        PresetPicture {
                            id: picture
                            objectName: "presetPicture"
                            anchors.fill: parent
                            session: panel.session
                            presetId: row.modelData.id
                        }
                        Repeater {
                            model: picture.hasPicture ? [] : thumb.displays
                            delegate: Rectangle {
                                required property var modelData
                                x: thumb.ox + modelData.xMm * thumb.k
                                y: modelData.yMm * thumb.k
                                width: modelData.widthMm * thumb.k
                                height: modelData.heightMm * thumb.k
                                color: "#0b141e"
                                border.color: Look.bezel
                            }
                        }
                        Repeater {
                            model: row.layout && !picture.hasPicture ? row.layout.tiles : []
                            delegate: Rectangle {
                                required property var modelData
                                x: thumb.ox + modelData.rect.x * thumb.k
                                y: modelData.rect.y * thumb.k
                                width: modelData.rect.width * thumb.k
                                height: modelData.rect.height * thumb.k
                                color: modelData.kind === "video" ? "#2c7be5" : modelData.kind === "map" ? "#1f9d74"
                                       : modelData.kind === "kpi" ? "#c9841a" : modelData.kind === "chart" ? "#b75cd6" : "#5a6a7a"
                                opacity: 0.8
                                border.color: "#0b141e"
                            }
                        }
                        MouseArea {
                            anchors.fill: parent
                            enabled: row.recallReason === ""
                            onClicked: panel.session.recallPreset(row.modelData.id)
                        }
                    }
                    RowLayout {
                        Layout.fillWidth: true
                        Button {
                            objectName: "recallButton"
                            text: qsTr("Recall")
                            enabled: row.recallReason === ""
                            hoverEnabled: true
                            ToolTip.visible: hovered && row.recallReason !== ""
                            ToolTip.text: row.recallReason
                            onClicked: panel.session.recallPreset(row.modelData.id)
                        }
                        Item { Layout.fillWidth: true }
                        Permitted {
                            objectName: "deleteButton"
                            view: panel.view
                            permission: "preset.delete"
                            property bool armed: false
                            text: armed ? qsTr("Sure?") : qsTr("Delete")
                            onClicked: {
                                if (armed)
                                    panel.session.deletePreset(row.modelData.id)
                                armed = !armed
                            }
                        }
                    }
                    CheckBox {
                        id: leaders
                        objectName: "forLeaders"
                        text: qsTr("For leaders")
                        checked: row.modelData.forLeaders === true
                        enabled: panel.view.whyNot("preset.save") === ""
                        onToggled: panel.session.updatePreset(row.modelData.id, nameField.text, checked)
                    }
                }
            }
        }
        Label {
            visible: panel.view.whyNot("preset.save") !== ""
            text: panel.view.whyNot("preset.save")
            color: Look.warn
            wrapMode: Text.Wrap
            Layout.fillWidth: true
        }
        TextField {
            id: saveName
            objectName: "saveAsName"
            Layout.fillWidth: true
            placeholderText: qsTr("New preset name")
            enabled: panel.view.whyNot("preset.save") === ""
        }
        RowLayout {
            Layout.fillWidth: true
            Permitted {
                objectName: "saveStagedButton"
                view: panel.view
                permission: "layout.save"
                text: qsTr("Save staged as")
                extraEnabled: saveName.text.trim() !== ""
                onClicked: panel.session.savePresetFromLayout(saveName.text.trim(), panel.view.staged.layoutJson())
            }
            Permitted {
                objectName: "saveLiveButton"
                view: panel.view
                permission: "preset.save"
                text: qsTr("Save live as")
                extraEnabled: saveName.text.trim() !== ""
                onClicked: panel.session.savePresetFromLive(saveName.text.trim(), false)
            }
        }
    }
}
