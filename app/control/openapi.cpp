#include "control/openapi.h"

#include "control/openapi_yaml.h" // generated from openapi.yaml

namespace opswall::control {
QByteArray openApiYaml() {
    return QByteArray::fromRawData(kOpenApiYaml, sizeof kOpenApiYaml - 1);
}
} // namespace opswall::control
