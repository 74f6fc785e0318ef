#pragma once
// The OpenAPI document (app/control/openapi.yaml), compiled in; served at /api/v1/openapi.yaml.
#include <QByteArray>

namespace opswall::control {
QByteArray openApiYaml();
}
