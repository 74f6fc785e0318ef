// Fuzzes the standby link's frames (app/nodes/standbyprotocol.h): any bytes, fed whole and in
// pieces, through the frame reader; every frame it returns must be within its type's bound, and a
// hello that parses must survive a round trip. The reader never returns a frame after an error.
#include "nodes/standbyprotocol.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    using namespace opswall::nodes::standby;
    const QByteArray in(reinterpret_cast<const char *>(data), qsizetype(size));
    for (const qsizetype step : {qsizetype(size) + 1, qsizetype(1), qsizetype(7)}) {
        FrameReader reader;
        bool broken = false;
        for (qsizetype i = 0; i < in.size(); i += step) {
            reader.append(in.mid(i, step));
            Frame f;
            QString why;
            for (;;) {
                const FrameReader::Status st = reader.next(&f, &why);
                if (st == FrameReader::Status::NeedMore)
                    break;
                if (st == FrameReader::Status::Error) {
                    if (why.isEmpty())
                        std::abort(); // an error always says why
                    broken = true;
                    break;
                }
                if (broken || f.type == FrameType::Invalid ||
                    f.payload.size() > 8 + kMaxSnapshotBytes)
                    std::abort();
                if (const auto o = jsonOf(f.payload, &why))
                    if (const auto hello = parseHello(*o, &why)) {
                        const auto back = parseHello(helloJson(*hello), &why);
                        if (!back || back->id != hello->id || back->epoch != hello->epoch ||
                            back->active != hello->active)
                            std::abort();
                    }
            }
            if (broken)
                break;
        }
    }
    return 0;
}
