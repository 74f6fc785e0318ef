pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Window
import OpsWall.Wall

// One output of the controller: a window (full screen on its named screen in production, placed
// by its configured geometry otherwise) cut into regions, each feeding one display. A region of a
// rotated display is drawn rotated so the panel shows it upright. The tiles are built once for the
// window (TileLayer) and placed in the regions' viewports.
Window {
    id: window

    required property var output
    // The output as the wall model says now: a geometry change (bezel compensation, a display
    // nudged during set-up) redraws the regions live. The window itself keeps its place.
    readonly property var liveOutput: {
        const outputs = WallScene.outputs
        for (let i = 0; i < outputs.length; ++i)
            if (outputs[i].name === output.name)
                return outputs[i]
        return output
    }

    readonly property var namedScreen: {
        if (!output.screen)
            return null
        const screens = Qt.application.screens
        for (let i = 0; i < screens.length; ++i)
            if (screens[i].name === output.screen)
                return screens[i]
        return null
    }

    title: "OpsWall " + output.name
    flags: Qt.FramelessWindowHint
    color: "black"
    x: output.geometry.x
    y: output.geometry.y
    width: output.geometry.width
    height: output.geometry.height
    // Full screen on the named screen in production; otherwise placed by configured geometry.
    Component.onCompleted: {
        if (namedScreen) {
            screen = namedScreen
            showFullScreen()
        } else {
            visible = true
        }
    }

    // The regions' viewports, in region order (TileLayer places the tiles in them).
    property var viewports: []
    function collectViewports(leaving: Item) {
        const list = []
        for (let i = 0; i < regions.count; ++i) {
            const r = regions.itemAt(i)
            list.push(r && r !== leaving ? r.viewport : null)
        }
        viewports = list
    }

    Repeater {
        id: regions
        model: window.liveOutput.regions
        onItemAdded: window.collectViewports(null)
        onItemRemoved: (index, item) => window.collectViewports(item)
        delegate: Item {
            id: region
            required property var modelData
            readonly property Item viewport: shown
            readonly property real w: modelData.mountedWidth
            readonly property real h: modelData.mountedHeight
            x: modelData.rect.x
            y: modelData.rect.y
            width: modelData.rect.width
            height: modelData.rect.height
            clip: true

            DisplayViewport {
                id: shown
                width: region.w
                height: region.h
                source: Qt.rect(region.modelData.source.x, region.modelData.source.y,
                                region.modelData.source.width, region.modelData.source.height)
                // Mounted (as seen on the wall) -> panel pixels; see geometry.cpp canvasToPanel.
                transform: [
                    Rotation { angle: -region.modelData.rotation },
                    Translate {
                        x: region.modelData.rotation === 180 ? region.w
                           : region.modelData.rotation === 270 ? region.h : 0
                        y: region.modelData.rotation === 90 ? region.w
                           : region.modelData.rotation === 180 ? region.h : 0
                    }
                ]
            }

            // A technician's test pattern over this display, when the calibration layer is
            // built in (OpsWall.Calibration); the layout underneath is left as it is.
            Loader {
                readonly property string url: WallScene.kindSources["calibrationPattern"] ?? ""
                active: url !== ""
                source: url
                width: region.w
                height: region.h
                onLoaded: {
                    item.displayId = region.modelData.display
                    item.sourceRect = Qt.rect(region.modelData.source.x, region.modelData.source.y,
                                              region.modelData.source.width,
                                              region.modelData.source.height)
                    item.width = Qt.binding(() => width)
                    item.height = Qt.binding(() => height)
                }
                transform: [
                    Rotation { angle: -region.modelData.rotation },
                    Translate {
                        x: region.modelData.rotation === 180 ? region.w
                           : region.modelData.rotation === 270 ? region.h : 0
                        y: region.modelData.rotation === 90 ? region.w
                           : region.modelData.rotation === 180 ? region.h : 0
                    }
                ]
            }
        }
    }

    TileLayer {
        viewports: window.viewports
    }
}
