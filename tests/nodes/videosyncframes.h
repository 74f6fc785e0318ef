// Frames as nodes report them (app/nodes/videosync.h FrameShown), for the unit tests of the
// controller's reading of them (tst_nodes_videosync) and of its skew trims
// (tst_nodes_videosync_trims).
#pragma once

#include "nodes/videosync.h"

#include <optional>

namespace nodetest {

constexpr qint64 kMs = 1000000;

// An RTP frame of a 90 kHz stream.
inline opswall::nodes::FrameShown frame(quint32 rtp, qint64 shownNs,
                                        const QString &stream = QStringLiteral("cam")) {
    return {stream, rtp, 90000, shownNs, 0, std::nullopt};
}
// A 3 s clip's frame: position in ticks of 90 kHz, loop 270000 ticks.
inline opswall::nodes::FrameShown clipFrame(qint64 positionMs, qint64 shownNs) {
    return {QStringLiteral("clip"), quint32(positionMs * 90), 90000, shownNs, 270000, std::nullopt};
}

} // namespace nodetest
