#include "panels/oscmap.h"

#include <array>

namespace opswall::panels {

namespace osc = drivers::osc;

namespace {

enum class Method {
    Invalid = 0,
    Recall,
    Next,
    Previous,
    BriefingBlank,
    Blank,
    Unmute,
    Mute,
    Lock,
    Sync
};

struct MethodInfo {
    const char *address;
    Method method;
};

constexpr std::array<MethodInfo, 9> kMethods = {{
    {"/opswall/preset/recall", Method::Recall},
    {"/opswall/briefing/next", Method::Next},
    {"/opswall/briefing/previous", Method::Previous},
    {"/opswall/briefing/blank", Method::BriefingBlank},
    {"/opswall/blank", Method::Blank},
    {"/opswall/audio/unmute", Method::Unmute},
    {"/opswall/audio/mute", Method::Mute},
    {"/opswall/lock", Method::Lock},
    {"/opswall/sync", Method::Sync},
}};

OscRequest invalid(const QString &why) {
    OscRequest r;
    r.error = why;
    return r;
}

OscRequest action(const char *type, QJsonObject params = {}) {
    OscRequest r;
    r.kind = OscRequest::Kind::Action;
    r.action = Action{QString::fromLatin1(type), std::move(params)};
    return r;
}

// The first argument as a whole number, or nullopt.
std::optional<std::int64_t> firstInt(const osc::Message &m) {
    return m.args.empty() ? std::nullopt : m.args.front().asInt();
}

} // namespace

OscRequest oscRequest(const osc::Message &message) {
    const QString address = QString::fromStdString(message.address);
    const MethodInfo *found = nullptr;
    int count = 0;
    for (const MethodInfo &m : kMethods)
        if (osc::matches(message.address, m.address)) {
            found = &m;
            ++count;
        }
    if (count == 0)
        return invalid(QStringLiteral("%1: not an address of the wall").arg(address));
    if (count > 1)
        return invalid(QStringLiteral("%1: the pattern matches %2 addresses; name one")
                           .arg(address)
                           .arg(count));
    const QString name = QString::fromLatin1(found->address);
    auto needsZeroOrOne = [&](std::optional<std::int64_t> v) { return !v || (*v != 0 && *v != 1); };
    switch (found->method) {
    case Method::Recall: {
        const auto id = firstInt(message);
        if (message.args.size() != 1 || !id || *id < 1 || *id > 1000000000)
            return invalid(QStringLiteral("%1 takes one int: the preset number").arg(name));
        return action("preset.recall", {{QStringLiteral("id"), qint64(*id)}});
    }
    case Method::Next:
        return action("briefing.next");
    case Method::Previous:
        return action("briefing.previous");
    case Method::BriefingBlank:
    case Method::Blank: {
        const auto on = firstInt(message);
        if (message.args.size() != 1 || needsZeroOrOne(on))
            return invalid(QStringLiteral("%1 takes one int: 1 blanks, 0 shows again").arg(name));
        // The wall has two actions, briefing.blank and briefing.unblank, without parameters.
        return action(*on == 1 ? "briefing.blank" : "briefing.unblank");
    }
    case Method::Unmute: {
        if (message.args.size() != 1 ||
            (message.args[0].type != osc::ArgType::String &&
             message.args[0].type != osc::ArgType::Symbol) ||
            message.args[0].s.empty() || message.args[0].s.size() > 128)
            return invalid(QStringLiteral("%1 takes one string: the video source id").arg(name));
        return action("audio.set",
                      {{QStringLiteral("source"), QString::fromStdString(message.args[0].s)}});
    }
    case Method::Mute:
        return action("audio.set", {{QStringLiteral("source"), QString()}});
    case Method::Lock: {
        const auto on = firstInt(message);
        if (message.args.size() != 1 || needsZeroOrOne(on))
            return invalid(QStringLiteral("%1 takes one int: 1 locks, 0 unlocks").arg(name));
        if (*on == 1)
            return action("lock.acquire", {{QStringLiteral("reason"), QStringLiteral("OSC")}});
        return action("lock.release");
    }
    case Method::Sync: {
        OscRequest r;
        r.kind = OscRequest::Kind::Sync;
        return r;
    }
    case Method::Invalid:
        break;
    }
    return invalid(QStringLiteral("%1: not an address of the wall").arg(address));
}

namespace {
osc::Message activePreset(const OscFeedbackState &s) {
    return {"/opswall/preset/active", {osc::Arg::int32(s.activePreset)}};
}
osc::Message lock(const OscFeedbackState &s) {
    return {"/opswall/lock",
            {osc::Arg::int32(s.locked ? 1 : 0), osc::Arg::string(s.lockHolder.toStdString())}};
}
osc::Message step(const OscFeedbackState &s) {
    return {"/opswall/briefing/step", {osc::Arg::int32(s.briefingStep)}};
}
} // namespace

std::vector<osc::Message> oscFeedback(const QJsonObject &event, OscFeedbackState &state) {
    const QString type = event.value(QStringLiteral("type")).toString();
    if (type == QLatin1String("preset.recall")) {
        state.activePreset = event.value(QStringLiteral("id")).toInt();
        return {activePreset(state)};
    }
    if (type == QLatin1String("lock.acquire")) {
        state.locked = true;
        state.lockHolder = event.value(QStringLiteral("by")).toString();
        return {lock(state)};
    }
    if (type == QLatin1String("lock.release") || type == QLatin1String("lock.expired")) {
        state.locked = false;
        state.lockHolder.clear();
        return {lock(state)};
    }
    // Briefing events carry the running briefing's state as "briefing" ({"active", "step", ...});
    // after briefing.end no briefing runs and the step is 0.
    if (type.startsWith(QLatin1String("briefing.")) && event.contains(QStringLiteral("briefing"))) {
        const QJsonObject b = event.value(QStringLiteral("briefing")).toObject();
        state.briefingStep = b.value(QStringLiteral("active")).toBool(true)
                                 ? b.value(QStringLiteral("step")).toInt()
                                 : 0;
        return {step(state)};
    }
    return {};
}

std::vector<osc::Message> oscFullState(const OscFeedbackState &state) {
    return {activePreset(state), lock(state), step(state)};
}

} // namespace opswall::panels
