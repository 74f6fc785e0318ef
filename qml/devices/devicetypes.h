#pragma once
// Registers the devices layer's C++ types in the QML module OpsWall.Devices. They are defined in
// opswall_devices (app/devices) so C++ code and tests use them without the QML module.

#include "devices/deviceservice.h"
#include "devices/devicestatemodel.h"

#include <QtQml/qqmlregistration.h>

namespace opswall::devices::qml {

// The instance main() built: DeviceService::create returns opswall::lookup<DeviceService>(engine).
struct DeviceServiceForeign {
    Q_GADGET
    QML_FOREIGN(opswall::devices::DeviceService)
    QML_NAMED_ELEMENT(Devices)
    QML_SINGLETON
};

struct DeviceStateModelForeign {
    Q_GADGET
    QML_FOREIGN(opswall::devices::DeviceStateModel)
    QML_NAMED_ELEMENT(DeviceStateModel)
    QML_UNCREATABLE("Devices.model is the one device state model")
};

} // namespace opswall::devices::qml
