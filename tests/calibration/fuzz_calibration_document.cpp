// The opswall.calibration document parser (import): any bytes, never a crash, a hang or a
// document that does not survive its own export.
#include "calibration/settings.h"

#include <QByteArray>

#include <cstddef>
#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    using namespace opswall::calibration;
    const QByteArray json(reinterpret_cast<const char *>(data), qsizetype(size));
    QString error, field;
    const auto doc = parseDocument(json, {}, &error, &field);
    if (!doc) {
        if (error.isEmpty())
            std::abort(); // a refusal always says why
        return 0;
    }
    const auto again = parseDocument(exportDocument(*doc), {}, &error, &field);
    if (!again || !(again->profiles == doc->profiles))
        std::abort();
    for (const auto &s : doc->profiles)
        (void)setCommands(s);
    return 0;
}
