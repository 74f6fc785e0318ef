#pragma once
// Pure supervisor logic for one stream (STYLE.md practices 7 and 8): the states, the events, the
// timeouts in one struct, and decide(policy, event, state) → next state + action + delay.
// No timers and no GStreamer here: VideoStream runs the timers and executes the decisions.
//
//            Start                FirstFrame
//   Idle ───────────▶ Connecting ───────────▶ Playing ◀──────────────┐
//    ▲                   │ Error/Timeout        │ Error/Eos           │ FirstFrame
//    │ Stop (any)        ▼                      ▼                     │
//    │              Reconnecting ◀──RetryTimer── (wait backoff) ──────┤
//    │                   ▲                      ▲ WatchdogTimeout     │
//    │                   └──── Stalled ◀────────┘ (no frame for stallTimeoutMs)
//    │                                FatalError (bad URL, unsupported codec) or attempts spent
//   Failed ◀──────────────────────────────────────────────────────────
//
// Each restart builds a fresh pipeline (STACK-NOTES: a reused pipeline fails with not-linked).

#include <QString>

namespace opswall::video {

enum class StreamState { Invalid = 0, Idle, Connecting, Playing, Stalled, Reconnecting, Failed };

enum class StreamEvent {
    Invalid = 0,
    Start,           // a tile wants the stream
    Stop,            // nobody wants it any more, or shutdown
    FirstFrame,      // a displayable frame arrived on the current pipeline
    Error,           // a recoverable failure: connection refused, reset, end of a live stream
    FatalError,      // retrying cannot help: malformed URL, unsupported codec, missing plug-in
    ConnectTimeout,  // no first frame within connectTimeoutMs
    WatchdogTimeout, // playing, but no frame for stallTimeoutMs (a frozen server says nothing)
    RetryTimer,      // the backoff delay has passed
};

enum class StreamAction {
    Invalid = 0,
    None,
    Build,            // build and start a fresh pipeline
    TearDownAndRetry, // dispose of the pipeline, then fire RetryTimer after delayMs
    TearDown,         // dispose of the pipeline, no retry
};

// Every timeout of the stream supervisor, in one place.
struct StreamPolicy {
    int connectTimeoutMs = 8000; // first frame of an attempt
    int stallTimeoutMs = 1500;   // frame watchdog while playing
    int initialBackoffMs = 250;
    int maxBackoffMs = 3000; // bounded: a dead camera costs one attempt per 3 s, not a core
    double backoffFactor = 2.0;
    int maxAttempts = 0;          // consecutive failures before Failed; 0 = keep trying
    int shutdownTimeoutMs = 3000; // all pipelines to NULL at exit
    int lingerMs = 1500;          // keep a stream after its last tile goes (preset switches)

    // Delay before attempt number `failures` (1-based): initial · factor^(failures-1), capped.
    int backoffMs(int failures) const;
};

struct SupervisorState {
    StreamState state = StreamState::Idle;
    int failures = 0; // consecutive, reset by FirstFrame
    friend bool operator==(const SupervisorState &, const SupervisorState &) = default;
};

struct Decision {
    SupervisorState next;
    StreamAction action = StreamAction::None;
    int delayMs = 0;
};

Decision decide(const StreamPolicy &policy, StreamEvent event, SupervisorState current);

const char *streamStateName(StreamState state);
const char *streamEventName(StreamEvent event);

} // namespace opswall::video
