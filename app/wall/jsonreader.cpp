#include "wall/jsonreader.h"

#include <cmath>
#include <limits>

namespace opswall::wall {

namespace {
// Returns the value, or reports missing/null. A missing optional field yields Undefined.
QJsonValue fetch(const JsonReader &r, const QJsonObject &o, const QString &key, bool required) {
    const QJsonValue v = o.value(key);
    if (v.isUndefined() && required)
        r.error(r.child(key), QStringLiteral("is required but missing"));
    return v;
}
} // namespace

std::optional<double> JsonReader::number(const QJsonObject &o, const QString &key, bool required,
                                         std::optional<double> fallback) const {
    const QJsonValue v = fetch(*this, o, key, required);
    if (v.isUndefined())
        return required ? std::nullopt : fallback;
    if (!v.isDouble()) {
        error(child(key), QStringLiteral("must be a number, got %1").arg(jsonTypeName(v)));
        return std::nullopt;
    }
    const double d = v.toDouble();
    if (!std::isfinite(d)) {
        error(child(key), QStringLiteral("must be a finite number"));
        return std::nullopt;
    }
    return d;
}

std::optional<int> JsonReader::integer(const QJsonObject &o, const QString &key, bool required,
                                       std::optional<int> fallback) const {
    const QJsonValue v = fetch(*this, o, key, required);
    if (v.isUndefined())
        return required ? std::nullopt : fallback;
    const double d = v.toDouble(std::numeric_limits<double>::quiet_NaN());
    if (!v.isDouble() || !std::isfinite(d) || d != std::floor(d) ||
        std::abs(d) > std::numeric_limits<int>::max()) {
        error(child(key), QStringLiteral("must be a whole number, got %1")
                              .arg(v.isDouble() ? QString::number(d) : jsonTypeName(v)));
        return std::nullopt;
    }
    return int(d);
}

std::optional<QString> JsonReader::string(const QJsonObject &o, const QString &key, bool required,
                                          std::optional<QString> fallback) const {
    const QJsonValue v = fetch(*this, o, key, required);
    if (v.isUndefined())
        return required ? std::nullopt : fallback;
    if (!v.isString()) {
        error(child(key), QStringLiteral("must be a string, got %1").arg(jsonTypeName(v)));
        return std::nullopt;
    }
    return v.toString();
}

std::optional<bool> JsonReader::boolean(const QJsonObject &o, const QString &key, bool required,
                                        std::optional<bool> fallback) const {
    const QJsonValue v = fetch(*this, o, key, required);
    if (v.isUndefined())
        return required ? std::nullopt : fallback;
    if (!v.isBool()) {
        error(child(key), QStringLiteral("must be true or false, got %1").arg(jsonTypeName(v)));
        return std::nullopt;
    }
    return v.toBool();
}

std::optional<QJsonObject> JsonReader::object(const QJsonObject &o, const QString &key,
                                              bool required) const {
    const QJsonValue v = fetch(*this, o, key, required);
    if (v.isUndefined())
        return std::nullopt;
    if (!v.isObject()) {
        error(child(key), QStringLiteral("must be an object, got %1").arg(jsonTypeName(v)));
        return std::nullopt;
    }
    return v.toObject();
}

std::optional<QJsonArray> JsonReader::array(const QJsonObject &o, const QString &key,
                                            bool required) const {
    const QJsonValue v = fetch(*this, o, key, required);
    if (v.isUndefined())
        return std::nullopt;
    if (!v.isArray()) {
        error(child(key), QStringLiteral("must be an array, got %1").arg(jsonTypeName(v)));
        return std::nullopt;
    }
    return v.toArray();
}

void JsonReader::rejectUnknown(const QJsonObject &o, const QStringList &known) const {
    for (auto it = o.begin(); it != o.end(); ++it)
        if (!known.contains(it.key()))
            error(child(it.key()), QStringLiteral("is not a known field (expected one of: %1)")
                                       .arg(known.join(u", ")));
}

} // namespace opswall::wall
