pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import OpsWall.Console

// What publishing the staged copy will change (added, removed, moved, changed tiles), publish as
// one action, or discard. When someone else changed the live wall meanwhile, the wall refuses the
// publish naming who changed what, and the copy can be rebased onto the live layout.
Item {
    id: panel
    objectName: "changesPanel"

    required property Item view
    readonly property QtObject staged: view.staged
    readonly property var diff: staged.diff
    property string refusal: ""     // the wall's words
    property string refusalField: ""
    property var refusedChanges: []  // [{by, role, via, type, what, time}]
    property bool conflict: false
    property string lastResult: ""

    function published(ok: bool, code: string, message: string, field: string, details: var) {
        conflict = !ok && code === "conflict"
        refusal = ok ? "" : message
        refusalField = ok ? "" : field
        refusedChanges = !ok && details && details.changes ? details.changes : []
        lastResult = ok ? qsTr("Published to the wall.") : ""
    }
    function kindsOf(ids: var): string {
        return ids.join(", ")
    }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: Look.gap
        spacing: Look.gap
        Label {
            objectName: "diffSummary"
            text: panel.staged.dirty
                  ? qsTr("%1 added, %2 removed, %3 moved, %4 changed")
                        .arg(panel.diff.added.length).arg(panel.diff.removed.length)
                        .arg(panel.diff.moved.length).arg(panel.diff.changed.length)
                  : qsTr("Nothing staged: the copy is the live layout.")
            color: Look.text
            wrapMode: Text.Wrap
            Layout.fillWidth: true
        }
        Repeater {
            model: [["added", qsTr("Added"), Look.added], ["removed", qsTr("Removed"), Look.bad],
                    ["moved", qsTr("Moved"), Look.moved], ["changed", qsTr("Changed"), Look.changed]]
            delegate: Label {
                required property var modelData
                visible: panel.diff[modelData[0]].length > 0
                text: modelData[1] + ": " + panel.kindsOf(panel.diff[modelData[0]])
                color: modelData[2]
                wrapMode: Text.Wrap
                Layout.fillWidth: true
            }
        }
        Label {
            visible: panel.staged.behindLive && !panel.conflict
            text: qsTr("The live wall changed since this copy was taken; publishing will be refused until you rebase.")
            color: Look.warn
            wrapMode: Text.Wrap
            Layout.fillWidth: true
            objectName: "behindLabel"
        }
        RowLayout {
            Layout.fillWidth: true
            Permitted {
                objectName: "publishButton"
                view: panel.view
                permission: "layout.set"
                text: qsTr("Publish (Ctrl+Enter)")
                extraEnabled: panel.staged.dirty
                highlighted: true
                onClicked: panel.view.publish()
            }
            Permitted {
                objectName: "discardButton"
                view: panel.view
                permission: "layout.set"
                text: qsTr("Discard")
                extraEnabled: panel.staged.dirty
                onClicked: {
                    panel.staged.discard()
                    panel.published(true, "", "", "", {})
                    panel.lastResult = ""
                }
            }
        }
        Label {
            visible: panel.view.whyNot("layout.set") !== ""
            text: panel.view.whyNot("layout.set")
            color: Look.warn
            wrapMode: Text.Wrap
            Layout.fillWidth: true
            objectName: "publishDisabledReason"
        }
        Label {
            objectName: "publishResult"
            visible: panel.lastResult !== ""
            text: panel.lastResult
            color: Look.good
        }
        Rectangle {
            objectName: "refusalBox"
            visible: panel.refusal !== ""
            Layout.fillWidth: true
            implicitHeight: refusalColumn.implicitHeight + 16
            color: "#3a1414"
            border.color: Look.bad
            radius: 4
            ColumnLayout {
                id: refusalColumn
                x: 8
                y: 8
                width: parent.width - 16
                Label {
                    objectName: "refusalText"
                    text: panel.conflict ? qsTr("The wall refused the publish: someone else changed it.")
                                         : qsTr("The wall refused the publish.")
                    color: Look.text
                    font.bold: true
                    wrapMode: Text.Wrap
                    Layout.fillWidth: true
                }
                Label {
                    text: panel.refusal + (panel.refusalField ? " [" + panel.refusalField + "]" : "")
                    color: Look.text
                    wrapMode: Text.Wrap
                    Layout.fillWidth: true
                }
                Repeater {
                    model: panel.refusedChanges
                    delegate: Label {
                        required property var modelData
                        text: qsTr("%1 (%2, via %3): %4 %5").arg(modelData.by).arg(modelData.role)
                                  .arg(modelData.via).arg(modelData.type).arg(modelData.what)
                        color: Look.warn
                        wrapMode: Text.Wrap
                        Layout.fillWidth: true
                    }
                }
                Permitted {
                    objectName: "rebaseButton"
                    visible: panel.conflict
                    view: panel.view
                    permission: "layout.set"
                    text: qsTr("Rebase my changes on the live wall")
                    onClicked: {
                        panel.staged.rebase()
                        panel.published(true, "", "", "", {})
                        panel.lastResult = ""
                    }
                }
            }
        }
        Item { Layout.fillHeight: true }
    }
}
