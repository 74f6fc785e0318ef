// Fuzzes the line protocol's framing and parsing: bytes in any split -> lines -> commands.
#include "control/lineprotocol.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    using namespace opswall::control;
    const QByteArray in(reinterpret_cast<const char *>(data), qsizetype(size));
    LineFramer framer(64);
    const qsizetype cut = in.isEmpty() ? 0 : qsizetype(data[0]) % (in.size() + 1);
    QList<QByteArray> lines = framer.feed(in.left(cut));
    lines += framer.feed(in.mid(cut));
    for (const QByteArray &line : lines) {
        if (line.size() > 64)
            std::abort(); // the framer's bound holds
        const LineCommand c = parseLine(line);
        if (c.kind == LineCommandKind::Error && c.errorCode.isEmpty())
            std::abort();
        if (c.kind == LineCommandKind::Submit && c.action.type.isEmpty())
            std::abort();
    }
    return 0;
}
