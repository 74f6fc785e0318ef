#pragma once
// Test side of the journal's native protocol: decodes one datagram into fields, the way
// systemd-journald reads them (https://systemd.io/JOURNAL_NATIVE_PROTOCOL/). Bounded: a length
// past the end of the datagram is an error, not a read past it.
#include <QByteArray>
#include <QMultiMap>
#include <QtEndian>

#include <optional>

namespace journaltest {

inline std::optional<QMultiMap<QByteArray, QByteArray>> decode(const QByteArray &d) {
    QMultiMap<QByteArray, QByteArray> out;
    qsizetype at = 0;
    while (at < d.size()) {
        const qsizetype nl = d.indexOf('\n', at);
        if (nl < 0)
            return std::nullopt;
        const QByteArray line = d.mid(at, nl - at);
        const qsizetype eq = line.indexOf('=');
        if (eq >= 0) {
            out.insert(line.left(eq), line.mid(eq + 1));
            at = nl + 1;
            continue;
        }
        // KEY\n<u64 le size><value>\n
        if (nl + 1 + 8 > d.size())
            return std::nullopt;
        const quint64 size = qFromLittleEndian<quint64>(d.constData() + nl + 1);
        const qsizetype start = nl + 1 + 8;
        if (size > quint64(d.size() - start) || start + qsizetype(size) >= d.size() ||
            d.at(start + qsizetype(size)) != '\n')
            return std::nullopt;
        out.insert(line, d.mid(start, qsizetype(size)));
        at = start + qsizetype(size) + 1;
    }
    return out;
}

} // namespace journaltest
