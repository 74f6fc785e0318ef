import QtQuick
import OpsWall.Wall

// One tile as drawn in one display's viewport: the frame with its title, and the content chosen
// by the tile's kind. The same tile is drawn by every viewport it overlaps.
Item {
    id: frame

    required property string tileId
    required property string kind
    required property string title
    required property bool showFrame
    required property var binding
    property real pxPerMm: 1
    property bool inView: true

    // The loaded content. Built-in kinds derive from TileContent; kinds from other modules only
    // need `binding` (and may offer pxPerMm, language and contentReady).
    readonly property var content: loader.item
    readonly property bool tileReady: !inView || (loader.status === Loader.Ready && content !== null
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
    TextMetrics {
        id: titleWidth
        font.family: Theme.fontFamily
        font.bold: true
        font.pixelSize: Math.max(1, Theme.titleTextMm * frame.pxPerMm)
        text: frame.title
    }
    readonly property bool twoLineTitle: titleWidth.advanceWidth > width - 36 * pxPerMm
                                         && height >= 6 * Theme.titleBarMm * pxPerMm
    Rectangle {
        id: titleBar
        objectName: "titleBar"
        visible: frame.showFrame && frame.title.length > 0
        x: 0
        y: 0
        width: parent.width
        height: visible ? (frame.twoLineTitle ? Theme.titleBarMm * 1.75 : Theme.titleBarMm) * frame.pxPerMm : 0
        color: Theme.titleBar

        Rectangle {
            width: Math.max(2, 10 * frame.pxPerMm)
            height: parent.height
            color: Theme.accent
        }
        Text {
            anchors.fill: parent
            anchors.leftMargin: 24 * frame.pxPerMm
            anchors.rightMargin: 12 * frame.pxPerMm
            verticalAlignment: Text.AlignVCenter
            objectName: "titleText"
            text: frame.title
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
        asynchronous: false
    }

    // Required properties arrive one by one; load once all are set, then again on a kind change.
    property bool completed: false
    Component.onCompleted: {
        completed = true
        load()
    }

    function load() {
        // Only `binding` is required of every tile component; the others are set when offered.
        loader.setSource(sourceFor(kind), { binding: frame.binding })
        if (loader.item) {
            if ("pxPerMm" in loader.item)
                loader.item.pxPerMm = Qt.binding(() => frame.pxPerMm)
            // The text-size rule in this viewport's pixels (Theme.minTextMm).
            if ("minTextPx" in loader.item)
                loader.item.minTextPx = Qt.binding(() => Theme.minTextMm * frame.pxPerMm)
            // A tile may derive its language itself (a read-only property): then leave it.
            if ("language" in loader.item) {
                try {
                    loader.item.language = WallScene.language
                } catch (e) {
                }
            }
        }
    }
    onKindChanged: if (completed) load()
    onBindingChanged: if (content) content.binding = frame.binding
}
