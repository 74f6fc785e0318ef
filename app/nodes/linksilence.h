#pragma once
// The node link's heartbeat, pure (no timer): how long a peer has been silent, counted only while
// this process itself was running. Both sides beat every kBeatMs (nodewall.rep beat / nodeBeat)
// and tick a LinkSilence as often; a peer silent for the timeout is taken as lost: a controller
// that stopped answering with its sockets open (SIGSTOP, a hung process, a network path gone
// without a reset) for its nodes, a node so for its controller.
//
// Each tick adds the time since the previous tick, but at most kMaxStepBeats beats of it (one): a
// process that was itself stopped or stalled (its GUI thread busy for seconds, SIGSTOP, a laptop
// asleep) must not find its peer silent on waking because it was away itself; the peer's beats
// are in its socket, unread. One beat, not more: a thread busy back to back (700 ms at a time)
// ticks on while its loop reads the sockets later than that, and at two beats a tick a controller
// so busy dropped a healthy node (app/nodes/README.md "What alive means").
//
// What "alive" means (README.md "Heartbeat"): the beats are sent and read on the GUI thread of
// either side, on purpose. A node whose GUI thread hangs draws nothing, and a controller whose GUI
// thread hangs answers no request and dispatches nothing, even though their network threads
// (the API's, GStreamer's) run on; so a peer is alive when its GUI thread turns. A legitimately
// busy GUI thread (a long frame, a long recall) is tolerated up to the timeout less a beat; a
// known long stall, a node making its windows, is announced (nodewall.rep nodeBusy: allow()).

#include <QtGlobal>

#include <algorithm>

namespace opswall::nodes {

inline constexpr int kBeatMs = 250;
inline constexpr int kDefaultSilenceMs = 2000;
inline constexpr int kMinSilenceMs = 500;
inline constexpr int kMaxSilenceMs = 60000;
// The longest silence a peer may announce (allow()), and what a node announces before it makes
// its windows (at its start, and when the wall changed its outputs): seconds on a busy machine.
inline constexpr int kMaxBusyMs = 60000;
inline constexpr int kWindowsBusyMs = 20000;

class LinkSilence {
public:
    static constexpr int kMaxStepBeats = 1;

    explicit LinkSilence(int timeoutMs = kDefaultSilenceMs)
        : m_timeoutMs(timeoutMs) {}

    // Something came from the peer.
    void heard() {
        m_silentMs = 0;
        m_allowedMs = 0;
    }
    // The peer said (it was heard) that it will be silent for up to ms: until it is heard again,
    // its silence is taken as lost only after max(the timeout, ms), ms at most kMaxBusyMs.
    void allow(int ms) {
        heard();
        m_allowedMs = std::clamp(ms, 0, kMaxBusyMs);
    }
    // sinceLastTickMs: the time since the previous tick (or since heard() for the first). True
    // once the peer has been silent for the timeout (or what it announced).
    bool tick(qint64 sinceLastTickMs) {
        m_silentMs += std::clamp<qint64>(sinceLastTickMs, 0, qint64(kMaxStepBeats) * kBeatMs);
        return m_silentMs >= std::max(m_timeoutMs, m_allowedMs);
    }
    qint64 silentMs() const { return m_silentMs; }
    int timeoutMs() const { return m_timeoutMs; }
    // What the peer announced for this silence (0: nothing).
    int allowedMs() const { return m_allowedMs; }

private:
    int m_timeoutMs;
    qint64 m_silentMs = 0;
    int m_allowedMs = 0;
};

} // namespace opswall::nodes
