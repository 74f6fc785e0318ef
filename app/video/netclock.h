#pragma once
// Synchronised video across the processes of one wall (render nodes, issue #20).
//
//   controller                                   node (each)
//   GstSystemClock ─▶ GstNetTimeProvider ─UDP──▶ GstNetClientClock
//   SyncSettings {port, baseTimeNs, latencyMs} ─(the node link, nodewall.rep `clock`)─▶
//
// Every live pipeline of every process runs on that one clock, with the controller's base time
// and the controller's fixed pipeline latency, and its appsink synchronises (sync=true): a frame
// whose jitter buffer stamped it with running time t (its arrival, on the shared clock) is handed
// to the tiles at baseTime + t + latency on every node, so a stream shown by outputs of
// different nodes shows the same frame at the same time. The latency is fixed (not each
// pipeline's own LATENCY query) because that query depends on the machine (decoder threads).
//
// Skew is measured, not assumed: RtpTimeTrace notes each frame's RTP timestamp (the same on every
// node for a source that sends one RTP stream to all its clients, e.g. a shared gst-rtsp-server
// media), and SyncTrail keeps when (on the shared clock) the GUI thread took frames; the
// controller compares nodes' (RTP time, shown time) pairs (app/nodes/nodehub.cpp).

#include "gstptr.h"

#include <QJsonObject>
#include <QString>

#include <gst/gst.h>

#include <array>
#include <memory>
#include <mutex>
#include <optional>

namespace opswall::video {

// What the controller announces to its nodes.
struct SyncSettings {
    quint16 port = 0;      // the GstNetTimeProvider's UDP port, on the node link's host
    qint64 baseTimeNs = 0; // the pipelines' base time, on the shared clock
    int latencyMs = 0;     // every synchronised pipeline's latency
    QJsonObject toJson() const;
    // Bounded and checked: std::nullopt with *why for a document that is not one.
    static std::optional<SyncSettings> fromJson(const QJsonObject &o, QString *why);
    bool operator==(const SyncSettings &) const = default;
};

class SharedClock {
public:
    // Controller: serves its system clock on host (UDP, a free port) with latencyMs.
    static std::shared_ptr<SharedClock> serve(const QString &host, int latencyMs, QString *error);
    // Node: follows the controller's clock at host:settings.port.
    static std::shared_ptr<SharedClock> follow(const QString &host, const SyncSettings &settings,
                                               QString *error);
    ~SharedClock();
    SharedClock(const SharedClock &) = delete;
    SharedClock &operator=(const SharedClock &) = delete;

    const SyncSettings &settings() const { return m_settings; }
    // The shared clock's time, ns (any thread).
    qint64 nowNs() const;
    bool synced() const;
    // Waits, bounded, until the client clock has its first answer (true at once on the
    // controller).
    bool waitForSync(int timeoutMs) const;
    // Puts a pipeline (before PLAYING) on the shared clock, base time and latency.
    void apply(GstElement *pipeline) const;

    static constexpr int kDefaultLatencyMs = 400;

private:
    SharedClock() = default;
    GstClock *m_clock = nullptr;     // owned (one reference)
    GstObject *m_provider = nullptr; // controller: the GstNetTimeProvider, owned
    SyncSettings m_settings;
};

// Pure: a node's timeline of one RTP stream on the shared clock. Each packet's arrival (running
// time on the shared clock) minus its RTP time is how long it took to get here plus a constant;
// the smallest of the last kWindowSecs seconds is the fastest way through the network and this
// machine's load, which is nearly the same on every node of one LAN. A frame's presentation time
// is its RTP time plus that smallest offset: the same RTP time gives the same time on every node
// (the jitter buffer's own times follow each node's arrival jitter: under load they wandered up
// to 15 ms apart between two nodes on one machine). The window follows the sender's clock drift.
class RtpTimeline {
public:
    void arrived(quint32 rtpTime, int clockRate, qint64 arrivalNs);
    // std::nullopt before the first packet or for another clock rate.
    std::optional<qint64> ptsOf(quint32 rtpTime, int clockRate) const;
    static constexpr int kWindowSecs = 10;
    // The first seconds of a stream are forgotten once they are over: a sender starts a new
    // client with a burst ahead of its pace (measured: one node 16 ms early for the next 10 s).
    static constexpr int kStartSecs = 3;

private:
    qint64 extend(quint32 rtpTime) const; // 64-bit RTP time, near the last one seen
    qint64 mediaNs(qint64 extended) const;
    int m_rate = 0;
    quint32 m_lastRtp = 0;
    qint64 m_lastExt = 0;
    qint64 m_firstExt = 0;
    struct Bucket {
        qint64 second = -1;
        qint64 minOffsetNs = 0;
    };
    std::array<Bucket, kWindowSecs> m_buckets{};
    qint64 m_nowSecond = -1;
    qint64 m_startSecond = -1; // the first packet's second, until the start is forgotten
};

// Streaming threads, for a synchronised RTP source: notes video packets' arrival at the jitter
// buffer in an RtpTimeline, gives each packet at the depayloader its presentation time on that
// timeline, and keeps each frame's RTP time by that PTS (the decoder keeps it) for the appsink.
class RtpTimeTrace {
public:
    explicit RtpTimeTrace(std::shared_ptr<const SharedClock> clock)
        : m_clock(std::move(clock)) {}
    void attachJitterBuffer(GstElement *jitterBuffer);
    void attachDepayloader(GstElement *depayloader);
    struct Stamp {
        quint32 rtpTime = 0;
        int clockRate = 0; // 0: unknown
    };
    Stamp find(qint64 ptsNs);

private:
    static GstPadProbeReturn onArrival(GstPad *pad, GstPadProbeInfo *info, gpointer self);
    static GstPadProbeReturn onDepay(GstPad *pad, GstPadProbeInfo *info, gpointer self);
    void retime(GstBuffer *buffer, int clockRate);
    struct Entry {
        qint64 pts = -1;
        Stamp stamp;
    };
    std::shared_ptr<const SharedClock> m_clock;
    std::mutex m_mutex; // the arrivals' thread and the jitter buffer's output thread
    RtpTimeline m_timeline;
    std::array<Entry, 64> m_ring{};
    size_t m_next = 0;
    quint32 m_lastRtp = 0; // the depayloader's thread only: the frame retimed last
    qint64 m_lastPts = -1;
};

// GUI thread: the frames a stream handed to its tiles lately (media time, shared-clock time),
// and one sample of them: the shown time of the newest frame, as the median over the trail says
// (one late wake-up of the GUI thread does not move it). The media time is an RTP time, or a
// file's position on the wall's timeline (filetimeline.h) in a loop of loopTicks.
struct SyncSample {
    quint32 rtpTime = 0;
    int clockRate = 0;
    qint64 shownNs = 0;
    int frames = 0;        // how many frames the median is over
    quint32 loopTicks = 0; // a file's length in ticks; 0: not a loop
};
class SyncTrail {
public:
    void add(quint32 rtpTime, int clockRate, qint64 shownNs, quint32 loopTicks = 0);
    void clear() { m_count = 0; }
    std::optional<SyncSample> sample() const;

private:
    struct Point {
        quint32 rtpTime = 0;
        int clockRate = 0;
        qint64 shownNs = 0;
        quint32 loopTicks = 0;
    };
    std::array<Point, 30> m_points{};
    size_t m_next = 0;
    size_t m_count = 0;
};

} // namespace opswall::video
