pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import OpsWall.Console

// The presenter: the running briefing's current step and the next one as the wall's renderer
// draws them, the notes in large type, time against the plan, the step list, and next, previous,
// go to, blank and end; the control lock with a warning before it runs out. With no briefing
// running: the briefings to start. Clicker keys while shown: PageDown/Right/Space next,
// PageUp/Left previous, B or . blank (again: show).
FocusScope {
    id: presenter
    objectName: "presenterPage"

    required property Item view
    required property BriefingSession briefings
    property bool active: true

    readonly property var run: briefings.current
    readonly property bool running: run.active === true
    readonly property var document: run.document || ({})
    readonly property var steps: document.steps || []
    readonly property var currentStep: running ? (steps[run.step - 1] || ({})) : ({})
    readonly property string lang: view.lang
    readonly property string stepReason: view.whyNot("briefing.next")
    property real now: Date.now()
    readonly property real elapsedSeconds: running ? Math.max(0, (now - Date.parse(run.startedAt)) / 1000) : 0
    readonly property real stepSeconds: running ? Math.max(0, (now - Date.parse(run.stepShownAt)) / 1000) : 0
    readonly property real remainingSeconds: running && run.plannedSeconds > 0 ? run.plannedSeconds - elapsedSeconds : 0
    readonly property alias currentPicture: currentPicture
    readonly property alias nextPicture: nextPicture
    readonly property alias notes: notes

    function pick(text: var): string {
        if (text === undefined || text === null)
            return ""
        if (typeof text === "string")
            return text
        return presenter.lang === "en" && text.en ? text.en : (text.vi || "")
    }
    function clock(seconds: real): string {
        const s = Math.floor(Math.abs(seconds))
        return (seconds < 0 ? "−" : "") + Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0")
    }
    function toggleBlank() {
        if (presenter.run.blank)
            presenter.briefings.unblank()
        else
            presenter.briefings.blank()
    }

    Timer {
        interval: 500
        repeat: true
        running: presenter.running && presenter.active
        onTriggered: presenter.now = Date.now()
    }

    focus: active
    onActiveChanged: if (active) forceActiveFocus()
    // The clicker's keys belong to the presenter while it is shown (not the canvas' shortcuts).
    Keys.onShortcutOverride: (event) => {
        event.accepted = presenter.running && [Qt.Key_PageDown, Qt.Key_PageUp, Qt.Key_Right, Qt.Key_Left,
                                               Qt.Key_Space, Qt.Key_B, Qt.Key_Period].indexOf(event.key) >= 0
    }
    Keys.onPressed: (event) => {
        if (!presenter.running)
            return
        if (event.key === Qt.Key_PageDown || event.key === Qt.Key_Right || event.key === Qt.Key_Space)
            presenter.briefings.next()
        else if (event.key === Qt.Key_PageUp || event.key === Qt.Key_Left)
            presenter.briefings.previous()
        else if (event.key === Qt.Key_B || event.key === Qt.Key_Period)
            presenter.toggleBlank()
        else
            return
        event.accepted = true
    }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: Look.gap
        spacing: Look.gap

        // The lock: who holds it, take or release, and the warning before it runs out.
        Rectangle {
            Layout.fillWidth: true
            Layout.preferredHeight: 44
            radius: 4
            color: presenter.briefings.lockExpired ? Look.bad
                 : presenter.briefings.lockWarning ? Look.warn : Look.panel
            RowLayout {
                anchors.fill: parent
                anchors.leftMargin: Look.gap
                anchors.rightMargin: Look.gap
                Label {
                    objectName: "presenterLockLabel"
                    Layout.fillWidth: true
                    elide: Text.ElideRight
                    color: presenter.briefings.lockWarning || presenter.briefings.lockExpired ? "black" : Look.text
                    font.bold: presenter.briefings.lockWarning || presenter.briefings.lockExpired
                    text: {
                        const b = presenter.briefings
                        const l = b.lock
                        if (b.lockExpired && !b.lockMine)
                            return qsTr("Your lock on the wall has run out: others can change the wall now. Take it again to keep control.")
                        if (b.lockMine && b.lockWarning)
                            return qsTr("Your lock on the wall runs out in %1. Extend it to keep others off the wall.")
                                   .arg(presenter.clock(b.lockSecondsLeft))
                        if (b.lockMine)
                            return qsTr("You hold the wall's lock (%1 left)").arg(presenter.clock(b.lockSecondsLeft))
                        if (l.locked === true)
                            return qsTr("The wall is locked by %1 (%2) for %3 more").arg(l.holder).arg(l.role)
                                   .arg(presenter.clock(b.lockSecondsLeft))
                        return qsTr("The wall is not locked")
                    }
                }
                Permitted {
                    focusPolicy: Qt.NoFocus
                    objectName: "presenterLockButton"
                    view: presenter.view
                    permission: presenter.briefings.lockMine ? "lock.release" : "lock.acquire"
                    text: presenter.briefings.lockMine ? (presenter.briefings.lockWarning ? qsTr("Extend") : qsTr("Release the lock"))
                                                       : qsTr("Take the lock")
                    extraEnabled: presenter.briefings.online
                    onClicked: presenter.briefings.lockMine && !presenter.briefings.lockWarning
                               ? presenter.briefings.releaseLock() : presenter.briefings.takeLock()
                }
                Permitted {
                    focusPolicy: Qt.NoFocus
                    objectName: "presenterReleaseButton"
                    view: presenter.view
                    permission: "lock.release"
                    visible: presenter.briefings.lockMine && presenter.briefings.lockWarning
                    text: qsTr("Release the lock")
                    onClicked: presenter.briefings.releaseLock()
                }
            }
        }

        Label {
            objectName: "presenterMessage"
            Layout.fillWidth: true
            visible: text !== ""
            text: presenter.briefings.message
            color: Look.bad
            wrapMode: Text.Wrap
        }

        // No briefing running: start one. (The words above the list are not the ListView's
        // header: that is a component the view makes outside this file's context, which a bound
        // component refuses.)
        Label {
            visible: !presenter.running
            text: qsTr("No briefing is running. Start one:")
            color: Look.muted
            bottomPadding: Look.gap
        }
        ListView {
            id: startList
            objectName: "startList"
            visible: !presenter.running
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            spacing: 4
            model: presenter.briefings.briefings
            delegate: Rectangle {
                id: startRow
                required property var modelData
                width: ListView.view.width
                height: 48
                color: Look.panelAlt
                radius: 4
                RowLayout {
                    anchors.fill: parent
                    anchors.margins: 6
                    Label {
                        Layout.fillWidth: true
                        text: qsTr("%1 (%2 steps)").arg(startRow.modelData.title).arg(startRow.modelData.steps)
                        color: Look.text
                        font.pixelSize: 16
                        elide: Text.ElideRight
                    }
                    Permitted {
                        objectName: "start-" + startRow.modelData.id
                        view: presenter.view
                        permission: "briefing.start"
                        text: qsTr("Start")
                        onClicked: presenter.briefings.start(startRow.modelData.id, 1)
                    }
                }
            }
        }

        // Running: header with the step and the clocks.
        RowLayout {
            visible: presenter.running
            Layout.fillWidth: true
            ColumnLayout {
                Layout.fillWidth: true
                Label {
                    text: presenter.pick(presenter.run.title)
                    color: Look.muted
                    font.pixelSize: 15
                }
                Label {
                    objectName: "stepLine"
                    text: qsTr("Step %1 / %2 — %3").arg(presenter.run.step).arg(presenter.run.stepCount)
                          .arg(presenter.pick(presenter.run.stepTitle))
                    color: Look.text
                    font.pixelSize: 24
                    font.bold: true
                    elide: Text.ElideRight
                    Layout.fillWidth: true
                }
            }
            GridLayout {
                columns: 2
                rowSpacing: 2
                Label { text: qsTr("Elapsed"); color: Look.muted }
                Label {
                    objectName: "elapsedLabel"
                    text: presenter.clock(presenter.elapsedSeconds)
                          + (presenter.run.plannedSeconds > 0 ? " / " + presenter.clock(presenter.run.plannedSeconds) : "")
                    color: presenter.run.plannedSeconds > 0 && presenter.elapsedSeconds > presenter.run.plannedSeconds
                           ? Look.bad : Look.text
                    font.pixelSize: 18
                    font.bold: true
                }
                Label { text: qsTr("Remaining"); color: Look.muted }
                Label {
                    objectName: "remainingLabel"
                    text: presenter.run.plannedSeconds > 0 ? presenter.clock(presenter.remainingSeconds) : "–"
                    color: presenter.remainingSeconds < 0 ? Look.bad : Look.text
                    font.pixelSize: 18
                }
                Label { text: qsTr("This step"); color: Look.muted }
                Label {
                    objectName: "stepElapsedLabel"
                    text: presenter.clock(presenter.stepSeconds)
                          + (presenter.run.stepPlannedSeconds > 0 ? " / " + presenter.clock(presenter.run.stepPlannedSeconds) : "")
                    color: presenter.run.stepPlannedSeconds > 0 && presenter.stepSeconds > presenter.run.stepPlannedSeconds
                           ? Look.bad : Look.text
                    font.pixelSize: 18
                }
            }
        }

        // The current step as on the wall (blank when blanked), the next one, the step list.
        RowLayout {
            visible: presenter.running
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: Look.gap
            ColumnLayout {
                Layout.fillWidth: true
                Layout.fillHeight: true
                Layout.preferredWidth: 3
                Image {
                    id: currentPicture
                    objectName: "currentPicture"
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    fillMode: Image.PreserveAspectFit
                    asynchronous: true
                    source: presenter.briefings.currentPicture
                    Rectangle {
                        objectName: "blankBadge"
                        visible: presenter.run.blank === true
                        anchors.left: parent.left
                        anchors.top: parent.top
                        anchors.margins: Look.gap
                        width: blankText.implicitWidth + 20
                        height: blankText.implicitHeight + 12
                        color: "black"
                        border.color: Look.warn
                        border.width: 2
                        radius: 4
                        Label {
                            id: blankText
                            anchors.centerIn: parent
                            text: qsTr("The wall is blank")
                            color: "white"
                            font.pixelSize: 16
                        }
                    }
                }
                Label { text: qsTr("On the wall now"); color: Look.muted }
            }
            ColumnLayout {
                Layout.fillWidth: true
                Layout.fillHeight: true
                Layout.preferredWidth: 1
                Image {
                    id: nextPicture
                    objectName: "nextPicture"
                    Layout.fillWidth: true
                    Layout.preferredHeight: width * 9 / 16
                    fillMode: Image.PreserveAspectFit
                    asynchronous: true
                    visible: presenter.run.step < presenter.run.stepCount
                    source: presenter.briefings.nextPicture
                }
                Label {
                    objectName: "nextTitle"
                    Layout.fillWidth: true
                    wrapMode: Text.Wrap
                    color: Look.muted
                    text: presenter.run.nextTitle ? qsTr("Next: %1").arg(presenter.pick(presenter.run.nextTitle))
                                                    : qsTr("This is the last step")
                }
                ListView {
                    id: stepList
                    objectName: "presenterSteps"
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    clip: true
                    model: presenter.steps
                    delegate: ItemDelegate {
                        id: stepRow
                        focusPolicy: Qt.NoFocus
                        required property var modelData
                        required property int index
                        objectName: "presenterStep-" + (index + 1)
                        width: ListView.view.width
                        highlighted: index + 1 === presenter.run.step
                        enabled: presenter.stepReason === ""
                        text: (index + 1) + ". " + presenter.pick(modelData.title)
                        onClicked: presenter.briefings.goTo(index + 1)
                    }
                }
            }
        }

        Rectangle {
            visible: presenter.running
            Layout.fillWidth: true
            Layout.preferredHeight: 150
            color: Look.panel
            radius: 4
            Label {
                id: notes
                objectName: "notes"
                anchors.fill: parent
                anchors.margins: Look.gap
                wrapMode: Text.Wrap
                elide: Text.ElideRight
                font.pixelSize: 24
                color: Look.text
                text: presenter.pick(presenter.currentStep.notes)
            }
        }

        RowLayout {
            visible: presenter.running
            Layout.alignment: Qt.AlignHCenter
            spacing: Look.gap * 2
            Permitted {
                focusPolicy: Qt.NoFocus
                objectName: "presenterPrevious"
                view: presenter.view
                permission: "briefing.previous"
                extraEnabled: presenter.run.step > 1
                text: qsTr("◀ Previous")
                font.pixelSize: 20
                onClicked: presenter.briefings.previous()
            }
            Permitted {
                focusPolicy: Qt.NoFocus
                objectName: "presenterBlank"
                view: presenter.view
                permission: "briefing.blank"
                text: presenter.run.blank ? qsTr("Show the wall") : qsTr("Blank the wall")
                font.pixelSize: 20
                onClicked: presenter.toggleBlank()
            }
            Permitted {
                focusPolicy: Qt.NoFocus
                objectName: "presenterNext"
                view: presenter.view
                permission: "briefing.next"
                extraEnabled: presenter.run.step < presenter.run.stepCount
                text: qsTr("Next ▶")
                font.pixelSize: 20
                onClicked: presenter.briefings.next()
            }
            SpinBox {
                id: gotoStep
                objectName: "gotoStep"
                from: 1
                to: Math.max(1, presenter.run.stepCount || 1)
                editable: true
            }
            Permitted {
                focusPolicy: Qt.NoFocus
                objectName: "presenterGoto"
                view: presenter.view
                permission: "briefing.goto"
                text: qsTr("Go to step")
                onClicked: presenter.briefings.goTo(gotoStep.value)
            }
            Permitted {
                focusPolicy: Qt.NoFocus
                objectName: "presenterEnd"
                view: presenter.view
                permission: "briefing.end"
                text: qsTr("End the briefing")
                onClicked: presenter.briefings.end()
            }
        }
    }
}
