pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import OpsWall.Console

// What can be put on the wall, searchable in Vietnamese and English (with or without diacritics):
// indicators (with unit and latest value) as figures and charts, province maps, video sources
// (with their state), clock, text, image, colour and alerts. Drag an item onto the wall, or choose
// it with the keyboard and press Enter to place it on the display of the selected tile.
Item {
    id: panel
    objectName: "libraryPanel"

    required property Item view
    required property Item canvas
    readonly property WallSession session: view.session
    readonly property bool vi: view.lang === "vi"
    readonly property alias search: search
    readonly property alias list: list

    function focusSearch() {
        search.forceActiveFocus()
        search.selectAll()
    }
    function fold(s: string): string {
        let out = String(s || "").toLowerCase()
        try { out = out.normalize("NFD").replace(/[\u0300-\u036f]/g, "") } catch (e) {}
        return out.replace(/đ/g, "d")
    }
    function displaySize(): size {
        const d = session.wall.displays
        return d && d.length ? Qt.size(d[0].widthMm, d[0].heightMm) : Qt.size(1200, 680)
    }
    function streamState(src: var): string {
        const streams = session.health.streams || []
        for (let i = 0; i < streams.length; ++i)
            if (streams[i].id === src.id || streams[i].source === src.id)
                return streams[i].state
        return ""
    }
    function stateWords(state: string): string {
        switch (state) {
        case "Playing": return qsTr("playing")
        case "Connecting": return qsTr("connecting")
        case "Reconnecting": return qsTr("reconnecting")
        case "Stalled": return qsTr("stalled")
        case "Failed": return qsTr("failed")
        case "": return qsTr("not shown now")
        default: return state
        }
    }
    // Every entry: {kind, title, detail, binding, sizeMm, words}.
    readonly property var entries: {
        const out = []
        const ds = displaySize()
        const half = Qt.size(ds.width, ds.height / 2)
        const inds = session.indicators
        for (let i = 0; i < inds.length; ++i) {
            const m = inds[i]
            const name = vi ? m.nameVi : m.nameEn
            const unit = vi ? m.unitVi : m.unitEn
            const value = m.hasData ? (vi ? m.valueTextVi : m.valueTextEn) + " " + unit + " · "
                                      + (vi ? m.periodTextVi : m.periodTextEn)
                                    : qsTr("no data yet") + " · " + unit
            const words = m.nameVi + " " + m.nameEn + " " + m.id
            out.push({ kind: "kpi", title: name, detail: value, binding: { indicator: m.id },
                       sizeMm: half, words: words + " kpi chỉ số figure" })
            out.push({ kind: "chart", title: qsTr("Chart: %1").arg(name), detail: unit,
                       binding: { indicator: m.id }, sizeMm: ds, words: words + " chart biểu đồ" })
            out.push({ kind: "map", title: qsTr("Province map: %1").arg(name), detail: unit,
                       binding: { indicator: m.id, units: 63 }, sizeMm: Qt.size(ds.width, ds.height * 2),
                       words: words + " map bản đồ tỉnh province" })
        }
        const srcs = session.sources
        for (let k = 0; k < srcs.length; ++k) {
            const s = srcs[k]
            out.push({ kind: "video", title: s.label ? s.label : s.id,
                       detail: qsTr("Video · %1").arg(stateWords(streamState(s))),
                       binding: { source: s.id }, sizeMm: ds,
                       words: s.id + " " + (s.label || "") + " video camera họp truyền hình" })
        }
        out.push({ kind: "clock", title: qsTr("Clock (Hà Nội)"), detail: "Asia/Ho_Chi_Minh",
                   binding: { timeZone: "Asia/Ho_Chi_Minh", show: "datetime" }, sizeMm: half,
                   words: "clock đồng hồ giờ time" })
        out.push({ kind: "text", title: qsTr("Text"), detail: qsTr("A heading or a notice"),
                   binding: { text: qsTr("New text"), sizeMm: 60 }, sizeMm: half,
                   words: "text văn bản chữ tiêu đề heading" })
        out.push({ kind: "image", title: qsTr("Image"), detail: qsTr("An image file"),
                   binding: { source: "logo.png", fill: "fit" }, sizeMm: half,
                   words: "image hình ảnh logo picture" })
        out.push({ kind: "color", title: qsTr("Colour"), detail: "#1d3557",
                   binding: { color: "#1d3557" }, sizeMm: half, words: "color colour màu nền background" })
        out.push({ kind: "alerts", title: qsTr("Alerts"), detail: qsTr("The open alerts"),
                   binding: { max: 5 }, sizeMm: ds, words: "alerts cảnh báo" })
        return out
    }
    readonly property var shown: {
        const q = fold(search.text.trim())
        if (!q)
            return entries
        const parts = q.split(/\s+/)
        const found = entries.filter(e => {
            const hay = fold(e.title + " " + e.detail + " " + e.words + " " + e.kind)
            return parts.every(p => hay.indexOf(p) >= 0)
        })
        // Whole-query matches in the name or the kind's words first ("đồng hồ" is the clock
        // before indicators that mention "lao động" and "hồ sơ").
        const whole = e => (fold(e.title).indexOf(q) >= 0 || fold(e.words).indexOf(q) >= 0) ? 0 : 1
        return found.map((e, i) => ({ e: e, i: i })).sort((a, b) => whole(a.e) - whole(b.e) || a.i - b.i)
                    .map(x => x.e)
    }
    // Enter: the chosen entry on the display of the selected tile (or the first display).
    function placeCurrent() {
        if (list.currentIndex < 0 || list.currentIndex >= shown.length || !view.mayEdit)
            return ""
        const e = shown[list.currentIndex]
        const displays = session.wall.displays || []
        let d = displays.length ? displays[0] : null
        const sel = view.staged.selection
        if (sel.length > 0) {
            const r = view.staged.tile(sel[0]).rect
            const under = view.staged.displaysUnder(r.x + r.width / 2, r.y + r.height / 2, 1, 1)
            for (let i = 0; i < displays.length; ++i)
                if (under.indexOf(displays[i].id) >= 0)
                    d = displays[i]
        }
        const x = d ? d.xMm : 0
        const y = d ? d.yMm : 0
        const id = view.staged.place(e.kind, e.binding, e.title, x, y, e.sizeMm.width, e.sizeMm.height, true)
        canvas.forceActiveFocus()
        return id
    }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: Look.gap
        spacing: Look.gap
        TextField {
            id: search
            objectName: "librarySearch"
            Layout.fillWidth: true
            placeholderText: qsTr("Search (Vietnamese or English)")
            Keys.onDownPressed: { list.forceActiveFocus(); list.currentIndex = 0 }
            Keys.onReturnPressed: { list.currentIndex = 0; panel.placeCurrent() }
        }
        Label {
            visible: !panel.view.mayEdit
            text: panel.view.whyNot("layout.set")
            color: Look.warn
            wrapMode: Text.Wrap
            Layout.fillWidth: true
            objectName: "libraryDisabledReason"
        }
        ListView {
            id: list
            objectName: "libraryList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: panel.shown
            keyNavigationEnabled: true
            Keys.onReturnPressed: panel.placeCurrent()
            Keys.onEnterPressed: panel.placeCurrent()
            delegate: Item {
                id: entryItem
                required property var modelData
                required property int index
                width: ListView.view.width
                height: col.implicitHeight + 10
                opacity: panel.view.mayEdit ? 1 : 0.5
                objectName: "libraryEntry-" + modelData.kind + "-" + index
                // The current entry (keyboard), drawn by the delegate: a ListView highlight is a
                // component the view makes outside this file's context, which a bound component
                // (pragma ComponentBehavior: Bound) refuses ("Component is not ready").
                Rectangle {
                    anchors.fill: parent
                    color: Look.panelAlt
                    visible: entryItem.ListView.isCurrentItem
                }
                Column {
                    id: col
                    x: 6
                    y: 5
                    width: parent.width - 12
                    Label {
                        text: entryItem.modelData.title
                        color: Look.text
                        font.bold: true
                        width: parent.width
                        elide: Text.ElideRight
                    }
                    Label {
                        text: entryItem.modelData.kind + " · " + entryItem.modelData.detail
                        color: Look.muted
                        font.pixelSize: 11
                        width: parent.width
                        elide: Text.ElideRight
                    }
                }
                MouseArea {
                    id: dragArea
                    anchors.fill: parent
                    enabled: panel.view.mayEdit
                    drag.target: proxy
                    drag.threshold: 4
                    drag.smoothed: false // the card stays under the pointer: it drops where it shows
                    onPressed: (mouse) => {
                        list.currentIndex = entryItem.index
                        // The drop lands where the pointer is.
                        proxy.Drag.hotSpot.x = mouse.x
                        proxy.Drag.hotSpot.y = mouse.y
                    }
                    onReleased: if (proxy.Drag.active) proxy.Drag.drop()
                }
                // What is dragged: a card over the entry that follows the pointer; while dragged
                // it belongs to the whole console, so it shows over the wall.
                Rectangle {
                    id: proxy
                    readonly property var entry: entryItem.modelData
                    width: entryItem.width
                    height: entryItem.height
                    visible: Drag.active
                    color: Look.accent
                    opacity: 0.8
                    radius: 4
                    Drag.active: dragArea.drag.active
                    Drag.keys: ["opswall/library"]
                    states: State {
                        when: dragArea.drag.active
                        ParentChange { target: proxy; parent: panel.view }
                        PropertyChanges { proxy.z: 100000 }
                    }
                    Label {
                        anchors.centerIn: parent
                        width: parent.width - 8
                        elide: Text.ElideRight
                        text: proxy.entry.title
                        color: "white"
                    }
                }
            }
        }
    }
}
