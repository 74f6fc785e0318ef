#pragma once
// Registers the calibration layer's service in the QML module OpsWall.Calibration. It is defined
// in opswall_calibration (app/calibration) so C++ code and tests use it without the QML module.

#include "calibration/calibrationservice.h"

#include <QQmlEngine>
#include <QtQml/qqmlregistration.h>

namespace opswall::calibration::qml {

// The instance the shell built: CalibrationService::create returns lookup<CalibrationService>.
struct CalibrationServiceForeign {
    Q_GADGET
    QML_FOREIGN(opswall::calibration::CalibrationService)
    QML_NAMED_ELEMENT(Calibration)
    QML_SINGLETON
};

} // namespace opswall::calibration::qml
