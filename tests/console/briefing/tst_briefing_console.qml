import QtQuick
import QtTest
import OpsWall.Console
import ConsoleTest

// The console's briefings against the real wall: a leader presents (keys and buttons, pictures,
// notes, blank, following someone else, the lock and its warning), an operator edits (create,
// steps, reorder, save, rename, a conflicting save, a refused save, delete). The wall's own
// answers (through the admin's API) are the proof.
Item {
    id: root
    width: 1600
    height: 1000

    Component {
        id: consoleComponent
        ConsoleView {
            width: root.width
            height: root.height
            language: Language
        }
    }

TestCase {
    id: test
    name: "ConsoleBriefings"
    when: windowShown

    function open(tokenFile) {
        const v = createTemporaryObject(consoleComponent, root, { wallUrl: Wall.url, tokenFile: tokenFile })
        verify(v !== null)
        tryVerify(() => v.session.state === "online" && v.session.loaded, 20000, "the console loads the wall")
        const button = findChild(v, "briefingsButton")
        verify(button !== null)
        mouseClick(button)
        verify(v.briefingsPage.visible)
        tryVerify(() => v.briefingsPage.briefings.online && v.briefingsPage.briefings.briefings.length > 0, 10000,
                  "the briefings load")
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
        // ListView delegates live under the content item.
        if (item.contentItem && item.contentItem !== item)
            return findChild(item.contentItem, name)
        return null
    }
    function click(v, name) {
        const item = findChild(v.briefingsPage, name)
        verify(item !== null, "no " + name)
        verify(item.visible && item.enabled, name + " is not clickable")
        waitForRendering(item)
        mouseClick(item)
    }
    // The share of near-black points (grey < 16 of 255) over a 20 x 20 grid inside the picture
    // an Image paints (not its letterbox), read from a grab of the whole window.
    function blackShare(image) {
        const grab = grabImage(root)
        const x0 = (image.width - image.paintedWidth) / 2, y0 = (image.height - image.paintedHeight) / 2
        let black = 0, n = 0
        for (let y = 1; y < 20; ++y)
            for (let x = 1; x < 20; ++x) {
                const at = image.mapToItem(root, x0 + image.paintedWidth * x / 20, y0 + image.paintedHeight * y / 20)
                const c = grab.pixel(Math.floor(at.x), Math.floor(at.y))
                if ((c.r + c.g + c.b) / 3 * 255 < 16)
                    ++black
                ++n
            }
        return black / n
    }
    function typeInto(field, text) {
        mouseClick(field)
        field.selectAll()
        keyClick(Qt.Key_Delete)
        for (let i = 0; i < text.length; ++i)
            keyClick(text[i])
    }
    function briefingTitled(title) {
        const items = Wall.get("/briefings").items
        for (let i = 0; i < items.length; ++i)
            if (items[i].title === title)
                return items[i]
        return null
    }

    function init() {
        Wall.reset()
    }
    function cleanup() {
        Wall.reset()
    }

    function test_1_presenterStepsTheWall() {
        const v = open(Wall.leaderTokenFile)
        const page = v.briefingsPage
        const p = page.presenter
        const b = page.briefings
        tryVerify(() => findChild(page, "start-1") !== null, 5000)
        click(v, "start-1")
        tryVerify(() => Wall.current().active === true && Wall.current().step === 1, 10000, "the wall starts step 1")
        tryVerify(() => p.running && findChild(page, "stepLine").text.indexOf("Step 1 / 8") === 0, 5000)
        // The current and the next step as pictures drawn by the wall.
        tryVerify(() => p.currentPicture.status === Image.Ready && p.nextPicture.status === Image.Ready, 30000,
                  "the pictures of steps 1 and 2")
        compare(findChild(page, "nextTitle").text, "Next: The economy at a glance")
        // The briefing took the lock in the leader's name.
        tryVerify(() => b.lockMine, 5000)
        verify(findChild(page, "presenterLockLabel").text.indexOf("You hold the wall's lock") === 0)

        // A clicker's PageDown steps the wall; the notes follow.
        p.forceActiveFocus()
        keyClick(Qt.Key_PageDown)
        tryVerify(() => Wall.current().step === 2, 5000, "PageDown: the wall at step 2")
        const doc = Wall.current().document
        tryCompare(p.notes, "text", doc.steps[1].notes.en)
        const planned = Wall.current().plannedSeconds
        verify(planned > 0)
        compare(findChild(page, "elapsedLabel").text.split(" / ")[1],
                Math.floor(planned / 60) + ":" + String(planned % 60).padStart(2, "0"))
        verify(findChild(page, "remainingLabel").text !== "–")
        // The buttons, the step list and go to.
        click(v, "presenterNext")
        tryVerify(() => Wall.current().step === 3, 5000)
        click(v, "presenterPrevious")
        tryVerify(() => Wall.current().step === 2, 5000)
        click(v, "presenterStep-5")
        tryVerify(() => Wall.current().step === 5, 5000, "a click in the step list")
        const spin = findChild(page, "gotoStep")
        spin.value = 6
        click(v, "presenterGoto")
        tryVerify(() => Wall.current().step === 6, 5000, "go to step 6")
        tryVerify(() => findChild(page, "stepLine").text.indexOf("Step 6 / 8") === 0, 5000)
        tryVerify(() => p.currentPicture.status === Image.Ready && b.currentPicture !== "", 30000)
        const shown = blackShare(p.currentPicture)
        if (Wall.screenshotDir !== "")
            grabImage(v).save(Wall.screenshotDir + "/console-presenter.png")

        // B blanks the wall: the badge shows and the picture is the calm black screen.
        p.forceActiveFocus()
        const before = b.currentPicture
        keyClick(Qt.Key_B)
        tryVerify(() => Wall.current().blank === true, 5000, "B blanks the wall")
        tryVerify(() => findChild(page, "blankBadge").visible, 5000)
        tryVerify(() => b.currentPicture !== before && b.currentPicture !== "", 30000, "the blank picture")
        tryVerify(() => p.currentPicture.status === Image.Ready, 5000)
        wait(100)
        const dark = blackShare(p.currentPicture)
        console.log("near-black share: blank " + dark + ", shown " + shown)
        verify(dark > 0.85 && dark > shown + 0.2, "the blank picture is black: " + dark + " vs " + shown)
        keyClick(Qt.Key_Period)
        tryVerify(() => Wall.current().blank === false, 5000, ". shows the wall again")
        tryVerify(() => !findChild(page, "blankBadge").visible, 5000)

        // The leader's own wallctl (another device) steps: the presenter follows the event.
        verify(Wall.wallctlGoto(4))
        tryVerify(() => findChild(page, "stepLine").text.indexOf("Step 4 / 8") === 0, 5000, "follows wallctl")
        tryCompare(p.notes, "text", doc.steps[3].notes.en)

        // The lock: released, taken by the deputy -> the presenter is refused with the reason.
        click(v, "presenterLockButton")
        tryVerify(() => Wall.lock().locked === false, 5000, "released")
        compare(Wall.deputy("POST", "/lock", { ttlSeconds: 600 }).status, 200)
        tryVerify(() => findChild(page, "presenterLockLabel").text.indexOf("locked by e2e-deputy") >= 0, 5000)
        click(v, "presenterNext")
        tryVerify(() => findChild(page, "presenterMessage").text.indexOf("locked by e2e-deputy") >= 0, 5000,
                  "refused with the holder's name")
        compare(Wall.current().step, 4)
        compare(Wall.deputy("DELETE", "/lock").status, 200)

        // A short lock: no warning at first, then the warning with Extend, then "run out".
        b.lockSeconds = 10
        tryVerify(() => Wall.lock().locked === false, 5000)
        tryVerify(() => findChild(page, "presenterLockButton").text === "Take the lock", 5000)
        click(v, "presenterLockButton")
        tryVerify(() => Wall.lock().holder === "e2e-leader" && b.lockMine, 5000, "taken")
        verify(!b.lockWarning, "no warning with " + b.lockSecondsLeft + " s left")
        tryVerify(() => b.lockWarning, 8000, "the warning before the lock runs out")
        const label = findChild(page, "presenterLockLabel")
        // (The label follows the clock's next tick.)
        tryVerify(() => label.visible && label.text.indexOf("runs out in") >= 0, 2000, label.text)
        compare(findChild(page, "presenterLockButton").text, "Extend")
        tryVerify(() => b.lockExpired, 10000, "the lock ran out")
        tryVerify(() => label.text.indexOf("has run out") >= 0, 5000, label.text)
        verify(Wall.lock().locked === false)
        // Taken again: the notice goes.
        b.lockSeconds = 600
        click(v, "presenterLockButton")
        tryVerify(() => b.lockMine && !b.lockExpired, 5000)

        click(v, "presenterEnd")
        tryVerify(() => Wall.current().active === false, 5000, "ended")
        tryVerify(() => findChild(page, "startList").visible, 5000)
    }

    function test_2_editorMakesAndChangesABriefing() {
        const v = open(Wall.operatorTokenFile)
        const page = v.briefingsPage
        const e = page.editor
        click(v, "editorTab")
        click(v, "newBriefing")
        tryVerify(() => e.draft !== null)
        typeInto(findChild(page, "titleVi"), "Giao ban thu")
        typeInto(findChild(page, "titleEn"), "Trial briefing")
        // Two presets as steps: the first in the list, then the second.
        const add = findChild(page, "addStepPreset")
        tryVerify(() => add.count >= 2, 5000)
        add.forceActiveFocus()
        add.currentIndex = 0
        const first = add.currentText
        click(v, "addStep")
        add.forceActiveFocus()
        keyClick(Qt.Key_Down)
        compare(add.currentIndex, 1)
        const second = add.currentText
        click(v, "addStep")
        tryCompare(e.steps, "count", 2)
        // Step 2 puts its first tile in focus (keyboard on the combo box).
        const row2 = findChild(page, "editorStep-2")
        const focusBox = findChild(row2, "stepFocus")
        tryVerify(() => focusBox.count > 1, 10000, "the preset's tiles are offered")
        focusBox.forceActiveFocus()
        keyClick(Qt.Key_Down)
        const focusTile = e.draft.steps[1].focus
        verify(focusTile !== undefined && focusTile !== "", JSON.stringify(e.draft.steps[1]))
        // Step 1: notes and a planned minute.
        const row1 = findChild(page, "editorStep-1")
        typeInto(findChild(row1, "stepNotesVi"), "Ghi chu mot")
        keyClick(Qt.Key_Return)
        for (let i = 0; i < 2; ++i) { // each change renews the row: find it again
            const seconds = findChild(findChild(page, "editorStep-1"), "stepSeconds")
            seconds.forceActiveFocus()
            keyClick(Qt.Key_Up)
        }
        compare(e.draft.steps[0].plannedSeconds, 60)
        // Reorder: step 1 goes down.
        mouseClick(findChild(findChild(page, "editorStep-1"), "stepDown"))
        compare(e.draft.steps[0].preset, second)
        if (Wall.screenshotDir !== "")
            grabImage(v).save(Wall.screenshotDir + "/console-briefing-editor.png")
        click(v, "saveBriefing")
        tryVerify(() => briefingTitled("Giao ban thu") !== null, 5000, "saved on the wall")
        const saved = briefingTitled("Giao ban thu")
        tryCompare(e, "draftId", saved.id)
        compare(e.baseRevision, 1)
        let doc = Wall.get("/briefings/" + saved.id).briefing
        compare(doc.title.en, "Trial briefing")
        compare(doc.steps.length, 2)
        compare(doc.steps[0].preset, second)
        compare(doc.steps[0].focus, focusTile)
        compare(doc.steps[1].preset, first)
        compare(doc.steps[1].notes.vi, "Ghi chu mot")
        compare(doc.steps[1].plannedSeconds, 60)

        // Rename: a new revision with the new title.
        typeInto(findChild(page, "titleVi"), "Giao ban thu hai")
        click(v, "saveBriefing")
        tryVerify(() => Wall.get("/briefings/" + saved.id).revision === 2, 5000)
        compare(Wall.get("/briefings/" + saved.id).briefing.title.vi, "Giao ban thu hai")
        tryCompare(e, "baseRevision", 2)

        // Someone else saves meanwhile: this save is refused, nothing is overwritten, and the
        // editor loads their version on request.
        const theirs = Wall.get("/briefings/" + saved.id).briefing
        theirs.title = { vi: "Sua boi nguoi khac" }
        compare(Wall.api("PUT", "/briefings/" + saved.id, { briefing: theirs }).status, 200)
        typeInto(findChild(page, "titleEn"), "My change")
        click(v, "saveBriefing")
        tryVerify(() => findChild(page, "conflictBanner").visible, 5000, "the conflict is shown")
        verify(findChild(page, "conflictText").text.indexOf("revision 3") >= 0, findChild(page, "conflictText").text)
        compare(Wall.get("/briefings/" + saved.id).briefing.title.vi, "Sua boi nguoi khac")
        click(v, "reloadTheirs")
        tryCompare(findChild(page, "titleVi"), "text", "Sua boi nguoi khac")
        compare(e.baseRevision, 3)
        verify(!findChild(page, "conflictBanner").visible)

        // A title the wall refuses: the field is named, nothing is saved.
        typeInto(findChild(page, "titleVi"), "")
        click(v, "saveBriefing")
        tryVerify(() => findChild(page, "editorError").text.indexOf("title") >= 0, 5000,
                  findChild(page, "editorError").text)
        compare(Wall.get("/briefings/" + saved.id).revision, 3)

        // Delete, with a second click to confirm.
        click(v, "deleteBriefing")
        compare(findChild(page, "deleteBriefing").text, "Really delete?")
        click(v, "deleteBriefing")
        tryVerify(() => briefingTitled("Sua boi nguoi khac") === null, 5000, "deleted on the wall")
        tryVerify(() => e.draft === null, 5000)
    }

    function test_3_aViewerMayNotEditOrStep() {
        const v = open(Wall.viewerTokenFile)
        const page = v.briefingsPage
        tryVerify(() => findChild(page, "start-1") !== null, 5000)
        tryVerify(() => findChild(page, "start-1").reason.indexOf("viewer") >= 0, 5000)
        verify(!findChild(page, "start-1").enabled)
        verify(!findChild(page, "newBriefing").enabled)
        verify(!findChild(page, "presenterLockButton").enabled)
        // In Vietnamese (the console's language button), the presenter speaks Vietnamese.
        compare(findChild(page, "start-1").text, "Start")
        mouseClick(findChild(v, "languageButton"))
        tryCompare(findChild(page, "start-1"), "text", "Bắt đầu")
        compare(findChild(page, "presenterLockLabel").text, "Tường màn hình không bị khoá")
        compare(findChild(v, "briefingsButton").text, "Giao ban")
        mouseClick(findChild(v, "languageButton"))
        tryCompare(findChild(page, "start-1"), "text", "Start")
    }
}
}
