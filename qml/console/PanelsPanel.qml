pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import OpsWall.Console

// The button panels (Stream Decks, X-keys, keypads): each one's state in words, its pages of
// buttons drawn as keys with their faces (label, what they do, lit while their preset is on the
// wall), and for the key picked: bind it to an action, or press it as the panel would. All of it
// through the control API (GET /panels, GET /panels/{id}, POST /panels/{id}/bind and /press),
// and below the panels the Stream Decks and X-keys plugged in by USB (configured or not),
// so a binding is checked, stored and audited like any change; what the role may not do is
// disabled with the reason.
Item {
    id: panel
    objectName: "panelsPanel"

    required property Item view
    readonly property WallSession session: view.session

    // GET /panels: [{id, name, type, state, why, page, model, keys, serial}]
    property var panels: []
    // GET /panels "usb": what the wall's hot-plug monitor sees plugged in, configured or not:
    // [{path, kind, vendorId, productId, model, serial, product, panel}]
    property var usb: []
    property string chosenId: ""
    // GET /panels/{id}: the panel's document with its status.
    property var chosen: ({})
    property string pageId: ""
    property int keyIndex: -1
    property int activePreset: 0 // the preset last recalled (from the event stream)
    property string error: ""
    property string notice: ""

    // Actions a button is usually bound to (any action of the permission table may be typed).
    readonly property var actions: ["preset.recall", "briefing.next", "briefing.previous",
        "briefing.blank", "audio.set", "device.command", "alert.ack", "tile.focus",
        "tile.unfocus", "lock.acquire", "lock.release", "panel.page"]
    readonly property var columnsOf: ({ "studio": 16, "original": 5, "original-v2": 5, "mk2": 5,
        "mk2-scissor": 5, "xl": 8, "xl-v2": 8, "mini": 3, "mini-v2": 3, "plus": 4, "neo": 4,
        "module-6": 3, "module-15": 5, "module-32": 8, "pedal": 3 })
    readonly property var status: chosen.status || ({})
    readonly property var pages: chosen.pages || []
    readonly property var page: {
        for (let i = 0; i < pages.length; ++i)
            if (pages[i].id === pageId)
                return pages[i]
        return pages.length > 0 ? pages[0] : ({ id: "", buttons: [] })
    }
    readonly property int keyCount: {
        let n = status.keys || 0
        const buttons = page.buttons || []
        for (let i = 0; i < buttons.length; ++i)
            n = Math.max(n, buttons[i].key + 1)
        return Math.max(n, 1)
    }
    readonly property int columns: columnsOf[status.model] || Math.min(8, keyCount)
    readonly property var button: buttonAt(keyIndex)

    function buttonAt(key: int): var {
        const buttons = page.buttons || []
        for (let i = 0; i < buttons.length; ++i)
            if (buttons[i].key === key)
                return buttons[i]
        return null
    }
    function stateWords(state: string): string {
        switch (state) {
        case "ready": case "open": return qsTr("ready")
        case "connecting": case "connected": return qsTr("connecting")
        case "disconnected": case "closed": return qsTr("disconnected")
        case "unavailable": return qsTr("unavailable")
        default: return state
        }
    }
    function stateColour(state: string): color {
        return state === "ready" || state === "open" ? Look.good
             : state === "unavailable" || state === "disconnected" || state === "closed" ? Look.bad
             : Look.warn
    }
    function reload() {
        session.call("panels.list", "GET", "/panels")
        if (chosenId !== "")
            session.call("panels.one", "GET", "/panels/" + chosenId)
    }
    function choose(id: string) {
        chosenId = id
        chosen = ({})
        keyIndex = -1
        pageId = ""
        session.call("panels.one", "GET", "/panels/" + id)
    }
    function pickKey(key: int) {
        keyIndex = key
        const b = buttonAt(key)
        actionBox.editText = b ? b.action : ""
        labelField.text = b ? (b.label || "") : ""
        paramsField.text = b && b.params ? JSON.stringify(b.params) : "{}"
        error = ""
        notice = ""
    }
    function bind() {
        let params = {}
        try {
            params = JSON.parse(paramsField.text.trim() === "" ? "{}" : paramsField.text)
        } catch (e) {
            error = qsTr("The parameters are not JSON: %1").arg(String(e.message || e))
            return
        }
        error = ""
        session.call("panels.bind", "POST", "/panels/" + chosenId + "/bind",
                     { page: page.id, key: keyIndex, label: labelField.text,
                       action: actionBox.editText, params: params })
    }
    function press() {
        error = ""
        session.call("panels.press", "POST", "/panels/" + chosenId + "/press", { key: keyIndex })
    }

    onVisibleChanged: if (visible) reload()
    Component.onCompleted: if (visible) reload()

    Timer { // states change on their own (a deck unplugged, a dock restarting)
        interval: 3000
        running: panel.visible && panel.session.state === "online"
        repeat: true
        onTriggered: panel.session.call("panels.list", "GET", "/panels")
    }

    Connections {
        target: panel.session
        function onAnswered(tag: string, ok: bool, status: int, message: string, field: string, body: var) {
            if (!tag.startsWith("panels."))
                return
            if (!ok) {
                panel.error = message + (field ? " [" + field + "]" : "")
                return
            }
            if (tag === "panels.list") {
                panel.panels = body.items || []
                panel.usb = body.usb || []
                if (panel.chosenId === "" && panel.panels.length > 0)
                    panel.choose(panel.panels[0].id)
            } else if (tag === "panels.one") {
                if (body.id !== panel.chosenId)
                    return
                panel.chosen = body
                if (panel.pageId === "")
                    panel.pageId = (body.status && body.status.page) || ""
            } else if (tag === "panels.bind") {
                panel.notice = qsTr("Key %1 bound to %2.").arg(panel.keyIndex).arg(actionBox.editText)
                panel.session.call("panels.one", "GET", "/panels/" + panel.chosenId)
            } else if (tag === "panels.press") {
                panel.notice = qsTr("Key %1 pressed as the panel.").arg(panel.keyIndex)
            }
        }
        function onWallEvent(type: string, event: var) {
            if (type === "preset.recall")
                panel.activePreset = event.id || 0
        }
    }

    ScrollView {
        anchors.fill: parent
        anchors.margins: Look.gap
        contentWidth: availableWidth
        ColumnLayout {
            width: parent.width
            spacing: Look.gap

            Label { text: qsTr("Button panels (%1)").arg(panel.panels.length); color: Look.text; font.bold: true }
            Label {
                visible: panel.panels.length === 0
                text: qsTr("No panel is configured (opswall --panels FILE).")
                color: Look.muted
                wrapMode: Text.Wrap
                Layout.fillWidth: true
            }
            Repeater {
                model: panel.panels
                delegate: ItemDelegate {
                    id: row
                    required property var modelData
                    objectName: "panel-" + modelData.id
                    Layout.fillWidth: true
                    highlighted: modelData.id === panel.chosenId
                    onClicked: panel.choose(modelData.id)
                    contentItem: ColumnLayout {
                        spacing: 2
                        RowLayout {
                            Label {
                                text: (row.modelData.name || row.modelData.id) + "  ·  " + row.modelData.type
                                      + (row.modelData.model ? " " + row.modelData.model : "")
                                color: Look.text
                                Layout.fillWidth: true
                                elide: Text.ElideRight
                            }
                            Label {
                                objectName: "panelState-" + row.modelData.id
                                text: panel.stateWords(row.modelData.state)
                                color: panel.stateColour(row.modelData.state)
                                font.bold: true
                            }
                        }
                        Label {
                            visible: (row.modelData.why || "") !== "" || (row.modelData.serial || "") !== ""
                            text: (row.modelData.serial ? qsTr("serial %1").arg(row.modelData.serial) + "  " : "")
                                  + (row.modelData.why || "")
                            color: Look.muted
                            wrapMode: Text.Wrap
                            Layout.fillWidth: true
                            font.pixelSize: Look.fontSize - 1
                        }
                    }
                }
            }

            // What is plugged in by USB, as the wall's hot-plug monitor sees it (every second).
            Label {
                objectName: "usbTitle"
                text: qsTr("Plugged in by USB (%1)").arg(panel.usb.length)
                color: Look.text
                font.bold: true
            }
            Label {
                objectName: "usbNone"
                visible: panel.usb.length === 0
                text: qsTr("No Stream Deck or X-keys is plugged in by USB.")
                color: Look.muted
                wrapMode: Text.Wrap
                Layout.fillWidth: true
            }
            Repeater {
                model: panel.usb
                delegate: ColumnLayout {
                    id: device
                    required property var modelData
                    objectName: "usb-" + modelData.path
                    Layout.fillWidth: true
                    Layout.leftMargin: Look.gap
                    spacing: 2
                    Label {
                        text: (device.modelData.kind === "streamdeck" ? "Stream Deck " : "X-keys ")
                              + (device.modelData.model || qsTr("unknown model"))
                              + "  ·  " + device.modelData.vendorId + ":" + device.modelData.productId
                              + (device.modelData.serial ? "  ·  " + qsTr("serial %1").arg(device.modelData.serial) : "")
                        color: Look.text
                        elide: Text.ElideRight
                        Layout.fillWidth: true
                    }
                    Label {
                        objectName: "usbPanel-" + device.modelData.path
                        text: device.modelData.path + "  ·  "
                              + (device.modelData.panel ? qsTr("panel %1").arg(device.modelData.panel)
                                                        : qsTr("not configured"))
                        color: device.modelData.panel ? Look.good : Look.muted
                        elide: Text.ElideRight
                        Layout.fillWidth: true
                        font.pixelSize: Look.fontSize - 1
                    }
                }
            }

            RowLayout {
                visible: panel.chosenId !== ""
                Layout.fillWidth: true
                Label { text: qsTr("Page"); color: Look.muted }
                ComboBox {
                    id: pageBox
                    objectName: "panelPage"
                    Layout.fillWidth: true
                    model: panel.pages.map(p => p.id)
                    currentIndex: Math.max(0, model.indexOf(panel.page.id))
                    onActivated: index => { panel.pageId = model[index]; panel.keyIndex = -1 }
                }
            }

            // The keys as the panel lays them out, each with its face.
            GridLayout {
                objectName: "panelKeys"
                visible: panel.chosenId !== ""
                columns: Math.min(panel.columns, 8)
                columnSpacing: 4
                rowSpacing: 4
                Repeater {
                    model: panel.chosenId !== "" ? panel.keyCount : 0
                    delegate: Rectangle {
                        id: key
                        required property int index
                        readonly property var binding: panel.buttonAt(index)
                        readonly property bool lit: binding !== null && binding.action === "preset.recall"
                                                    && binding.params && binding.params.id === panel.activePreset
                        objectName: "key-" + index
                        implicitWidth: 44
                        implicitHeight: 40
                        radius: 4
                        color: binding ? Look.panelAlt : Look.window
                        border.width: panel.keyIndex === index ? 2 : 1
                        border.color: panel.keyIndex === index ? Look.selection : lit ? Look.good : Look.line
                        Rectangle { // the active preset's key is lit, as on the deck
                            visible: key.lit
                            anchors.fill: parent
                            anchors.margins: 2
                            radius: 3
                            color: Qt.rgba(0.24, 0.81, 0.48, 0.35)
                        }
                        Label {
                            anchors.fill: parent
                            anchors.margins: 2
                            text: key.binding ? (key.binding.label || key.binding.action.split(".").pop()) : String(key.index)
                            color: key.binding ? Look.text : Look.muted
                            font.pixelSize: 9
                            wrapMode: Text.Wrap
                            elide: Text.ElideRight
                            horizontalAlignment: Text.AlignHCenter
                            verticalAlignment: Text.AlignVCenter
                        }
                        MouseArea {
                            anchors.fill: parent
                            onClicked: panel.pickKey(key.index)
                        }
                    }
                }
            }

            ColumnLayout {
                visible: panel.keyIndex >= 0
                Layout.fillWidth: true
                spacing: 4
                Label {
                    objectName: "keyTitle"
                    text: panel.button
                          ? qsTr("Key %1: %2 %3").arg(panel.keyIndex).arg(panel.button.action)
                                .arg(panel.button.params ? JSON.stringify(panel.button.params) : "")
                          : qsTr("Key %1: not bound").arg(panel.keyIndex)
                    color: Look.text
                    wrapMode: Text.Wrap
                    Layout.fillWidth: true
                }
                ComboBox {
                    id: actionBox
                    objectName: "keyAction"
                    editable: true
                    model: panel.actions
                    Layout.fillWidth: true
                }
                TextField {
                    id: labelField
                    objectName: "keyLabel"
                    placeholderText: qsTr("Label on the key")
                    Layout.fillWidth: true
                }
                TextField {
                    id: paramsField
                    objectName: "keyParams"
                    placeholderText: qsTr("Parameters, e.g. {\"id\": 2}")
                    Layout.fillWidth: true
                }
                RowLayout {
                    Permitted {
                        objectName: "bindKey"
                        view: panel.view
                        permission: "panel.bind"
                        text: qsTr("Bind")
                        extraEnabled: actionBox.editText !== ""
                        onClicked: panel.bind()
                    }
                    Permitted {
                        objectName: "pressKey"
                        view: panel.view
                        permission: "panel.test"
                        text: qsTr("Test press")
                        extraEnabled: panel.button !== null
                        onClicked: panel.press()
                    }
                }
            }
            Label {
                objectName: "panelsError"
                visible: panel.error !== ""
                text: panel.error
                color: Look.bad
                wrapMode: Text.Wrap
                Layout.fillWidth: true
            }
            Label {
                objectName: "panelsNotice"
                visible: panel.notice !== ""
                text: panel.notice
                color: Look.good
                wrapMode: Text.Wrap
                Layout.fillWidth: true
            }
        }
    }
}
