#pragma once
// Pictures of the wall's outputs for the operator console (GET /api/v1/outputs/{i}/snapshot):
// grabbed from the wall's own output windows on demand, scaled and JPEG-encoded off the GUI
// thread. Nothing runs while nobody asks. Requests for the same output and width within
// kReuseMs share one grab, so several consoles refreshing once a second cost one grab each.
//
//   request ──> fresh cache? ──yes──> done(jpeg)
//                  │ no
//                  ├─ a grab for (index, width) in flight? ──> wait for it
//                  └─ grab window (GUI thread) ──> scale + encode (thread pool) ──> cache, done

#include "core/action.h"

#include <QByteArray>
#include <QDeadlineTimer>
#include <QHash>
#include <QImage>
#include <QObject>

#include <functional>
#include <optional>
#include <vector>

namespace opswall::shell {

class OutputSnapshots : public QObject {
    Q_OBJECT
public:
    // The window of output `index` grabbed now; nullopt when there is no such output, a null
    // image when it cannot be grabbed. GUI thread.
    using Grab = std::function<std::optional<QImage>(int index, QString *why)>;
    using Done = std::function<void(ActionResult, QByteArray jpeg)>;

    explicit OutputSnapshots(QObject *parent = nullptr);

    void setGrab(Grab grab) { m_grab = std::move(grab); }
    // Whether output `index` can be grabbed now: its window is on screen (exposed; true for an
    // index that has no window here, which the grab then reports). A window is grabbed only once
    // it is: with Qt 6.4's threaded software render loop, a grab before a window's first expose
    // draws it into a store of pixels that the expose then replaces and does not draw again (no
    // change in the scene), so the window stayed black, on screen and in every grab, until its
    // content changed (a node's windows made again on a wall change, asked for a snapshot at
    // once). A request waits for it up to kShownWaitMs, then fails (unavailable). GUI thread.
    using Shown = std::function<bool(int index)>;
    void setShown(Shown shown) { m_shown = std::move(shown); }
    // Outputs another process draws (a render node, app/nodes): remote(index, widthPx, reply)
    // returns false when no such process draws output `index`; otherwise reply(jpeg, why) comes
    // once, later (an empty jpeg and why on failure). Tried before the grab. GUI thread.
    using Remote = std::function<bool(int index, int widthPx,
                                      std::function<void(QByteArray jpeg, QString why)> reply)>;
    void setRemote(Remote remote) { m_remote = std::move(remote); }
    // GUI thread; done is called once, on the GUI thread.
    void request(int index, int widthPx, Done done);

    static constexpr qint64 kReuseMs = 500;
    static constexpr int kShownWaitMs = 3000; // below NodeHub::kSnapshotTimeoutMs
    static constexpr int kShownPollMs = 20;
    static constexpr int kJpegQuality = 80;

    // Scales image to at most widthPx wide (never up) and encodes it as JPEG. Any thread.
    static QByteArray encode(const QImage &image, int widthPx);

    struct Stats {
        quint64 grabs = 0;
        quint64 reused = 0;
    };
    Stats stats() const { return m_stats; }

private:
    struct Key {
        int index;
        int width;
        bool operator==(const Key &) const = default;
    };
    friend size_t qHash(const Key &k, size_t seed) { return qHashMulti(seed, k.index, k.width); }
    struct Cached {
        QByteArray jpeg;
        qint64 atMs = 0;
    };
    // Grabs key's output once its window is shown, or fails when deadline passes first.
    void grabWhenShown(Key key, QDeadlineTimer deadline);
    void grab(Key key);
    void fail(Key key, const ActionResult &result);
    void finish(Key key, QByteArray jpeg);
    void finishRemote(Key key, QByteArray jpeg, const QString &why);

    Grab m_grab;
    Shown m_shown;
    Remote m_remote;
    QHash<Key, Cached> m_cache;
    QHash<Key, std::vector<Done>> m_waiting;
    Stats m_stats;
};

} // namespace opswall::shell
