import QtQuick
import QtTest
import OpsWall.Console
import ConsoleTest

// The operator console against the real wall: mouse and keyboard as an operator uses them, and
// the wall's own answers (through the admin's API) as the proof.
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
    id: test
    name: "Console"
    when: windowShown

    function open(tokenFile, url) {
        const v = createTemporaryObject(consoleComponent, root,
                                        { wallUrl: url || Wall.url, tokenFile: tokenFile })
        verify(v !== null)
        tryVerify(() => v.session.state === "online" && v.session.loaded && v.staged.count > 0, 20000,
                  "the console loads the wall")
        return v
    }
    // Waits until the console's staged copy shows the live layout of the given revision.
    function followLive(v) {
        const rev = Wall.live().revision
        tryVerify(() => v.session.live.revision === rev && !v.staged.dirty, 10000, "follows the live wall")
    }
    function tileItem(v, id) {
        for (let i = 0; i < v.canvas.children.length; ++i)
            if (v.canvas.children[i].objectName === "tile-" + id)
                return v.canvas.children[i]
        return null
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
    // Drags with the mouse over the canvas from one canvas point to another in steps.
    // Alt (noSnap) is held on the keyboard during the drag.
    function dragOnCanvas(v, from, to, noSnap) {
        v.canvas.forceActiveFocus()
        if (noSnap)
            keyPress(Qt.Key_Alt)
        mousePress(v.canvas, from.x, from.y, Qt.LeftButton)
        for (let s = 1; s <= 8; ++s)
            mouseMove(v.canvas, from.x + (to.x - from.x) * s / 8, from.y + (to.y - from.y) * s / 8,
                      -1, Qt.LeftButton)
        mouseRelease(v.canvas, to.x, to.y, Qt.LeftButton)
        if (noSnap)
            keyRelease(Qt.Key_Alt)
    }
    // Scrolls the panel that holds item until item is in sight, then clicks it (as a person
    // scrolls before clicking).
    function clickIn(v, item) {
        verify(item !== null)
        let flick = item.parent
        while (flick && flick.contentY === undefined)
            flick = flick.parent
        if (flick) {
            const p = item.mapToItem(flick.contentItem, 0, 0)
            flick.contentY = Math.max(0, Math.min(p.y - 40, flick.contentHeight - flick.height))
        }
        waitForRendering(v)
        mouseClick(item)
    }
    function display(v, index) {
        return v.session.wall.displays[index]
    }

    function init() {
        verify(Wall.recall("Họp trực tuyến"))
    }

    function test_1_placeSnapNudgeUndoStagePublish() {
        const v = open(Wall.operatorTokenFile)
        followLive(v)
        const before = v.staged.count
        const liveIds = Wall.live().layout.tiles.map(t => t.id)

        // The library finds the clock in Vietnamese without diacritics, and it is dragged onto
        // the second display of the top row.
        v.library.search.text = "dong ho"
        tryVerify(() => v.library.shown.length >= 1)
        compare(v.library.shown[0].kind, "clock")
        // In English too, and with diacritics.
        v.library.search.text = "clock"
        compare(v.library.shown[0].kind, "clock")
        v.library.search.text = "đồng hồ"
        compare(v.library.shown[0].kind, "clock")
        waitForRendering(v)
        const entry = v.library.list.itemAtIndex(0)
        verify(entry !== null)
        const d1 = display(v, 1)
        const target = v.canvas.toPx(d1.xMm + d1.widthMm / 2, d1.yMm + d1.heightMm / 2)
        const start = entry.mapToItem(v, entry.width / 2, entry.height / 2)
        const end = v.canvas.mapToItem(v, target.x, target.y)
        mousePress(v, start.x, start.y)
        for (let s = 1; s <= 10; ++s)
            mouseMove(v, start.x + (end.x - start.x) * s / 10, start.y + (end.y - start.y) * s / 10)
        mouseRelease(v, end.x, end.y)
        tryCompare(v.staged, "count", before + 1)
        const clockId = v.staged.selection[0]
        compare(v.staged.tile(clockId).kind, "clock")
        verify(v.staged.dirty)
        // Placed on the display it was dropped on.
        const placed = v.staged.tile(clockId).rect
        verify(placed.x >= d1.xMm - 1 && placed.x < d1.xMm + d1.widthMm, JSON.stringify(placed))

        // Snap to a bezel: drag it so its left edge lands 8 mm right of the active area's left
        // edge of display 2 (the inside of the bezel); it snaps onto that line exactly.
        const d2 = display(v, 2)
        const bezelX = d2.xMm + d2.bezelMm.left
        const item = tileItem(v, clockId)
        verify(item !== null)
        const grab = Qt.point(item.x + 20, item.y + 20)
        const dxMm = bezelX + 8 - placed.x
        const dyMm = d2.yMm + 200 - placed.y
        dragOnCanvas(v, grab, Qt.point(grab.x + dxMm * v.canvas.mm, grab.y + dyMm * v.canvas.mm))
        fuzzyCompare(v.staged.tile(clockId).rect.x, bezelX, 0.001)
        // Alt suspends snapping: the same drag lands 8 mm off the line (within a pixel).
        const snappedRect = v.staged.tile(clockId).rect
        const item2 = tileItem(v, clockId)
        const grab2 = Qt.point(item2.x + 20, item2.y + 20)
        dragOnCanvas(v, grab2, Qt.point(grab2.x + 40 * v.canvas.mm, grab2.y), true)
        fuzzyCompare(v.staged.tile(clockId).rect.x, bezelX + 40, 1 / v.canvas.mm + 0.01)
        v.staged.undo()
        fuzzyCompare(v.staged.tile(clockId).rect.x, bezelX, 0.001)

        // Nudge with the arrow keys (10 mm, Shift 100 mm), then undo with Ctrl+Z.
        v.canvas.forceActiveFocus()
        keyClick(Qt.Key_Right)
        fuzzyCompare(v.staged.tile(clockId).rect.x, bezelX + 10, 0.001)
        keyClick(Qt.Key_Down, Qt.ShiftModifier)
        fuzzyCompare(v.staged.tile(clockId).rect.y, snappedRect.y + 100, 0.001)
        keyClick(Qt.Key_Z, Qt.ControlModifier)
        keyClick(Qt.Key_Z, Qt.ControlModifier)
        fuzzyCompare(v.staged.tile(clockId).rect.x, bezelX, 0.001)
        fuzzyCompare(v.staged.tile(clockId).rect.y, snappedRect.y, 0.001)
        keyClick(Qt.Key_Right)

        // Another change: the agenda text goes (click it, Delete).
        verify(liveIds.indexOf("agenda") >= 0)
        const agenda = tileItem(v, "agenda")
        mouseClick(v.canvas, agenda.x + 10, agenda.y + agenda.height - 10)
        compare(v.staged.selection, ["agenda"])
        keyClick(Qt.Key_Delete)
        verify(v.staged.tile("agenda").id === undefined)
        // The wall has not changed yet: staged, not live.
        verify(Wall.liveTile("agenda").id === "agenda")
        verify(Wall.liveTile(clockId).id === undefined)

        // What publishing will do, then publish (one action).
        compare(v.staged.diff.added, [clockId])
        compare(v.staged.diff.removed, ["agenda"])
        mouseClick(findChild(v, "changesTab"))
        const publish = findChild(v.changes, "publishButton")
        verify(publish.enabled)
        mouseClick(publish)
        tryVerify(() => Wall.liveTile(clockId).id === clockId, 10000, "the wall shows the clock")
        compare(Wall.liveTile("agenda").id, undefined)
        fuzzyCompare(Wall.liveTile(clockId).rect.x, bezelX + 10, 0.001)
        tryVerify(() => !v.staged.dirty, 5000)
        compare(findChild(v.changes, "publishResult").visible, true)
    }

    function test_2_refusedPublishAfterAConcurrentChangeThenRebase() {
        const v = open(Wall.operatorTokenFile)
        followLive(v)
        const clock = v.staged.tile("clock").rect
        v.staged.select("clock", false)
        v.canvas.forceActiveFocus()
        keyClick(Qt.Key_Left, Qt.ShiftModifier)
        verify(v.staged.dirty)
        // Meanwhile another operator moves the video tile with wallctl.
        verify(Wall.moveWithWallctl("vc-main", 30, 40))
        tryVerify(() => v.staged.behindLive, 10000, "the console hears of it")
        mouseClick(findChild(v, "changesTab"))
        mouseClick(findChild(v.changes, "publishButton"))
        tryVerify(() => v.changes.refusal !== "", 10000)
        verify(v.changes.conflict)
        verify(v.changes.refusedChanges.length >= 1)
        compare(v.changes.refusedChanges[v.changes.refusedChanges.length - 1].what, "vc-main")
        verify(findChild(v.changes, "refusalBox").visible)
        // Nothing of ours reached the wall; the other change stays.
        fuzzyCompare(Wall.liveTile("clock").rect.x, clock.x, 0.001)
        fuzzyCompare(Wall.liveTile("vc-main").rect.x, 30, 0.001)
        // Rebase: our change on top of theirs, then publish goes through.
        const rebase = findChild(v.changes, "rebaseButton")
        verify(rebase.visible && rebase.enabled)
        mouseClick(rebase)
        verify(!v.staged.behindLive)
        fuzzyCompare(v.staged.tile("vc-main").rect.x, 30, 0.001)
        mouseClick(findChild(v.changes, "publishButton"))
        tryVerify(() => Math.abs(Wall.liveTile("clock").rect.x - (clock.x - 100)) < 0.001, 10000)
        fuzzyCompare(Wall.liveTile("vc-main").rect.x, 30, 0.001)
    }

    function test_3_viewerSeesEditingDisabledWithTheReason() {
        const v = open(Wall.viewerTokenFile)
        compare(v.session.role, "viewer")
        verify(!v.mayEdit)
        const publish = findChild(v.changes, "publishButton")
        verify(!publish.enabled)
        verify(publish.reason.indexOf("viewer") >= 0, publish.reason)
        verify(findChild(v.changes, "publishDisabledReason").text.indexOf("viewer") >= 0)
        verify(findChild(v.library, "libraryDisabledReason").visible)
        verify(!findChild(v, "undoButton").enabled)
        // Presets: recall is shown, disabled, with the reason.
        mouseClick(findChild(v, "presetsTab"))
        tryVerify(() => findChild(v.presetsPanel, "recallButton") !== null)
        const recall = findChild(v.presetsPanel, "recallButton")
        verify(recall !== null && recall.visible && !recall.enabled)
        // Dragging a tile or pressing keys changes nothing.
        const id = v.staged.data(v.staged.index(0, 0), 257)
        const item = tileItem(v, id)
        const r = v.staged.tile(id).rect
        dragOnCanvas(v, Qt.point(item.x + 10, item.y + 10), Qt.point(item.x + 200, item.y + 100))
        v.canvas.forceActiveFocus()
        keyClick(Qt.Key_Right)
        keyClick(Qt.Key_Delete)
        compare(v.staged.tile(id).rect, r)
        verify(!v.staged.dirty)
    }

    function test_4_keyboardOnlyFromPresetRecallToPublish() {
        const v = open(Wall.operatorTokenFile)
        followLive(v)
        // Key 2 recalls the second preset of the list.
        const second = v.session.presets[1]
        v.canvas.forceActiveFocus()
        keyClick(Qt.Key_2)
        tryVerify(() => Wall.live().layout.name === second.name, 10000, "the wall shows preset 2")
        followLive(v)
        // Tab selects a tile, Shift+Right moves it 100 mm, Ctrl+Enter publishes.
        keyClick(Qt.Key_Tab)
        compare(v.staged.selection.length, 1)
        const id = v.staged.selection[0]
        const x = v.staged.tile(id).rect.x
        keyClick(Qt.Key_Right, Qt.ShiftModifier)
        verify(v.staged.dirty)
        keyClick(Qt.Key_Return, Qt.ControlModifier)
        tryVerify(() => Math.abs(Wall.liveTile(id).rect.x - (x + 100)) < 0.001, 10000,
                  "the wall moved the tile")
        // The help lists the shortcuts used here.
        keyClick(Qt.Key_F1)
        verify(v.help.visible)
        const words = v.help.shortcuts.map(s => s[0]).join(" ")
        verify(words.indexOf("1 … 9") >= 0 && words.indexOf("Ctrl+Enter") >= 0 && words.indexOf("Tab") >= 0)
        keyClick(Qt.Key_Escape)
        verify(!v.help.visible)
    }

    function test_4a_languageAtRunTimeAndChangesMadeElsewhere() {
        const v = createTemporaryObject(consoleComponent, root,
                                        { wallUrl: Wall.url, tokenFile: Wall.operatorTokenFile,
                                          language: Language })
        tryVerify(() => v.session.state === "online" && v.session.loaded, 20000)
        followLive(v)
        // Vietnamese by default; English at a click, and back.
        compare(Language.language, "vi")
        const tab = findChild(v, "changesTab")
        compare(tab.text, "Thay đổi")
        mouseClick(findChild(v, "languageButton"))
        compare(Language.language, "en")
        tryCompare(tab, "text", "Changes")
        mouseClick(findChild(v, "languageButton"))
        tryCompare(tab, "text", "Thay đổi")
        // Another client recalls a preset: the console follows through the event stream.
        verify(Wall.recall("Tổng quan kinh tế"))
        const live = Wall.live()
        tryVerify(() => v.session.live.revision === live.revision, 10000)
        compare(v.staged.count, live.layout.tiles.length)
        verify(v.staged.tile("map").id === "map")
        verify(!v.staged.dirty)
    }

    function test_4b_propertiesResizeAndPresets() {
        const v = open(Wall.operatorTokenFile)
        followLive(v)
        // Properties: the clock's form has its fields; a time zone the wall would refuse is
        // refused here, named next to the field, and nothing changes.
        const clock = tileItem(v, "clock")
        mouseClick(v.canvas, clock.x + clock.width / 2, clock.y + clock.height / 2)
        compare(v.staged.selection, ["clock"])
        const form = v.properties.bindingForm
        compare(form.fields.map(f => f.key), ["timeZone", "show", "label"])
        const zoneText = findChild(findChild(form, "field-timeZone"), "input")
        const zone = findChild(findChild(form, "field-timeZone"), "choice")
        verify(zoneText.visible && zone.visible)
        compare(zoneText.text, "Asia/Ho_Chi_Minh")
        clickIn(v, zoneText)
        zoneText.selectAll()
        keyClick(Qt.Key_Delete)
        for (const ch of "mars/olympus")
            keySequence(ch)
        compare(zoneText.text, "mars/olympus")
        clickIn(v, findChild(form, "applyForm"))
        verify(form.error.indexOf("timeZone") >= 0, form.error)
        const zoneError = findChild(findChild(form, "field-timeZone"), "fieldError")
        verify(zoneError.visible && zoneError.text.indexOf("time zone") >= 0, zoneError.text)
        verify(!v.staged.dirty)
        // Asia/Tokyo from the list, "Time" from the choices, a label typed; applied.
        compare(zoneText.text, "mars/olympus") // the refused value stays for correction
        clickIn(v, zone) // the list of common zones
        tryVerify(() => zone.popup.opened)
        const tokyo = zone.options.findIndex(o => o.value === "Asia/Tokyo")
        zone.popup.contentItem.positionViewAtIndex(tokyo, ListView.Center)
        waitForRendering(v)
        const tokyoItem = zone.popup.contentItem.itemAtIndex(tokyo)
        verify(tokyoItem !== null)
        mouseClick(tokyoItem)
        tryVerify(() => !zone.popup.visible)
        compare(form.values.timeZone, "Asia/Tokyo")
        compare(zoneText.text, "Asia/Tokyo")
        const show = findChild(findChild(form, "field-show"), "choice")
        show.activated(show.options.findIndex(o => o.value === "time"))
        const label = findChild(findChild(form, "field-label"), "input")
        label.forceActiveFocus()
        label.selectAll()
        keyClick(Qt.Key_T)
        keyClick(Qt.Key_O)
        keyClick(Qt.Key_K)
        clickIn(v, findChild(form, "applyForm"))
        compare(form.error, "")
        verify(!zoneError.visible)
        compare(v.staged.tile("clock").binding.timeZone, "Asia/Tokyo")
        compare(v.staged.tile("clock").binding.show, "time")
        compare(v.staged.tile("clock").binding.label, "tok")
        // The binding as JSON is still there for everything the form does not show; a bad one is
        // refused with the field named.
        clickIn(v, findChild(v.properties, "showJson"))
        v.properties.bindingField.text = '{"timeZone": "Mars/Olympus_Mons"}'
        clickIn(v, findChild(v.properties, "applyBinding"))
        verify(v.properties.bindingError.indexOf("timeZone") >= 0, v.properties.bindingError)
        verify(findChild(v.properties, "bindingError").visible)
        compare(v.staged.tile("clock").binding.timeZone, "Asia/Tokyo")
        // Resize with the right-hand handle: the right edge snaps to the wall's right edge.
        const before = v.staged.tile("clock").rect
        const handle = findChild(tileItem(v, "clock"), "handle-r")
        verify(handle !== null)
        const from = handle.mapToItem(v.canvas, handle.width / 2, handle.height / 2)
        dragOnCanvas(v, from, Qt.point(from.x - 30 * v.canvas.mm, from.y))
        const after = v.staged.tile("clock").rect
        compare(after.x, before.x)
        verify(after.width < before.width - 10, JSON.stringify(after))
        // Save the staged copy as a preset, then rename it from the list.
        mouseClick(findChild(v, "presetsTab"))
        const name = findChild(v.presetsPanel, "saveAsName")
        name.text = "Ca sáng"
        const saveButton = findChild(v.presetsPanel, "saveStagedButton")
        verify(saveButton.enabled && saveButton.visible, saveButton.reason)
        mouseClick(saveButton)
        tryVerify(() => v.session.presets.some(p => p.name === "Ca sáng"), 10000)
        const saved = v.session.presets.filter(p => p.name === "Ca sáng")[0]
        tryVerify(() => findChild(v.presetsPanel, "preset-" + saved.id) !== null)
        const row = findChild(v.presetsPanel, "preset-" + saved.id)
        const field = findChild(row, "presetName")
        field.text = "Ca chiều"
        field.accepted()
        tryVerify(() => v.session.presets.some(p => p.id === saved.id && p.name === "Ca chiều"), 10000)
        // (the list is read again after each change: find the row anew)
        const rowOf = () => findChild(v.presetsPanel, "preset-" + saved.id)
        v.presetsPanel.list.positionViewAtEnd() // the new preset is the last row
        tryVerify(() => rowOf() !== null)
        waitForRendering(v)
        mouseClick(findChild(rowOf(), "forLeaders"))
        tryVerify(() => v.session.presets.some(p => p.id === saved.id && p.forLeaders), 10000)
        // Delete asks once more.
        v.presetsPanel.list.positionViewAtEnd()
        tryVerify(() => rowOf() !== null)
        waitForRendering(v)
        const del = findChild(rowOf(), "deleteButton")
        // The whole button is inside the panel (not cut by the wall view beside it).
        verify(del.mapToItem(v.presetsPanel, del.width, 0).x <= v.presetsPanel.width)
        mouseClick(del)
        compare(del.text, "Chắc chắn?")
        verify(v.session.presets.some(p => p.id === saved.id))
        wait(600) // two clicks, not a double-click
        mouseClick(del)
        tryVerify(() => !v.session.presets.some(p => p.id === saved.id), 10000)
        v.staged.discard()
    }

    function test_4b2_indicatorPickerAndColourFields() {
        verify(Wall.recall("Tổng quan kinh tế"))
        const v = open(Wall.operatorTokenFile)
        followLive(v)
        // A KPI tile: its indicator is picked from the wall's list (names and units).
        const kpiId = v.staged.layoutJson().tiles.filter(t => t.kind === "kpi")[0].id
        v.staged.select(kpiId, false)
        const form = v.properties.bindingForm
        const picker = findChild(findChild(form, "field-indicator"), "choice")
        verify(picker.visible)
        const indicators = Wall.get("/indicators").items
        compare(picker.options.length, indicators.length)
        const current = v.staged.tile(kpiId).binding.indicator
        compare(picker.options[picker.currentIndex].value, current)
        const other = indicators.filter(m => m.id !== current)[0]
        verify(picker.model[picker.options.findIndex(o => o.value === other.id)].indexOf(other.nameVi) === 0)
        picker.activated(picker.options.findIndex(o => o.value === other.id))
        clickIn(v, findChild(form, "applyForm"))
        compare(form.error, "")
        compare(v.staged.tile(kpiId).binding.indicator, other.id)
        verify(v.staged.dirty)
        v.staged.discard()
        // A colour tile placed from the library: its colour field shows a swatch; a word that is
        // no colour is refused next to the field.
        const id = v.staged.place("color", { color: "#1d3557" }, "", 100, 100, 400, 300, false)
        v.staged.select(id, false)
        const colour = findChild(findChild(form, "field-color"), "input")
        compare(colour.text, "#1d3557")
        colour.text = "xanh"
        colour.textEdited()
        clickIn(v, findChild(form, "applyForm"))
        verify(findChild(findChild(form, "field-color"), "fieldError").visible, form.error)
        colour.text = "#ff8800"
        colour.textEdited()
        clickIn(v, findChild(form, "applyForm"))
        compare(v.staged.tile(id).binding.color, "#ff8800")
        compare(String(findChild(findChild(form, "field-color"), "swatch").color), "#ff8800")
        v.staged.discard()
    }

    function test_4b3_rubberBandSelectsWhatItTouches() {
        const v = open(Wall.operatorTokenFile)
        followLive(v)
        // From the empty margin above and left of the wall to the middle of the first display:
        // every tile the band touches is selected, and no other.
        const d0 = display(v, 0)
        const from = Qt.point(v.canvas.ox - 12, v.canvas.oy - 12)
        const toMm = Qt.point(d0.xMm + d0.widthMm / 2, d0.yMm + d0.heightMm / 2)
        const to = v.canvas.toPx(toMm.x, toMm.y)
        v.staged.clearSelection()
        mousePress(v.canvas, from.x, from.y)
        for (let s = 1; s <= 6; ++s)
            mouseMove(v.canvas, from.x + (to.x - from.x) * s / 6, from.y + (to.y - from.y) * s / 6, -1, Qt.LeftButton)
        verify(findChild(v.canvas, "rubberBand").visible)
        mouseRelease(v.canvas, to.x, to.y)
        verify(!findChild(v.canvas, "rubberBand").visible)
        const band = v.canvas.toMm(from.x, from.y)
        const touched = v.staged.layoutJson().tiles.filter(t => t.rect.x < toMm.x && t.rect.x + t.rect.width > band.x
                                                            && t.rect.y < toMm.y && t.rect.y + t.rect.height > band.y)
                                                   .map(t => t.id)
        verify(touched.length >= 1)
        compare(v.staged.selection.slice().sort(), touched.slice().sort())
        // Ctrl adds a second band's tiles: from the bottom-right margin up to the last display.
        const last = display(v, v.session.wall.displays.length - 1)
        const from2 = v.canvas.toPx(v.staged.canvasMm.x + v.staged.canvasMm.width, v.staged.canvasMm.y + v.staged.canvasMm.height)
        const to2mm = Qt.point(last.xMm + last.widthMm / 2, last.yMm + last.heightMm / 2)
        const to2 = v.canvas.toPx(to2mm.x, to2mm.y)
        mousePress(v.canvas, from2.x + 12, from2.y + 12, Qt.LeftButton, Qt.ControlModifier)
        for (let s = 1; s <= 6; ++s)
            mouseMove(v.canvas, from2.x + 12 + (to2.x - from2.x - 12) * s / 6, from2.y + 12 + (to2.y - from2.y - 12) * s / 6,
                      -1, Qt.LeftButton, Qt.ControlModifier)
        mouseRelease(v.canvas, to2.x, to2.y, Qt.LeftButton, Qt.ControlModifier)
        const more = v.staged.layoutJson().tiles.filter(t => t.rect.x + t.rect.width > to2mm.x && t.rect.y + t.rect.height > to2mm.y)
                                                  .map(t => t.id)
        for (const id of touched.concat(more))
            verify(v.staged.selection.indexOf(id) >= 0, id + " in " + JSON.stringify(v.staged.selection))
        // A click on the empty margin clears it.
        mouseClick(v.canvas, from.x, from.y)
        compare(v.staged.selection.length, 0)
        verify(!v.staged.dirty)
    }

    function test_4b4_presetThumbnailsArePicturesFromTheWall() {
        const v = open(Wall.operatorTokenFile)
        mouseClick(findChild(v, "presetsTab"))
        // Every preset's picture comes from the wall's renderer (the test's cache starts empty);
        // the list shows pictures, not outlines.
        tryVerify(() => v.session.presets.every(p => {
            const row = findChild(v.presetsPanel, "preset-" + p.id)
            return row === null || findChild(row, "presetPicture").hasPicture
        }), 60000, "the preset pictures arrive")
        // (an earlier console of this run may have fetched them: the run's cache has them then)
        const first = v.session.presets[0]
        v.presetsPanel.list.positionViewAtBeginning()
        waitForRendering(v)
        const row = findChild(v.presetsPanel, "preset-" + first.id)
        const picture = findChild(row, "presetPicture")
        verify(picture.hasPicture)
        // Pixels: the picture is drawn (not the panel's flat colour) in its middle.
        const image = grabImage(v)
        const centre = picture.mapToItem(v, picture.width / 2, picture.height / 2)
        const c = image.pixel(centre.x, centre.y)
        image.save(Wall.folder() + "/console-presets.png")
        verify(String(c) !== String(Qt.color("#1c2a38")), String(c))
        // The wall answers the picture route itself (JPEG), for a viewer too.
        compare(Wall.call("GET", "/presets/" + first.id + "/picture?width=5000").status, 400)
        compare(Wall.call("GET", "/presets/99999/picture").status, 404)
    }

    function test_4c_controlLockFromTheTopBar() {
        const v = open(Wall.operatorTokenFile)
        // Take the control lock from the top bar: the wall says who holds it, and so does the bar.
        const lockButton = findChild(v, "lockButton")
        verify(lockButton.enabled, lockButton.reason)
        mouseClick(lockButton)
        tryVerify(() => Wall.get("/lock").locked === true, 10000)
        compare(Wall.get("/lock").holder, "e2e-operator")
        tryVerify(() => findChild(v, "lockLabel").text.indexOf("e2e-operator") >= 0, 10000)
        mouseClick(lockButton)
        tryVerify(() => Wall.get("/lock").locked === false, 10000)
    }

    function test_5_wrongUrlRefusedTokenAndALostWallAreBannersNotHangs() {
        // Nothing listens on port 9 of loopback.
        const bad = createTemporaryObject(consoleComponent, root,
                                          { wallUrl: "http://127.0.0.1:9", tokenFile: Wall.operatorTokenFile })
        tryCompare(bad.session, "state", "unreachable", 10000)
        const banner = findChild(bad, "banner")
        verify(banner.visible)
        verify(findChild(bad, "bannerText").text.indexOf("127.0.0.1:9") >= 0)
        verify(bad.settled)
        const refused = createTemporaryObject(consoleComponent, root,
                                              { wallUrl: Wall.url, tokenFile: Wall.refusedTokenFile })
        tryCompare(refused.session, "state", "unauthorized", 10000)
        verify(findChild(refused, "banner").visible)

        // The wall goes away and comes back: banner, then online again on its own.
        const v = open(Wall.operatorTokenFile)
        verify(Wall.stopWall())
        tryVerify(() => v.session.state === "lost" || v.session.state === "unreachable", 15000)
        verify(findChild(v, "banner").visible)
        verify(v.staged.count > 0, "what was loaded stays on screen")
        verify(Wall.startWall())
        tryCompare(v.session, "state", "online", 30000)
        verify(!findChild(v, "banner").visible)
    }
}
}
