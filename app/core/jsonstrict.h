#pragma once
// Duplicate keys in a JSON text. QJsonDocument silently keeps the last of two equal keys, so
// {"role":"viewer","role":"admin"} would read as admin while a log or a reviewer sees viewer.
// findDuplicateKey() scans the raw text before it is parsed and names the first key that occurs
// twice in one object (escapes decoded: "a" and "\u0061" are the same key).
//
// Bounded and allocation-light: one pass, O(n log n) over the keys, nesting deeper than
// kMaxDepth stops the scan (QJsonDocument refuses such a text anyway). Not a validator: a text
// that is not JSON gives std::nullopt here and a parse error from QJsonDocument afterwards.
//
//   if (auto d = findDuplicateKey(body))
//       return error(400, "duplicate_key", d->message(), d->path); // "source.uri"

#include <QByteArrayView>
#include <QString>

#include <optional>

namespace opswall {

struct DuplicateKey {
    QString path;         // "source.uri", "layout.tiles[2].id", "role" (the key itself at the top)
    QString key;          // "uri"
    qsizetype offset = 0; // byte offset of the second occurrence
    QString message() const; // "duplicate key 'uri' in 'source'"
};

inline constexpr int kMaxJsonScanDepth = 512;

std::optional<DuplicateKey> findDuplicateKey(QByteArrayView json);

} // namespace opswall
