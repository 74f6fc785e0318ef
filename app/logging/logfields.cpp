#include "logging/logfields.h"

namespace opswall::logging {

namespace {
thread_local Fields t_fields;
} // namespace

const char *journalName(Field f) {
    switch (f) {
    case Field::Feed:
        return "FEED";
    case Field::Display:
        return "DISPLAY";
    case Field::Stream:
        return "STREAM";
    case Field::Action:
        return "ACTION";
    case Field::User:
        return "USER";
    case Field::Invalid:
        break;
    }
    return "";
}

LogScope::LogScope(std::initializer_list<std::pair<Field, QString>> fields)
    : m_previousSize(t_fields.size()) {
    for (const auto &f : fields)
        if (f.first != Field::Invalid)
            t_fields.push_back(f);
}

LogScope::~LogScope() {
    t_fields.resize(m_previousSize);
}

const Fields &currentFields() {
    return t_fields;
}

} // namespace opswall::logging
