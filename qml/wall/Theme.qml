pragma Singleton
import QtQuick

// Colours and type for the wall. Sizes are in millimetres on the wall; callers multiply by the
// viewport's pixels per millimetre, so text has the same physical size on every display.
QtObject {
    readonly property string fontFamily: "Noto Sans"
    readonly property color wallBackground: "#0b141e"
    readonly property color tileBackground: "#132130"
    readonly property color tileBorder: "#2a3f55"
    readonly property color titleBar: "#1b2e42"
    readonly property color titleText: "#e8eef4"
    readonly property color bodyText: "#f2f6fa"
    readonly property color mutedText: "#9fb3c8"
    readonly property color accent: "#e0a526"
    readonly property color bezel: "#16191d"
    readonly property color displayIdBadge: "#ffb300"
    readonly property real titleBarMm: 60
    readonly property real titleTextMm: 32
    readonly property real borderMm: 3

    // The wall-distance text-size rule (README "Text on the wall"): the smallest text anyone
    // must read has a cap height of at least viewingDistance x tan(10 arc-minutes), D/344 (twice
    // the 5' of a 20/20 letter). The demo room's farthest seat is 4 m from the wall: 11.6 mm.
    // Noto Sans' capitals are 0.714 of the font's pixel size, so text is at least 16.3 mm.
    readonly property real viewingDistanceMm: 4000
    readonly property real minCapHeightMm: viewingDistanceMm * Math.tan(10 / 60 * Math.PI / 180)
    readonly property real capHeightRatio: 0.714
    readonly property real minTextMm: minCapHeightMm / capHeightRatio
}
