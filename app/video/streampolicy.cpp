#include "streampolicy.h"

#include <algorithm>
#include <cmath>

namespace opswall::video {

int StreamPolicy::backoffMs(int failures) const {
    const int n = std::max(1, failures);
    const double raw = initialBackoffMs * std::pow(backoffFactor, std::min(n - 1, 30));
    return int(std::clamp(raw, 0.0, double(maxBackoffMs)));
}

Decision decide(const StreamPolicy &policy, StreamEvent event, SupervisorState s) {
    using S = StreamState;
    Decision d{s, StreamAction::None, 0};
    const bool active = s.state == S::Connecting || s.state == S::Playing ||
                        s.state == S::Stalled || s.state == S::Reconnecting;
    const auto retry = [&](S next) {
        d.next.failures = s.failures + 1;
        if (policy.maxAttempts > 0 && d.next.failures >= policy.maxAttempts) {
            d.next.state = S::Failed;
            d.action = StreamAction::TearDown;
            return d;
        }
        d.next.state = next;
        d.action = StreamAction::TearDownAndRetry;
        d.delayMs = policy.backoffMs(d.next.failures);
        return d;
    };

    switch (event) {
    case StreamEvent::Start:
        if (s.state == S::Idle || s.state == S::Failed) {
            d.next = {S::Connecting, 0};
            d.action = StreamAction::Build;
        }
        return d;
    case StreamEvent::Stop:
        if (s.state != S::Idle) {
            d.next = {S::Idle, 0};
            d.action = StreamAction::TearDown;
        }
        return d;
    case StreamEvent::FirstFrame:
        if (s.state == S::Connecting || s.state == S::Reconnecting || s.state == S::Stalled)
            d.next = {S::Playing, 0};
        return d;
    case StreamEvent::Error:
    case StreamEvent::ConnectTimeout:
        if (active)
            return retry(S::Reconnecting);
        return d;
    case StreamEvent::WatchdogTimeout:
        if (s.state == S::Playing)
            return retry(S::Stalled);
        return d;
    case StreamEvent::FatalError:
        if (active) {
            d.next = {S::Failed, s.failures + 1};
            d.action = StreamAction::TearDown;
        }
        return d;
    case StreamEvent::RetryTimer:
        if (s.state == S::Reconnecting || s.state == S::Stalled) {
            d.next.state = S::Reconnecting;
            d.action = StreamAction::Build;
        }
        return d;
    case StreamEvent::Invalid:
        return d;
    }
    return d;
}

const char *streamStateName(StreamState state) {
    switch (state) {
    case StreamState::Idle:
        return "Idle";
    case StreamState::Connecting:
        return "Connecting";
    case StreamState::Playing:
        return "Playing";
    case StreamState::Stalled:
        return "Stalled";
    case StreamState::Reconnecting:
        return "Reconnecting";
    case StreamState::Failed:
        return "Failed";
    case StreamState::Invalid:
        break;
    }
    return "Invalid";
}

const char *streamEventName(StreamEvent event) {
    switch (event) {
    case StreamEvent::Start:
        return "Start";
    case StreamEvent::Stop:
        return "Stop";
    case StreamEvent::FirstFrame:
        return "FirstFrame";
    case StreamEvent::Error:
        return "Error";
    case StreamEvent::FatalError:
        return "FatalError";
    case StreamEvent::ConnectTimeout:
        return "ConnectTimeout";
    case StreamEvent::WatchdogTimeout:
        return "WatchdogTimeout";
    case StreamEvent::RetryTimer:
        return "RetryTimer";
    case StreamEvent::Invalid:
        break;
    }
    return "Invalid";
}

} // namespace opswall::video
