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
    LineChartTile {
        id: ytdChart
        y: 400
        width: 600
        height: 380
        visible: false
        binding: ({"indicator": "PUBINV_YTD", "language": "en"})
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

    ProjectsTile {
        id: projectsTile
        width: 800
        height: 400
        visible: false
        binding: ({"projects": [{"id": "DA-01", "name": "Cao tốc đoạn 1 (mô phỏng)"},
                                {"id": "DA-02", "name": "Cầu vượt sông (mô phỏng)"},
                                {"id": "DA-09", "name": "Chưa có số liệu"}]})
    }

    Component {
        id: projectsComponent
        ProjectsTile {
            width: 800
            height: 400
            binding: ({"projects": [{"id": "DA-01", "name": "Cao tốc đoạn 1 (mô phỏng)"},
                                    {"id": "DA-02", "name": "Cầu vượt sông (mô phỏng)"},
                                    {"id": "DA-09", "name": "Chưa có số liệu"}]})
        }
    }

    // Tiles over indicators that get values only while the test runs.
    KpiTile {
        id: liveKpi
        y: 400
        width: 300
        height: 200
        binding: ({"indicator": "TEST_LIVE_COUNT"})
    }
    KpiTile {
        id: watchKpi
        x: 900
        y: 200
        width: 300
        height: 200
        binding: ({"indicator": "TEST_WATCH_COUNT"})
    }
    LineChartTile {
        id: liveChart
        x: 900
        width: 300
        height: 200
        binding: ({"indicator": "TEST_LIVE_SERIES"})
    }
    LineChartTile {
        id: iipChart
        x: 600
        width: 600
        height: 380
        visible: false
        binding: ({"indicator": "IIP_YOY_INDEX"})
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
    Loader {
        id: demoMapLoader
        x: 600
        y: 400
        width: 300
        height: 400
        active: testHasMaps
        source: "DemoMap34.qml"
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
            compare(b.weightName, "Lao động có việc làm trong nền kinh tế năm 2024");
            compare(b.weights["08"], 372.91); // NSO E02.45, Tuyên Quang, thousand persons
            compare(Object.keys(b.weights).length, 63);
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
        function test_kpiForecastAtThisPace() {
            // PUBINV_YTD's metadata asks for the year-end projection: Feb 2025 YTD 73,176.134
            // over Feb 2024's share of 2024 (59,811.294 / 661,294.16324) = 809,060 bn VND,
            // 94.3 % of the 2025 plan (857,525.6); tests/feeds/tst_feeds_forecast.cpp has it by hand.
            compare(pubinvEn.forecast.available, true);
            fuzzyCompare(pubinvEn.forecast.pctOfPlan, 94.34824721927733, 1e-6);
            compare(pubinvEn.forecast.text, "At this pace: 94.3 % of plan by 31 December");
            compare(pubinvEn.forecast.points.length, 10); // March .. December
            const line = findChild(pubinvEn, "forecast");
            verify(line.visible);
            compare(line.text, pubinvEn.forecast.text);
            // The CPI's is a damped-trend forecast with its interval and backtest error.
            const cpi = IndicatorData.forecast("CPI_YOY_INDEX", "", "en");
            compare(cpi.available, true);
            compare(cpi.method, "dampedTrend");
            compare(cpi.points.length, 6);
            verify(cpi.points[0].lower < cpi.points[0].mean && cpi.points[0].mean < cpi.points[0].upper);
            verify(cpi.detail.indexOf("backtest error") >= 0, cpi.detail);
            verify(cpi.backtestMape > 0);
            // No forecast in the metadata: none drawn.
            compare(IndicatorData.forecast("ENT_NEW_YTD", "", "vi").available, false);
            verify(!findChild(ent, "forecast").visible);
        }

        function test_kpiLayoutNeverOverlaps() {
            // The target's words and bar sit under the sparkline, inside the tile, for a wide
            // and a tall tile; a year-to-date sparkline breaks where 2025 starts.
            for (const size of [[600, 380], [300, 420], [900, 200]]) {
                pubinvEn.width = size[0];
                pubinvEn.height = size[1];
                const spark = findChild(pubinvEn, "sparkline");
                const target = findChild(pubinvEn, "target");
                verify(target.visible);
                verify(spark.y + spark.height <= target.y, "sparkline over the target at " + size);
                verify(target.y + target.height <= pubinvEn.height, "target clipped at " + size);
            }
            pubinvEn.width = 600;
            pubinvEn.height = 380;
            compare(pubinvEn.kpi.sparkYearStarts.length, 1);
            compare(pubinvEn.kpi.sparkYearStarts[0].year, 2025);
            compare(pubinvEn.kpi.sparkYearStarts[0].index, 12);
        }

        function test_keyProjectsFlagTheLateOnes() {
            // DA-01 on schedule (progress 62 % against 62.5 % planned), DA-02 4.3 months late.
            for (const [id, progress, planned, disbursed, slip] of [["DA-01", 62, 62.5, 57, 0.2],
                                                                     ["DA-02", 43.3, 55.6, 30.3, 4.3]]) {
                testFeed.deliver("PROJ_PROGRESS_PCT", id, "2026-11", progress);
                testFeed.deliver("PROJ_PLANNED_PCT", id, "2026-11", planned);
                testFeed.deliver("PROJ_DISBURSED_PCT", id, "2026-11", disbursed);
                testFeed.deliver("PROJ_SLIP_MONTHS", id, "2026-11", slip);
            }
            tryVerify(() => projectsTile.rows[1].hasData === true);
            compare(projectsTile.rows[0].late, false);
            compare(projectsTile.rows[0].slipText, "đúng tiến độ");
            compare(projectsTile.rows[1].late, true);
            compare(projectsTile.rows[1].slipText, "chậm 4,3 tháng");
            compare(projectsTile.rows[1].disbursed, 30.3);
            compare(projectsTile.rows[2].hasData, false); // no data: said, not invented
            // Simulated in the metadata: the tile says so.
            verify(projectsTile.simulated);
            projectsTile.visible = true;
            verify(findChild(projectsTile, "simulatedBadge").visible);
            projectsTile.visible = false;
        }

        function test_keyProjectsLayOutWithoutABindingLoop() {
            // The rows' height and the text size used to depend on each other through the
            // header's height ("Binding loop detected for property rowHeight").
            failOnWarning(/Binding loop/);
            const t = createTemporaryObject(projectsComponent, root);
            verify(t !== null);
            compare(t.rows.length, 3);
            for (const [w, h] of [[800, 400], [800, 250], [300, 400], [1600, 900]]) {
                t.width = w;
                t.height = h;
                // The header and the rows fill the tile's height, and a row's text is 0.3 of it
                // unless the width or the wall-distance rule bounds it.
                fuzzyCompare(t.textPx * 1.5 + 8 + t.rows.length * t.rowHeight, h, 0.01);
                fuzzyCompare(t.textPx, Math.min(t.rowHeight * 0.3, w * 0.03), 0.01);
            }
            t.minTextPx = 60; // the rule wins over the room there is (48 px at 1600 wide)
            compare(t.textPx, 60);
            fuzzyCompare(t.textPx * 1.5 + 8 + t.rows.length * t.rowHeight, 900, 0.01);
        }

        function test_34ProvinceMapWeightsTheIndexByEmployment() {
            // The overview's map: the Dec 2024 industrial-employment index (same month of the
            // previous year = 100) of the 63 former provinces, on the 34 provinces, weighted by
            // the employed persons of 2024 (thousand persons). Real values, by hand:
            //   Hồ Chí Minh (79) = old 79 Hồ Chí Minh + 74 Bình Dương + 77 Bà Rịa - Vũng Tàu
            //     79: 101.38 x 4754.25 = 481985.8650
            //     74: 105.12 x 1910.18 = 200798.1216
            //     77: 108.55 x  616.60 =  66931.9300
            //     sum 749715.9166 / (4754.25 + 1910.18 + 616.60 = 7281.03) = 102.968387...
            //   Tuyên Quang (08) = old 08 Tuyên Quang + 02 Hà Giang
            //     (105.48 x 372.91 + 93.08 x 372.65) / (372.91 + 372.65)
            //     = (39334.5468 + 34686.2620) / 745.56 = 99.282162...
            //   Hà Nội (01) merged with nobody: its own 101.57.
            if (!testHasMaps)
                skip("built without OpsWall.Maps");
            tryVerify(() => demoMapLoader.item !== null);
            const map = demoMapLoader.item.map;
            tryVerify(() => map.province("79").hasValue === true, 3000);
            fuzzyCompare(map.province("79").value, 749715.9166 / 7281.03, 1e-9);
            fuzzyCompare(map.province("08").value, (39334.5468 + 34686.2620) / 745.56, 1e-9);
            fuzzyCompare(map.province("01").value, 101.57, 1e-9);
            compare(map.province("79").name, "Hồ Chí Minh");
            // Every one of the 34 has a value: the index covers all 63, and so do the weights.
            compare(map.messages.length, 0, map.messages.join("; "));
            let withValue = 0;
            for (const code of ["01", "04", "08", "11", "12", "14", "15", "19", "20", "22", "24",
                                "25", "31", "33", "37", "38", "40", "42", "44", "46", "48", "51",
                                "52", "56", "66", "68", "75", "79", "80", "82", "86", "91", "92", "96"])
                if (map.province(code).hasValue)
                    ++withValue;
            compare(withValue, 34);
        }

        function test_mapSourceInTheWallsLanguage() {
            // The source comes from the indicator's metadata without its own "Nguồn:", in the
            // tile's language; the map writes the prefix once (an English wall read
            // "Source: Nguồn: Tổng cục Thống kê ..." before).
            const b = { indicator: "IND_EMP_YOY_INDEX", period: "2024-12" };
            compare(IndicatorData.mapBinding(b, "en").source, "General Statistics Office / National Statistics Office");
            compare(IndicatorData.mapBinding(b, "vi").source, "Tổng cục Thống kê / Cục Thống kê");
            compare(IndicatorData.kpi("PUBINV_YTD", "", "en").source,
                    "General Statistics Office / National Statistics Office (2025 plan: 857,525.6 bn VND)");
            if (!testHasMaps)
                skip("built without OpsWall.Maps");
            tryVerify(() => demoMapLoader.item !== null);
            const tile = demoMapLoader.item;
            tile.language = "en";
            tryCompare(tile.map, "sourceLine", "Source: General Statistics Office / National Statistics Office");
            tile.language = "vi";
            // No translator is loaded here, so the prefix is the untranslated "Source"; the
            // Vietnamese one ("Nguồn") is tst_maps_logic's sourceLineSaysSourceOnceInTheWallsLanguage.
            tryCompare(tile.map, "sourceLine", "Source: Tổng cục Thống kê / Cục Thống kê");
            verify(tile.map.sourceLine.indexOf("Nguồn") < 0);
        }

        function test_tilesFollowTheStore() {
            compare(liveKpi.kpi.hasData, false);
            testFeed.deliver("TEST_LIVE_COUNT", "", "2024-12", 42);
            // Told at the end of the frame interval (the read model coalesces changes).
            tryVerify(() => liveKpi.kpi.hasData === true);
            compare(liveKpi.kpi.value, 42);
            testFeed.deliver("TEST_LIVE_COUNT", "", "2024-12", 43);
            tryVerify(() => liveKpi.kpi.value === 43);
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

        function test_onlyTheTilesOfTheIndicatorAreTold() {
            const mine = watchKpi.watch.revision, others = [ent.watch.revision, chart.watch.revision,
                                                            liveKpi.watch.revision, liveChart.watch.revision];
            // Two values in one frame: the tile is told once, with both; no other tile is told.
            testFeed.deliver("TEST_WATCH_COUNT", "", "2025-01", 7);
            testFeed.deliver("TEST_WATCH_COUNT", "", "2025-02", 8);
            compare(watchKpi.watch.revision, mine); // coalesced: not before the frame ends
            tryVerify(() => watchKpi.kpi.value === 8);
            compare(watchKpi.watch.revision, mine + 1);
            compare(watchKpi.kpi.changePrev, 1);
            wait(50);
            compare([ent.watch.revision, chart.watch.revision, liveKpi.watch.revision,
                     liveChart.watch.revision], others);
            compare(IndicatorData.lastNotifiedWatches(), 1);
        }

        function test_appendedPointsRepaintOnlyTheirSegment() {
            const plot = liveChart.plot;
            testFeed.deliver("TEST_LIVE_SERIES", "", "2024-01", 10);
            testFeed.deliver("TEST_LIVE_SERIES", "", "2024-02", 12);
            testFeed.deliver("TEST_LIVE_SERIES", "", "2024-03", 11);
            tryCompare(liveChart.line, "count", 3);
            waitForRendering(liveChart);
            wait(50);
            const full = plot.fullRepaints, partial = plot.partialRepaints;
            const min = plot.valueMin, max = plot.valueMax, t0 = plot.timeMin, t1 = plot.timeMax;
            // A new month inside both axes: its segment alone is repainted.
            testFeed.deliver("TEST_LIVE_SERIES", "", "2024-04", 11.5);
            tryCompare(liveChart.line, "count", 4);
            compare(plot.partialRepaints, partial + 1);
            compare(plot.fullRepaints, full);
            compare([plot.valueMin, plot.valueMax, plot.timeMin, plot.timeMax], [min, max, t0, t1]);
            // And it is drawn: the middle of the new segment has the line's colour.
            const a = plot.mapToPosition(liveChart.line.at(2), liveChart.line);
            const b = plot.mapToPosition(liveChart.line.at(3), liveChart.line);
            const img = grabImage(liveChart);
            const c = img.pixel(Math.round((a.x + b.x) / 2), Math.round((a.y + b.y) / 2));
            verify(c.b > 0.8 && c.r < 0.5, "not the line's colour: " + c);
            // A value outside the axis moves it: the whole chart is redrawn.
            testFeed.deliver("TEST_LIVE_SERIES", "", "2024-05", 40);
            tryCompare(liveChart.line, "count", 5);
            verify(plot.valueMax >= 40);
            compare(plot.fullRepaints, full + 1);
        }

        function test_forecastIsFittedAgainOffTheGuiThread() {
            tryCompare(iipChart.axesInfo, "count", 14);
            compare(iipChart.forecastLine.count, 7);
            fuzzyCompare(iipChart.forecastLine.at(0).y, 117.17, 1e-9); // from February 2025
            testFeed.deliver("IIP_YOY_INDEX", "", "2025-03", 108.4);
            // The new month is drawn as soon as it is told; the forecast, fitted again on the
            // thread pool, follows and continues the line from March.
            tryVerify(() => iipChart.line.count === 15);
            // Meanwhile the dashed line starts at March and never goes back before it.
            fuzzyCompare(iipChart.forecastLine.at(0).y, 108.4, 1e-9);
            verify(iipChart.forecastLine.at(1).x > iipChart.line.at(14).x);
            tryVerify(() => iipChart.forecastLine.count === 7, 5000); // six months after March
            fuzzyCompare(iipChart.forecastLine.at(0).y, 108.4, 1e-9);
            verify(iipChart.forecastLine.at(1).x > iipChart.line.at(14).x);
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
            // A readable list: severity in words, age, the indicator, the message in Vietnamese.
            const critical = alertList.alerts.find(a => a.severity === "critical");
            compare(critical.severityText, "NGHIÊM TRỌNG");
            compare(critical.indicatorName, "Giải ngân vốn đầu tư công so với kế hoạch năm");
            verify(critical.text.startsWith("chậm tiến độ"), critical.text);
            verify(critical.text.indexOf("behind plan") < 0, critical.text);
            verify(critical.ageText.length > 0);
            // And the forecast rule fires in February already: at this pace 94.3 % < 95 %.
            const forecast = alertList.alerts.find(a => a.text.indexOf("theo tốc độ hiện nay") >= 0);
            verify(forecast !== undefined, JSON.stringify(alertList.alerts));
            compare(forecast.severity, "warning");
            alertList.visible = true;
            const row = findChild(alertList, "alertRow");
            verify(row !== null);
            verify(findChild(row, "severity").visible);
            verify(findChild(row, "age").text.length > 0);
            alertList.visible = false;
        }

        function test_yearToDateChartBreaksAtTheNewYear() {
            // PUBINV_YTD, Jan 2024 .. Feb 2025: 661,294 bn VND by December 2024, then the sum
            // restarts in January 2025. No series of the chart may join December to January (the
            // restart drawn as a collapse); the 2024 line and the 2025 line are separate, and the
            // chart marks 2025 between them.
            ytdChart.visible = true;
            tryCompare(ytdChart.axesInfo, "count", 14);
            compare(ytdChart.axesInfo.segments, 2);
            compare(ytdChart.earlierLines.length, 1);
            const year = x => new Date(x).getFullYear();
            for (let i = 0; i < ytdChart.count; ++i) {
                const s = ytdChart.series(i);
                for (let j = 1; j < (s.count ?? 0); ++j) {
                    const a = s.at(j - 1), b = s.at(j);
                    verify(!(year(b.x) > year(a.x) && b.y < a.y),
                           "series " + i + " drops from " + new Date(a.x).toISOString() + " to " + new Date(b.x).toISOString());
                }
            }
            const y2024 = ytdChart.earlierLines[0];
            compare(y2024.count, 12);
            compare(year(y2024.at(0).x), 2024);
            compare(year(y2024.at(11).x), 2024);
            compare(ytdChart.line.count, 2); // January and February 2025
            compare(year(ytdChart.line.at(0).x), 2025);
            // The year-end projection continues this year's line.
            fuzzyCompare(ytdChart.forecastLine.at(0).y, ytdChart.line.at(1).y, 1e-9);
            // The mark: a rule between December and January with the year.
            compare(ytdChart.yearStarts.length, 1);
            compare(ytdChart.yearStarts[0].year, 2025);
            const mark = findChild(ytdChart, "yearStart");
            verify(mark !== null);
            compare(findChild(mark, "yearStartLabel").text, "2025");
            const dec = ytdChart.mapToPosition(y2024.at(11), y2024);
            const jan = ytdChart.mapToPosition(ytdChart.line.at(0), ytdChart.line);
            verify(mark.x > dec.x && mark.x < jan.x, mark.x + " not between " + dec.x + " and " + jan.x);
            // A series that is not year-to-date stays one line (the CPI index falls within years).
            compare(chart.axesInfo.segments, 1);
            compare(chart.earlierLines.length, 0);
            compare(chart.yearStarts.length, 0);
            // No data yet (a wall starts before its feeds answer): nothing drawn, nothing marked.
            const none = IndicatorData.fillSeries(null, "NO_SUCH_INDICATOR", "", 60, "", ytdChart.earlierLines);
            compare(none.count, 0);
            compare(none.segments, 0);
            compare(none.yearStarts.length, 0);
            compare(ytdChart.earlierLines[0].count, 0); // emptied
            ytdChart.refresh();
            compare(ytdChart.earlierLines[0].count, 12);
            ytdChart.visible = false;
        }

        function test_lineChartWithTargetLine() {
            tryCompare(chart.axesInfo, "count", 14);
            compare(chart.line.count, 14);
            compare(chart.targetLine.count, 2);
            fuzzyCompare(chart.targetLine.at(0).y, 104.5, 1e-9);
            fuzzyCompare(chart.line.at(13).y, 102.913148, 1e-9);
            // The forecast continues the line from its last point, dashed, six months ahead.
            compare(chart.forecastLine.count, 7);
            fuzzyCompare(chart.forecastLine.at(0).y, 102.913148, 1e-9);
            verify(chart.forecastLine.at(6).x > chart.line.at(13).x);
            verify(findChild(chart, "forecastDetail").visible);
            const img = grabImage(chart);
            verify(img.width > 0);
        }

        // The forecast's note is written under the dates, never over them, at every size a chart
        // tile has on the demo wall (its output windows: CPI 1871x911, IIP 2530x832, balance of
        // payments 1244x784, public investment 2530x1324; its preview, a quarter of that) and in
        // the tests (600x380, 300x200, the rendering tests' 2101x689).
        function test_forecastNoteStaysUnderTheDates() {
            tryCompare(chart.axesInfo, "count", 14);
            const note = findChild(chart, "forecastDetail");
            verify(note.visible);
            const sizes = [[1871, 911], [2530, 832], [1244, 784], [2530, 1324], [468, 228],
                           [632, 208], [311, 196], [632, 331], [600, 380], [300, 200],
                           [2101, 689], [260, 140], [900, 160]];
            const w0 = chart.width, h0 = chart.height;
            for (const [w, h] of sizes) {
                chart.width = w;
                chart.height = h;
                const dates = chart.plot.timeLabelsArea;
                const r = note.mapToItem(chart.plot, 0, 0, note.width, note.height);
                const at = w + "x" + h + ": note " + r + ", dates " + dates;
                verify(dates.height > 0 && r.height > 0, at);
                verify(r.y >= dates.y + dates.height, at); // under the dates: no overlap
                verify(r.y + r.height <= chart.height, at); // inside the tile
                verify(chart.plot.plotArea.height > 0, at);
            }
            chart.width = w0;
            chart.height = h0;
        }

        function test_newWeightsReachTheWeightedMap() {
            // The map's weighted mean reads the weight series too: weights that arrive after the
            // index (another feed, a later round) must reach the map without waiting for the
            // index to change (the demo wall's map said "needs the weight series" until then).
            if (!testHasMaps)
                skip("built without OpsWall.Maps");
            tryVerify(() => demoMapLoader.item !== null);
            const map = demoMapLoader.item.map;
            tryVerify(() => map.province("79").hasValue === true, 3000);
            // Old 79 Hồ Chí Minh now weighs 9000 thousand persons (was 4754.25).
            testFeed.deliver("EMPLOYED_THOUSAND", "79", "2024", 9000);
            const expected = (101.38 * 9000 + 200798.1216 + 66931.9300) / (9000 + 1910.18 + 616.60);
            tryVerify(() => Math.abs(map.province("79").value - expected) < 1e-9, 3000,
                      "the map did not take the new weights");
        }
    }
}
