#include "pipelinebuilder.h"

#include <QUrl>
#include <QUrlQuery>

namespace opswall::video {

QString gstQuote(const QString &value) {
    QString out = value;
    out.replace(QLatin1String("\\"), QLatin1String("\\\\"));
    out.replace(QLatin1String("\""), QLatin1String("\\\""));
    return QLatin1Char('"') + out + QLatin1Char('"');
}

QString srtUri(const VideoSource &s) {
    QUrl url(s.uri);
    QUrlQuery query(url);
    query.removeAllQueryItems(QStringLiteral("mode"));
    query.removeAllQueryItems(QStringLiteral("latency"));
    query.addQueryItem(QStringLiteral("mode"), s.srtMode == SrtMode::Listener
                                                   ? QStringLiteral("listener")
                                                   : QStringLiteral("caller"));
    query.addQueryItem(QStringLiteral("latency"), QString::number(s.latencyMs));
    url.setQuery(query);
    return url.toString(QUrl::FullyEncoded);
}

PlanResult buildPlan(const VideoSource &s) {
    PlanResult result;
    if (auto bad = validateSource(s)) {
        result.error = bad->text();
        return result;
    }
    PipelinePlan plan;
    switch (s.kind) {
    case SourceKind::Rtsp:
        // uridecodebin ─▶ rtspsrc (protocols, latency) ─▶ rtpjitterbuffer ─▶ depay ─▶ decodebin ─▶
        // dec pads
        plan.front = QStringLiteral("uridecodebin name=dec uri=%1").arg(gstQuote(s.uri));
        plan.sourceProperties = {
            {"protocols",
             s.transport == RtspTransport::Udp ? QStringLiteral("udp") : QStringLiteral("tcp")},
            {"latency", QString::number(s.latencyMs)},
            // Bounded teardown: a frozen server must not hold the pipeline's NULL transition.
            {"teardown-timeout", QStringLiteral("100000000")},
            {"tcp-timeout", QStringLiteral("5000000")},
        };
        break;
    case SourceKind::Srt:
        // uridecodebin ─▶ srtsrc (caller|listener, latency) ─▶ typefind ─▶ tsdemux(latency=0) ─▶
        // parse ─▶ dec
        plan.front = QStringLiteral("uridecodebin name=dec uri=%1").arg(gstQuote(srtUri(s)));
        plan.tuneTsDemux = true;
        break;
    case SourceKind::RtpUdp:
        // filesrc(x.sdp) ─▶ sdpdemux(rtpbin, one udpsrc per m= line) ─▶ decodebin(dec)
        // sdpdemux is not autoplugged by uridecodebin (rank none). decodebin takes the first
        // stream, so validation requires the video m= line to come first.
        plan.front = QStringLiteral("filesrc location=%SDP_PATH% ! sdpdemux latency=%1 ! "
                                    "decodebin name=dec")
                         .arg(s.latencyMs);
        plan.sdpText = s.sdp;
        break;
    case SourceKind::Hls:
        // uridecodebin ─▶ souphttpsrc ─▶ hlsdemux ─▶ tsdemux ─▶ dec
    case SourceKind::Http:
        // uridecodebin ─▶ souphttpsrc ─▶ typefind ─▶ demux ─▶ dec
        plan.front = QStringLiteral("uridecodebin name=dec uri=%1").arg(gstQuote(s.uri));
        plan.live = s.kind == SourceKind::Http;
        plan.hls = s.kind == SourceKind::Hls;
        break;
    case SourceKind::File: {
        // uridecodebin ─▶ filesrc ─▶ demux ─▶ dec ; EOS → seek to 0
        const QString uri = s.uri.startsWith(QLatin1String("file:"))
                                ? s.uri
                                : QUrl::fromLocalFile(s.uri).toString(QUrl::FullyEncoded);
        plan.front = QStringLiteral("uridecodebin name=dec uri=%1").arg(gstQuote(uri));
        plan.live = false;
        plan.loop = s.loop;
        break;
    }
    case SourceKind::V4l2:
        // v4l2src ─▶ decodebin (raw passes through; MJPEG/H.264 cameras are decoded)
        plan.front =
            QStringLiteral("v4l2src device=%1 ! decodebin name=dec").arg(gstQuote(s.device));
        break;
    case SourceKind::TestPattern:
        // videotestsrc(live) ─▶ caps ─▶ timeoverlay ─▶ identity(dec)
        plan.front = QStringLiteral("videotestsrc is-live=true pattern=%1 ! "
                                    "video/x-raw,width=%2,height=%3,framerate=%4/1 ! "
                                    "timeoverlay ! identity name=dec")
                         .arg(s.pattern)
                         .arg(s.size.width())
                         .arg(s.size.height())
                         .arg(s.fps);
        break;
    case SourceKind::Pipeline:
        // <expert fragment> ─▶ decodebin (passes raw video through)
        plan.front = s.pipeline.trimmed() + QStringLiteral(" ! decodebin name=dec");
        plan.custom = true;
        break;
    case SourceKind::Invalid:
        result.error = QStringLiteral("kind: is missing or unknown");
        return result;
    }
    result.plan = plan;
    return result;
}

} // namespace opswall::video
