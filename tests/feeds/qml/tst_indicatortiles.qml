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
