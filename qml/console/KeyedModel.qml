import QtQuick

// A list read from the wall (alerts, feeds, devices), kept as rows that stay: each refresh updates
// the row with the same key in place, inserts the new ones, moves the ones that changed place and
// removes the ones gone. A delegate is made once per key, so a row under the pointer is not
// destroyed and laid out again when the list is read again or a row appears above it.
// Each row has the roles "key" and "json" (the wall's object as JSON text: a string role never
// changes type, as a role holding the object itself would when its fields do).
ListModel {
    id: model

    // The wall's list; the key of an item is its property keyName.
    property var source: []
    property string keyName: "id"

    function sync(items: var) {
        const list = items || []
        for (let i = 0; i < list.length; ++i) {
            const key = String(list[i][model.keyName])
            const json = JSON.stringify(list[i])
            let at = -1
            for (let j = i; j < model.count; ++j) {
                if (model.get(j).key === key) {
                    at = j
                    break
                }
            }
            if (at < 0) {
                model.insert(i, { key: key, json: json })
                continue
            }
            if (at !== i)
                model.move(at, i, 1)
            if (model.get(i).json !== json)
                model.setProperty(i, "json", json)
        }
        if (model.count > list.length)
            model.remove(list.length, model.count - list.length)
    }

    onSourceChanged: sync(source)
    Component.onCompleted: sync(source)
}
