// Fuzzes the API configuration file reader (opswall --api-config): ServerConfig::applyJson must
// never crash, must leave the settings untouched when it refuses, and must say why.
#include "control/serverconfig.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    const QByteArray in(reinterpret_cast<const char *>(data), qsizetype(size));
    opswall::control::ServerConfig c;
    const opswall::control::ServerConfig before = c;
    QString error;
    if (!c.applyJson(in, &error)) {
        if (error.isEmpty() || c.port != before.port || c.host != before.host ||
            c.tlsCertFile != before.tlsCertFile || c.maxBodyBytes != before.maxBodyBytes ||
            c.rateBurst != before.rateBurst || c.lineEnabled != before.lineEnabled)
            std::abort();
    } else if (c.requestTimeoutMs < 100 || c.maxBodyBytes < 1024 || c.ratePerSecond <= 0) {
        std::abort(); // accepted values stay within the documented bounds
    }
    return 0;
}
