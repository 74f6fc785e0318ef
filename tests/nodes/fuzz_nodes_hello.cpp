// Fuzzes the node link's opening lines (app/nodes/nodeprotocol.h): any bytes as a hello, as the
// controller's answer and as an outputs list. A hello that parses must survive a round trip.
#include "nodes/nodeprotocol.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    using namespace opswall::nodes;
    const QByteArray in(reinterpret_cast<const char *>(data), qsizetype(size));
    QString why;
    if (const auto hello = parseHello(in, &why)) {
        if (!validNodeId(hello->nodeId) || hello->outputs.isEmpty() ||
            hello->outputs.size() > kMaxOutputs || hello->token.isEmpty())
            std::abort();
        QByteArray again = helloLine(*hello);
        again.chop(1);
        const auto back = parseHello(again, &why);
        if (!back || back->nodeId != hello->nodeId || back->outputs != hello->outputs)
            std::abort();
    } else if (why.isEmpty()) {
        std::abort(); // a refusal always says why
    }
    QString reason;
    QByteArray key;
    if (parseAnswer(in, &reason, &key)) {
        // An OK has a link key of the right length, which reads back the same.
        QByteArray again;
        if (key.size() != kLinkKeyHexDigits || !parseAnswer(okLine(key), &reason, &again) ||
            again != key)
            std::abort();
    } else if (reason.isEmpty() && !in.trimmed().startsWith("REFUSED ")) {
        std::abort();
    }
    if (const auto outputs = parseOutputs(QString::fromUtf8(in), &why))
        for (int o : *outputs)
            if (o < 0 || o > kMaxOutputIndex)
                std::abort();
    return 0;
}
