#pragma once
// Reconnect decisions as a pure policy (STYLE.md practice 7): the link reports what happened and
// how many consecutive failures it has seen; the policy says what to do and after how long.
// The link's timer only executes the decision, so the policy is tested without timers.
namespace opswall::drivers {

enum class LinkEvent { Invalid = 0, Connected, ConnectFailed, Closed, ReplyTimeout };
enum class LinkAction { Invalid = 0, None, Reconnect, GiveUp };

struct ReconnectDecision {
    LinkAction action = LinkAction::Invalid;
    int delayMs = 0;
};

struct ReconnectPolicy {
    int initialDelayMs = 100;
    int maxDelayMs = 5000;
    int maxAttempts = 4; // consecutive failures before the command in hand is failed
    // A silent device on TCP is often a half-dead socket: reopen it. On a serial daisy chain one
    // mute panel must not make the port close and reopen under the others.
    bool reconnectOnReplyTimeout = true;

    ReconnectDecision decide(LinkEvent event, int failuresSoFar) const;
};

} // namespace opswall::drivers
