#include "core/diagnostics.h"

#include <algorithm>
#include <array>

namespace opswall::diagnostics {

namespace {
constexpr std::array<SwitchInfo, 7> kSwitches{{
    {Switch::VideoStages, "OPSWALL_VIDEO_STAGES", 0, 1},
    {Switch::VideoTextures, "OPSWALL_VIDEO_TEXTURES", 0, 1},
    {Switch::VideoConvert, "OPSWALL_VIDEO_VIDEOCONVERT", 0, 1},
    {Switch::VideoSoftwareGl, "OPSWALL_VIDEO_SOFTWARE_GL", 0, 1},
    {Switch::LogGuiThreadSql, "OPSWALL_LOG_GUI_THREAD_SQL", 0, 1},
    {Switch::StandbyBuildAhead, "OPSWALL_STANDBY_BUILD_AHEAD", 0, 2},
    {Switch::NodeVideoLatencyMs, "OPSWALL_NODE_VIDEO_LATENCY_MS", 0, 10000},
}};
} // namespace

std::span<const SwitchInfo> switches() {
    return kSwitches;
}

std::optional<int> value(Switch s, QString *why) {
    const auto it = std::find_if(kSwitches.begin(), kSwitches.end(),
                                 [s](const SwitchInfo &i) { return i.id == s; });
    if (it == kSwitches.end() || !qEnvironmentVariableIsSet(it->variable))
        return std::nullopt;
    bool ok = false;
    const int v = qEnvironmentVariableIntValue(it->variable, &ok);
    if (!ok || v < it->min || v > it->max) {
        if (why)
            *why = QStringLiteral("%1 must be %2-%3")
                       .arg(QLatin1String(it->variable))
                       .arg(it->min)
                       .arg(it->max);
        return std::nullopt;
    }
    return v;
}

} // namespace opswall::diagnostics
