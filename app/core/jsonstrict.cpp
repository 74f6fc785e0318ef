#include "core/jsonstrict.h"

#include <charconv>
#include <set>
#include <vector>

namespace opswall {

namespace {

struct Frame {
    bool object = false;
    bool expectKey = false; // object: the next string is a key
    QString key;            // object: the current member's key
    qsizetype index = 0;    // array: the current element
    std::set<QString> keys; // object: keys seen so far
};

// Reads the string whose opening quote is at *i; leaves *i on its closing quote. False when the
// string does not end (the parser will say so).
bool readString(QByteArrayView s, qsizetype *i, QString *out) {
    QByteArray raw;
    auto flush = [&] {
        if (!raw.isEmpty()) {
            out->append(QString::fromUtf8(raw));
            raw.clear();
        }
    };
    for (qsizetype p = *i + 1; p < s.size(); ++p) {
        const char c = s[p];
        if (c == '"') {
            flush();
            *i = p;
            return true;
        }
        if (c != '\\') {
            raw.append(c);
            continue;
        }
        if (++p >= s.size())
            return false;
        const char e = s[p];
        char plain = 0;
        switch (e) {
        case '"':
        case '\\':
        case '/':
            plain = e;
            break;
        case 'b':
            plain = '\b';
            break;
        case 'f':
            plain = '\f';
            break;
        case 'n':
            plain = '\n';
            break;
        case 'r':
            plain = '\r';
            break;
        case 't':
            plain = '\t';
            break;
        case 'u': {
            if (p + 4 >= s.size())
                return false;
            // Exactly four hex digits, either case (from_chars takes no sign or "0x" here).
            unsigned unit = 0;
            const char *digits = s.data() + p + 1;
            if (std::from_chars(digits, digits + 4, unit, 16).ptr != digits + 4)
                return false;
            p += 4;
            flush();
            out->append(QChar(char16_t(unit)));
            continue;
        }
        default:
            return false;
        }
        raw.append(plain);
    }
    return false;
}

QString pathOf(const std::vector<Frame> &stack) {
    QString path;
    for (const Frame &f : stack) {
        if (f.object) {
            if (f.expectKey || f.key.isNull())
                continue; // the frame whose key is being read: not part of the path yet
            if (!path.isEmpty())
                path += u'.';
            path += f.key.left(64);
        } else {
            path += QStringLiteral("[%1]").arg(f.index);
        }
    }
    return path;
}

} // namespace

QString DuplicateKey::message() const {
    const qsizetype dot = path.size() - key.left(64).size() - 1;
    const QString where = dot > 0 ? path.left(dot) : QString();
    return where.isEmpty() ? QStringLiteral("duplicate key '%1'").arg(key.left(64))
                           : QStringLiteral("duplicate key '%1' in '%2'").arg(key.left(64), where);
}

std::optional<DuplicateKey> findDuplicateKey(QByteArrayView s) {
    std::vector<Frame> stack;
    for (qsizetype i = 0; i < s.size(); ++i) {
        const char c = s[i];
        switch (c) {
        case '{':
        case '[': {
            if (int(stack.size()) >= kMaxJsonScanDepth)
                return std::nullopt;
            Frame f;
            f.object = c == '{';
            f.expectKey = f.object;
            stack.push_back(std::move(f));
            break;
        }
        case '}':
        case ']':
            if (stack.empty())
                return std::nullopt;
            stack.pop_back();
            break;
        case ',':
            if (stack.empty())
                return std::nullopt;
            if (stack.back().object)
                stack.back().expectKey = true;
            else
                ++stack.back().index;
            break;
        case ':':
            if (!stack.empty())
                stack.back().expectKey = false;
            break;
        case '"': {
            QString text;
            const qsizetype at = i;
            if (!readString(s, &i, &text))
                return std::nullopt;
            if (stack.empty() || !stack.back().object || !stack.back().expectKey)
                break;
            Frame &f = stack.back();
            if (!f.keys.insert(text).second) {
                f.expectKey = false;
                f.key = text;
                return DuplicateKey{pathOf(stack), text, at};
            }
            f.key = text;
            break;
        }
        default:
            break;
        }
    }
    return std::nullopt;
}

} // namespace opswall
