#pragma once
// The video tests' hub, and a window with one VideoItem showing a binding from it: what the
// stream and kind tests look at (tst_video_stream, tst_video_kinds; the hub for tst_video_tile).
#include "video/videohub.h"
#include "video/videoitem.h"

#include <QQuickWindow>
#include <QSize>
#include <QVariantMap>

#include <memory>

namespace opswall::video::test {

// A hub whose streams stop as soon as their last tile goes (no linger), as each test expects.
inline std::unique_ptr<VideoHub> makeUnlingeringHub() {
    StreamPolicy policy;
    policy.lingerMs = 0;
    return std::make_unique<VideoHub>(nullptr, policy);
}

struct VideoTile {
    std::unique_ptr<QQuickWindow> window;
    VideoItem *item = nullptr;
    VideoStream *stream() const { return item->stream(); }
};

inline VideoTile showVideoTile(VideoHub *hub, const QVariantMap &binding,
                               QSize size = QSize(640, 360)) {
    VideoTile t;
    t.window = std::make_unique<QQuickWindow>();
    t.window->resize(size);
    t.item = new VideoItem(t.window->contentItem());
    t.item->setSize(size);
    t.item->setHub(hub);
    t.item->setBinding(binding);
    t.window->show();
    return t;
}

} // namespace opswall::video::test
