import QtQuick

// Base of every built-in tile's content. `binding` is the tile's content binding from the layout
// (what it shows); pxPerMm converts wall millimetres to pixels of the display drawing it.
Item {
    required property var binding
    property real pxPerMm: 1
    property string language: "vi"
    // False while the content is still loading (an image being decoded); a screenshot waits.
    property bool contentReady: true
}
