pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import OpsWall.Console

// The rest of a shift: the control lock, active alerts with acknowledge, the feeds' state in
// words, which video source is heard and how loud, and the displays' power, input and
// temperature (controls for technicians). Refused actions are shown disabled with the reason.
Item {
    id: panel
    objectName: "shiftPanel"

    required property Item view
    readonly property WallSession session: view.session

    // The lists as rows that stay from one refresh to the next (keyed by id): a row is not made
    // again, nor laid out again from the top, each time the wall is read.
    KeyedModel { id: alertRows; source: panel.session.alerts }
    KeyedModel { id: feedRows; source: panel.session.feeds }
    KeyedModel { id: deviceRows; source: panel.session.devices; keyName: "display" }

    function feedWords(state: string): string {
        switch (state) {
        case "ok": case "Ok": case "fresh": return qsTr("up to date")
        case "stale": case "Stale": return qsTr("stale")
        case "failing": case "Failing": return qsTr("failing")
        case "pending": case "Pending": case "never": return qsTr("not fetched yet")
        default: return state
        }
    }

    ScrollView {
        anchors.fill: parent
        anchors.margins: Look.gap
        contentWidth: availableWidth
        ColumnLayout {
            width: parent.width
            spacing: Look.gap

            Label { text: qsTr("Control lock"); color: Look.text; font.bold: true }
            Label {
                objectName: "lockDetail"
                text: panel.session.lock.locked === true
                      ? qsTr("Held by %1 (%2) until %3. %4").arg(panel.session.lock.holder).arg(panel.session.lock.role || "")
                            .arg(panel.session.lock.until || "").arg(panel.session.lock.reason || "")
                      : qsTr("Nobody holds the lock: every permitted role may change the wall.")
                color: Look.muted
                wrapMode: Text.Wrap
                Layout.fillWidth: true
            }

            Label { text: qsTr("Active alerts (%1)").arg(panel.session.alerts.length); color: Look.text; font.bold: true }
            Repeater {
                model: alertRows
                delegate: RowLayout {
                    id: alertRow
                    required property string json
                    readonly property var modelData: JSON.parse(json)
                    Layout.fillWidth: true
                    objectName: "alert-" + modelData.id
                    Label {
                        Layout.fillWidth: true
                        text: "[" + (alertRow.modelData.severity || "") + "] " + (alertRow.modelData.message || "")
                              + (alertRow.modelData.acknowledgedBy ? " — " + qsTr("seen by %1").arg(alertRow.modelData.acknowledgedBy) : "")
                        color: alertRow.modelData.severity === "critical" ? Look.bad : Look.warn
                        wrapMode: Text.Wrap
                    }
                    Permitted {
                        objectName: "ackButton"
                        view: panel.view
                        permission: "alert.ack"
                        text: qsTr("Acknowledge")
                        extraEnabled: !alertRow.modelData.acknowledgedBy
                        onClicked: panel.session.acknowledgeAlert(String(alertRow.modelData.id))
                    }
                }
            }

            Label { text: qsTr("Feeds"); color: Look.text; font.bold: true }
            Repeater {
                model: feedRows
                delegate: Label {
                    required property string json
                    readonly property var modelData: JSON.parse(json)
                    Layout.fillWidth: true
                    wrapMode: Text.Wrap
                    color: modelData.consecutiveFailures > 0 ? Look.warn : Look.muted
                    text: (modelData.name || modelData.id) + ": " + panel.feedWords(modelData.state)
                          + (modelData.consecutiveFailures > 0
                             ? " — " + qsTr("%n failures in a row", "", modelData.consecutiveFailures)
                               + (modelData.lastError ? " (" + modelData.lastError + ")" : "") : "")
                }
            }

            Label { text: qsTr("Sound"); color: Look.text; font.bold: true }
            RowLayout {
                Layout.fillWidth: true
                ComboBox {
                    id: audioSource
                    objectName: "audioSource"
                    Layout.fillWidth: true
                    readonly property var choices: [""].concat(panel.session.sources.map(s => s.id))
                    model: choices.map(c => c === "" ? qsTr("(muted)") : c)
                    currentIndex: Math.max(0, choices.indexOf(panel.session.audio.audible || ""))
                    enabled: panel.view.whyNot("audio.set") === ""
                }
                Slider {
                    id: volume
                    objectName: "audioVolume"
                    from: 0
                    to: 1.5
                    value: panel.session.audio.volume !== undefined ? panel.session.audio.volume : 1
                    enabled: panel.view.whyNot("audio.set") === ""
                    Layout.preferredWidth: 100
                }
            }
            Permitted {
                objectName: "audioApply"
                view: panel.view
                permission: "audio.set"
                text: qsTr("Apply sound")
                onClicked: panel.session.setAudio(audioSource.choices[audioSource.currentIndex], volume.value)
            }

            Label { text: qsTr("Displays"); color: Look.text; font.bold: true }
            Label {
                visible: panel.view.whyNot("device.command") !== ""
                text: panel.view.whyNot("device.command")
                color: Look.warn
                wrapMode: Text.Wrap
                Layout.fillWidth: true
            }
            Repeater {
                model: deviceRows
                delegate: RowLayout {
                    id: deviceRow
                    required property string json
                    readonly property var modelData: JSON.parse(json)
                    Layout.fillWidth: true
                    Label {
                        objectName: "device-" + deviceRow.modelData.display
                        Layout.fillWidth: true
                        wrapMode: Text.Wrap
                        color: deviceRow.modelData.reachable === false && deviceRow.modelData.polled ? Look.bad : Look.muted
                        text: deviceRow.modelData.label + ": "
                              + (!deviceRow.modelData.bound ? qsTr("no controller")
                                 : deviceRow.modelData.polled && !deviceRow.modelData.reachable ? qsTr("no answer")
                                 : qsTr("power %1, input %2, %3").arg(deviceRow.modelData.power || "?")
                                       .arg(deviceRow.modelData.input || "?")
                                       .arg(deviceRow.modelData.temperatureC !== null && deviceRow.modelData.temperatureC !== undefined
                                            ? deviceRow.modelData.temperatureC + " °C" : "–"))
                    }
                    Permitted {
                        objectName: "power-" + deviceRow.modelData.display
                        view: panel.view
                        permission: "device.command"
                        text: deviceRow.modelData.power === "on" ? qsTr("Off") : qsTr("On")
                        onClicked: panel.session.powerDisplay(deviceRow.modelData.display, deviceRow.modelData.power !== "on")
                    }
                }
            }
        }
    }
}
