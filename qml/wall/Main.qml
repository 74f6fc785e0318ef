import QtQml
import OpsWall.Wall

// The wall application: one window per configured output, or, in preview mode, the whole wall
// scaled into one window.
QtObject {
    id: root

    required property bool preview
    // The outputs this process draws (indices into WallScene.outputs); null: every output. A
    // render node or a controller draws only its own (app/nodes/README.md).
    property var ownedOutputs: null

    property Component previewComponent: PreviewWindow {}
    property Component outputComponent: OutputWindow {}

    property list<QtObject> windows

    Component.onCompleted: {
        if (preview) {
            windows = [previewComponent.createObject(root)]
        } else {
            const made = []
            const outputs = WallScene.outputs
            for (let i = 0; i < outputs.length; ++i)
                if (ownedOutputs === null || ownedOutputs.indexOf(i) >= 0)
                    made.push(outputComponent.createObject(root, { output: outputs[i] }))
            windows = made
        }
    }
}
