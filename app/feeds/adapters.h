#pragma once
// The format adapters: pure functions from bytes (and a mapping) to parsed series. No I/O, no
// global state; every one is bounded by ParseLimits and fuzzed (tests/feeds/fuzz_*.cpp).

#include "core/jsontypes.h"

#include "feeds/mapping.h"

#include <QByteArrayView>
#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstdint>
#include <optional>

namespace opswall::feeds {

ParseResult parseJson(QByteArrayView bytes, const FeedMapping &mapping, const ParseLimits &limits);
ParseResult parseCsv(QByteArrayView bytes, const FeedMapping &mapping, const ParseLimits &limits);
ParseResult parseSdmxMl(QByteArrayView bytes, const FeedMapping &mapping,
                        const ParseLimits &limits);
ParseResult parseSdmxJson(QByteArrayView bytes, const FeedMapping &mapping,
                          const ParseLimits &limits);
ParseResult parseWorldBank(QByteArrayView bytes, const FeedMapping &mapping,
                           const ParseLimits &limits);

// Dispatches on format.
ParseResult parseFeed(Format format, QByteArrayView bytes, const FeedMapping &mapping,
                      const ParseLimits &limits = {});

// Serialises parsed series as JSON (what `wallctl feed test` prints).
QJsonObject seriesToJson(const ParseResult &result);

// Parsed series as an SDMX-JSON 1.0 data message, the form parseSdmxJson reads: series keys
// REF_AREA:INDICATOR:FREQ (FREQ from Series::dimension), observations keyed by TIME_PERIOD in time
// order, each series' unit multiplier as its UNIT_MULT attribute. What the demo feed service's
// /sdmx-json view serves (app/feedservice) and bench_feeds parses.
struct SdmxJsonHeader {
    QString id;       // header.id: the dataset
    QString prepared; // header.prepared
    QString name;     // structure.name
    QString refArea = QStringLiteral("VN");
};
QByteArray toSdmxJson(const QList<Series> &series, const SdmxJsonHeader &header);

namespace detail {
// The UTF-8 sequence at p (avail > 0 bytes left there): its length (1 to 4) with its code point in
// *cp, or 0 when it is not UTF-8 (a stray or truncated sequence, a bad continuation byte, an
// overlong form, a surrogate, a value past U+10FFFF).
inline int utf8Sequence(const unsigned char *p, std::int64_t avail, std::uint32_t *cp) {
    const unsigned char c = p[0];
    int len = 0;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if ((c & 0xE0) == 0xC0) {
        len = 2;
        *cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
        len = 3;
        *cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
        len = 4;
        *cp = c & 0x07;
    } else {
        return 0;
    }
    if (avail < len)
        return 0;
    for (int k = 1; k < len; ++k) {
        if ((p[k] & 0xC0) != 0x80)
            return 0;
        *cp = (*cp << 6) | (p[k] & 0x3F);
    }
    if ((len == 2 && *cp < 0x80) || (len == 3 && *cp < 0x800) || (len == 4 && *cp < 0x10000) ||
        (*cp >= 0xD800 && *cp <= 0xDFFF) || *cp > 0x10FFFF)
        return 0;
    return len;
}
// Checks that bytes are well-formed UTF-8; returns the offset of the first bad byte or -1.
std::int64_t firstInvalidUtf8(QByteArrayView bytes);
// Maximum nesting of [ and { outside strings; stops counting past limit. Returns the offset where
// the limit was exceeded through *where (or -1).
int jsonDepth(QByteArrayView bytes, int limit, std::int64_t *where);
ParseResult fail(const QString &message, std::int64_t offset = -1, const QString &where = {});
// Parses JSON within the limits (size, nesting, UTF-8); on failure fills *error and returns false.
bool readJsonDocument(QByteArrayView bytes, const ParseLimits &limits, QJsonDocument *doc,
                      ParseResult *error);
using opswall::jsonTypeName; // a JSON value's type in words (core/jsontypes.h)
// Reads a value that must be a number (or a decimal string); null -> nullopt with *isNull.
// Wrong types set *error.
std::optional<double> jsonNumber(const QJsonValue &v, bool *isNull, QString *error);

// The two SDMX-ML readers behind parseSdmxMl. The fast one scans UTF-8 bytes in place (no
// per-observation allocation or copy) and accepts only what it can check completely: it returns
// nullopt for anything else (an error of any kind, a DTD, a processing instruction, CDATA,
// character references, another encoding, names outside ASCII, ...), and parseSdmxMl then runs
// the general QXmlStreamReader path, so results and error messages are the reader's own. The
// differential fuzz target and tst_feeds_adapters hold the two to the same results.
std::optional<ParseResult> parseSdmxMlFast(QByteArrayView bytes, const FeedMapping &mapping,
                                           const ParseLimits &limits);
ParseResult parseSdmxMlReader(QByteArrayView bytes, const FeedMapping &mapping,
                              const ParseLimits &limits);

// Groups observations into series by (indicator, dimension) and enforces the point/series limits.
class SeriesCollector {
public:
    explicit SeriesCollector(const ParseLimits &limits)
        : m_limits(limits) {}
    // Returns false (and sets the error) when a limit is exceeded.
    bool add(const QString &indicator, const QString &dimension, const Observation &o,
             const QString &unit = {});
    Series *series(const QString &indicator, const QString &dimension);
    // Index of the series (created if new), -1 past the series limit; then addAt is a cheap
    // append for formats that give many observations per series (SDMX).
    qsizetype indexOf(const QString &indicator, const QString &dimension);
    Series &at(qsizetype index) { return m_series[index]; }
    bool addAt(qsizetype index, const Observation &o);
    const QString &error() const { return m_error; }
    QList<Series> take();

private:
    ParseLimits m_limits;
    QList<Series> m_series;
    QHash<QString, qsizetype> m_index;
    std::int64_t m_points = 0;
    QString m_error;
};
} // namespace detail

} // namespace opswall::feeds
