#include "reconnect.h"

#include <algorithm>

namespace opswall::drivers {

ReconnectDecision ReconnectPolicy::decide(LinkEvent event, int failuresSoFar) const {
    switch (event) {
    case LinkEvent::Connected:
        return {LinkAction::None, 0};
    case LinkEvent::ReplyTimeout:
        return {reconnectOnReplyTimeout ? LinkAction::Reconnect : LinkAction::None, 0};
    case LinkEvent::ConnectFailed:
    case LinkEvent::Closed: {
        const int failures = std::max(0, failuresSoFar) + 1;
        if (failures >= maxAttempts)
            return {LinkAction::GiveUp, 0};
        // Bounded exponential backoff: initial, 2x, 4x ... capped (no immediate tight loop).
        long long delay = initialDelayMs;
        for (int i = 1; i < failures && delay < maxDelayMs; ++i)
            delay *= 2;
        return {LinkAction::Reconnect, int(std::min<long long>(delay, maxDelayMs))};
    }
    case LinkEvent::Invalid:
        break;
    }
    return {LinkAction::Invalid, 0};
}

} // namespace opswall::drivers
