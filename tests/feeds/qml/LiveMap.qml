// The province map tile over the feeds' store, loaded only when OpsWall.Maps is built.
import QtQuick
import OpsWall.Indicators

IndicatorMapTile {
    binding: ({"indicator": "TEST_LIVE_PROVINCE", "period": "2024-12", "units": 63, "dataUnits": 63})
}
