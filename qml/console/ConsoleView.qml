pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import OpsWall.Console

// The whole console: a session with one wall, the staged copy of its layout, and the panels
// around the miniature wall. Main.qml puts it in a window; the Qt Quick tests drive it directly.
Item {
    id: root

    required property string wallUrl
    required property string tokenFile
    property ConsoleLanguage language: null
    property bool windowVisible: true

    // Controls in the console's dark colours.
    palette.window: Look.panel
    palette.windowText: Look.text
    palette.base: Look.window
    palette.alternateBase: Look.panelAlt
    palette.text: Look.text
    palette.button: Look.panelAlt
    palette.buttonText: Look.text
    palette.highlight: Look.accent
    palette.highlightedText: "white"
    palette.mid: Look.line
    palette.dark: Look.window
    palette.light: Look.line
    palette.toolTipBase: Look.panelAlt
    palette.toolTipText: Look.text

    readonly property alias session: wallSession
    // The staged copy (StagedLayout, owned by the session).
    readonly property QtObject staged: wallSession.staged
    readonly property alias canvas: wallView
    readonly property alias library: library
    readonly property alias changes: changes
    readonly property alias presetsPanel: presets
    readonly property alias properties: properties
    readonly property alias shift: shift
    readonly property alias technician: technician
    readonly property alias help: help
    readonly property alias briefingsPage: briefingsPage
    // Everything loaded and every output's picture came (or failed), or a banner says why not.
    // (Two pictures of every output: the first may have been taken while the wall was drawing.)
    readonly property bool settled: (wallSession.loaded && wallSession.picturesSettled)
                                    || wallSession.state === "unreachable" || wallSession.state === "unauthorized"
    readonly property bool mayEdit: whyNot("layout.set") === ""
    readonly property bool mayRecall: whyNot("preset.recall") === ""
    readonly property string lang: language ? language.language : "vi"

    // The role's refusal in words, from the wall's permission table.
    function whyNot(permission: string): string {
        if (wallSession.state !== "online")
            return qsTr("Not connected to the wall")
        // Read here so that every binding using the answer follows the role and the table.
        if (wallSession.role === "" || wallSession.permissions.length === 0)
            return qsTr("Loading the permissions…")
        if (wallSession.can(permission))
            return ""
        const who = wallSession.rolesFor(permission)
        return who ? qsTr("Your role (%1) may not do this; it is for: %2").arg(wallSession.role).arg(who)
                   : qsTr("Your role (%1) may not do this").arg(wallSession.role)
    }

    function publish() {
        if (!mayEdit || !root.staged.dirty)
            return
        wallSession.publish(root.staged.layoutJson(), root.staged.baseRevision, root.staged.baseInstance)
    }

    function recallPresetAt(position: int) {
        const list = wallSession.presets
        if (position < 1 || position > list.length || !wallSession.can("preset.recall"))
            return
        wallSession.recallPreset(list[position - 1].id)
    }

    WallSession {
        id: wallSession
        url: root.wallUrl
        tokenFile: root.tokenFile
        picturesWanted: root.windowVisible && wallView.visible && wallView.showPictures
        onActionFinished: (tag, ok, code, message, field, details) => {
            if (tag === "publish") {
                changes.published(ok, code, message, field, details)
                if (ok)
                    root.staged.markPublished()
                wallSession.reloadLive() // the new revision, or the newest live layout to rebase onto
            } else if (!ok) {
                toast.show(message + (field ? " [" + field + "]" : ""))
            }
        }
    }


    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        Banner {
            session: wallSession
            Layout.fillWidth: true
        }

        // Top bar: who, the lock, undo/redo, language, help.
        Rectangle {
            Layout.fillWidth: true
            Layout.preferredHeight: 44
            color: Look.panel
            RowLayout {
                anchors.fill: parent
                anchors.leftMargin: Look.gap
                anchors.rightMargin: Look.gap
                spacing: Look.gap
                Label {
                    text: wallSession.wall.name ? wallSession.wall.name : qsTr("OpsWall console")
                    color: Look.text
                    font.bold: true
                    font.pixelSize: 16
                    elide: Text.ElideRight
                    Layout.fillWidth: true
                }
                Label {
                    objectName: "whoLabel"
                    text: wallSession.user ? qsTr("%1 (%2)").arg(wallSession.user).arg(wallSession.role) : ""
                    color: Look.muted
                }
                Label {
                    objectName: "lockLabel"
                    readonly property bool locked: wallSession.lock.locked === true
                    text: locked ? qsTr("Locked by %1").arg(wallSession.lock.holder) : qsTr("Unlocked")
                    color: locked ? Look.warn : Look.muted
                }
                Permitted {
                    objectName: "lockButton"
                    view: root
                    permission: wallSession.lock.locked === true ? "lock.release" : "lock.acquire"
                    text: wallSession.lock.locked === true ? qsTr("Release lock") : qsTr("Take lock")
                    onClicked: wallSession.lock.locked === true ? wallSession.releaseLock()
                                                            : wallSession.takeLock(qsTr("operator console"))
                }
                Permitted {
                    objectName: "undoButton"
                    view: root
                    permission: "layout.set"
                    text: qsTr("Undo")
                    extraEnabled: root.staged.canUndo
                    onClicked: root.staged.undo()
                }
                Permitted {
                    objectName: "redoButton"
                    view: root
                    permission: "layout.set"
                    text: qsTr("Redo")
                    extraEnabled: root.staged.canRedo
                    onClicked: root.staged.redo()
                }
                Button {
                    objectName: "briefingsButton"
                    text: qsTr("Briefings")
                    checkable: true
                    checked: briefingsPage.visible
                    onClicked: briefingsPage.visible = checked
                }
                Button {
                    objectName: "languageButton"
                    text: root.lang === "vi" ? "English" : "Tiếng Việt"
                    enabled: root.language !== null
                    onClicked: root.language.language = (root.lang === "vi" ? "en" : "vi")
                }
                Button {
                    objectName: "helpButton"
                    text: qsTr("Shortcuts (F1)")
                    onClicked: help.open()
                }
            }
        }

        RowLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: 0

            // Left: the content library and the presets.
            Rectangle {
                Layout.preferredWidth: 300
                Layout.fillHeight: true
                color: Look.panel
                ColumnLayout {
                    anchors.fill: parent
                    spacing: 0
                    TabBar {
                        id: leftTabs
                        Layout.fillWidth: true
                        TabButton { text: qsTr("Library") }
                        TabButton { objectName: "presetsTab"; text: qsTr("Presets") }
                    }
                    StackLayout {
                        Layout.fillWidth: true
                        Layout.fillHeight: true
                        currentIndex: leftTabs.currentIndex
                        LibraryPanel {
                            id: library
                            view: root
                            canvas: wallView
                        }
                        PresetsPanel {
                            id: presets
                            view: root
                        }
                    }
                }
            }

            WallCanvas {
                id: wallView
                view: root
                Layout.fillWidth: true
                Layout.fillHeight: true
            }

            // Right: the selected tile, the staged changes, the rest of the shift.
            Rectangle {
                Layout.preferredWidth: rightTabs.currentIndex >= 3 ? 420 : 340
                Layout.fillHeight: true
                color: Look.panel
                ColumnLayout {
                    anchors.fill: parent
                    spacing: 0
                    TabBar {
                        id: rightTabs
                        Layout.fillWidth: true
                        TabButton { text: qsTr("Properties") }
                        TabButton {
                            objectName: "changesTab"
                            text: root.staged.dirty ? qsTr("Changes •") : qsTr("Changes")
                        }
                        TabButton { objectName: "shiftTab"; text: qsTr("Shift") }
                        TabButton { objectName: "technicianTab"; text: qsTr("Technician") }
                        TabButton { objectName: "panelsTab"; text: qsTr("Panels") }
                    }
                    StackLayout {
                        Layout.fillWidth: true
                        Layout.fillHeight: true
                        currentIndex: rightTabs.currentIndex
                        PropertiesPanel {
                            id: properties
                            view: root
                        }
                        ChangesPanel {
                            id: changes
                            view: root
                        }
                        ShiftPanel {
                            id: shift
                            view: root
                        }
                        TechnicianPanel {
                            id: technician
                            view: root
                        }
                        PanelsPanel {
                            id: panelsPanel
                            view: root
                        }
                    }
                }
            }
        }
    }

    // Briefings (presenter and editor) over the panels, below the top bar.
    BriefingsPage {
        id: briefingsPage
        view: root
        visible: false
        anchors.fill: parent
        anchors.topMargin: 44
    }

    // A short message for refusals of actions without a panel of their own.
    Rectangle {
        id: toast
        property string message: ""
        function show(m: string) {
            message = m
            toastTimer.restart()
        }
        objectName: "toast"
        visible: message !== ""
        anchors.bottom: parent.bottom
        anchors.horizontalCenter: parent.horizontalCenter
        anchors.bottomMargin: 24
        width: Math.min(parent.width - 40, toastText.implicitWidth + 32)
        height: toastText.implicitHeight + 16
        radius: 4
        color: Look.bad
        Label {
            id: toastText
            anchors.centerIn: parent
            width: Math.min(implicitWidth, parent.width - 32)
            text: toast.message
            color: "white"
            wrapMode: Text.Wrap
        }
        Timer {
            id: toastTimer
            interval: 6000
            onTriggered: toast.message = ""
        }
    }

    HelpOverlay {
        id: help
        anchors.fill: parent
    }

    // Keyboard: every shortcut here is listed in HelpOverlay.
    readonly property int nudgeMm: 10
    readonly property int bigNudgeMm: 100
    Shortcut { sequence: "Ctrl+Z"; enabled: root.mayEdit; onActivated: root.staged.undo() }
    Shortcut { sequences: ["Ctrl+Y", "Ctrl+Shift+Z"]; enabled: root.mayEdit; onActivated: root.staged.redo() }
    Shortcut { sequences: ["Delete", "Backspace"]; enabled: root.mayEdit && wallView.activeFocus; onActivated: root.staged.removeSelected() }
    Shortcut { sequence: "Left"; enabled: root.mayEdit && wallView.activeFocus; onActivated: root.staged.nudge(-root.nudgeMm, 0) }
    Shortcut { sequence: "Right"; enabled: root.mayEdit && wallView.activeFocus; onActivated: root.staged.nudge(root.nudgeMm, 0) }
    Shortcut { sequence: "Up"; enabled: root.mayEdit && wallView.activeFocus; onActivated: root.staged.nudge(0, -root.nudgeMm) }
    Shortcut { sequence: "Down"; enabled: root.mayEdit && wallView.activeFocus; onActivated: root.staged.nudge(0, root.nudgeMm) }
    Shortcut { sequence: "Shift+Left"; enabled: root.mayEdit && wallView.activeFocus; onActivated: root.staged.nudge(-root.bigNudgeMm, 0) }
    Shortcut { sequence: "Shift+Right"; enabled: root.mayEdit && wallView.activeFocus; onActivated: root.staged.nudge(root.bigNudgeMm, 0) }
    Shortcut { sequence: "Shift+Up"; enabled: root.mayEdit && wallView.activeFocus; onActivated: root.staged.nudge(0, -root.bigNudgeMm) }
    Shortcut { sequence: "Shift+Down"; enabled: root.mayEdit && wallView.activeFocus; onActivated: root.staged.nudge(0, root.bigNudgeMm) }
    Shortcut { sequence: "Ctrl+A"; enabled: wallView.activeFocus; onActivated: root.staged.selectAll() }
    Shortcut { sequence: "Tab"; enabled: wallView.activeFocus; onActivated: root.staged.selectNext(1) }
    Shortcut { sequence: "Shift+Tab"; enabled: wallView.activeFocus; onActivated: root.staged.selectNext(-1) }
    Shortcut { sequence: "PgUp"; enabled: root.mayEdit; onActivated: root.staged.raiseSelected() }
    Shortcut { sequence: "PgDown"; enabled: root.mayEdit; onActivated: root.staged.lowerSelected() }
    Shortcut { sequence: "Ctrl+Shift+L"; enabled: root.mayEdit; onActivated: root.staged.alignSelected("left") }
    Shortcut { sequence: "Ctrl+Shift+R"; enabled: root.mayEdit; onActivated: root.staged.alignSelected("right") }
    Shortcut { sequence: "Ctrl+Shift+T"; enabled: root.mayEdit; onActivated: root.staged.alignSelected("top") }
    Shortcut { sequence: "Ctrl+Shift+B"; enabled: root.mayEdit; onActivated: root.staged.alignSelected("bottom") }
    Shortcut { sequence: "Ctrl+Shift+H"; enabled: root.mayEdit; onActivated: root.staged.distributeSelected("horizontal") }
    Shortcut { sequence: "Ctrl+Shift+V"; enabled: root.mayEdit; onActivated: root.staged.distributeSelected("vertical") }
    Shortcut { sequence: "F"; enabled: root.mayEdit && wallView.activeFocus; onActivated: wallView.fillUnderSelection(false) }
    Shortcut { sequence: "Shift+F"; enabled: root.mayEdit && wallView.activeFocus; onActivated: wallView.fillUnderSelection(true) }
    Shortcut { sequence: "Ctrl+Return"; enabled: root.mayEdit; onActivated: root.publish() }
    Shortcut { sequence: "Ctrl+Shift+Backspace"; enabled: root.mayEdit; onActivated: root.staged.discard() }
    Shortcut { sequence: "Ctrl+F"; onActivated: { leftTabs.currentIndex = 0; library.focusSearch() } }
    Shortcut { sequence: "Ctrl+S"; enabled: wallSession.can("preset.save"); onActivated: { leftTabs.currentIndex = 1; presets.focusSaveAs() } }
    Shortcut { sequence: "Ctrl+W"; onActivated: wallView.forceActiveFocus() }
    Shortcut { sequence: "F1"; onActivated: help.visible ? help.close() : help.open() }
    Shortcut { sequence: "?"; onActivated: help.visible ? help.close() : help.open() }
    Shortcut { sequence: "Escape"; onActivated: help.visible ? help.close() : root.staged.clearSelection() }
    // 1-9: recall the preset at that position of the list.
    Shortcut { sequence: "1"; enabled: root.mayRecall; onActivated: root.recallPresetAt(1) }
    Shortcut { sequence: "2"; enabled: root.mayRecall; onActivated: root.recallPresetAt(2) }
    Shortcut { sequence: "3"; enabled: root.mayRecall; onActivated: root.recallPresetAt(3) }
    Shortcut { sequence: "4"; enabled: root.mayRecall; onActivated: root.recallPresetAt(4) }
    Shortcut { sequence: "5"; enabled: root.mayRecall; onActivated: root.recallPresetAt(5) }
    Shortcut { sequence: "6"; enabled: root.mayRecall; onActivated: root.recallPresetAt(6) }
    Shortcut { sequence: "7"; enabled: root.mayRecall; onActivated: root.recallPresetAt(7) }
    Shortcut { sequence: "8"; enabled: root.mayRecall; onActivated: root.recallPresetAt(8) }
    Shortcut { sequence: "9"; enabled: root.mayRecall; onActivated: root.recallPresetAt(9) }
}
