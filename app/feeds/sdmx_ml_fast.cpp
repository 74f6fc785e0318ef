// The fast SDMX-ML reader (parseSdmxMlFast): the UTF-8 bytes scanned in place, accepting only what
// it checks completely; see sdmx_ml_adapter.cpp for the two readers and how they share the work.
#include "feeds/adapters.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <string_view>
#include <vector>

namespace opswall::feeds {

namespace {

using Bytes = std::string_view;

inline bool isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}
inline bool isNameStart(unsigned char c) {
    return ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c == '_';
}
inline bool isNameChar(unsigned char c) {
    return isNameStart(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

// One UTF-8 character at p that is an XML Char (no C0/C1 controls, surrogates, U+FFFE/U+FFFF or
// other noncharacters: stricter than XML needs, never looser). Returns the end, nullptr if not.
const char *utf8XmlChar(const char *p, const char *end) {
    std::uint32_t cp = 0;
    const int len = detail::utf8Sequence(reinterpret_cast<const unsigned char *>(p), end - p, &cp);
    if (len < 2 || cp < 0xA0 || (cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE)
        return nullptr;
    return p + len;
}

struct QName {
    Bytes qualified, prefix, local;
};

// Reads an ASCII QName (NCName or prefix:NCName) at p; returns its end or nullptr.
const char *readQName(const char *p, const char *end, QName *out) {
    const char *start = p;
    if (p == end || !isNameStart(static_cast<unsigned char>(*p)))
        return nullptr;
    const char *colon = nullptr;
    for (++p; p < end; ++p) {
        const auto c = static_cast<unsigned char>(*p);
        if (c == ':') {
            if (colon || p + 1 == end || !isNameStart(static_cast<unsigned char>(p[1])))
                return nullptr;
            colon = p;
        } else if (!isNameChar(c)) {
            break;
        }
    }
    if (p == end)
        return nullptr;
    out->qualified = Bytes(start, std::size_t(p - start));
    if (colon) {
        out->prefix = Bytes(start, std::size_t(colon - start));
        out->local = Bytes(colon + 1, std::size_t(p - colon - 1));
    } else {
        out->prefix = {};
        out->local = out->qualified;
    }
    return p;
}

const char *skipSpace(const char *p, const char *end) {
    while (p < end && isSpace(*p))
        ++p;
    return p;
}

bool startsWith(const char *p, const char *end, Bytes s) {
    return std::size_t(end - p) >= s.size() && std::memcmp(p, s.data(), s.size()) == 0;
}

// Character data up to the next '<' (or the end): XML characters only, the five predefined
// entities, no "]]>". Returns where it stopped, nullptr if the fast path cannot accept it.
const char *readText(const char *p, const char *end, bool *plain) {
    const char *start = p;
    while (p < end) {
        const auto c = static_cast<unsigned char>(*p);
        if (c == '<')
            break;
        if (c >= 0x80) {
            p = utf8XmlChar(p, end);
            if (!p)
                return nullptr;
            continue;
        }
        if (c == '&') {
            *plain = false;
            const char *q = p + 1;
            bool known = false;
            for (Bytes e :
                 {Bytes("lt;"), Bytes("gt;"), Bytes("amp;"), Bytes("quot;"), Bytes("apos;")}) {
                if (startsWith(q, end, e)) {
                    p = q + e.size();
                    known = true;
                    break;
                }
            }
            if (!known)
                return nullptr;
            continue;
        }
        if (c == '>' && p - start >= 2 && p[-1] == ']' && p[-2] == ']')
            return nullptr;
        if (c == '\r')
            *plain = false;
        else if (c < 0x20 && c != '\t' && c != '\n')
            return nullptr;
        ++p;
    }
    return p;
}

// "<!--" already matched at p; returns the end of the comment or nullptr.
const char *readComment(const char *p, const char *end) {
    for (p += 4; p < end;) {
        const auto c = static_cast<unsigned char>(*p);
        if (c == '-' && p + 1 < end && p[1] == '-')
            return p + 2 < end && p[2] == '>' ? p + 3 : nullptr;
        if (c >= 0x80) {
            p = utf8XmlChar(p, end);
            if (!p)
                return nullptr;
            continue;
        }
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
            return nullptr;
        ++p;
    }
    return nullptr;
}

// Pseudo-attribute of the XML declaration: S name S? = S? quoted value.
const char *readPseudo(const char *p, const char *end, Bytes name, Bytes *value) {
    const char *q = skipSpace(p, end);
    if (q == p || !startsWith(q, end, name))
        return nullptr;
    q = skipSpace(q + name.size(), end);
    if (q == end || *q != '=')
        return nullptr;
    q = skipSpace(q + 1, end);
    if (q == end || (*q != '"' && *q != '\''))
        return nullptr;
    const char quote = *q++;
    const char *v = q;
    while (q < end && *q != quote) {
        if (*q == '<' || *q == '&' || static_cast<unsigned char>(*q) < 0x20 ||
            static_cast<unsigned char>(*q) >= 0x80)
            return nullptr;
        ++q;
    }
    if (q == end)
        return nullptr;
    *value = Bytes(v, std::size_t(q - v));
    return q + 1;
}

bool equalsIgnoreCase(Bytes a, Bytes b) {
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if ((a[i] | 0x20) != (b[i] | 0x20))
            return false;
    return true;
}

// <?xml version="1.0" [encoding="UTF-8"] [standalone="yes|no"] ?>, "<?xml" matched at p.
const char *readDeclaration(const char *p, const char *end) {
    Bytes v;
    p = readPseudo(p + 5, end, "version", &v);
    if (!p || v != "1.0")
        return nullptr;
    if (const char *q = readPseudo(p, end, "encoding", &v)) {
        if (!equalsIgnoreCase(v, "UTF-8"))
            return nullptr;
        p = q;
    }
    if (const char *q = readPseudo(p, end, "standalone", &v)) {
        if (v != "yes" && v != "no")
            return nullptr;
        p = q;
    }
    p = skipSpace(p, end);
    return startsWith(p, end, "?>") ? p + 2 : nullptr;
}

struct Attribute {
    QName name;
    Bytes value;
};

// An ASCII attribute value (up to 128 bytes) as UTF-16 on the stack, for Period::parse.
struct Utf16View {
    char16_t buffer[128];
    qsizetype size = -1;
    explicit Utf16View(Bytes b) {
        if (b.size() > std::size(buffer))
            return;
        for (std::size_t i = 0; i < b.size(); ++i) {
            if (static_cast<unsigned char>(b[i]) >= 0x80)
                return;
            buffer[i] = char16_t(b[i]);
        }
        size = qsizetype(b.size());
    }
    bool ok() const { return size >= 0; }
    QStringView view() const { return QStringView(buffer, size); }
};

// parseDecimal's grammar on bytes (sign, digits, fraction, exponent; spaces around), converted
// by std::from_chars (correctly rounded, like the reader path's QStringView::toDouble).
std::optional<double> decimal(Bytes t) {
    while (!t.empty() && t.front() == ' ')
        t.remove_prefix(1);
    while (!t.empty() && t.back() == ' ')
        t.remove_suffix(1);
    if (t.empty() || t.size() > 64)
        return std::nullopt;
    std::size_t i = 0;
    const std::size_t n = t.size();
    auto digits = [&] {
        const std::size_t start = i;
        while (i < n && t[i] >= '0' && t[i] <= '9')
            ++i;
        return i - start;
    };
    const bool plus = t[0] == '+';
    if (t[0] == '+' || t[0] == '-')
        ++i;
    std::size_t mant = digits();
    if (i < n && t[i] == '.') {
        ++i;
        mant += digits();
    }
    if (mant == 0)
        return std::nullopt;
    if (i < n && (t[i] == 'e' || t[i] == 'E')) {
        ++i;
        if (i < n && (t[i] == '+' || t[i] == '-'))
            ++i;
        if (digits() == 0)
            return std::nullopt;
    }
    if (i != n)
        return std::nullopt;
    double v = 0;
    const char *first = t.data() + (plus ? 1 : 0);
    const auto [ptr, ec] = std::from_chars(first, t.data() + n, v);
    if (ec != std::errc() || ptr != t.data() + n || !std::isfinite(v))
        return std::nullopt;
    return v;
}

} // namespace

std::optional<ParseResult> detail::parseSdmxMlFast(QByteArrayView bytes, const FeedMapping &m,
                                                   const ParseLimits &limits) {
    const char *p = bytes.data();
    const char *const end = p + bytes.size();
    if (startsWith(p, end, "\xEF\xBB\xBF"))
        p += 3;
    if (startsWith(p, end, "<?xml")) {
        p = readDeclaration(p, end);
        if (!p)
            return std::nullopt;
    }
    // The mapping's attribute names, compared as bytes with the document's qualified names.
    const QByteArray indicatorAttr = m.indicatorAttribute.toUtf8();
    QList<QByteArray> dimensionAttrs;
    for (const QString &d : m.dimensionAttributes)
        dimensionAttrs << d.toUtf8();
    const auto asBytes = [](const QByteArray &b) { return Bytes(b.data(), std::size_t(b.size())); };

    std::vector<Bytes> open;                          // qualified names of the open elements
    std::vector<std::pair<Bytes, std::size_t>> scope; // declared prefixes, at element level
    std::vector<Attribute> attrs;
    open.reserve(16);
    scope.reserve(16);
    attrs.reserve(16);

    detail::SeriesCollector out(limits);
    ParseResult result;
    qsizetype current = -1;
    double scale = 1.0;
    int depth = 0;
    std::size_t skipLevel = 0; // inside an element skipped by the filter: its level
    bool sawDataSet = false;
    bool sawRoot = false;

    const auto find = [&attrs](Bytes qualified) -> const Attribute * {
        for (const Attribute &a : attrs)
            if (a.name.qualified == qualified)
                return &a;
        return nullptr;
    };
    const auto declared = [&scope](Bytes prefix) {
        for (auto it = scope.rbegin(); it != scope.rend(); ++it)
            if (it->first == prefix)
                return true;
        return false;
    };
    const auto closeElement = [&](Bytes local) {
        open.pop_back();
        while (!scope.empty() && scope.back().second > open.size())
            scope.pop_back();
        if (skipLevel) {
            if (open.size() < skipLevel)
                skipLevel = 0; // the skipped element's end: consumed, like skipCurrentElement
            return;
        }
        --depth;
        if (local == "Series")
            current = -1;
    };

    while (p < end) {
        if (*p != '<') {
            if (open.empty()) { // before or after the root: white space only
                if (!isSpace(*p))
                    return std::nullopt;
                ++p;
                continue;
            }
            bool plain = true;
            p = readText(p, end, &plain);
            if (!p)
                return std::nullopt;
            continue;
        }
        if (p + 1 == end)
            return std::nullopt;
        if (p[1] == '!') {
            if (!startsWith(p, end, "<!--"))
                return std::nullopt; // DTD, CDATA: the reader says what it thinks
            p = readComment(p, end);
            if (!p)
                return std::nullopt;
            continue;
        }
        if (p[1] == '?')
            return std::nullopt; // processing instructions, a misplaced declaration
        if (p[1] == '/') {
            QName name;
            const char *q = readQName(p + 2, end, &name);
            if (!q || open.empty() || name.qualified != open.back())
                return std::nullopt;
            q = skipSpace(q, end);
            if (q == end || *q != '>')
                return std::nullopt;
            p = q + 1;
            closeElement(name.local);
            continue;
        }

        // A start tag.
        if (open.empty() && sawRoot)
            return std::nullopt; // a second root
        QName name;
        const char *q = readQName(p + 1, end, &name);
        if (!q)
            return std::nullopt;
        attrs.clear();
        bool selfClosing = false;
        for (;;) {
            const char *s = skipSpace(q, end);
            if (s == end)
                return std::nullopt;
            if (*s == '>') {
                q = s + 1;
                break;
            }
            if (*s == '/') {
                if (s + 1 == end || s[1] != '>')
                    return std::nullopt;
                q = s + 2;
                selfClosing = true;
                break;
            }
            if (s == q)
                return std::nullopt; // attributes are separated by white space
            Attribute a;
            q = readQName(s, end, &a.name);
            if (!q)
                return std::nullopt;
            q = skipSpace(q, end);
            if (q == end || *q != '=')
                return std::nullopt;
            q = skipSpace(q + 1, end);
            if (q == end || (*q != '"' && *q != '\''))
                return std::nullopt;
            const char quote = *q++;
            const char *v = q;
            while (q < end && *q != quote) {
                const auto c = static_cast<unsigned char>(*q);
                if (c >= 0x80) {
                    q = utf8XmlChar(q, end);
                    if (!q)
                        return std::nullopt;
                    continue;
                }
                // '<' is an error; '&' and the white space XML normalises: the reader's job.
                if (c < 0x20 || c == '<' || c == '&')
                    return std::nullopt;
                ++q;
            }
            if (q == end)
                return std::nullopt;
            a.value = Bytes(v, std::size_t(q - v));
            ++q;
            for (const Attribute &b : attrs)
                if (b.name.local == a.name.local)
                    return std::nullopt; // a duplicate (or one the reader may think so)
            attrs.push_back(a);
        }
        // Namespaces: declarations first, then every prefix used must be in scope.
        const std::size_t level = open.size() + 1;
        bool declarations = false;
        for (const Attribute &a : attrs) {
            const bool isDefault = a.name.qualified == "xmlns";
            if (a.name.prefix != "xmlns" && !isDefault)
                continue;
            declarations = true;
            constexpr Bytes xmlUri = "http://www.w3.org/XML/1998/namespace";
            if (!isDefault && a.name.local == "xml" && a.value == xmlUri)
                continue; // the one binding of xml allowed (SBV_BOP_VNM.xml has it)
            if (a.value == xmlUri || a.value == "http://www.w3.org/2000/xmlns/")
                return std::nullopt;
            if (isDefault)
                continue;
            if (a.name.local == "xml" || a.name.local == "xmlns" || a.value.empty())
                return std::nullopt;
            scope.emplace_back(a.name.local, level);
        }
        if (!name.prefix.empty() &&
            (name.prefix == "xml" || name.prefix == "xmlns" || !declared(name.prefix)))
            return std::nullopt;
        for (const Attribute &a : attrs)
            if (!a.name.prefix.empty() && a.name.prefix != "xmlns" && a.name.prefix != "xml" &&
                !declared(a.name.prefix))
                return std::nullopt;
        if (declarations) // not attributes for the reader either
            std::erase_if(attrs, [](const Attribute &a) {
                return a.name.prefix == "xmlns" || a.name.qualified == "xmlns";
            });
        open.push_back(name.qualified);
        p = q;

        if (skipLevel) {
            if (selfClosing)
                closeElement(name.local);
            continue;
        }
        if (++depth > limits.maxDepth)
            return std::nullopt;
        const Bytes local = name.local;
        if (!sawRoot) {
            sawRoot = true;
            if (local != "StructureSpecificData")
                return std::nullopt;
        } else if (local == "Prepared") {
            // The reader's readElementText: plain text up to this element's end tag.
            QString text;
            if (!selfClosing) {
                bool plain = true;
                const char *t = readText(p, end, &plain);
                if (!t || !plain || !startsWith(t, end, "</"))
                    return std::nullopt;
                text = QString::fromUtf8(p, qsizetype(t - p));
                p = t; // the end tag is read (and checked) by the loop
            }
            result.source = text;
        } else if (local == "DataSet") {
            sawDataSet = true;
        } else if (local == "Series") {
            const Attribute *ind = find(asBytes(indicatorAttr));
            if (!ind || ind->value.empty())
                return std::nullopt;
            const QString indicator =
                QString::fromUtf8(ind->value.data(), qsizetype(ind->value.size()));
            if (!m.includeIndicators.isEmpty() && !m.includeIndicators.contains(indicator)) {
                --depth;
                if (selfClosing)
                    open.pop_back(); // skipped whole; its scope goes with it
                else
                    skipLevel = open.size();
                while (!scope.empty() && scope.back().second > open.size())
                    scope.pop_back();
                continue;
            }
            QStringList dims;
            for (const QByteArray &d : dimensionAttrs) {
                const Attribute *a = find(asBytes(d));
                dims << (a ? QString::fromUtf8(a->value.data(), qsizetype(a->value.size()))
                           : QString());
            }
            current = out.indexOf(indicator, dims.join(QLatin1Char('.')));
            if (current < 0)
                return std::nullopt;
            int unitMult = 0;
            if (const Attribute *um = find("UNIT_MULT")) {
                bool ok = false;
                unitMult =
                    QString::fromUtf8(um->value.data(), qsizetype(um->value.size())).toInt(&ok);
                if (!ok || unitMult < -15 || unitMult > 15)
                    return std::nullopt;
            }
            scale = m.applyUnitMult ? std::pow(10.0, unitMult) : 1.0;
            Series &series = out.at(current);
            series.unitMult = m.applyUnitMult ? 0 : unitMult;
            for (const Attribute &a : attrs) {
                series.attributes.insert(
                    QString::fromLatin1(a.name.local.data(), qsizetype(a.name.local.size())),
                    QString::fromUtf8(a.value.data(), qsizetype(a.value.size())));
            }
        } else if (local == "Obs") {
            if (current < 0)
                return std::nullopt;
            const Attribute *tp = find("TIME_PERIOD");
            if (!tp)
                return std::nullopt;
            const Utf16View period(tp->value);
            if (!period.ok())
                return std::nullopt;
            const std::optional<Period> when = Period::parse(period.view());
            if (!when)
                return std::nullopt;
            const Attribute *ov = find("OBS_VALUE");
            if (ov && !ov->value.empty() && ov->value != "NaN") {
                const std::optional<double> v = decimal(ov->value);
                if (!v || !out.addAt(current, Observation{*when, *v * scale}))
                    return std::nullopt;
            }
        }
        if (selfClosing)
            closeElement(local);
    }
    if (!sawRoot || !open.empty() || !sawDataSet)
        return std::nullopt;
    const QString source = result.source;
    result.series = out.take();
    result.source = source;
    return result;
}

} // namespace opswall::feeds
