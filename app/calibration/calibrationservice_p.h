#pragma once
// What the calibrationservice*.cpp files share (not installed, not included elsewhere).
#include "core/action.h"

#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcCalibration)

namespace opswall::calibration {
inline ActionResult invalid(const QString &message, const QString &field) {
    return ActionResult::failure(QStringLiteral("invalid"), message, field);
}
} // namespace opswall::calibration
