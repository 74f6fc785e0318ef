#pragma once
// Registers the video layer's C++ types in the QML module OpsWall.Video. They are defined in
// opswall_video (app/video) so C++ code and tests use them without the QML module.

#include "video/videohub.h"
#include "video/videoitem.h"
#include "video/videostream.h"

#include <QtQml/qqmlregistration.h>

namespace opswall::video::qml {

struct VideoItemForeign {
    Q_GADGET
    QML_FOREIGN(opswall::video::VideoItem)
    QML_NAMED_ELEMENT(VideoItem)
};

// The instance main() built: VideoHub::create returns opswall::lookup<VideoHub>(engine).
struct VideoHubForeign {
    Q_GADGET
    QML_FOREIGN(opswall::video::VideoHub)
    QML_NAMED_ELEMENT(VideoHub)
    QML_SINGLETON
};

struct VideoStreamForeign {
    Q_GADGET
    QML_FOREIGN(opswall::video::VideoStream)
    QML_NAMED_ELEMENT(VideoStream)
    QML_UNCREATABLE("A VideoStream comes from VideoHub or a VideoItem's stream property")
};

} // namespace opswall::video::qml
