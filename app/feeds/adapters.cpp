#include "feeds/adapters.h"

#include <QJsonArray>

namespace opswall::feeds {

namespace detail {

std::int64_t firstInvalidUtf8(QByteArrayView bytes) {
    const auto *p = reinterpret_cast<const unsigned char *>(bytes.data());
    const std::int64_t n = bytes.size();
    std::int64_t i = 0;
    while (i < n) {
        if (p[i] < 0x80) {
            ++i;
            continue;
        }
        std::uint32_t cp = 0;
        const int len = utf8Sequence(p + i, n - i, &cp);
        if (len == 0)
            return i;
        i += len;
    }
    return -1;
}

int jsonDepth(QByteArrayView bytes, int limit, std::int64_t *where) {
    int depth = 0, maxDepth = 0;
    bool inString = false, escape = false;
    *where = -1;
    for (qsizetype i = 0; i < bytes.size(); ++i) {
        const char c = bytes[i];
        if (inString) {
            if (escape)
                escape = false;
            else if (c == '\\')
                escape = true;
            else if (c == '"')
                inString = false;
            continue;
        }
        if (c == '"') {
            inString = true;
        } else if (c == '[' || c == '{') {
            if (++depth > maxDepth)
                maxDepth = depth;
            if (depth > limit) {
                *where = i;
                return depth;
            }
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
    return maxDepth;
}

ParseResult fail(const QString &message, std::int64_t offset, const QString &where) {
    ParseResult r;
    r.error.message = message;
    r.error.offset = offset;
    r.error.where = where;
    return r;
}

bool SeriesCollector::add(const QString &indicator, const QString &dimension, const Observation &o,
                          const QString &unit) {
    if (++m_points > m_limits.maxPoints) {
        m_error = QStringLiteral("more than %1 observations").arg(m_limits.maxPoints);
        return false;
    }
    Series *s = series(indicator, dimension);
    if (!s)
        return false;
    if (s->unit.isEmpty())
        s->unit = unit;
    s->points.push_back(o);
    return true;
}

qsizetype SeriesCollector::indexOf(const QString &indicator, const QString &dimension) {
    Series *s = series(indicator, dimension);
    return s ? qsizetype(s - m_series.data()) : -1;
}

bool SeriesCollector::addAt(qsizetype index, const Observation &o) {
    if (++m_points > m_limits.maxPoints) {
        m_error = QStringLiteral("more than %1 observations").arg(m_limits.maxPoints);
        return false;
    }
    m_series[index].points.push_back(o);
    return true;
}

Series *SeriesCollector::series(const QString &indicator, const QString &dimension) {
    const QString key = indicator + QChar(0x1F) + dimension;
    auto it = m_index.constFind(key);
    if (it != m_index.constEnd())
        return &m_series[*it];
    if (m_series.size() >= m_limits.maxSeries) {
        m_error = QStringLiteral("more than %1 series").arg(m_limits.maxSeries);
        return nullptr;
    }
    m_index.insert(key, m_series.size());
    Series s;
    s.indicator = indicator;
    s.dimension = dimension;
    m_series.push_back(std::move(s));
    return &m_series.back();
}

QList<Series> SeriesCollector::take() {
    normalize(m_series);
    m_index.clear();
    return std::move(m_series);
}

} // namespace detail

ParseResult parseFeed(Format format, QByteArrayView bytes, const FeedMapping &mapping,
                      const ParseLimits &limits) {
    if (bytes.size() > limits.maxBytes)
        return detail::fail(QStringLiteral("document of %1 bytes is over the %2-byte limit")
                                .arg(bytes.size())
                                .arg(limits.maxBytes));
    switch (format) {
    case Format::Json:
        return parseJson(bytes, mapping, limits);
    case Format::Csv:
        return parseCsv(bytes, mapping, limits);
    case Format::SdmxMl:
        return parseSdmxMl(bytes, mapping, limits);
    case Format::SdmxJson:
        return parseSdmxJson(bytes, mapping, limits);
    case Format::WorldBank:
        return parseWorldBank(bytes, mapping, limits);
    case Format::Invalid:
        break;
    }
    return detail::fail(QStringLiteral("unknown feed format"));
}

QJsonObject seriesToJson(const ParseResult &result) {
    QJsonArray series;
    for (const Series &s : result.series) {
        QJsonArray points;
        for (const Observation &o : s.points)
            points.append(QJsonArray{o.period.toString(), o.value});
        QJsonObject so{{QStringLiteral("indicator"), s.indicator},
                       {QStringLiteral("dimension"), s.dimension},
                       {QStringLiteral("unit"), s.unit},
                       {QStringLiteral("points"), points}};
        if (s.unitMult != 0)
            so.insert(QStringLiteral("unitMult"), s.unitMult);
        if (!s.attributes.isEmpty()) {
            QJsonObject attrs;
            for (auto it = s.attributes.begin(); it != s.attributes.end(); ++it)
                attrs.insert(it.key(), it.value());
            so.insert(QStringLiteral("attributes"), attrs);
        }
        series.append(so);
    }
    QJsonObject o{{QStringLiteral("series"), series},
                  {QStringLiteral("pointCount"), double(result.pointCount())}};
    if (result.paging.page > 0)
        o.insert(QStringLiteral("paging"),
                 QJsonObject{{QStringLiteral("page"), result.paging.page},
                             {QStringLiteral("pages"), result.paging.pages},
                             {QStringLiteral("perPage"), result.paging.perPage},
                             {QStringLiteral("total"), result.paging.total}});
    if (!result.source.isEmpty())
        o.insert(QStringLiteral("source"), result.source);
    return o;
}

} // namespace opswall::feeds
