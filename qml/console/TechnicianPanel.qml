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
        form.load()
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
        const s = form.settings()
        if (Object.keys(s).length === 0) {
            error = qsTr("Tick at least one setting to keep in the profile.")
            return
        }
        session.call("tech.saveProfile", "POST", "/calibration/profiles",
                     { displays: chosen, settings: s, note: noteField.text })
    }
    function uniformityStep(body: var) { session.call("tech.uniformity.step", "POST", "/calibration/uniformity", body) }
    function nudge(dx: real, dy: real) {
        if (chosen.length !== 1)
            return
        session.call("tech.geometry", "POST", "/calibration/geometry", { display: chosen[0], dx: dx, dy: dy })
    }

    component NumberSetting: RowLayout {
        id: numberRow
        required property string name
        required property string label
        property alias include: tick.checked
        property alias value: spin.value
        property int from: 0
        property int to: 100
        property int step: 1
        Layout.fillWidth: true
        objectName: "setting-" + name
        CheckBox {
            id: tick
            objectName: "include"
            text: numberRow.label
            Layout.fillWidth: true
        }
        SpinBox {
            id: spin
            objectName: "value"
            enabled: tick.checked
            from: numberRow.from
            to: numberRow.to
            stepSize: numberRow.step
            editable: true
            implicitWidth: 110 // the style's 140 leaves the panel too narrow
        }
    }
    component TripleSetting: ColumnLayout {
        id: tripleRow
        required property string name
        required property string label
        property alias include: tripleTick.checked
        property var values: [128, 128, 128]
        Layout.fillWidth: true
        objectName: "setting-" + name
        CheckBox {
            id: tripleTick
            objectName: "include"
            text: tripleRow.label
        }
        RowLayout {
            enabled: tripleTick.checked
            Repeater {
                model: 3
                delegate: SpinBox {
                    required property int index
                    objectName: "channel" + index
                    from: 0
                    to: 255
                    editable: true
                    value: tripleRow.values[index]
                    onValueModified: {
                        const v = tripleRow.values.slice()
                        v[index] = value
                        tripleRow.values = v
                    }
                    implicitWidth: 96
                    Layout.fillWidth: true
                }
            }
        }
    }
    component TextSetting: RowLayout {
        id: textRow
        required property string name
        required property string label
        property alias include: textTick.checked
        property alias text: textValue.text
        property string hint: ""
        Layout.fillWidth: true
        objectName: "setting-" + name
        CheckBox {
            id: textTick
            objectName: "include"
            text: textRow.label
            Layout.fillWidth: true
        }
        TextField {
            id: textValue
            objectName: "value"
            enabled: textTick.checked
            placeholderText: textRow.hint
            Layout.preferredWidth: 110
        }
    }

    Connections {
        target: panel.session
        function onAnswered(tag: string, ok: bool, status: int, message: string, field: string, body: var) {
            if (!tag.startsWith("tech."))
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

            // Test patterns, drawn by the wall itself over the picked displays (none: all).
            Label { text: qsTr("Test pattern"); color: Look.text; font.bold: true }
            Label {
                objectName: "patternNow"
                Layout.fillWidth: true
                wrapMode: Text.Wrap
                color: panel.patternState.pattern ? Look.warn : Look.muted
                text: panel.patternState.pattern
                      ? qsTr("The wall shows “%1” on %2; the live layout is kept underneath.")
                            .arg(panel.patternWords(panel.patternState.pattern))
                            .arg(panel.patternState.displays === "all" ? qsTr("every display")
                                                                       : (panel.patternState.displays || []).join(", "))
                      : qsTr("The wall shows its live layout.")
            }
            RowLayout {
                Layout.fillWidth: true
                ComboBox {
                    id: patternChoice
                    objectName: "patternChoice"
                    Layout.fillWidth: true
                    model: panel.patterns.map(p => panel.patternWords(p))
                }
                Permitted {
                    objectName: "showPattern"
                    view: panel.view
                    permission: "calibration.pattern"
                    text: panel.chosen.length === 0 ? qsTr("Show on all") : qsTr("Show")
                    onClicked: panel.showPattern(panel.patterns[patternChoice.currentIndex])
                }
            }
            Permitted {
                objectName: "clearPattern"
                view: panel.view
                permission: "calibration.patternClear"
                text: qsTr("Back to the live layout")
                extraEnabled: !!panel.patternState.pattern
                onClicked: panel.clearPattern()
            }

            // What the displays report now, and the drift from their profiles.
            Label { text: qsTr("Picture settings"); color: Look.text; font.bold: true }
            RowLayout {
                Permitted {
                    objectName: "readSettings"
                    view: panel.view
                    permission: "calibration.read"
                    text: qsTr("Read from displays")
                    extraEnabled: panel.chosen.length > 0 && panel.runningId === 0
                    onClicked: panel.startRun("read")
                }
                Permitted {
                    objectName: "applyProfile"
                    view: panel.view
                    permission: "calibration.apply"
                    text: qsTr("Apply profile")
                    extraEnabled: panel.chosen.length > 0 && panel.runningId === 0
                    onClicked: panel.startRun("apply")
                }
                BusyIndicator {
                    running: panel.runningId !== 0
                    visible: running
                    Layout.preferredWidth: 24
                    Layout.preferredHeight: 24
                }
            }
            Label {
                visible: panel.chosen.length === 0
                text: qsTr("Pick one or more displays first.")
                color: Look.muted
            }
            Label {
                objectName: "runSummary"
                visible: panel.run.id !== undefined
                Layout.fillWidth: true
                wrapMode: Text.Wrap
                color: panel.run.ok ? Look.good : Look.warn
                text: panel.run.id === undefined ? ""
                      : (panel.run.kind === "apply" ? qsTr("Apply: %1") : qsTr("Read: %1")).arg(panel.run.summary || "")
            }
            Repeater {
                model: panel.run.displays && !Array.isArray(panel.run.displays) ? Object.keys(panel.run.displays) : []
                delegate: ColumnLayout {
                    id: result
                    required property string modelData
                    readonly property var one: panel.run.displays[modelData]
                    objectName: "result-" + modelData
                    Layout.fillWidth: true
                    spacing: 2
                    Label {
                        objectName: "resultSummary"
                        Layout.fillWidth: true
                        wrapMode: Text.Wrap
                        color: result.one.ok ? Look.text : Look.bad
                        text: result.modelData + ": " + (result.one.summary || "")
                    }
                    Label {
                        objectName: "resultReadback"
                        Layout.fillWidth: true
                        wrapMode: Text.Wrap
                        color: Look.muted
                        text: result.one.readback ? panel.settingsWords(result.one.readback.settings) : ""
                    }
                    Label {
                        objectName: "resultUnreadable"
                        visible: text !== ""
                        Layout.fillWidth: true
                        wrapMode: Text.Wrap
                        color: Look.muted
                        font.italic: true
                        text: result.one.readback && result.one.readback.unreadable
                              ? Object.keys(result.one.readback.unreadable)
                                    .map(k => panel.settingWords(k) + ": " + result.one.readback.unreadable[k]).join("; ")
                              : ""
                    }
                    Label {
                        objectName: "resultDrift"
                        visible: text !== ""
                        Layout.fillWidth: true
                        wrapMode: Text.Wrap
                        color: Look.warn
                        text: result.one.drift && result.one.drift.drift && result.one.drift.drift.length > 0
                              ? qsTr("Drift: %1").arg(result.one.drift.drift.map(
                                    d => qsTr("%1 should be %2, is %3").arg(panel.settingWords(d.setting))
                                             .arg(panel.valueWords(d.want)).arg(panel.valueWords(d.have))).join("; "))
                              : (result.one.drift ? qsTr("In step with its profile.") : "")
                    }
                }
            }

            // The profile: the settings the picked displays should have.
            Label { text: qsTr("Profile"); color: Look.text; font.bold: true }
            Label {
                objectName: "profileNow"
                Layout.fillWidth: true
                wrapMode: Text.Wrap
                color: Look.muted
                text: panel.chosen.length === 0 ? ""
                      : panel.profile.settings && Object.keys(panel.profile.settings).length > 0
                        ? qsTr("%1 should have: %2").arg(panel.chosen[0]).arg(panel.settingsWords(panel.profile.settings))
                        : qsTr("%1 has no profile yet.").arg(panel.chosen[0])
            }
            Label {
                objectName: "profileHistory"
                visible: (panel.profile.history || []).length > 0
                Layout.fillWidth: true
                wrapMode: Text.Wrap
                color: Look.muted
                font.pixelSize: 11
                text: (panel.profile.history || []).slice(0, 3).map(
                          h => qsTr("%1 by %2%3").arg(h.at || h.time || "").arg(h.by || "")
                                   .arg(h.note ? " — " + h.note : "")).join("\n")
            }
            GridLayout {
                id: form
                objectName: "settingsForm"
                columns: 2
                columnSpacing: Look.gap
                Layout.fillWidth: true
                enabled: panel.chosen.length > 0

                // Fills the form from the profile, or else from the last read-back.
                function load() {
                    const s = (panel.profile.settings && Object.keys(panel.profile.settings).length > 0)
                              ? panel.profile.settings
                              : (panel.profile.readback ? panel.profile.readback.settings : {})
                    for (const row of [brightness, backlight, contrast, colourTemperature]) {
                        row.include = s[row.name] !== undefined
                        if (s[row.name] !== undefined)
                            row.value = s[row.name]
                    }
                    for (const row of [rgbGain, rgbOffset]) {
                        row.include = s[row.name] !== undefined
                        if (s[row.name] !== undefined)
                            row.values = s[row.name]
                    }
                    pictureMode.include = s.pictureMode !== undefined
                    pictureMode.text = s.pictureMode || ""
                    gamma.include = s.gamma !== undefined
                    gamma.text = s.gamma || ""
                }
                // The ticked settings as the wall's JSON.
                function settings(): var {
                    const s = {}
                    for (const row of [brightness, backlight, contrast, colourTemperature])
                        if (row.include)
                            s[row.name] = row.value
                    for (const row of [rgbGain, rgbOffset])
                        if (row.include)
                            s[row.name] = row.values
                    if (pictureMode.include)
                        s.pictureMode = pictureMode.text
                    if (gamma.include)
                        s.gamma = gamma.text
                    return s
                }

                NumberSetting { id: brightness; name: "brightness"; label: panel.settingWords(name); Layout.columnSpan: 2 }
                NumberSetting { id: backlight; name: "backlight"; label: panel.settingWords(name); Layout.columnSpan: 2 }
                NumberSetting { id: contrast; name: "contrast"; label: panel.settingWords(name); Layout.columnSpan: 2 }
                NumberSetting { id: colourTemperature; name: "colourTemperature"; label: panel.settingWords(name); Layout.columnSpan: 2; from: 2000; to: 20000; step: 100; value: 6500 }
                TripleSetting { id: rgbGain; name: "rgbGain"; label: panel.settingWords(name); Layout.columnSpan: 2 }
                TripleSetting { id: rgbOffset; name: "rgbOffset"; label: panel.settingWords(name); Layout.columnSpan: 2 }
                TextSetting { id: pictureMode; name: "pictureMode"; label: panel.settingWords(name); Layout.columnSpan: 2; hint: "standard" }
                TextSetting { id: gamma; name: "gamma"; label: panel.settingWords(name); Layout.columnSpan: 2; hint: "2.2" }
                TextField {
                    id: noteField
                    objectName: "profileNote"
                    Layout.columnSpan: 2
                    Layout.fillWidth: true
                    placeholderText: qsTr("Note for the history (why)")
                }
            }
            Permitted {
                objectName: "saveProfile"
                view: panel.view
                permission: "calibration.set"
                text: qsTr("Save as the profile of %n display(s)", "", panel.chosen.length)
                extraEnabled: panel.chosen.length > 0
                onClicked: panel.saveProfile()
            }

            // Uniformity: the grid on the wall, a measured luminance per display, the corrections.
            Label { text: qsTr("Uniformity"); color: Look.text; font.bold: true }
            Label {
                objectName: "uniformityState"
                Layout.fillWidth: true
                wrapMode: Text.Wrap
                color: Look.muted
                text: !panel.uniformitySession.active ? qsTr("No uniformity session.")
                      : panel.uniformitySession.warmUpSecondsLeft > 0
                        ? qsTr("Warming up: measure in %1 min.").arg(Math.ceil(panel.uniformitySession.warmUpSecondsLeft / 60))
                        : qsTr("Phase: %1; %2 of %3 displays measured.")
                              .arg(panel.uniformitySession.phase === "remeasure" ? qsTr("measure again after the corrections")
                                                                                 : qsTr("measure"))
                              .arg((panel.uniformitySession.phase === "remeasure" ? panel.uniformitySession.after
                                                                                  : panel.uniformitySession.before).length)
                              .arg((panel.uniformitySession.displays || []).length)
            }
            RowLayout {
                visible: !panel.uniformitySession.active
                Label { text: qsTr("Warm-up (min)"); color: Look.muted }
                SpinBox { id: warmup; objectName: "warmupMinutes"; from: 0; to: 240; value: 30; editable: true }
                Permitted {
                    objectName: "uniformityStart"
                    view: panel.view
                    permission: "calibration.uniformity"
                    text: qsTr("Start")
                    onClicked: {
                        const body = { step: "start", warmupMinutes: warmup.value }
                        if (panel.chosen.length > 0)
                            body.displays = panel.chosen
                        panel.uniformityStep(body)
                    }
                }
            }
            GridLayout {
                visible: panel.uniformitySession.active === true
                columns: 4
                Layout.fillWidth: true
                Label { text: qsTr("Display"); color: Look.muted }
                TextField {
                    id: measuredDisplay
                    objectName: "measureDisplay"
                    text: panel.chosen.length === 1 ? panel.chosen[0] : ""
                    Layout.preferredWidth: 60
                }
                Label { text: qsTr("cd/m²"); color: Look.muted }
                TextField {
                    id: measuredLuminance
                    objectName: "measureLuminance"
                    validator: DoubleValidator { bottom: 0 }
                    Layout.fillWidth: true
                }
                Label { text: "x"; color: Look.muted }
                TextField { id: measuredX; objectName: "measureX"; Layout.preferredWidth: 60 }
                Label { text: "y"; color: Look.muted }
                TextField { id: measuredY; objectName: "measureY"; Layout.fillWidth: true }
            }
            Flow {
                visible: panel.uniformitySession.active === true
                Layout.fillWidth: true
                spacing: 4
                Permitted {
                    objectName: "uniformityMeasure"
                    view: panel.view
                    permission: "calibration.uniformity"
                    text: qsTr("Record")
                    onClicked: {
                        const body = { step: "measure", display: measuredDisplay.text,
                                       luminance: Number(measuredLuminance.text) }
                        if (measuredX.text !== "" || measuredY.text !== "") {
                            body.x = Number(measuredX.text)
                            body.y = Number(measuredY.text)
                        }
                        panel.uniformityStep(body)
                    }
                }
                Permitted { objectName: "uniformityPlan"; view: panel.view; permission: "calibration.uniformity"; text: qsTr("Plan"); onClicked: panel.uniformityStep({ step: "plan" }) }
                Permitted { objectName: "uniformityApply"; view: panel.view; permission: "calibration.uniformity"; text: qsTr("Apply corrections"); onClicked: panel.uniformityStep({ step: "apply" }) }
                Permitted { objectName: "uniformityFinish"; view: panel.view; permission: "calibration.uniformity"; text: qsTr("Finish"); onClicked: panel.uniformityStep({ step: "finish" }) }
                Permitted { objectName: "uniformityCancel"; view: panel.view; permission: "calibration.uniformity"; text: qsTr("Cancel"); onClicked: panel.uniformityStep({ step: "cancel" }) }
            }
            Label {
                objectName: "uniformityPlanText"
                visible: text !== ""
                Layout.fillWidth: true
                wrapMode: Text.Wrap
                color: Look.text
                text: panel.uniformitySession.plan
                      ? qsTr("Target %1 cd/m²; spread %2 % now, %3 % predicted.")
                            .arg(panel.uniformitySession.plan.targetLuminance)
                            .arg(panel.uniformitySession.plan.before.luminanceSpreadPercent)
                            .arg(panel.uniformitySession.plan.predicted.luminanceSpreadPercent)
                        + "\n" + panel.uniformitySession.plan.corrections.map(
                              c => c.display + ": " + (c.backlight !== undefined ? qsTr("backlight %1").arg(c.backlight) : qsTr("no backlight known"))
                                   + (c.rgbGain ? ", " + qsTr("gain %1").arg(c.rgbGain.join("/")) : "")).join("\n")
                      : ""
            }
            Label {
                objectName: "uniformityReport"
                visible: text !== ""
                Layout.fillWidth: true
                wrapMode: Text.Wrap
                readonly property var last: (panel.uniformity.reports || [])[0]
                color: last && last.report && last.report.pass ? Look.good : Look.warn
                text: last && last.report
                      ? qsTr("Last report: spread %1 % before, %2 % after: %3.")
                            .arg(last.report.before.luminanceSpreadPercent).arg(last.report.after.luminanceSpreadPercent)
                            .arg(last.report.pass ? qsTr("pass") : qsTr("fail"))
                      : ""
            }

            // Geometry: a display's place in the wall model, in millimetres (watch the crosshatch).
            Label { text: qsTr("Geometry"); color: Look.text; font.bold: true }
            Label {
                visible: panel.chosen.length !== 1
                text: qsTr("Pick exactly one display to move it.")
                color: Look.muted
            }
            GridLayout {
                columns: 4
                enabled: panel.chosen.length === 1
                Repeater {
                    model: [["←", -1, 0, "nudgeLeft"], ["→", 1, 0, "nudgeRight"], ["↑", 0, -1, "nudgeUp"], ["↓", 0, 1, "nudgeDown"]]
                    delegate: Permitted {
                        required property var modelData
                        objectName: modelData[3]
                        view: panel.view
                        permission: "calibration.geometry"
                        text: modelData[0] + " " + qsTr("%1 mm").arg(stepMm.value)
                        onClicked: panel.nudge(modelData[1] * stepMm.value, modelData[2] * stepMm.value)
                    }
                }
            }
            RowLayout {
                Label { text: qsTr("Step (mm)"); color: Look.muted }
                SpinBox { id: stepMm; objectName: "nudgeStep"; from: 1; to: 50; value: 1; editable: true }
            }
            RowLayout {
                Permitted {
                    objectName: "geometrySave"
                    view: panel.view
                    permission: "calibration.geometrySave"
                    text: qsTr("Save geometry")
                    onClicked: panel.session.call("tech.geometrySave", "POST", "/calibration/geometry/save", { note: qsTr("set up from the console") })
                }
                Permitted {
                    objectName: "geometryUndo"
                    view: panel.view
                    permission: "calibration.geometryUndo"
                    text: qsTr("Undo set-up")
                    onClicked: panel.session.call("tech.geometryUndo", "POST", "/calibration/geometry/undo")
                }
            }
        }
    }
}
