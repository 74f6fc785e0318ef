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

    MapTile {
        anchors.fill: parent
        binding: {
            IndicatorData.revision // re-read when the store changes
            return IndicatorData.mapBinding(tile.binding, tile.language)
        }
    }
}
