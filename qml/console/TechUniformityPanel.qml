pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import OpsWall.Console

// The technician page's uniformity workflow: the grid on the wall, a measured luminance (and white
// point) per display, the planned corrections, applying them and the before/after report.
ColumnLayout {
    id: part
    objectName: "techUniformity"
    // The technician's page (TechnicianPanel; "var": its type would make the two files cycle): the
    // picked displays, its state and its calls to the wall.
    required property var panel
    spacing: Look.gap

    // Uniformity: the grid on the wall, a measured luminance per display, the corrections.
    Label { text: qsTr("Uniformity"); color: Look.text; font.bold: true }
    Label {
        objectName: "uniformityState"
        Layout.fillWidth: true
        wrapMode: Text.Wrap
        color: Look.muted
        text: !part.panel.uniformitySession.active ? qsTr("No uniformity session.")
              : part.panel.uniformitySession.warmUpSecondsLeft > 0
                ? qsTr("Warming up: measure in %1 min.").arg(Math.ceil(part.panel.uniformitySession.warmUpSecondsLeft / 60))
                : qsTr("Phase: %1; %2 of %3 displays measured.")
                      .arg(part.panel.uniformitySession.phase === "remeasure" ? qsTr("measure again after the corrections")
                                                                         : qsTr("measure"))
                      .arg((part.panel.uniformitySession.phase === "remeasure" ? part.panel.uniformitySession.after
                                                                          : part.panel.uniformitySession.before).length)
                      .arg((part.panel.uniformitySession.displays || []).length)
    }
    RowLayout {
        visible: !part.panel.uniformitySession.active
        Label { text: qsTr("Warm-up (min)"); color: Look.muted }
        SpinBox { id: warmup; objectName: "warmupMinutes"; from: 0; to: 240; value: 30; editable: true }
        Permitted {
            objectName: "uniformityStart"
            view: part.panel.view
            permission: "calibration.uniformity"
            text: qsTr("Start")
            onClicked: {
                const body = { step: "start", warmupMinutes: warmup.value }
                if (part.panel.chosen.length > 0)
                    body.displays = part.panel.chosen
                part.panel.uniformityStep(body)
            }
        }
    }
    GridLayout {
        visible: part.panel.uniformitySession.active === true
        columns: 4
        Layout.fillWidth: true
        Label { text: qsTr("Display"); color: Look.muted }
        TextField {
            id: measuredDisplay
            objectName: "measureDisplay"
            text: part.panel.chosen.length === 1 ? part.panel.chosen[0] : ""
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
        visible: part.panel.uniformitySession.active === true
        Layout.fillWidth: true
        spacing: 4
        Permitted {
            objectName: "uniformityMeasure"
            view: part.panel.view
            permission: "calibration.uniformity"
            text: qsTr("Record")
            onClicked: {
                const body = { step: "measure", display: measuredDisplay.text,
                               luminance: Number(measuredLuminance.text) }
                if (measuredX.text !== "" || measuredY.text !== "") {
                    body.x = Number(measuredX.text)
                    body.y = Number(measuredY.text)
                }
                part.panel.uniformityStep(body)
            }
        }
        Permitted {
            objectName: "uniformityMeter"
            view: part.panel.view
            permission: "calibration.uniformity"
            text: qsTr("Read from the meter")
            extraEnabled: !part.panel.uniformity.meter || part.panel.uniformity.meter.state !== "reading"
            onClicked: part.panel.uniformityStep({ step: "measure", display: measuredDisplay.text, meter: true,
                                                   meterTimeoutMs: part.panel.meterTimeoutMs })
        }
        Permitted { objectName: "uniformityPlan"; view: part.panel.view; permission: "calibration.uniformity"; text: qsTr("Plan"); onClicked: part.panel.uniformityStep({ step: "plan" }) }
        Permitted { objectName: "uniformityApply"; view: part.panel.view; permission: "calibration.uniformity"; text: qsTr("Apply corrections"); onClicked: part.panel.uniformityStep({ step: "apply" }) }
        Permitted { objectName: "uniformityFinish"; view: part.panel.view; permission: "calibration.uniformity"; text: qsTr("Finish"); onClicked: part.panel.uniformityStep({ step: "finish" }) }
        Permitted { objectName: "uniformityCancel"; view: part.panel.view; permission: "calibration.uniformity"; text: qsTr("Cancel"); onClicked: part.panel.uniformityStep({ step: "cancel" }) }
    }
    // The wall controller's meter (ArgyllCMS spotread): reading, its value, or why there is none.
    Label {
        objectName: "meterState"
        readonly property var meter: part.panel.uniformity.meter || ({})
        visible: part.panel.uniformitySession.active === true && meter.state !== undefined && meter.state !== "idle"
        Layout.fillWidth: true
        wrapMode: Text.Wrap
        color: meter.state === "failed" ? Look.bad : meter.state === "done" ? Look.good : Look.muted
        text: meter.state === "reading" ? qsTr("Reading the meter for %1…").arg(meter.display)
              : meter.state === "done" ? qsTr("%1: %2 cd/m² from the meter, recorded.").arg(meter.display).arg(meter.luminance)
              : meter.state === "failed" ? qsTr("%1: %2").arg(meter.display).arg(meter.error)
              : ""
    }
    Label {
        objectName: "uniformityPlanText"
        visible: text !== ""
        Layout.fillWidth: true
        wrapMode: Text.Wrap
        color: Look.text
        text: part.panel.uniformitySession.plan
              ? qsTr("Target %1 cd/m²; spread %2 % now, %3 % predicted.")
                    .arg(part.panel.uniformitySession.plan.targetLuminance)
                    .arg(part.panel.uniformitySession.plan.before.luminanceSpreadPercent)
                    .arg(part.panel.uniformitySession.plan.predicted.luminanceSpreadPercent)
                + "\n" + part.panel.uniformitySession.plan.corrections.map(
                      c => c.display + ": " + (c.backlight !== undefined ? qsTr("backlight %1").arg(c.backlight) : qsTr("no backlight known"))
                           + (c.rgbGain ? ", " + qsTr("gain %1").arg(c.rgbGain.join("/")) : "")).join("\n")
              : ""
    }
    Label {
        objectName: "uniformityReport"
        visible: text !== ""
        Layout.fillWidth: true
        wrapMode: Text.Wrap
        readonly property var last: (part.panel.uniformity.reports || [])[0]
        color: last && last.report && last.report.pass ? Look.good : Look.warn
        text: last && last.report
              ? qsTr("Last report: spread %1 % before, %2 % after: %3.")
                    .arg(last.report.before.luminanceSpreadPercent).arg(last.report.after.luminanceSpreadPercent)
                    .arg(last.report.pass ? qsTr("pass") : qsTr("fail"))
              : ""
    }
}
