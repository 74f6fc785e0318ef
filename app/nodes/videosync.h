#pragma once
// Pure: what the controller makes of its nodes' synchronised-video reports (nodewall.rep
// reportVideo). Each node says, per stream, the RTP time of a frame and when (on the shared
// clock, app/video/netclock.h) its GUI thread took it for the tiles; two nodes showing the same
// stream are compared by
//
//   skew(a, b) = (a.shownNs − b.shownNs) − (a.rtpTime − b.rtpTime) / clockRate
//
// how much later a shows the same instant of the stream than b. The RTP times are the same on
// both nodes for one RTP stream sent to all its clients (a shared gst-rtsp-server media; most
// cameras), so the formula needs no frame to be seen by both at the same moment.
//
// A file (or HLS video on demand) on the wall's timeline (app/video/filetimeline.h) reports its
// position in the clip as its "rtpTime" (ticks of clockRate) and the clip's length as
// "loopTicks": positions repeat each loop, so the skew is taken at the loop that makes it
// smallest (a skew of half a clip or more cannot be told from one loop more).

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>

namespace opswall::nodes {

struct FrameShown {
    QString stream;
    quint32 rtpTime = 0;
    int clockRate = 0;
    qint64 shownNs = 0;
    quint32 loopTicks = 0; // a file's length in clockRate ticks; 0: not a loop (RTP)
};

// {"frames": [...]} as a node sends it: at most kMaxFrames entries, each checked; std::nullopt
// with *why for anything else.
std::optional<QList<FrameShown>> parseFramesShown(const QByteArray &doc, QString *why);
constexpr int kMaxFrames = 256;
constexpr qsizetype kMaxFramesDocBytes = 64 * 1024;

// std::nullopt when a and b cannot be the same RTP stream: another stream or clock rate, or RTP
// times more than kMaxRtpApartSecs apart (separate RTP sessions with their own random offsets);
// for files, another loop length (another clip under the same key).
std::optional<qint64> skewNs(const FrameShown &a, const FrameShown &b);
constexpr int kMaxRtpApartSecs = 60;

} // namespace opswall::nodes
