// Fuzzes the store configuration reader (opswall --store-config): StoreConfig::applyJson must
// never crash, must leave the settings untouched when it refuses and say why, and what it
// accepts stays within the documented bounds.
#include "store/storeconfig.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    const QByteArray in(reinterpret_cast<const char *>(data), qsizetype(size));
    opswall::store::StoreConfig c;
    const opswall::store::StoreConfig before = c;
    QString error;
    if (!c.applyJson(in, &error)) {
        if (error.isEmpty() || c.minFreeBytes != before.minFreeBytes ||
            c.busyTimeoutMs != before.busyTimeoutMs ||
            c.retention.auditDays != before.retention.auditDays ||
            c.mediaFolder != before.mediaFolder || c.allowedImageUrls != before.allowedImageUrls)
            std::abort();
    } else if (c.busyTimeoutMs < 0 || c.busyTimeoutMs > 1000 || c.minFreeBytes < 0 ||
               c.retention.intervalMinutes < 1 || c.auditAnchorIntervalSeconds < 1) {
        std::abort();
    }
    return 0;
}
