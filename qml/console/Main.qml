import QtQuick
import QtQuick.Controls
import OpsWall.Console

// The console's window. Everything inside is ConsoleView, which the Qt Quick tests drive too.
ApplicationWindow {
    id: window

    required property string wallUrl
    required property string tokenFile
    required property ConsoleLanguage language

    // For --screenshot: the wall answered (or a banner says why not) and its pictures came.
    readonly property bool settled: view.settled
    readonly property bool online: view.session.state === "online"

    width: 1600
    height: 900
    visible: true
    color: Look.window
    title: qsTr("OpsWall console") + (view.session.user ? " — " + view.session.user : "")

    ConsoleView {
        id: view
        anchors.fill: parent
        wallUrl: window.wallUrl
        tokenFile: window.tokenFile
        language: window.language
        windowVisible: window.visibility !== Window.Hidden && window.visibility !== Window.Minimized
    }
}
