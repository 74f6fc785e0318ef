#pragma once
// The physical wall (DESIGN.md "The wall model"): displays placed in millimetres, the outputs
// (windows on the controller) that feed them, and the canvas, the wall's coordinate space in which
// layouts place tiles.
//
// Canvas: millimetres on the wall, origin at the top-left of the wall's bounding box, y down.
// A display's outer rectangle (as mounted, i.e. after rotation) lies in the canvas; its active area
// is the outer rectangle less the bezels. What a display shows is its *source rectangle* of the
// canvas:
//   - bezel compensation ON: the active area. Content behind a bezel is hidden, so a straight
//     line crossing two displays stays straight (what control rooms want);
//   - bezel compensation OFF: the whole outer rectangle squeezed into the active area, so nothing
//     is hidden but lines crossing a bezel jump by the bezel width.

#include <QList>
#include <QPointF>
#include <QRect>
#include <QRectF>
#include <QSize>
#include <QString>
#include <QTransform>

namespace opswall::wall {

// Rectangles that merely touch (or overlap by less than this) do not overlap.
inline constexpr double kOverlapEpsilonMm = 0.01;

struct BezelMm {
    double left = 0, top = 0, right = 0, bottom = 0;
    bool operator==(const BezelMm &) const = default;
};

// Rotation of the panel as mounted, clockwise. Stored as degrees; anything else is invalid.
enum class Rotation { R0 = 0, R90 = 90, R180 = 180, R270 = 270 };

struct Display {
    QString id;         // stable name used by layouts, outputs and the API ("D1", "r2c3")
    int deviceId = 0;   // the ID the display's control protocol answers to (MDC/NEC/LG set ID)
    QString label;      // shown in preview and calibration ("1", "A3"); defaults to id
    QPointF positionMm; // top-left of the outer rectangle in the canvas
    QSizeF sizeMm;      // outer size as mounted (after rotation)
    BezelMm bezelMm;    // as mounted: left is the bezel on the wall's left side
    Rotation rotation = Rotation::R0;
    QSize nativeResolution{1920, 1080}; // the panel's own pixels, landscape as manufactured

    QRectF outerRectMm() const { return {positionMm, sizeMm}; }
    QRectF activeRectMm() const;
    // The canvas rectangle this display shows (see the header comment).
    QRectF sourceRectMm(bool bezelCompensation) const;
    // Pixels as they appear on the wall (native resolution swapped for 90/270).
    QSize mountedResolution() const;
    bool operator==(const Display &) const = default;
};

// One region of an output that goes to one display (a splitter or the display's own tiling mode
// cuts one output into several regions).
struct OutputRegion {
    QString displayId;
    QRect rectPx; // within the output, in output pixels
    bool operator==(const OutputRegion &) const = default;
};

struct Output {
    QString name;   // "HDMI-1"
    QString screen; // QScreen name in production; empty = place by geometry
    QRect geometry; // window geometry in the controller's desktop, pixels
    QList<OutputRegion> regions;
    bool operator==(const Output &) const = default;
};

struct Wall {
    QString name;
    QList<Display> displays;
    QList<Output> outputs;
    bool bezelCompensation = true;

    const Display *display(const QString &id) const;
    // Bounding box of every display's outer rectangle (the canvas extent), origin at 0,0 when the
    // wall was built by the grid generator.
    QRectF canvasRectMm() const;
    // Displays whose outer rectangle intersects rect (with more than a hair of overlap), in wall
    // order.
    QStringList displaysCovering(const QRectF &rectMm) const;
    bool operator==(const Wall &) const = default;
};

// Maps between the canvas and one display's panel pixels, taking the source rectangle and the
// rotation into account: canvasToPanel maps a canvas point (mm) to the panel pixel it lights.
QTransform canvasToPanel(const Display &d, bool bezelCompensation);
QPointF canvasToPanel(const Display &d, bool bezelCompensation, QPointF canvasMm);
QPointF panelToCanvas(const Display &d, bool bezelCompensation, QPointF panelPx);

// A regular grid as a convenience: rows x cols of identical displays with a gap between outer
// rectangles; ids "r1c1"…, device ids 1… row-major, labels "1"….
struct GridSpec {
    int rows = 0;
    int cols = 0;
    QSizeF activeMm;  // active area of one panel
    BezelMm bezelMm;  // bezel per side of one panel
    double gapMm = 0; // air gap between neighbouring outer rectangles
    QSize nativeResolution{1920, 1080};
    Rotation rotation = Rotation::R0;
    int outputCount = 1; // outputs split the grid into vertical bands of whole columns
};
Wall makeGrid(const GridSpec &spec, const QString &name = {});

} // namespace opswall::wall
