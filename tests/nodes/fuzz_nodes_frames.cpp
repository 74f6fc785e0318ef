// Fuzzes the controller's reading of a node's video report (app/nodes/videosync.h): any bytes as
// {"frames": [...]}. What parses is within its bounds, and any two frames give a skew or none.
#include "nodes/videosync.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    using namespace opswall::nodes;
    const QByteArray in(reinterpret_cast<const char *>(data), qsizetype(size));
    QString why;
    const auto frames = parseFramesShown(in, &why);
    if (!frames) {
        if (why.isEmpty())
            std::abort(); // a refusal always says why
        return 0;
    }
    if (frames->size() > kMaxFrames)
        std::abort();
    for (const FrameShown &a : *frames) {
        if (a.stream.isEmpty() || a.clockRate <= 0 || a.shownNs < 0)
            std::abort();
        for (const FrameShown &b : *frames)
            if (const auto skew = skewNs(a, b);
                skew && a.rtpTime == b.rtpTime && *skew != a.shownNs - b.shownNs)
                std::abort();
    }
    return 0;
}
