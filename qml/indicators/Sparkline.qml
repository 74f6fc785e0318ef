import QtQuick

// A small line of the last values, no axes. Repaints only when the values change.
// yearStarts [{index, year}]: the line breaks where a new year starts, with a thin rule and the
// year, so that a year-to-date series restarting in January reads as a restart, not a collapse.
Canvas {
    id: spark
    property var values: []
    property var yearStarts: []
    property color color: "#9ecbff"
    property color ruleColor: "#6b7f95"
    property real lineWidth: 3
    property real labelPixelSize: 12
    onValuesChanged: requestPaint()
    onYearStartsChanged: requestPaint()
    onWidthChanged: requestPaint()
    onHeightChanged: requestPaint()
    onPaint: {
        const ctx = getContext("2d");
        ctx.reset();
        const v = spark.values || [];
        if (v.length < 2)
            return;
        let lo = Math.min(...v), hi = Math.max(...v);
        if (hi === lo) { hi += 1; lo -= 1; }
        const breaks = (spark.yearStarts || []).map(b => b.index);
        // Room for the year above the line when the sparkline is tall enough; else the rule only.
        const withYear = breaks.length > 0 && height >= spark.labelPixelSize * 3;
        const top = withYear ? spark.labelPixelSize * 1.2 : 0;
        const xAt = i => i / (v.length - 1) * (width - lineWidth) + lineWidth / 2;
        const yAt = val => height - lineWidth / 2 - (val - lo) / (hi - lo) * (height - top - lineWidth);
        ctx.strokeStyle = spark.ruleColor;
        ctx.fillStyle = spark.ruleColor;
        ctx.lineWidth = 1;
        ctx.font = Math.round(spark.labelPixelSize) + "px sans-serif";
        for (const b of spark.yearStarts || []) {
            const x = (xAt(b.index - 1) + xAt(b.index)) / 2;
            ctx.beginPath();
            ctx.moveTo(x, top * 0.2);
            ctx.lineTo(x, height);
            ctx.stroke();
            // The year right of its rule, or left of it near the right edge.
            const label = String(b.year);
            const w = ctx.measureText(label).width;
            if (withYear)
                ctx.fillText(label, x + 4 + w <= width ? x + 4 : x - 4 - w, spark.labelPixelSize);
        }
        ctx.strokeStyle = spark.color;
        ctx.lineWidth = spark.lineWidth;
        ctx.beginPath();
        for (let i = 0; i < v.length; ++i) {
            if (i === 0 || breaks.indexOf(i) >= 0)
                ctx.moveTo(xAt(i), yAt(v[i]));
            else
                ctx.lineTo(xAt(i), yAt(v[i]));
        }
        ctx.stroke();
    }
}
