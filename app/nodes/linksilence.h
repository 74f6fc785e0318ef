#pragma once
// The node link's heartbeat, pure (no timer): how long a peer has been silent, counted only while
// this process itself was running. Both sides beat every kBeatMs (nodewall.rep beat / nodeBeat)
// and tick a LinkSilence as often; a peer silent for the timeout is taken as lost: a controller
// that stopped answering with its sockets open (SIGSTOP, a hung process, a network path gone
// without a reset) for its nodes, a node so for its controller.
//
// Each tick adds the time since the previous tick, but at most kMaxStepBeats beats of it: a
// process that was itself stopped or stalled (its GUI thread busy for seconds, SIGSTOP, a laptop
// asleep) must not find its peer silent on waking because it was away itself; the peer's beats
// are in its socket, unread.

#include <QtGlobal>

#include <algorithm>

namespace opswall::nodes {

inline constexpr int kBeatMs = 250;
inline constexpr int kDefaultSilenceMs = 2000;
inline constexpr int kMinSilenceMs = 500;
inline constexpr int kMaxSilenceMs = 60000;

class LinkSilence {
public:
    static constexpr int kMaxStepBeats = 2;

    explicit LinkSilence(int timeoutMs = kDefaultSilenceMs)
        : m_timeoutMs(timeoutMs) {}

    // Something came from the peer.
    void heard() { m_silentMs = 0; }
    // sinceLastTickMs: the time since the previous tick (or since heard() for the first). True
    // once the peer has been silent for the timeout.
    bool tick(qint64 sinceLastTickMs) {
        m_silentMs += std::clamp<qint64>(sinceLastTickMs, 0, qint64(kMaxStepBeats) * kBeatMs);
        return m_silentMs >= m_timeoutMs;
    }
    qint64 silentMs() const { return m_silentMs; }
    int timeoutMs() const { return m_timeoutMs; }

private:
    int m_timeoutMs;
    qint64 m_silentMs = 0;
};

} // namespace opswall::nodes
