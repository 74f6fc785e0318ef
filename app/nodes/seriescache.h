#pragma once
// The controller's answer to its nodes' seriesOf (nodewall.rep), held in memory (issues #12 and
// #20): Qt Remote Objects calls a source's slot on the thread that reads the link (the GUI
// thread here: the link and its heartbeat live there on purpose, linksilence.h) and sends what
// it returns, so the answer must be ready when asked for. Reading the store there (one query per
// revised period, then JSON) held the GUI thread for each pull of each node.
//
//   ReadModel::changed(X) ──> read X elsewhere (a worker thread's reader connection)
//                                   │ back on the GUI thread
//                                   v
//   m_held[X] = X's series, serialised ──(differs)──> seriesChanged(X) ──> nodes pull X
//   seriesOf(X) ──> document(X): held entries joined (no SQL, no JSON built)
//
// What is held is what nodes asked for and what the live layout shows (warm()); an indicator not
// held yet is left out of the answer, read elsewhere, and announced (seriesChanged) once held, so
// the node that asked pulls it again. A change of a held indicator is announced only once it was
// read again, and only when its series differ from what was held (a feed's pull that stored
// nothing new sends the nodes nothing). An indicator no node asked for is announced at once, as
// before.
//
// Answers are kept joined: a request answered before (the same indicators, none changed since)
// gets the same bytes again (shared, no copy: the GUI thread only hands them to Qt Remote
// Objects), so N nodes pulling after a change cost one join. What is held is bounded (Limits):
// an indicator that no node asked for and the live layout has not shown for idleMs is dropped,
// and over maxBytes the least recently wanted not on screen go first; those the live layout shows
// are never dropped. The series of a feed that is no longer defined are dropped from what is held
// (read again without them while still wanted). GUI thread.

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QSet>
#include <QString>
#include <QStringList>
#include <QTimer>

#include <functional>

namespace opswall::feeds {
class FeedHub;
}

namespace opswall::nodes {

class SeriesCache : public QObject {
    Q_OBJECT
public:
    struct Limits {
        // The held series' bytes at most (--node-series-keep-mb); those on screen may exceed it.
        qint64 maxBytes = qint64(64) << 20;
        // An indicator neither asked for by a node nor shown this long is dropped.
        qint64 idleMs = 10 * 60 * 1000;
        // The clock those are counted on, in ms (tests); empty: a monotonic clock.
        std::function<qint64()> now;
    };
    // Reads on a worker thread's reader connection of the hub's database (store/readers.h
    // readOffThread; an in-memory database is read here, at once).
    explicit SeriesCache(feeds::FeedHub &hub, QObject *parent = nullptr)
        : SeriesCache(hub, Limits{}, parent) {}
    SeriesCache(feeds::FeedHub &hub, Limits limits, QObject *parent = nullptr);

    // seriesOf's answer (feedreplica.h seriesDocument's document) of what is held of these
    // indicators (every one when empty); those not held are read and announced once held.
    QByteArray document(const QStringList &indicators);
    // Hold these (the live layout's, on every output; they replace the ones given before): the
    // ones not held are read now.
    void warm(const QSet<QString> &indicators);
    // The read model's change of these indicators (ReadModel::changed): held ones are read again.
    void changed(const QSet<QString> &indicators);
    // Drops what the limits and the feeds' definitions say to drop (also every idleMs / 4, at
    // most every minute, and after each read).
    void sweep();

    // Indicators held; their bytes; reads in flight; entries read; indicators dropped; answers
    // joined and answers given again as they were (tests, benchmark, the log).
    int held() const;
    qint64 heldBytes() const;
    bool isHeld(const QString &indicator) const;
    int readsInFlight() const { return m_reads; }
    quint64 reads() const { return m_readCount; }
    quint64 dropped() const { return m_dropped; }
    quint64 joins() const { return m_joins; }
    quint64 answersKept() const { return m_answersKept; }

Q_SIGNALS:
    // These indicators' series changed (or are held now): nodes pull them again.
    void seriesChanged(const QStringList &indicators);

private:
    struct Held {
        QByteArray entries;    // seriesEntries' value
        QSet<QString> feeds;   // the feeds of its series
        qint64 wantedAtMs = 0; // last asked for (or shown)
        bool ready = false;    // entries were read
        bool reading = false;  // a read is in flight
        bool again = false;    // changed while it was: read once more
    };
    // Reads codes (every indicator when all) elsewhere, then takes what was read.
    void read(const QSet<QString> &codes, bool all = false);
    void drop(const QString &code);
    void forgetAnswers();
    void logAnswers();
    qint64 nowMs() const { return m_limits.now ? m_limits.now() : m_clock.elapsed(); }

    feeds::FeedHub &m_hub;
    Limits m_limits;
    QElapsedTimer m_clock;
    QTimer m_sweep;
    QHash<QString, Held> m_held;
    QSet<QString> m_shown;                // warm(): what the live layout shows
    QStringList m_feedIds;                // the feeds defined at the last sweep
    QHash<QString, QByteArray> m_answers; // a request (its indicators, '\n'-joined) -> its answer
    qint64 m_answersBytes = 0;
    bool m_readingAll = false;
    bool m_allHeld = false; // every indicator was asked for: new ones are held too
    QSet<QString> m_changedDuringAll;
    int m_reads = 0;
    quint64 m_readCount = 0;
    quint64 m_dropped = 0;
    quint64 m_joins = 0;
    quint64 m_answersKept = 0;
};

} // namespace opswall::nodes
