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
// before. GUI thread.

#include <QHash>
#include <QObject>
#include <QSet>
#include <QString>
#include <QStringList>

namespace opswall::feeds {
class FeedHub;
}

namespace opswall::nodes {

class SeriesCache : public QObject {
    Q_OBJECT
public:
    // Reads on a worker thread's reader connection of the hub's database (store/readers.h
    // readOffThread; an in-memory database is read here, at once).
    explicit SeriesCache(feeds::FeedHub &hub, QObject *parent = nullptr);

    // seriesOf's answer (feedreplica.h seriesDocument's document) of what is held of these
    // indicators (every one when empty); those not held are read and announced once held.
    QByteArray document(const QStringList &indicators);
    // Hold these (the live layout's): the ones not held are read now.
    void warm(const QSet<QString> &indicators);
    // The read model's change of these indicators (ReadModel::changed): held ones are read again.
    void changed(const QSet<QString> &indicators);

    // Indicators held; reads in flight; entries read (tests, benchmark).
    int held() const;
    int readsInFlight() const { return m_reads; }
    quint64 reads() const { return m_readCount; }

Q_SIGNALS:
    // These indicators' series changed (or are held now): nodes pull them again.
    void seriesChanged(const QStringList &indicators);

private:
    struct Held {
        QByteArray entries;   // seriesEntries' value
        bool ready = false;   // entries were read
        bool reading = false; // a read is in flight
        bool again = false;   // changed while it was: read once more
    };
    // Reads codes (every indicator when all) elsewhere, then takes what was read.
    void read(const QSet<QString> &codes, bool all = false);

    feeds::FeedHub &m_hub;
    QHash<QString, Held> m_held;
    bool m_readingAll = false;
    bool m_allHeld = false; // every indicator was asked for: new ones are held too
    QSet<QString> m_changedDuringAll;
    int m_reads = 0;
    quint64 m_readCount = 0;
};

} // namespace opswall::nodes
