pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import OpsWall.Console

// The technician page's profile exchange: every profile as an opswall.calibration JSON document
// (export into the text, to copy or keep), and a document pasted in imported. The wall checks it
// strictly and imports all or nothing: a bad document lists every problem by its field, nothing
// is changed, and the text stays as it was for mending.
ColumnLayout {
    id: part
    objectName: "techExchange"
    // The technician's page (TechnicianPanel; "var": its type would make the two files cycle): the
    // picked displays, its state and its calls to the wall.
    required property var panel
    spacing: Look.gap

    // The last import's problems: [{field, why}] (field "" when the whole document is at fault).
    property var problems: []
    property string result: ""
    property alias text: documentText.text

    function exportProfiles() { part.panel.session.call("tech.export", "GET", "/calibration/export") }
    function importProfiles() {
        result = ""
        let doc
        try {
            doc = JSON.parse(documentText.text)
        } catch (e) {
            problems = [{ field: "", why: qsTr("not JSON: %1").arg(e.message) }]
            return
        }
        if (doc === null || typeof doc !== "object" || Array.isArray(doc)) {
            problems = [{ field: "", why: qsTr("the document must be a JSON object") }]
            return
        }
        problems = []
        part.panel.session.call("tech.import", "POST", "/calibration/import", doc)
    }

    Connections {
        target: part.panel.session
        function onAnswered(tag: string, ok: bool, status: int, message: string, field: string, body: var) {
            if (tag === "tech.export" && ok) {
                documentText.text = JSON.stringify(body, null, 2)
                part.result = qsTr("%n profile(s) exported.", "", Object.keys(body.profiles || {}).length)
                part.problems = []
            } else if (tag === "tech.export") {
                part.result = ""
                part.problems = [{ field: "", why: message }]
            } else if (tag === "tech.import" && ok) {
                part.result = qsTr("%n profile(s) imported.", "", body.imported)
                part.problems = []
                part.panel.refresh()
            } else if (tag === "tech.import") {
                // One problem a line, "field: why" (the wall's strict check names each).
                part.problems = message.split("\n").map(line => {
                    const at = line.indexOf(": ")
                    const head = at > 0 ? line.substring(0, at) : ""
                    return head !== "" && head.indexOf(" ") < 0 ? { field: head, why: line.substring(at + 2) }
                                                                : { field: "", why: line }
                })
            }
        }
    }

    Label { text: qsTr("Profiles as JSON"); color: Look.text; font.bold: true }
    RowLayout {
        Permitted {
            objectName: "exportProfiles"
            view: part.panel.view
            permission: "calibration.read"
            text: qsTr("Export")
            onClicked: part.exportProfiles()
        }
        Permitted {
            objectName: "importProfiles"
            view: part.panel.view
            permission: "calibration.import"
            text: qsTr("Import")
            extraEnabled: documentText.text.trim() !== ""
            onClicked: part.importProfiles()
        }
        Label {
            objectName: "exchangeResult"
            visible: part.result !== ""
            text: part.result
            color: Look.good
            Layout.fillWidth: true
            elide: Text.ElideRight
        }
    }
    // The problems first, where they are seen without scrolling.
    Repeater {
        model: part.problems
        delegate: Label {
            required property var modelData
            objectName: "importProblem-" + (modelData.field || "document")
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            color: Look.bad
            text: modelData.field ? qsTr("%1: %2").arg(modelData.field).arg(modelData.why) : modelData.why
        }
    }
    ScrollView {
        Layout.fillWidth: true
        Layout.preferredHeight: 140
        TextArea {
            id: documentText
            objectName: "exchangeText"
            placeholderText: qsTr("{\"kind\": \"opswall.calibration\", \"schemaVersion\": 1, \"profiles\": {…}}")
            wrapMode: TextEdit.WrapAnywhere
            selectByMouse: true
            font.family: "monospace"
            font.pixelSize: 11
        }
    }
}
