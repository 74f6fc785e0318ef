#include "wall/geometry.h"

#include <algorithm>
#include <cmath>

namespace opswall::wall {

QRectF Display::activeRectMm() const {
    return QRectF(positionMm.x() + bezelMm.left, positionMm.y() + bezelMm.top,
                  sizeMm.width() - bezelMm.left - bezelMm.right,
                  sizeMm.height() - bezelMm.top - bezelMm.bottom);
}

QRectF Display::sourceRectMm(bool bezelCompensation) const {
    return bezelCompensation ? activeRectMm() : outerRectMm();
}

QSize Display::mountedResolution() const {
    return (rotation == Rotation::R90 || rotation == Rotation::R270) ? nativeResolution.transposed()
                                                                     : nativeResolution;
}

const Display *Wall::display(const QString &id) const {
    for (const Display &d : displays)
        if (d.id == id)
            return &d;
    return nullptr;
}

QRectF Wall::canvasRectMm() const {
    QRectF r;
    for (const Display &d : displays)
        r = r.isNull() ? d.outerRectMm() : r.united(d.outerRectMm());
    return r;
}

QStringList Wall::displaysCovering(const QRectF &rectMm) const {
    QStringList ids;
    for (const Display &d : displays) {
        const QRectF i = d.outerRectMm().intersected(rectMm);
        if (i.width() > kOverlapEpsilonMm && i.height() > kOverlapEpsilonMm)
            ids.append(d.id);
    }
    return ids;
}

QTransform canvasToPanel(const Display &d, bool bezelCompensation) {
    const QRectF src = d.sourceRectMm(bezelCompensation);
    const QSize mounted = d.mountedResolution();
    // Canvas -> mounted pixels (as seen on the wall, x right, y down).
    QTransform t =
        QTransform::fromTranslate(-src.x(), -src.y()) *
        QTransform::fromScale(mounted.width() / src.width(), mounted.height() / src.height());
    // Mounted pixels -> panel pixels. A panel rotated 90° clockwise has its pixel x axis running
    // down the wall and its y axis running right-to-left.
    const double w = mounted.width(), h = mounted.height();
    switch (d.rotation) {
    case Rotation::R0:
        break;
    case Rotation::R90: // panel x = mounted y; panel y = w - mounted x
        t = t * QTransform(0, -1, 1, 0, 0, w);
        break;
    case Rotation::R180:
        t = t * QTransform(-1, 0, 0, -1, w, h);
        break;
    case Rotation::R270: // panel x = h - mounted y; panel y = mounted x
        t = t * QTransform(0, 1, -1, 0, h, 0);
        break;
    }
    return t;
}

QPointF canvasToPanel(const Display &d, bool bezelCompensation, QPointF canvasMm) {
    return canvasToPanel(d, bezelCompensation).map(canvasMm);
}

QPointF panelToCanvas(const Display &d, bool bezelCompensation, QPointF panelPx) {
    return canvasToPanel(d, bezelCompensation).inverted().map(panelPx);
}

Wall makeGrid(const GridSpec &spec, const QString &name) {
    Wall wall;
    wall.name = name;
    const bool portrait = spec.rotation == Rotation::R90 || spec.rotation == Rotation::R270;
    const QSizeF active = portrait ? spec.activeMm.transposed() : spec.activeMm;
    const QSizeF outer(active.width() + spec.bezelMm.left + spec.bezelMm.right,
                       active.height() + spec.bezelMm.top + spec.bezelMm.bottom);
    for (int r = 0; r < spec.rows; ++r) {
        for (int c = 0; c < spec.cols; ++c) {
            Display d;
            const int n = r * spec.cols + c + 1;
            d.id = QStringLiteral("r%1c%2").arg(r + 1).arg(c + 1);
            d.deviceId = n;
            d.label = QString::number(n);
            d.positionMm = {c * (outer.width() + spec.gapMm), r * (outer.height() + spec.gapMm)};
            d.sizeMm = outer;
            d.bezelMm = spec.bezelMm;
            d.rotation = spec.rotation;
            d.nativeResolution = spec.nativeResolution;
            wall.displays.append(d);
        }
    }
    // Outputs: vertical bands of whole columns, each band one output window placed side by side
    // in the controller's desktop; each display gets its mounted resolution.
    const int outputs = std::clamp(spec.outputCount, 1, std::max(1, spec.cols));
    const QSize px = portrait ? spec.nativeResolution.transposed() : spec.nativeResolution;
    int firstCol = 0, desktopX = 0;
    for (int o = 0; o < outputs; ++o) {
        const int cols = (spec.cols - firstCol) / (outputs - o);
        Output out;
        out.name = QStringLiteral("OUT-%1").arg(o + 1);
        out.geometry = QRect(desktopX, 0, cols * px.width(), spec.rows * px.height());
        for (int r = 0; r < spec.rows; ++r)
            for (int c = 0; c < cols; ++c)
                out.regions.append(
                    {QStringLiteral("r%1c%2").arg(r + 1).arg(firstCol + c + 1),
                     QRect(c * px.width(), r * px.height(), px.width(), px.height())});
        wall.outputs.append(out);
        desktopX += out.geometry.width();
        firstCol += cols;
    }
    return wall;
}

} // namespace opswall::wall
