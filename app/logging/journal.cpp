#include "logging/journal.h"

#include <QtEndian>

#include <algorithm>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

namespace opswall::logging {

int journalPriority(QtMsgType type) {
    switch (type) {
    case QtDebugMsg:
        return 7;
    case QtInfoMsg:
        return 6;
    case QtWarningMsg:
        return 4;
    case QtCriticalMsg:
        return 3;
    case QtFatalMsg:
        return 2;
    }
    return 6;
}

QString recordText(const LogRecord &r) {
    if (r.repeats <= 0)
        return r.message;
    return QStringLiteral("%1 (repeated %2 more %3 in %4 s)")
        .arg(r.message)
        .arg(r.repeats)
        .arg(r.repeats == 1 ? QStringLiteral("time") : QStringLiteral("times"))
        .arg(std::max<std::int64_t>(1, (r.windowMs + 500) / 1000));
}

JournalFields journalFields(const LogRecord &r, const QByteArray &identifier) {
    JournalFields out;
    QByteArray message = recordText(r).toUtf8();
    if (message.size() > kMaxMessageBytes)
        message = message.left(kMaxMessageBytes) + "…";
    out.emplace_back("MESSAGE", message);
    out.emplace_back("PRIORITY", QByteArray::number(journalPriority(r.type)));
    out.emplace_back("SYSLOG_IDENTIFIER", identifier);
    out.emplace_back("QT_CATEGORY", r.category.toUtf8());
    if (!r.file.isEmpty()) {
        out.emplace_back("CODE_FILE", r.file);
        out.emplace_back("CODE_LINE", QByteArray::number(r.line));
    }
    if (!r.function.isEmpty())
        out.emplace_back("CODE_FUNC", r.function);
    // One value per field: the innermost scope's.
    for (Field f : {Field::Feed, Field::Display, Field::Stream, Field::Action, Field::User}) {
        for (auto it = r.fields.rbegin(); it != r.fields.rend(); ++it)
            if (it->first == f) {
                out.emplace_back(journalName(f), it->second.toUtf8());
                break;
            }
    }
    if (r.repeats > 0)
        out.emplace_back("OPSWALL_REPEATS", QByteArray::number(r.repeats));
    return out;
}

QByteArray encodeJournal(const JournalFields &fields) {
    QByteArray out;
    for (const auto &[key, value] : fields) {
        out += key;
        if (!value.contains('\n')) {
            out += '=';
            out += value;
        } else {
            out += '\n';
            char size[8];
            qToLittleEndian<quint64>(quint64(value.size()), size);
            out.append(size, 8);
            out += value;
        }
        out += '\n';
    }
    return out;
}

QByteArray plainLine(const LogRecord &r, const QDateTime &utc) {
    static const char *const names[] = {"debug", "warning", "critical", "fatal", "info"};
    const int t = int(r.type);
    QByteArray line = utc.toString(Qt::ISODateWithMs).toUtf8();
    line += ' ';
    line += (t >= 0 && t < 5) ? names[t] : "info";
    line += ' ';
    line += r.category.toUtf8();
    line += ": ";
    line += recordText(r).toUtf8();
    if (!r.fields.empty()) {
        line += " [";
        bool first = true;
        for (const auto &[f, v] : r.fields) {
            if (!first)
                line += ' ';
            first = false;
            line += journalName(f);
            line += '=';
            line += v.toUtf8();
        }
        line += ']';
    }
    line += '\n';
    return line;
}

bool stderrIsJournal() {
    const QByteArray stream = qgetenv("JOURNAL_STREAM");
    const qsizetype colon = stream.indexOf(':');
    if (colon <= 0)
        return false;
    bool okDev = false, okIno = false;
    const qulonglong dev = stream.left(colon).toULongLong(&okDev);
    const qulonglong ino = stream.mid(colon + 1).toULongLong(&okIno);
    struct stat st = {};
    if (!okDev || !okIno || ::fstat(STDERR_FILENO, &st) != 0)
        return false;
    return qulonglong(st.st_dev) == dev && qulonglong(st.st_ino) == ino;
}

JournalSocket::JournalSocket(QByteArray path)
    : m_path(std::move(path))
    , m_fd(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) {}

JournalSocket::~JournalSocket() {
    if (m_fd >= 0)
        ::close(m_fd);
}

JournalSocket::Sent JournalSocket::send(const QByteArray &datagram) const {
    sockaddr_un addr = {};
    addr.sun_family = AF_UNIX;
    if (m_fd < 0 || m_path.size() >= qsizetype(sizeof addr.sun_path))
        return Sent::Failed;
    std::memcpy(addr.sun_path, m_path.constData(), std::size_t(m_path.size()));
    // MSG_DONTWAIT: a stuck journal must not stop the wall's GUI thread.
    const ssize_t n = ::sendto(m_fd, datagram.constData(), std::size_t(datagram.size()),
                               MSG_NOSIGNAL | MSG_DONTWAIT,
                               reinterpret_cast<const sockaddr *>(&addr), socklen_t(sizeof addr));
    if (n == ssize_t(datagram.size()))
        return Sent::Yes;
    return errno == EAGAIN || errno == EWOULDBLOCK ? Sent::Busy : Sent::Failed;
}

} // namespace opswall::logging
