#include "logging/loghandler.h"

#include <QDateTime>
#include <QElapsedTimer>

#include <atomic>
#include <cstdio>

namespace opswall::logging {

namespace {
// The one installed handler: Qt's message handler is a plain function pointer.
std::atomic<LogHandler *> g_installed{nullptr};

void qtHandler(QtMsgType type, const QMessageLogContext &context, const QString &message) {
    if (LogHandler *h = g_installed.load())
        h->handle(type, context, message);
}

QString keyOf(const LogRecord &r) {
    QString key = QString::number(int(r.type)) + QLatin1Char('\x1f') + r.category +
                  QLatin1Char('\x1f') + r.message;
    for (const auto &[f, v] : r.fields)
        key += QLatin1Char('\x1f') + QLatin1String(journalName(f)) + QLatin1Char('=') + v;
    return key;
}
} // namespace

LogHandler::LogHandler(LogConfig config)
    : m_config(std::move(config))
    , m_repeats(m_config.repeats) {
    if (!m_config.writePlain)
        m_config.writePlain = [](const QByteArray &line) {
            std::fwrite(line.constData(), 1, std::size_t(line.size()), stderr);
            std::fflush(stderr);
        };
    if (!m_config.nowMs) {
        auto clock = std::make_shared<QElapsedTimer>();
        clock->start();
        m_config.nowMs = [clock] { return clock->elapsed(); };
    }
    const bool journal = m_config.sink == LogConfig::Sink::Journal ||
                         (m_config.sink == LogConfig::Sink::Auto && stderrIsJournal());
    if (journal)
        m_journal = std::make_unique<JournalSocket>(m_config.journalSocket);
    LogHandler *none = nullptr;
    if (g_installed.compare_exchange_strong(none, this))
        m_previous = qInstallMessageHandler(qtHandler);
}

LogHandler::~LogHandler() {
    LogHandler *self = this;
    if (g_installed.compare_exchange_strong(self, nullptr)) {
        qInstallMessageHandler(m_previous);
        std::lock_guard lock(m_mutex);
        flushLocked(m_config.nowMs(), true);
    }
}

void LogHandler::handle(QtMsgType type, const QMessageLogContext &context, const QString &message) {
    LogRecord r;
    r.type = type;
    r.category = QString::fromUtf8(context.category ? context.category : "default");
    r.message = message;
    if (context.file)
        r.file = context.file;
    r.line = context.line;
    if (context.function)
        r.function = context.function;
    r.fields = currentFields();
    const QString key = keyOf(r);
    std::lock_guard lock(m_mutex);
    const std::int64_t now = m_config.nowMs();
    flushLocked(now);
    if (!m_repeats.admit(key, now))
        return;
    if (m_repeats.tracks(key))
        m_records.insert(key, r);
    write(r);
}

void LogHandler::flush() {
    std::lock_guard lock(m_mutex);
    flushLocked(m_config.nowMs());
}

void LogHandler::flushLocked(std::int64_t nowMs, bool all) {
    for (const RepeatLimiter::Summary &s : m_repeats.expire(nowMs, all)) {
        LogRecord r = m_records.value(s.key);
        r.repeats = s.repeats;
        r.windowMs = s.windowMs;
        write(r);
    }
    for (auto it = m_records.begin(); it != m_records.end();)
        it = m_repeats.tracks(it.key()) ? std::next(it) : m_records.erase(it);
    drainBacklog();
}

bool LogHandler::drainBacklog() {
    if (!m_journal)
        return true;
    while (!m_backlog.empty()) {
        const Pending &p = m_backlog.front();
        switch (m_journal->send(p.datagram)) {
        case JournalSocket::Sent::Yes:
            break;
        case JournalSocket::Sent::Busy:
            return false;
        case JournalSocket::Sent::Failed:
        case JournalSocket::Sent::Invalid:
            m_config.writePlain(plainLine(p.record, QDateTime::currentDateTimeUtc()));
            break;
        }
        m_backlogBytes -= std::size_t(p.datagram.size());
        m_backlog.pop_front();
    }
    if (m_dropped > 0) {
        LogRecord note;
        note.type = QtWarningMsg;
        note.category = QStringLiteral("opswall.logging");
        note.message =
            QStringLiteral("%1 log records dropped: the journal did not take them").arg(m_dropped);
        if (m_journal->send(encodeJournal(journalFields(note, m_config.identifier))) !=
            JournalSocket::Sent::Yes)
            return false;
        m_dropped = 0;
    }
    return true;
}

void LogHandler::keep(const LogRecord &r, QByteArray datagram) {
    if (m_backlog.size() >= kBacklogRecords ||
        m_backlogBytes + std::size_t(datagram.size()) > kBacklogBytes) {
        ++m_dropped;
        ++m_droppedTotal;
        return;
    }
    m_backlogBytes += std::size_t(datagram.size());
    m_backlog.push_back({r, std::move(datagram)});
}

void LogHandler::write(const LogRecord &r) {
    if (m_journal) {
        QByteArray datagram = encodeJournal(journalFields(r, m_config.identifier));
        // Records wait behind those the journal has not taken yet: the order is kept.
        if (!drainBacklog()) {
            keep(r, std::move(datagram));
            return;
        }
        switch (m_journal->send(datagram)) {
        case JournalSocket::Sent::Yes:
            return;
        case JournalSocket::Sent::Busy:
            keep(r, std::move(datagram));
            return;
        case JournalSocket::Sent::Failed:
        case JournalSocket::Sent::Invalid:
            break;
        }
    }
    m_config.writePlain(plainLine(r, QDateTime::currentDateTimeUtc()));
}

} // namespace opswall::logging
