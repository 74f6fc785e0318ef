// The opswall.panels document: any bytes through the parser and, when they parse, through
// toJson and back. Nothing may crash or throw; a document that loads must load again the same.
#include "panels/panelsconfig.h"

#include "core/permissions.h"

#include <QCoreApplication>

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    using namespace opswall::panels;
    static const BindingContext context = [] {
        BindingContext c;
        c.actions = opswall::knownActionTypes();
        c.presets = {1, 2, 3};
        c.displays = {QStringLiteral("r1c1")};
        return c;
    }();
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    const ParsedPanels parsed = parsePanels(bytes, context);
    if (parsed.config) {
        const QJsonObject doc = toJson(*parsed.config);
        const ParsedPanels again = parsePanels(doc, context);
        if (!again.config || toJson(*again.config) != doc)
            std::abort();
    }
    return 0;
}
