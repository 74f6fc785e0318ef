#pragma once
// The demo wall's geometry (assets/demo/wall.json) for tests that need a wall of the demo's
// shape without reading the file: 4 × 3 panels of 55 inches, 1920 × 1080 px, active area
// 1209.6 × 680.4 mm, bezels of 2.3 mm (left, top) and 1.2 mm (right, bottom), two outputs of
// two columns each; outer panels 1213.1 × 683.9 mm, canvas 4852.4 × 2051.7 mm.
#include "wall/geometry.h"

namespace opswall::testsupport {

inline wall::GridSpec demoWallSpec() {
    wall::GridSpec spec;
    spec.rows = 3;
    spec.cols = 4;
    spec.activeMm = {1209.6, 680.4};
    spec.bezelMm = {2.3, 2.3, 1.2, 1.2};
    spec.outputCount = 2;
    return spec;
}

inline wall::Wall demoWall(const QString &name = QStringLiteral("demo")) {
    return wall::makeGrid(demoWallSpec(), name);
}

} // namespace opswall::testsupport
