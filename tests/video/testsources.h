#pragma once
// A video source as the tests declare one: its id, kind and (where it has one) URI; a test sets
// any other field itself (tst_video_kinds, tst_video_sources, tst_video_glsync, tst_video_livehls).
#include "video/videosource.h"

#include <QString>

namespace opswall::video::test {

inline VideoSource makeSource(const QString &id, SourceKind kind, const QString &uri = {}) {
    VideoSource s;
    s.id = id;
    s.kind = kind;
    s.uri = uri;
    return s;
}

} // namespace opswall::video::test
