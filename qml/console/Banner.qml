import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import OpsWall.Console

// What is wrong with the connection, in words, and what the console does about it.
Rectangle {
    id: banner

    required property WallSession session

    readonly property string connState: session.state
    visible: connState !== "online"
    implicitHeight: visible ? row.implicitHeight + 16 : 0
    objectName: "banner"
    color: connState === "connecting" ? "#24405c" : connState === "unauthorized" ? "#6b2d00" : "#6b1010"

    // Updates the "retrying in n s" count once a second while it is shown.
    property int tick: 0
    Timer {
        running: banner.visible
        interval: 1000
        repeat: true
        onTriggered: banner.tick++
    }

    RowLayout {
        id: row
        anchors.fill: parent
        anchors.margins: 8
        spacing: 12
        Label {
            objectName: "bannerText"
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            color: "white"
            font.pixelSize: 15
            readonly property string retry: banner.tick >= 0 && banner.session.retryInSeconds > 0
                                            ? " " + qsTr("Trying again in %n s.", "", banner.session.retryInSeconds) : ""
            text: {
                const url = banner.session.url
                const why = banner.session.problem
                switch (banner.connState) {
                case "connecting":
                    return qsTr("Connecting to the wall at %1…").arg(url)
                case "unauthorized":
                    return qsTr("The wall at %1 refused the token (%2). Check the token file; the console will try again.").arg(url).arg(why) + retry
                case "lost":
                    return qsTr("The connection to the wall at %1 was lost (%2). What you see may be out of date; your staged changes are kept.").arg(url).arg(why) + retry
                default:
                    return qsTr("Cannot reach the wall at %1 (%2).").arg(url).arg(why) + retry
                }
            }
        }
        Button {
            objectName: "reconnectButton"
            visible: banner.connState !== "connecting"
            text: qsTr("Try now")
            onClicked: banner.session.reconnectNow()
        }
    }
}
