import QtQuick
import QtTest
import OpsWall.Console
import ConsoleTest

// The console's panels page against the real wall (started by the harness with one panel: a USB
// Stream Deck "lectern" that this host does not have). An operator sees the panel and why it is
// unavailable, its keys with their faces, binds a key to a preset with the mouse and keyboard,
// presses it as the panel would and sees the wall change and the key light up; a viewer sees
// binding disabled with the reason. An X-keys plugged in by USB (through the harness's hidapi
// stand-in) is listed below the panels, in Vietnamese and in English. The page is saved as a PNG
// for a person to look at.
Item {
    id: root
    width: 1600
    height: 900

    Component {
        id: consoleComponent
        ConsoleView {
            width: root.width
            height: root.height
        }
    }

    TestCase {
        name: "ConsolePanels"
        when: windowShown

        function open(tokenFile) {
            const v = createTemporaryObject(consoleComponent, root,
                                            { wallUrl: Wall.url, tokenFile: tokenFile })
            verify(v !== null)
            tryVerify(() => v.session.state === "online" && v.session.loaded, 20000,
                      "the console loads the wall")
            return v
        }
        function findChild(item, name) {
            if (!item)
                return null
            if (item.objectName === name)
                return item
            const kids = item.children || []
            for (let i = 0; i < kids.length; ++i) {
                const found = findChild(kids[i], name)
                if (found)
                    return found
            }
            return null
        }
        function textIn(item) {
            if (!item)
                return ""
            let t = item.text !== undefined ? String(item.text) : ""
            const kids = item.children || []
            for (let i = 0; i < kids.length; ++i)
                t += " " + textIn(kids[i])
            return t
        }
        function openPanels(v) {
            mouseClick(findChild(v, "panelsTab"))
            const page = findChild(v, "panelsPanel")
            verify(page !== null)
            tryVerify(() => findChild(page, "panel-lectern") !== null, 10000, "the panel is listed")
            return page
        }

        function test_1_stateKeysBindAndPressAsThePanel() {
            const v = open(Wall.operatorTokenFile)
            const page = openPanels(v)
            // Its state and the reason, as the wall has them.
            const row = findChild(page, "panel-lectern")
            tryVerify(() => row.modelData.state === "unavailable", 10000)
            compare(findChild(page, "panelState-lectern").text, page.stateWords("unavailable"))
            verify(textIn(row).indexOf("hidapi-hidraw") >= 0, textIn(row))
            verify(textIn(row).indexOf("Bục phát biểu") >= 0, textIn(row))
            // 15 keys (an MK.2), key 0 with its label.
            tryVerify(() => findChild(page, "key-14") !== null, 10000, "the keys are drawn")
            verify(findChild(page, "key-15") === null)
            verify(textIn(findChild(page, "key-0")).indexOf("Hoàn tác") >= 0)
            // Bind key 1 to the second preset: click the key, type the binding, Bind.
            const presets = Wall.get("/presets").items
            verify(presets.length >= 2)
            const target = presets[1]
            const live = Wall.get("/status").layout
            const other = live === target.name ? presets[0] : target
            mouseClick(findChild(page, "key-1"))
            const action = findChild(page, "keyAction")
            action.editText = ""
            mouseClick(action.contentItem)
            keySequence("ctrl+a")
            keyClick(Qt.Key_Delete)
            for (const ch of "preset.recall")
                keyClick(ch)
            const label = findChild(page, "keyLabel")
            mouseClick(label)
            for (const ch of "Giao ban")
                keyClick(ch)
            const params = findChild(page, "keyParams")
            mouseClick(params)
            keySequence("ctrl+a")
            for (const ch of "{\"id\": " + other.id + "}")
                keyClick(ch)
            compare(action.editText, "preset.recall")
            mouseClick(findChild(page, "bindKey"))
            tryVerify(() => {
                const b = Wall.get("/panels/lectern").pages[0].buttons.filter(x => x.key === 1)
                return b.length === 1 && b[0].label === "Giao ban" && b[0].params.id === other.id
            }, 10000, "the wall stored the binding")
            tryVerify(() => textIn(findChild(page, "key-1")).indexOf("Giao ban") >= 0, 10000,
                      "the key shows its new face")
            verify(findChild(page, "panelsNotice").visible)
            // Press it as the panel: the wall recalls the preset, audited as the panel.
            mouseClick(findChild(page, "pressKey"))
            tryVerify(() => Wall.get("/status").layout === other.name, 15000, "the preset is on the wall")
            tryVerify(() => Wall.get("/audit?action=preset.recall&limit=50").items.some(
                          r => r.user === "panel:lectern" && r.via === "panel" && r.ok), 10000)
            tryVerify(() => findChild(page, "key-1").lit, 10000, "the key is lit")
            // A binding the wall refuses is shown with the field.
            mouseClick(findChild(page, "key-2"))
            action.editText = "preset.recall"
            params.text = "{\"id\": 99999}"
            mouseClick(findChild(page, "bindKey"))
            tryVerify(() => findChild(page, "panelsError").visible, 10000)
            verify(findChild(page, "panelsError").text.indexOf("99999") >= 0,
                   findChild(page, "panelsError").text)
            waitForRendering(v)
            const image = grabImage(v)
            image.save(Wall.folder() + "/console-panels.png")
            // The lit key is drawn lit (green over the key colour), in pixels.
            const key = findChild(page, "key-1")
            const p = key.mapToItem(v, 4, key.height - 5)
            const c = Qt.color(image.pixel(p.x, p.y))
            verify(c.g > c.r && c.g > 0.3, String(image.pixel(p.x, p.y)))
        }

        function test_3_usbPanelsPluggedInAreListedInBothLanguages() {
            // The harness plugged in an X-keys (no panel is configured for it); the wall's
            // hot-plug monitor lists it, and so does the page, below the panels.
            const v = open(Wall.operatorTokenFile)
            const page = openPanels(v)
            const path = "/dev/hidraw-console-xkeys"
            tryVerify(() => findChild(page, "usb-" + path) !== null, 10000, "the X-keys is listed")
            const row = findChild(page, "usb-" + path)
            const title = findChild(page, "usbTitle")
            verify(!findChild(page, "usbNone").visible)
            Language.language = "vi"
            tryCompare(title, "text", "Cắm qua USB (1)")
            let t = textIn(row)
            for (const want of ["X-keys xk-24", "05f3:0405", "số sê-ri XK24-0042", path, "chưa cấu hình"])
                verify(t.indexOf(want) >= 0, want + " in " + t)
            waitForRendering(v)
            grabImage(v).save(Wall.folder() + "/console-panels-usb-vi.png")
            Language.language = "en"
            tryCompare(title, "text", "Plugged in by USB (1)")
            t = textIn(row)
            for (const want of ["X-keys xk-24", "serial XK24-0042", "not configured"])
                verify(t.indexOf(want) >= 0, want + " in " + t)
            waitForRendering(v)
            grabImage(v).save(Wall.folder() + "/console-panels-usb-en.png")
            Language.language = "vi"
        }

        function test_2_viewerSeesBindingDisabledWithTheReason() {
            const v = open(Wall.viewerTokenFile)
            const page = openPanels(v)
            tryVerify(() => findChild(page, "key-0") !== null, 10000)
            mouseClick(findChild(page, "key-0"))
            const bind = findChild(page, "bindKey")
            tryVerify(() => bind.reason !== "", 5000)
            verify(!bind.enabled)
            verify(!findChild(page, "pressKey").enabled)
        }
    }
}
