pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import OpsWall.Console

// Briefings in the console: the presenter (step a running briefing, its pictures, notes, times
// and the lock) and the editor (make, change and delete briefings). Shown over the wall view by
// the top bar's "Briefings" button; its own connection to the wall (BriefingSession).
Rectangle {
    id: page
    objectName: "briefingsPage"

    required property Item view
    readonly property alias briefings: briefingSession
    readonly property alias presenter: presenter
    readonly property alias editor: editor
    readonly property alias tabs: tabs

    color: Look.window

    BriefingSession {
        id: briefingSession
        url: page.view.session.url
        tokenFile: page.view.session.tokenFile
        picturesWanted: page.visible && tabs.currentIndex === 0 && page.view.windowVisible
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 0
        RowLayout {
            Layout.fillWidth: true
            spacing: Look.gap
            TabBar {
                id: tabs
                Layout.fillWidth: true
                TabButton { objectName: "presenterTab"; text: qsTr("Presenter") }
                TabButton { objectName: "editorTab"; text: qsTr("Briefing editor") }
            }
            Button {
                objectName: "closeBriefings"
                text: qsTr("Back to the wall")
                onClicked: page.visible = false
            }
        }
        StackLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            currentIndex: tabs.currentIndex
            PresenterPage {
                id: presenter
                view: page.view
                briefings: briefingSession
                active: page.visible && tabs.currentIndex === 0
            }
            BriefingEditor {
                id: editor
                view: page.view
                briefings: briefingSession
            }
        }
    }
}
