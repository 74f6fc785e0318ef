// A province map of one indicator from the feeds' store: the OpsWall.Maps choropleth bound to
// IndicatorData. Layout binding:
//   {"indicator": "IND_EMP_MOM_INDEX", "period": "2024-12", "units": 63, "dataUnits": 63,
//    "palette": "diverging", "centre": 100, "classification": "quantiles", "classes": 5,
//    "highlight": ["01"], "aggregation": "weightedMean", "weightName": "…", "weights": {…}}
import QtQuick
import OpsWall.Maps
import OpsWall.Indicators

Item {
    id: tile

    required property var binding
    property string language: "vi"

    readonly property var info: {
        IndicatorData.revision // re-read when the store changes
        return IndicatorData.provinceValues(tile.binding.indicator ?? "", tile.binding.period ?? "",
                                            tile.language)
    }

    MapTile {
        anchors.fill: parent
        binding: ({
            units: tile.binding.units ?? 34,
            dataUnits: tile.binding.dataUnits ?? 63,
            values: tile.info.values ?? {},
            title: tile.info.name ?? "",
            unit: tile.info.unit ?? "",
            period: tile.info.periodText ?? "",
            source: tile.info.source ?? "",
            palette: tile.binding.palette ?? "diverging",
            centre: tile.binding.centre ?? 100,
            classification: tile.binding.classification ?? "quantiles",
            classes: tile.binding.classes ?? 5,
            highlight: tile.binding.highlight ?? [],
            aggregation: tile.binding.aggregation ?? "",
            weightName: tile.binding.weightName ?? "",
            weights: tile.binding.weights ?? {},
            showMessages: true
        })
    }
}
