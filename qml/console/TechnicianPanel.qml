pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import OpsWall.Console

// The technician's page: pick displays, show a test pattern on the wall (the wall draws it),
// read what each display reports through its control protocol, keep the settings it should have
// as a profile and apply it, match the panels' brightness and white (uniformity), and nudge a
// display's place in the wall model. Everything goes through the control API's
// /calibration routes (technician and admin); what the role may not do is disabled with the reason.
Item {
    id: panel
    objectName: "technicianPanel"

    required property Item view
    readonly property WallSession session: view.session

    // The displays picked (ids); empty = none picked.
    property var chosen: []
    // GET /calibration/pattern: {pattern, displays, patterns}
    property var patternState: ({})
    // The last read or apply run (GET /calibration/runs/{id}), and the one still running.
    property var run: ({})
    property int runningId: 0
    property string runningKind: ""
    // The first picked display's profile with its history and last read-back.
    property var profile: ({})
    // GET /calibration/uniformity: {session, reports}
    property var uniformity: ({})
    // The last refusal in words, with the refused field.
    property string error: ""
    property string notice: ""
    // How long a meter read may take (spotread with an instrument answers in seconds).
    property int meterTimeoutMs: 30000

    readonly property var displays: session.wall.displays || []
    readonly property var patterns: patternState.patterns
                                    || ["white", "black", "red", "green", "blue", "grey", "greysteps",
                                        "greyramp", "colourbars", "crosshatch", "idcard", "uniformity"]
    readonly property string readReason: view.whyNot("calibration.read")
    readonly property var uniformitySession: uniformity.session || ({})

    // Setting names as the wall names them, with the words shown for them.
    function settingWords(name: string): string {
        switch (name) {
        case "brightness": return qsTr("Brightness")
        case "backlight": return qsTr("Backlight")
        case "contrast": return qsTr("Contrast")
        case "colourTemperature": return qsTr("Colour temperature (K)")
        case "rgbGain": return qsTr("RGB gain")
        case "rgbOffset": return qsTr("RGB offset")
        case "pictureMode": return qsTr("Picture mode")
        case "gamma": return qsTr("Gamma")
        case "tiling": return qsTr("Tiling")
        case "bezelCompensation": return qsTr("Bezel compensation")
        default: return name
        }
    }
    function patternWords(name: string): string {
        switch (name) {
        case "white": return qsTr("White")
        case "black": return qsTr("Black")
        case "red": return qsTr("Red")
        case "green": return qsTr("Green")
        case "blue": return qsTr("Blue")
        case "grey": return qsTr("Grey")
        case "greysteps": return qsTr("Grey steps")
        case "greyramp": return qsTr("Grey ramp")
        case "colourbars": return qsTr("Colour bars")
        case "crosshatch": return qsTr("Crosshatch (across bezels)")
        case "idcard": return qsTr("ID cards")
        case "uniformity": return qsTr("Uniformity grid")
        default: return name
        }
    }
    function valueWords(v: var): string {
        if (v === undefined || v === null)
            return "–"
        if (Array.isArray(v))
            return v.join(" / ")
        if (typeof v === "object")
            return v.columns !== undefined ? qsTr("%1 × %2, position %3").arg(v.columns).arg(v.rows).arg(v.position)
                                           : JSON.stringify(v)
        if (typeof v === "boolean")
            return v ? qsTr("on") : qsTr("off")
        return String(v)
    }
    function settingsWords(s: var): string {
        if (!s)
            return ""
        return Object.keys(s).map(k => settingWords(k) + " " + valueWords(s[k])).join(" · ")
    }

    function toggle(id: string) {
        const next = chosen.slice()
        const i = next.indexOf(id)
        if (i >= 0)
            next.splice(i, 1)
        else
            next.push(id)
        chosen = next
    }
    function chooseAll() { chosen = displays.map(d => d.id) }

    function refresh() {
        if (readReason !== "")
            return
        session.call("tech.pattern", "GET", "/calibration/pattern")
        session.call("tech.uniformity", "GET", "/calibration/uniformity")
        if (chosen.length > 0)
            session.call("tech.profile", "GET", "/calibration/profiles/" + chosen[0])
    }
    onChosenChanged: {
        profile = ({})
        refresh()
        settingsPart.load()
    }
    onVisibleChanged: if (visible) refresh()

    function showPattern(name: string) {
        const body = { pattern: name }
        if (chosen.length > 0)
            body.displays = chosen
        session.call("tech.showPattern", "POST", "/calibration/pattern", body)
    }
    function clearPattern() { session.call("tech.clearPattern", "DELETE", "/calibration/pattern") }
    function startRun(kind: string) {
        if (chosen.length === 0)
            return
        runningKind = kind
        runningId = -1 // asked; the wall answers with the run's id
        session.call("tech.run", "POST", "/calibration/" + kind, { displays: chosen })
    }
    function saveProfile() {
        const s = settingsPart.settings()
        if (Object.keys(s).length === 0) {
            error = qsTr("Tick at least one setting to keep in the profile.")
            return
        }
        session.call("tech.saveProfile", "POST", "/calibration/profiles",
                     { displays: chosen, settings: s, note: settingsPart.note })
    }
    function uniformityStep(body: var) { session.call("tech.uniformity.step", "POST", "/calibration/uniformity", body) }
    function nudge(dx: real, dy: real) {
        if (chosen.length !== 1)
            return
        session.call("tech.geometry", "POST", "/calibration/geometry", { display: chosen[0], dx: dx, dy: dy })
    }

    Connections {
        target: panel.session
        function onAnswered(tag: string, ok: bool, status: int, message: string, field: string, body: var) {
            if (!tag.startsWith("tech."))
                return
            // tech.import and tech.export: the exchange panel shows their answers (every problem).
            if (tag === "tech.import" || tag === "tech.export")
                return
            if (!ok && tag !== "tech.pollRun") {
                panel.error = message + (field ? " [" + field + "]" : "")
                if (tag === "tech.run") {
                    panel.runningId = 0
                    panel.runningKind = ""
                }
                return
            }
            if (tag === "tech.pattern")
                panel.patternState = body
            else if (tag === "tech.uniformity")
                panel.uniformity = body
            else if (tag === "tech.profile")
                panel.profile = body
            else if (tag === "tech.run")
                panel.runningId = body.runId
            else if (tag === "tech.pollRun") {
                if (ok && body.id === panel.runningId && body.state === "finished") {
                    panel.run = body
                    panel.runningId = 0
                    panel.runningKind = ""
                    panel.refresh()
                }
                return
            }
            // A read of the refresh (pattern, uniformity, profile) answering after a refusal must
            // not wipe the refusal before the technician has read it: only an action clears it.
            const isRead = tag === "tech.pattern" || tag === "tech.uniformity" || tag === "tech.profile"
            if (!isRead)
                panel.error = ""
            if (tag === "tech.saveProfile")
                panel.notice = qsTr("Profile saved for %n display(s).", "", panel.chosen.length)
            else if (tag === "tech.geometry")
                panel.notice = qsTr("%1 is now at x %2 mm, y %3 mm (not saved yet).").arg(panel.chosen[0])
                                   .arg(body.x).arg(body.y)
            else if (tag === "tech.geometrySave")
                panel.notice = qsTr("The wall's geometry is saved.")
            else if (tag === "tech.geometryUndo")
                panel.notice = qsTr("The geometry from before set-up is back.")
            if (!isRead)
                panel.refresh()
        }
        function onWallEvent(type: string, event: var) {
            if (type === "calibration.finished" && event.run && event.run.id === panel.runningId) {
                panel.run = event.run
                panel.runningId = 0
                panel.runningKind = ""
                panel.refresh()
            } else if (type.startsWith("calibration.")) {
                panel.refresh()
            }
        }
    }
    // A run's end also comes as the calibration.finished event; this reads it in case the event
    // was missed (a reconnect meanwhile).
    Timer {
        interval: 1000
        repeat: true
        running: panel.runningId > 0
        onTriggered: panel.session.call("tech.pollRun", "GET", "/calibration/runs/" + panel.runningId)
    }

    ScrollView {
        anchors.fill: parent
        anchors.margins: Look.gap
        contentWidth: availableWidth
        ColumnLayout {
            width: parent.width
            spacing: Look.gap

            Label {
                objectName: "technicianDisabledReason"
                visible: panel.readReason !== ""
                text: panel.readReason
                color: Look.warn
                wrapMode: Text.Wrap
                Layout.fillWidth: true
            }
            Label {
                objectName: "technicianError"
                visible: panel.error !== ""
                text: panel.error
                color: Look.bad
                wrapMode: Text.Wrap
                Layout.fillWidth: true
            }
            Label {
                objectName: "technicianNotice"
                visible: panel.notice !== "" && panel.error === ""
                text: panel.notice
                color: Look.good
                wrapMode: Text.Wrap
                Layout.fillWidth: true
            }

            // Displays, drawn where they are on the wall: click to pick.
            Label { text: qsTr("Displays"); color: Look.text; font.bold: true }
            Item {
                id: picker
                Layout.fillWidth: true
                readonly property var extent: {
                    let w = 1, h = 1
                    for (const d of panel.displays) {
                        w = Math.max(w, d.xMm + d.widthMm)
                        h = Math.max(h, d.yMm + d.heightMm)
                    }
                    return { w: w, h: h }
                }
                readonly property real k: width / extent.w
                Layout.preferredHeight: extent.h * k
                Repeater {
                    model: panel.displays
                    delegate: Rectangle {
                        id: pick
                        required property var modelData
                        readonly property bool picked: panel.chosen.indexOf(modelData.id) >= 0
                        objectName: "pick-" + modelData.id
                        x: modelData.xMm * picker.k + 1
                        y: modelData.yMm * picker.k + 1
                        width: modelData.widthMm * picker.k - 2
                        height: modelData.heightMm * picker.k - 2
                        color: picked ? Look.accent : Look.panelAlt
                        border.color: picked ? Look.selection : Look.line
                        Label {
                            anchors.centerIn: parent
                            text: pick.modelData.label || pick.modelData.id
                            color: pick.picked ? "white" : Look.muted
                            font.pixelSize: 11
                        }
                        MouseArea {
                            anchors.fill: parent
                            onClicked: panel.toggle(pick.modelData.id)
                        }
                    }
                }
            }
            RowLayout {
                Button { objectName: "pickAll"; text: qsTr("All"); onClicked: panel.chooseAll() }
                Button { objectName: "pickNone"; text: qsTr("None"); onClicked: panel.chosen = [] }
                Label {
                    Layout.fillWidth: true
                    text: panel.chosen.length === 0 ? qsTr("None picked") : panel.chosen.join(", ")
                    color: Look.muted
                    elide: Text.ElideRight
                }
            }

            TechPatternsPanel { panel: panel; Layout.fillWidth: true }
            TechSettingsPanel { id: settingsPart; panel: panel; Layout.fillWidth: true }
            TechUniformityPanel { panel: panel; Layout.fillWidth: true }
            TechGeometryPanel { panel: panel; Layout.fillWidth: true }
            TechExchangePanel { panel: panel; Layout.fillWidth: true }
        }
    }
}
