// The overview preset's map: the industrial-employment index of the 63 former provinces on the
// 34 provinces of 1 July 2025, loaded only when OpsWall.Maps is built.
import QtQuick
import OpsWall.Indicators

IndicatorMapTile {
    binding: ({"indicator": "IND_EMP_YOY_INDEX", "period": "2024-12", "units": 34, "dataUnits": 63,
               "palette": "diverging", "centre": 100, "classes": 5})
}
