#pragma once
// The wall's Qt message handler (qInstallMessageHandler). Every qDebug/qInfo/qWarning/qCritical,
// with its logging category and the LogScope fields of the calling thread, becomes:
// - under systemd (stderr is the journal, see stderrIsJournal()): one native-protocol datagram
//   with PRIORITY from the message type, QT_CATEGORY, CODE_*, and FEED/DISPLAY/STREAM/ACTION/USER;
// - otherwise: one plain line on stderr.
// Repeats of one message (same type, category, text and fields) within the window are counted
// and written as one summary when the window ends (RepeatLimiter). Thread-safe: the handler runs
// on whichever thread logs; one mutex guards the limiter and the writers.
//
// A journal that does not take a record at once (its queue is full: 10 datagrams by default on a
// machine without systemd's sysctl) does not block the caller: the record waits in a bounded
// backlog, sent in order before any later record and at every flush(), so a burst (fifteen feeds
// failing in the same millisecond at start-up) reaches a journal that reads a moment later. What
// the backlog cannot hold is dropped and counted, and the next record that goes through is
// preceded by one saying how many were dropped. A journal that is not there at all: plain lines
// on stderr.
//
// Lifetime: one object, made first in main() and destroyed last (it restores the previous
// handler); flush() from a timer (every second) writes summaries that are due even when the
// message stopped, and retries the backlog.

#include "logging/journal.h"
#include "logging/repeatlimiter.h"

#include <QHash>

#include <deque>
#include <functional>
#include <memory>
#include <mutex>

namespace opswall::logging {

struct LogConfig {
    enum class Sink { Invalid = 0, Auto, Journal, Plain };
    Sink sink = Sink::Auto; // Auto: the journal when stderr is the journal, else plain
    QByteArray journalSocket = QByteArrayLiteral("/run/systemd/journal/socket");
    QByteArray identifier = QByteArrayLiteral("opswall");
    RepeatLimiter::Config repeats;
    // Where plain lines go (default: stderr). Also the fallback when the journal refuses a record.
    std::function<void(const QByteArray &)> writePlain;
    // Milliseconds now (default: a steady clock); tests step it.
    std::function<std::int64_t()> nowMs;
};

class LogHandler {
public:
    explicit LogHandler(LogConfig config = {});
    ~LogHandler();
    LogHandler(const LogHandler &) = delete;
    LogHandler &operator=(const LogHandler &) = delete;

    bool usesJournal() const { return m_journal != nullptr; }
    // Records lost because the journal's queue and the backlog were full (since start).
    std::uint64_t droppedTotal() const { return m_droppedTotal; }
    // Writes the summaries of the repeat windows that have ended, and what the backlog holds.
    void flush();
    // What the Qt handler does with one message (public for tests that do not install it).
    void handle(QtMsgType type, const QMessageLogContext &context, const QString &message);

private:
    void write(const LogRecord &r); // m_mutex held
    void flushLocked(std::int64_t nowMs, bool all = false);
    // Sends the backlog, then the count of dropped records; false while the journal is busy.
    bool drainBacklog();                                // m_mutex held
    void keep(const LogRecord &r, QByteArray datagram); // m_mutex held

    static constexpr std::size_t kBacklogRecords = 512;
    static constexpr std::size_t kBacklogBytes = 1024 * 1024;
    struct Pending {
        LogRecord record; // for stderr, should the journal go away
        QByteArray datagram;
    };

    LogConfig m_config;
    std::unique_ptr<JournalSocket> m_journal;
    std::mutex m_mutex;
    RepeatLimiter m_repeats;
    QHash<QString, LogRecord> m_records; // the first record of each open window
    QtMessageHandler m_previous = nullptr;
    std::deque<Pending> m_backlog; // records the busy journal has not taken yet, oldest first
    std::size_t m_backlogBytes = 0;
    std::uint64_t m_dropped = 0; // records the full backlog could not keep, not yet reported
    std::uint64_t m_droppedTotal = 0;
};

} // namespace opswall::logging
