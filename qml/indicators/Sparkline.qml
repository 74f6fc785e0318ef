import QtQuick

// A small line of the last values, no axes. Repaints only when the values change.
Canvas {
    id: spark
    property var values: []
    property color color: "#9ecbff"
    property real lineWidth: 3
    onValuesChanged: requestPaint()
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
        ctx.strokeStyle = spark.color;
        ctx.lineWidth = spark.lineWidth;
        ctx.beginPath();
        for (let i = 0; i < v.length; ++i) {
            const x = i / (v.length - 1) * (width - lineWidth) + lineWidth / 2;
            const y = height - lineWidth / 2 - (v[i] - lo) / (hi - lo) * (height - lineWidth);
            if (i === 0)
                ctx.moveTo(x, y);
            else
                ctx.lineTo(x, y);
        }
        ctx.stroke();
    }
}
