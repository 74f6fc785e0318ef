#include "feeds/series.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace opswall::feeds {

QString formatName(Format format) {
    switch (format) {
    case Format::Json:
        return QStringLiteral("json");
    case Format::Csv:
        return QStringLiteral("csv");
    case Format::SdmxMl:
        return QStringLiteral("sdmx-ml");
    case Format::SdmxJson:
        return QStringLiteral("sdmx-json");
    case Format::WorldBank:
        return QStringLiteral("worldbank");
    case Format::Invalid:
        break;
    }
    return QStringLiteral("invalid");
}

Format formatFromName(const QString &name) {
    for (Format f :
         {Format::Json, Format::Csv, Format::SdmxMl, Format::SdmxJson, Format::WorldBank})
        if (formatName(f) == name)
            return f;
    return Format::Invalid;
}

QString ParseError::toString() const {
    QString s = message;
    QStringList at;
    if (!where.isEmpty())
        at << where;
    if (line > 0)
        at << QStringLiteral("line %1, column %2").arg(line).arg(column);
    if (offset >= 0)
        at << QStringLiteral("byte %1").arg(offset);
    if (!at.isEmpty())
        s += QStringLiteral(" (at %1)").arg(at.join(QStringLiteral(", ")));
    return s;
}

std::int64_t ParseResult::pointCount() const {
    std::int64_t n = 0;
    for (const Series &s : series)
        n += s.points.size();
    return n;
}

const Series *ParseResult::find(const QString &indicator, const QString &dimension) const {
    for (const Series &s : series)
        if (s.indicator == indicator && (dimension.isNull() || s.dimension == dimension))
            return &s;
    return nullptr;
}

void normalize(QList<Series> &series) {
    for (Series &s : series) {
        std::stable_sort(
            s.points.begin(), s.points.end(),
            [](const Observation &a, const Observation &b) { return a.period < b.period; });
        // Keep the last value published for a period (stable sort keeps document order).
        QList<Observation> unique;
        unique.reserve(s.points.size());
        for (const Observation &o : s.points) {
            if (!unique.isEmpty() && unique.back().period == o.period)
                unique.back() = o;
            else
                unique.push_back(o);
        }
        s.points = std::move(unique);
    }
}

std::optional<double> parseDecimal(QStringView input, bool decimalComma) {
    const QStringView trimmed = input.trimmed();
    QString owned;
    QStringView t = trimmed;
    if (t.isEmpty() || t.size() > 64)
        return std::nullopt;
    if (decimalComma) {
        owned = trimmed.toString();
        owned.remove(QLatin1Char(' '));
        owned.remove(QChar(0x00A0));
        owned.remove(QChar(0x202F));
        owned.remove(QLatin1Char('.'));
        owned.replace(QLatin1Char(','), QLatin1Char('.'));
        t = owned;
    }
    // Strict grammar: sign, digits, optional fraction, optional exponent. No nan/inf/hex.
    int i = 0;
    const int n = int(t.size());
    auto digits = [&] {
        int start = i;
        while (i < n && t[i].isDigit() && t[i].unicode() < 128)
            ++i;
        return i - start;
    };
    if (i < n && (t[i] == QLatin1Char('+') || t[i] == QLatin1Char('-')))
        ++i;
    int mant = digits();
    if (i < n && t[i] == QLatin1Char('.')) {
        ++i;
        mant += digits();
    }
    if (mant == 0)
        return std::nullopt;
    if (i < n && (t[i] == QLatin1Char('e') || t[i] == QLatin1Char('E'))) {
        ++i;
        if (i < n && (t[i] == QLatin1Char('+') || t[i] == QLatin1Char('-')))
            ++i;
        if (digits() == 0)
            return std::nullopt;
    }
    if (i != n)
        return std::nullopt;
    // The grammar above leaves ASCII only: convert with std::from_chars (correctly rounded, as
    // QStringView::toDouble is, at a fraction of its cost; this runs once per observation).
    char ascii[64];
    int len = 0;
    for (int k = t[0] == QLatin1Char('+') ? 1 : 0; k < n; ++k)
        ascii[len++] = char(t[k].unicode());
    double v = 0;
    const auto [end, ec] = std::from_chars(ascii, ascii + len, v);
    if (ec != std::errc() || end != ascii + len || !std::isfinite(v))
        return std::nullopt;
    return v;
}

} // namespace opswall::feeds
