#pragma once
// Structured fields of a log message (the journal's FEED=, DISPLAY=, STREAM=, ACTION=, USER=):
// set for the current thread by a LogScope around the qCWarning()/qCInfo() call, read by the
// message handler (loghandler.h), which runs synchronously on the same thread.
//
//   {
//       const logging::LogScope scope{{logging::Field::Display, id}};
//       qCWarning(lcDevices, "display %s unreachable", qPrintable(id));
//   }

#include <QString>

#include <initializer_list>
#include <utility>
#include <vector>

namespace opswall::logging {

enum class Field { Invalid = 0, Feed, Display, Stream, Action, User };

// The journal field name: FEED, DISPLAY, STREAM, ACTION, USER ("" for Invalid).
const char *journalName(Field f);

using Fields = std::vector<std::pair<Field, QString>>;

class LogScope {
public:
    LogScope(std::initializer_list<std::pair<Field, QString>> fields);
    ~LogScope();
    LogScope(const LogScope &) = delete;
    LogScope &operator=(const LogScope &) = delete;

private:
    std::size_t m_previousSize;
};

// The fields of the scopes open on this thread, outermost first (a field set twice: the inner
// value comes last and wins where the sink keeps one).
const Fields &currentFields();

} // namespace opswall::logging
