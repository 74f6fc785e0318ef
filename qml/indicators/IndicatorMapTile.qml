// A province map of one indicator from the feeds' store: the OpsWall.Maps choropleth bound to
// IndicatorData. Layout binding:
//   {"indicator": "IND_EMP_MOM_INDEX", "period": "2024-12", "units": 63, "dataUnits": 63,
//    "palette": "diverging", "centre": 100, "classification": "quantiles", "classes": 5,
//    "highlight": ["01"]}
// On a 34-unit map, 63-unit data is combined by the indicator's own rule (its metadata's
// "aggregation" and "weightIndicator"); a layout may override with "aggregation", "weightName"
// and "weights". IndicatorData.mapBinding builds the map's binding; the API reads the same one.
import QtQuick
import OpsWall.Maps
import OpsWall.Indicators

Item {
    id: tile

    required property var binding
    property string language: "vi"
    property real minTextPx: 0 // the wall-distance rule in this viewport (set by the tile frame)

    readonly property alias map: mapTile.map
    // Re-read when the indicator changes (IndicatorWatch: not when another tile's does). The
    // revision is used in the expression on purpose: Qt 6.4's qmlcachegen drops a bare
    // "watch.revision" statement from a compiled binding, and the binding then never
    // re-evaluates (tests/feeds/qml: test_tilesFollowTheStore).
    property IndicatorWatch watch: IndicatorWatch { indicators: [tile.binding.indicator ?? ""] }
    readonly property var mapBinding: tile.watch.revision >= 0
                                      ? IndicatorData.mapBinding(tile.binding, tile.language) : ({})

    MapTile {
        id: mapTile
        anchors.fill: parent
        binding: tile.mapBinding
        minTextPx: tile.minTextPx
    }
}
