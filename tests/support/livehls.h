#pragma once
// A live HLS playlist for tests: gst-launch-1.0's arguments for a 320×90 SMPTE bars stream at
// 30 fps, H.264 (a key frame each second), cut by hlssink2 into 1 s MPEG-TS segments in `dir`
// (index.m3u8, the last five segments listed, ten kept).

#include <QProcess>
#include <QString>
#include <QStringList>

namespace opswall::testsupport {

inline QStringList liveHlsProducerArgs(const QString &dir) {
    return QStringList{QStringLiteral("-q")} +
           QProcess::splitCommand(
               QStringLiteral("videotestsrc is-live=true pattern=smpte ! "
                              "video/x-raw,width=320,height=90,framerate=30/1 ! x264enc "
                              "key-int-max=30 tune=zerolatency speed-preset=ultrafast ! "
                              "h264parse ! hlssink2 target-duration=1 playlist-length=5 "
                              "max-files=10 location=%1/seg%05d.ts "
                              "playlist-location=%1/index.m3u8")
                   .arg(dir));
}

} // namespace opswall::testsupport
