import QtQuick
import QtTest
import OpsWall.Indicators

Item {
    id: root
    width: 1200
    height: 800

    KpiTile {
        id: ent
        width: 600
        height: 380
        binding: ({"indicator": "ENT_NEW_YTD"})
    }
    KpiTile {
        id: pubinvEn
        y: 400
        width: 600
        height: 380
        binding: ({"indicator": "PUBINV_YTD", "language": "en"})
    }
    KpiTile {
        id: sim
        x: 600
        width: 600
        height: 380
        binding: ({"indicator": "PROC_TENDERS_PUBLISHED"})
    }
    LineChartTile {
        id: chart
        x: 600
        y: 400
        width: 600
        height: 380
        binding: ({"indicator": "CPI_YOY_INDEX"})
    }

    RankedTableTile {
        id: table
        width: 400
        height: 300
        visible: false
        binding: ({"indicator": "IND_EMP_YOY_INDEX", "period": "2024-12", "count": 3})
    }
    BarChartTile {
        id: bars
        width: 600
        height: 400
        visible: false
        binding: ({"indicator": "IND_EMP_YOY_INDEX", "period": "2024-12", "count": 40})
    }
    AlertListTile {
        id: alertList
        width: 600
        height: 300
        visible: false
        binding: ({"max": 5})
    }

    // Tiles over indicators that get values only while the test runs.
    KpiTile {
        id: liveKpi
        y: 400
        width: 300
        height: 200
        binding: ({"indicator": "TEST_LIVE_COUNT"})
    }
    Loader {
        id: liveMapLoader
        x: 300
        y: 400
        width: 300
        height: 300
        active: testHasMaps
        source: "LiveMap.qml"
    }

    function findChild(item, name) {
        if (item.objectName === name)
            return item;
        for (let i = 0; i < item.children.length; ++i) {
            const f = findChild(item.children[i], name);
            if (f)
                return f;
        }
        return null;
    }

    TestCase {
        name: "IndicatorTiles"
        when: windowShown

        function test_kpiValueAndChangesInVietnamese() {
            // GSO, Feb 2025: 20,781 new enterprises since 1 January; Jan 2025: 10,653.
            compare(ent.kpi.valueText, "20.781");
            compare(ent.kpi.unit, "doanh nghiệp");
            compare(ent.kpi.periodText, "T2/2025");
            compare(ent.kpi.changePrevText, "+10.128");
            verify(ent.kpi.changeYoYText !== undefined);
            compare(ent.kpi.sparkline.length, 14);
        }

        function test_kpiEnglishFormatAndProgressToTarget() {
            // PUBINV_YTD Feb 2025: 73,176.134 bn VND of an 857,525.6 bn plan.
            compare(pubinvEn.kpi.valueText, "73,176");
            compare(pubinvEn.kpi.unit, "bn VND");
            fuzzyCompare(pubinvEn.kpi.progress, 73176.134 / 857525.6437, 1e-9);
        }

        function test_staleDataStaysVisibleWithItsAge() {
            verify(ent.kpi.stale);
            compare(ent.kpi.ageText, "cập nhật 2 ngày trước");
            const marker = findChild(ent, "staleMarker");
            verify(marker.visible);
            compare(ent.kpi.valueText, "20.781"); // not blanked
        }

        function test_simulatedIsLabelled() {
            verify(sim.kpi.simulated);
            verify(findChild(sim, "simulatedBadge").visible);
            verify(!findChild(ent, "simulatedBadge").visible);
        }

        function test_rankedTableListsTheTopProvinces() {
            // GSO Dec 2024, employment index vs Dec 2023: Đắk Lắk 134.77, Ninh Thuận 115.05,
            // Bắc Giang 113.91 are the three highest of the 63 provinces.
            compare(table.rows.length, 3);
            compare(table.rows[0].code, "66");
            fuzzyCompare(table.rows[0].value, 134.77, 1e-9);
            compare(table.rows[0].valueText, "134,77"); // vi-VN decimal comma, the indicator's 2 decimals
            compare(table.rows[1].code, "58");
            compare(table.rows[2].code, "24");
            // The national total is not a province; every province is ranked, names when known.
            const all = IndicatorData.rankedProvinces("IND_EMP_YOY_INDEX", "2024-12", 63, false, "vi");
            compare(all.length, 63);
            const hanoi = all.find(r => r.code === "01");
            compare(hanoi.name, "Hà Nội");
            fuzzyCompare(hanoi.value, 101.57, 1e-9);
            // Lowest first on request; an unknown period is no data, not a crash.
            compare(IndicatorData.rankedProvinces("IND_EMP_YOY_INDEX", "2024-12", 1, true, "vi").length, 1);
            compare(IndicatorData.rankedProvinces("IND_EMP_YOY_INDEX", "1999-01", 5, false, "vi").length, 0);
            compare(IndicatorData.rankedProvinces("IND_EMP_YOY_INDEX", "not a period", 5, false, "vi").length, 0);
        }

        function test_mapBindingCarriesTheIndicatorsRule() {
            // A map of the index on the 34 provinces: its values by the 63, the weighted-mean
            // rule and the weights named in the indicator's metadata.
            const b = IndicatorData.mapBinding({ indicator: "IND_EMP_YOY_INDEX", period: "2024-12", classes: 4 }, "vi");
            compare(b.units, 34);
            compare(b.dataUnits, 63);
            compare(b.classes, 4); // the layout's style passes through
            compare(Object.keys(b.values).length, 63);
            compare(b.aggregation, "weightedMean");
            compare(b.weightName, "Lao động trong doanh nghiệp công nghiệp");
            compare(b.weights["08"], 1008);
            compare(b.unit, "%");
            compare(b.period, "T12/2024");
            compare(b.title, "Chỉ số sử dụng lao động ngành công nghiệp so với cùng kỳ");
            // The layout may override the rule.
            compare(IndicatorData.mapBinding({ indicator: "IND_EMP_YOY_INDEX", period: "2024-12", aggregation: "sum" }).aggregation, "sum");
            // Amounts add up; a weight series with no data gives no weights (the map then says so).
            compare(IndicatorData.mapBinding({ indicator: "FDI_YEAR_NEW_CAPITAL", period: "2024" }).aggregation, "sum");
            const pct = IndicatorData.mapBinding({ indicator: "PUBINV_YEAR_PCT_OF_PLAN", period: "2024" }, "en");
            compare(pct.aggregation, "weightedMean");
            compare(pct.weightName, "Annual plan of public investment by province, 2024");
            compare(Object.keys(pct.weights).length, 0);
            // A map whose values are in the layout itself keeps them.
            const fixed = IndicatorData.mapBinding({ units: 63, values: { "01": 5 } });
            compare(fixed.values["01"], 5);
            compare(fixed.units, 63);
        }

        // Every tile re-reads the store when a feed delivers (a binding that does not follow
        // IndicatorData.revision freezes the wall on its first values).
        function test_tilesFollowTheStore() {
            compare(liveKpi.kpi.hasData, false);
            testFeed.deliver("TEST_LIVE_COUNT", "", "2024-12", 42);
            tryCompare(liveKpi.kpi, "hasData", true);
            compare(liveKpi.kpi.value, 42);
            testFeed.deliver("TEST_LIVE_COUNT", "", "2024-12", 43);
            tryCompare(liveKpi.kpi, "value", 43);
            if (!testHasMaps)
                skip("built without OpsWall.Maps");
            tryVerify(() => liveMapLoader.item !== null);
            const map = liveMapLoader.item.map;
            compare(map.province("01").hasValue ?? false, false);
            testFeed.deliver("TEST_LIVE_PROVINCE", "01", "2024-12", 101.5);
            testFeed.deliver("TEST_LIVE_PROVINCE", "79", "2024-12", 99.5);
            tryVerify(() => map.province("01").hasValue === true, 3000);
            compare(map.province("01").value, 101.5);
            compare(map.province("79").value, 99.5);
        }

        function test_barChartIsBoundedToTwelveBars() {
            // Asked for 40 bars: a wall chart never draws more than 12 (Qt Charts bar cost).
            compare(bars.barCount, 12);
            compare(bars.bars.count, 1);
            compare(bars.bars.at(0).count, 12);
            // Highest on top: the last category of a horizontal bar series is drawn at the top.
            fuzzyCompare(bars.bars.at(0).at(11), 134.77, 1e-9);
        }

        function test_alertListShowsTheBehindPlanAlert() {
            // Feb 2025: 8.5 % of the annual plan disbursed against about 16.7 % of the year gone.
            verify(alertList.alerts.length >= 1);
            verify(alertList.alerts.some(a => a.severity === "critical"));
            verify(alertList.alerts[0].message.length > 0);
        }

        function test_lineChartWithTargetLine() {
            tryCompare(chart.axesInfo, "count", 14);
            compare(chart.line.count, 14);
            compare(chart.targetLine.count, 2);
            fuzzyCompare(chart.targetLine.at(0).y, 104.5, 1e-9);
            fuzzyCompare(chart.line.at(13).y, 102.913148, 1e-9);
            const img = grabImage(chart);
            verify(img.width > 0);
        }
    }
}
