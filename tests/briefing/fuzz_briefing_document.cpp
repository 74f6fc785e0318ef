// Fuzzes the briefing document reader (JSON -> briefingFromJson against the demo-sized wall, with
// a preset resolver): never a crash; a document it accepts writes back to one it accepts again,
// equal to the first (no silent changes).
#include "../support/demowall.h"
#include "briefing/briefing.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <cstddef>
#include <cstdint>
#include <cstdlib>

using namespace opswall;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    static const wall::Wall wall = testsupport::demoWall(QStringLiteral("fuzz"));
    const briefing::PresetTiles presets = [](const QString &name) -> std::optional<QStringList> {
        if (name == QLatin1String("Đầu tư công"))
            return QStringList{QStringLiteral("pubinv"), QStringLiteral("pubinv-map")};
        return std::nullopt;
    };
    if (size > 1024 * 1024)
        return 0;
    const QJsonDocument doc = QJsonDocument::fromJson(
        QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size)));
    const briefing::BriefingParse parsed = briefing::briefingFromJson(doc.object(), &wall, presets);
    if (!parsed.ok()) {
        for (const wall::Issue &i : parsed.issues)
            if (i.message.isEmpty())
                std::abort(); // every refusal says why
        return 0;
    }
    const briefing::BriefingParse again =
        briefing::briefingFromJson(briefing::briefingToJson(parsed.briefing), &wall, presets);
    if (!again.ok() || !(again.briefing == parsed.briefing))
        std::abort();
    return 0;
}
