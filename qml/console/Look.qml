pragma Singleton
import QtQuick

// The console's colours and sizes: a dark control-room scheme that reads at a desk.
QtObject {
    readonly property color window: "#0f1720"
    readonly property color panel: "#16212c"
    readonly property color panelAlt: "#1c2a38"
    readonly property color line: "#2c3e50"
    readonly property color text: "#e8eef4"
    readonly property color muted: "#9fb0c0"
    readonly property color accent: "#3da5ff"
    readonly property color selection: "#ffd23d"
    readonly property color good: "#3ccf7a"
    readonly property color warn: "#ffb020"
    readonly property color bad: "#ff5a5a"
    readonly property color added: "#3ccf7a"
    readonly property color moved: "#3da5ff"
    readonly property color changed: "#c78bff"
    readonly property color bezel: "#05080b"
    readonly property int gap: 8
    readonly property int fontSize: 13
}
