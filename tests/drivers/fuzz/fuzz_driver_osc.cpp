// OSC: the bytes as one datagram, as a TCP stream (split at an arbitrary point, both framings
// chosen by the first byte) and as an address pattern against the wall's addresses. Whatever
// decodes must re-encode to something that decodes the same. Nothing may crash, hang or throw.
#include "osc.h"

#include <cstdint>
#include <cstdlib>
#include <string_view>

using namespace opswall::drivers;
using namespace opswall::drivers::osc;

namespace {
void roundTrip(const std::vector<Message> &messages) {
    for (const Message &m : messages) {
        if (validate(m))
            continue; // a pattern address is fine to receive, never sent
        const Decoded again = decode(encode(m));
        const auto *back = std::get_if<std::vector<Message>>(&again);
        if (!back || back->size() != 1 || (*back)[0].describe() != m.describe())
            std::abort();
    }
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    const Decoded d = decode(data, size);
    if (const auto *messages = std::get_if<std::vector<Message>>(&d))
        roundTrip(*messages);

    StreamDecoder stream(4096);
    const std::size_t half = size ? data[0] % (size + 1) : 0;
    stream.push(data, half);
    stream.push(data + half, size - half);
    for (int guard = 0; guard < 100000; ++guard) {
        auto next = stream.next();
        if (!std::holds_alternative<Bytes>(next))
            break;
        const Bytes &packet = std::get<Bytes>(next);
        (void)decode(packet);
    }

    const std::string_view text(reinterpret_cast<const char *>(data), size);
    for (const char *method :
         {"/opswall/preset/recall", "/opswall/briefing/next", "/opswall/blank"})
        (void)matches(text, method);
    return 0;
}
