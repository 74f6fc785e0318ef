#pragma once
// The line protocol for AV control systems (Crestron, Extron, AMX): one ASCII command per line
// (CR LF or LF), one reply line per command, "OK <VERB> [detail]" or "ERR <code> <message>".
// Pure: framing and parsing only, no I/O (STYLE.md practice 4). README.md "Line protocol" lists
// the commands.

#include "core/action.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <cstddef>

namespace opswall::control {

// Splits a byte stream into lines, refusing any longer than maxBytes (without the terminator).
class LineFramer {
public:
    explicit LineFramer(std::size_t maxBytes = 512)
        : m_maxBytes(maxBytes) {}
    // Appends bytes and returns the complete lines they finish. After an overflow, overflowed()
    // stays true and nothing more is returned: the connection should be answered and closed.
    QList<QByteArray> feed(const QByteArray &bytes);
    bool overflowed() const { return m_overflow; }

private:
    std::size_t m_maxBytes;
    QByteArray m_pending;
    bool m_overflow = false;
};

enum class LineCommandKind { Invalid = 0, Empty, Login, Quit, Status, Ping, Help, Submit, Error };

struct LineCommand {
    LineCommandKind kind = LineCommandKind::Invalid;
    QString verb;  // upper case, for the reply: "PRESET", "LOCK", ...
    QString token; // Login
    Action action; // Submit
    QString errorCode, errorMessage;
};

LineCommand parseLine(const QByteArray &line);

QByteArray lineOk(const QString &verb, const QString &detail = {});
QByteArray lineErr(const QString &code, const QString &message);
// A flat JSON object as "key=value key=value" (strings with spaces are quoted); nested values are
// left out. For STATUS replies.
QString flatKeyValues(const QJsonObject &obj);
QByteArray lineHelp();

} // namespace opswall::control
