// Fuzzes the controller's reading of a node's video report (app/nodes/videosync.h): any bytes as
// {"frames": [...]}. What parses is within its bounds, and any two frames give a skew or none
// (a file's, with loopTicks, within half its clip).
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
        for (const FrameShown &b : *frames) {
            const auto skew = skewNs(a, b);
            if (skew && a.rtpTime == b.rtpTime && a.loopTicks == 0 &&
                *skew != a.shownNs - b.shownNs)
                std::abort();
            // A file's skew is taken at its nearest loop: never more than half a clip.
            if (skew && a.loopTicks > 0 &&
                std::llabs(*skew) > qint64(a.loopTicks) * 1000000000LL / a.clockRate / 2 + 1)
                std::abort();
        }
    }
    return 0;
}
