#pragma once
// The diagnostic and tuning switches, in one place: what an operator or a benchmark may set in
// the environment to measure or work around something (the test-only failure injection is
// testhooks.h). Each switch has one name and a range; a value that is not a whole number in its
// range counts as unset (and value() says why). Nothing here is read per frame: each caller reads
// its switch when it builds something (a pipeline, a tile's subscription, the store, a takeover),
// because bench_video and tst_video_tile turn the video switches on and off between rounds in one
// process; the store's switch is read once, at start.
//
// The table (variable, range, default; what; read by):
// - OPSWALL_VIDEO_STAGES 0..1 (0): pad probes time each stage of a pipeline; video::Pipeline.
// - OPSWALL_VIDEO_TEXTURES 0..1 (0): tiles draw RGB32 textures converted on the CPU instead of the
//   YUV shader; video::VideoItem, when a tile subscribes.
// - OPSWALL_VIDEO_VIDEOCONVERT 0..1 (0): pipelines convert with videoconvert, not libyuv;
//   video::fastConvertAvailable.
// - OPSWALL_VIDEO_SOFTWARE_GL 0..1 (0): qml6glsink even on a software rasteriser;
//   video::softwareGlReason.
// - OPSWALL_LOG_GUI_THREAD_SQL 0..1 (0): log each GUI-thread wait on the disk with its SQL;
//   store::noteGuiThreadWait.
// - OPSWALL_STANDBY_BUILD_AHEAD 0..2 (2): what a hot standby builds before a takeover (0 nothing,
//   1 fonts, boundaries and GStreamer, 2 also the wall's QML); shell::StandbyRole.
// - OPSWALL_NODE_VIDEO_LATENCY_MS 0..10000 (video::SharedClock::kDefaultLatencyMs): the shared
//   video clock's latency on the controller; an out-of-range value refuses to start.
//   shell::serveVideoClock.
#include <QString>

#include <optional>
#include <span>

namespace opswall::diagnostics {

enum class Switch {
    Invalid = 0,
    VideoStages,
    VideoTextures,
    VideoConvert,
    VideoSoftwareGl,
    LogGuiThreadSql,
    StandbyBuildAhead,
    NodeVideoLatencyMs,
};

struct SwitchInfo {
    Switch id = Switch::Invalid;
    const char *variable = nullptr;
    int min = 0;
    int max = 1;
};

std::span<const SwitchInfo> switches();

// The switch's value now: nullopt when unset, or when set but not a whole number in its range
// (then *why, if given, says "OPSWALL_X must be MIN-MAX").
std::optional<int> value(Switch s, QString *why = nullptr);

// A 0..1 switch set to 1.
inline bool isOn(Switch s) {
    return value(s) == 1;
}

} // namespace opswall::diagnostics
