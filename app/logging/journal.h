#pragma once
// One log record, its journal fields and its two written forms: the journal's native protocol
// (https://systemd.io/JOURNAL_NATIVE_PROTOCOL/, one datagram per record on
// /run/systemd/journal/socket) and a plain line for stderr when not under systemd.

#include "logging/logfields.h"

#include <QByteArray>
#include <QDateTime>
#include <QString>
#include <QtGlobal>

#include <utility>
#include <vector>

namespace opswall::logging {

struct LogRecord {
    QtMsgType type = QtDebugMsg;
    QString category; // Qt logging category ("opswall.feeds"); "default" for qWarning()
    QString message;
    QByteArray file; // from QMessageLogContext: empty in release builds
    int line = 0;
    QByteArray function;
    Fields fields;
    int repeats = 0; // > 0: a summary of that many suppressed repeats of this message
    std::int64_t windowMs = 0;
};

// Qt message type -> syslog priority: debug 7, info 6, warning 4, critical 3, fatal 2.
int journalPriority(QtMsgType type);

using JournalFields = std::vector<std::pair<QByteArray, QByteArray>>;

// MESSAGE, PRIORITY, SYSLOG_IDENTIFIER, QT_CATEGORY, CODE_FILE/CODE_LINE/CODE_FUNC (when
// known), FEED/DISPLAY/STREAM/ACTION/USER from the record's fields (the innermost value when one
// is set twice), and OPSWALL_REPEATS for a summary.
JournalFields journalFields(const LogRecord &r, const QByteArray &identifier);

// The native protocol: "KEY=value\n" per field; a value holding a newline is written as
// "KEY\n" + its length as 64-bit little endian + the value + "\n". MESSAGE is cut at
// kMaxMessageBytes so that a record fits one datagram.
inline constexpr qsizetype kMaxMessageBytes = 48 * 1024;
QByteArray encodeJournal(const JournalFields &fields);

// "2026-12-02T09:41:07.123Z warning opswall.devices: display r2c3 unreachable [DISPLAY=r2c3]"
QByteArray plainLine(const LogRecord &r, const QDateTime &utc);

// The message of a record as written: a summary says how often it repeated.
QString recordText(const LogRecord &r);

// True when systemd connected our stderr to the journal: JOURNAL_STREAM ("device:inode") names
// the file descriptor 2 (systemd.exec(5), "$JOURNAL_STREAM").
bool stderrIsJournal();

// A datagram socket to the journal (or to any path: tests own one).
class JournalSocket {
public:
    explicit JournalSocket(QByteArray path = QByteArrayLiteral("/run/systemd/journal/socket"));
    ~JournalSocket();
    JournalSocket(const JournalSocket &) = delete;
    JournalSocket &operator=(const JournalSocket &) = delete;
    enum class Sent { Invalid = 0, Yes, Busy, Failed };
    // Never blocks: Busy when the journal's queue is full (the record is not sent), Failed when
    // there is no journal there (or the datagram is too large).
    Sent send(const QByteArray &datagram) const;

private:
    QByteArray m_path;
    int m_fd = -1;
};

} // namespace opswall::logging
