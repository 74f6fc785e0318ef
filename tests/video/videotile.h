#pragma once
// A window with one VideoItem showing a binding from a hub: what the stream and kind tests look
// at (tst_video_stream, tst_video_kinds).
#include "video/videohub.h"
#include "video/videoitem.h"

#include <QQuickWindow>
#include <QSize>
#include <QVariantMap>

#include <memory>

namespace opswall::video::test {

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
