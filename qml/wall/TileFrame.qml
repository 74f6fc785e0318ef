import QtQuick
import OpsWall.Wall

// One tile as drawn in one window: the frame with its title, and the content chosen by the tile's
// kind, in the pixels of the display it is placed on (TileLayer.qml builds one per window).
Item {
    id: frame

    required property string tileId
    required property string kind
    required property string title
    required property bool showFrame
    required property var binding
    property real pxPerMm: 1
    property bool inView: true
    // The tile left the layout: hidden at once, deleted later.
    property bool retired: false
    // Built ahead of a recall (not shown yet): the content is created asynchronously.
    property bool buildAhead: false
    // Kept built and hidden, in no layout now (TileListModel "kept layouts"): nothing waits for
    // it, so it counts as ready; a recall that takes it again makes it count as it is.
    property bool kept: false
    // Content under a hidden frame (built ahead, kept) reads its data's changes once shown
    // (IndicatorWatch in OpsWall.Indicators looks for this).
    readonly property bool holdWhileHidden: true

    // The loaded content. Built-in kinds derive from TileContent; kinds from other modules only
    // need `binding` (and may offer pxPerMm, language and contentReady).
    readonly property var content: loader.item
    // The content is built (what a recall waits for before it switches: some content, a map or
    // a chart, draws only once shown, so its contentReady comes after the switch).
    readonly property bool contentBuilt: kept || loaded
    // The content is built, kept or not (what a recall that takes a tile built ahead waits for).
    readonly property bool loaded: !inView || retired || (loader.status === Loader.Ready
                                                          && content !== null)
    readonly property bool tileReady: kept || !inView || retired || (loader.status === Loader.Ready && content !== null
                                                  && content.contentReady !== false)

    // The kind's component from the tile-kind table (app/wall/tilekinds.cpp); a kind whose
    // module is not built shows the placeholder.
    function sourceFor(kind: string): url {
        const component = WallScene.kindSources[kind]
        return component ? component : Qt.resolvedUrl("PlaceholderTile.qml")
    }

    Rectangle {
        anchors.fill: parent
        visible: frame.showFrame
        color: Theme.tileBackground
        border.color: Theme.tileBorder
        border.width: Math.max(1, Theme.borderMm * frame.pxPerMm)
    }

    // A title that does not fit on one line takes a second one where the tile is tall enough
    // (at least six title bars), instead of being cut with an ellipsis. No title: no bar (a
    // clock's frame needs none).
    // The title's width on one line is the title text's own implicit width (a wrapped Text lays
    // itself out unwrapped for it anyway; a separate TextMetrics shaped the title once more in
    // every frame and copy).
    // A copy of the tile in another display (TileLayer.qml) takes its frame's choice (so that the
    // content sits at the same place in every part) and lays out its title only where its display
    // shows some of the title bar (a copy on a display below it has no title to lay out).
    property Item titleOf: null
    property bool titleInView: true
    readonly property bool twoLineTitle: titleOf ? titleOf.twoLineTitle
                                                 : titleText.implicitWidth > width - 36 * pxPerMm
                                                   && height >= 6 * Theme.titleBarMm * pxPerMm
    // Not the bar's `visible`: that reads false while the whole frame is hidden (a recall's tile
    // built ahead), which laid the content out without the bar and again, at its real size, in
    // the frame that shows it.
    readonly property bool hasTitleBar: showFrame && title.length > 0
    Rectangle {
        id: titleBar
        objectName: "titleBar"
        visible: frame.hasTitleBar
        x: 0
        y: 0
        width: parent.width
        height: frame.hasTitleBar ? (frame.twoLineTitle ? Theme.titleBarMm * 1.75 : Theme.titleBarMm) * frame.pxPerMm : 0
        color: Theme.titleBar

        Rectangle {
            width: Math.max(2, 10 * frame.pxPerMm)
            height: parent.height
            color: Theme.accent
        }
        Text {
            id: titleText
            anchors.fill: parent
            anchors.leftMargin: 24 * frame.pxPerMm
            anchors.rightMargin: 12 * frame.pxPerMm
            verticalAlignment: Text.AlignVCenter
            objectName: "titleText"
            text: frame.titleInView ? frame.title : ""
            textFormat: Text.PlainText
            wrapMode: Text.WordWrap
            maximumLineCount: frame.twoLineTitle ? 2 : 1
            lineHeight: 0.95
            elide: Text.ElideRight
            color: Theme.titleText
            font.family: Theme.fontFamily
            font.bold: true
            font.pixelSize: Math.max(1, Theme.titleTextMm * frame.pxPerMm)
        }
    }

    Loader {
        id: loader
        x: frame.showFrame ? Theme.borderMm * frame.pxPerMm : 0
        y: titleBar.height
        width: parent.width - 2 * x
        height: parent.height - y - x
        active: frame.inView
        onLoaded: frame.setUp()
    }

    // Required properties arrive one by one; load once all are set, then again on a kind change.
    property bool completed: false
    Component.onCompleted: {
        completed = true
        load()
        WallScene.readiness.report(frame, tileId, tileReady)
    }
    // What waits for every tile to be drawn (WallApplication::tilesNotReady, the step pictures,
    // bench_wall) reads a count the frames keep (WallScene.readiness), not a walk of the items.
    onTileReadyChanged: WallScene.readiness.report(frame, tileId, tileReady)
    onTileIdChanged: if (!tileReady) WallScene.readiness.report(frame, tileId, false)

    function load() {
        // Built ahead of a recall: incubated between frames while the old layout is shown. Set
        // once per load, not bound: a Loader made synchronous while it incubates starts again
        // without its initial properties.
        loader.asynchronous = frame.buildAhead
        // Only `binding` is required of every tile component; the others are set when offered
        // (setUp). This module's own kinds derive from TileContent: they are given their scale
        // and language from the start, so that their text is laid out once, at its size, not
        // first at 1 px per mm and again when setUp binds the scale.
        const source = sourceFor(kind)
        if (String(source).startsWith(frame.moduleUrl))
            loader.setSource(source, { binding: frame.binding, pxPerMm: frame.pxPerMm,
                                       language: WallScene.language })
        else
            loader.setSource(source, { binding: frame.binding })
    }
    readonly property string moduleUrl: String(Qt.resolvedUrl("."))

    function setUp() {
        const item = loader.item
        if (!item)
            return
        if ("pxPerMm" in item)
            item.pxPerMm = Qt.binding(() => frame.pxPerMm)
        // The text-size rule in this display's pixels (Theme.minTextMm).
        if ("minTextPx" in item)
            item.minTextPx = Qt.binding(() => Theme.minTextMm * frame.pxPerMm)
        // A tile may derive its language itself (a read-only property): then leave it.
        if ("language" in item) {
            try {
                item.language = WallScene.language
            } catch (e) {
            }
        }
    }
    onKindChanged: if (completed) load()
    onBindingChanged: if (content) content.binding = frame.binding
}
