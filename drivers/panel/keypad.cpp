#include "keypad.h"

namespace opswall::drivers::keypad {

namespace {
std::string trimmed(const std::string &s) {
    const auto a = s.find_first_not_of(" \t");
    if (a == std::string::npos)
        return {};
    const auto b = s.find_last_not_of(" \t");
    return s.substr(a, b - a + 1);
}
} // namespace

std::vector<std::string> LineFramer::push(const std::uint8_t *data, std::size_t size) {
    std::vector<std::string> lines;
    for (std::size_t i = 0; i < size; ++i) {
        const char c = char(data[i]);
        if (c == '\r' || c == '\n') {
            if (!m_skipping) {
                std::string line = trimmed(m_line);
                if (!line.empty())
                    lines.push_back(std::move(line));
            }
            m_line.clear();
            m_skipping = false;
            continue;
        }
        if (m_skipping)
            continue;
        if (m_line.size() >= m_max) {
            m_line.clear();
            m_skipping = true;
            ++m_overlong;
            continue;
        }
        m_line.push_back(c);
    }
    return lines;
}

std::shared_ptr<KeypadLink> KeypadLink::create(boost::asio::io_context &io,
                                               std::shared_ptr<Transport> transport,
                                               ReconnectPolicy policy) {
    return std::shared_ptr<KeypadLink>(new KeypadLink(io, std::move(transport), policy));
}

KeypadLink::KeypadLink(boost::asio::io_context &io, std::shared_ptr<Transport> transport,
                       ReconnectPolicy policy)
    : m_transport(std::move(transport))
    , m_policy(policy)
    , m_timer(io) {}

void KeypadLink::setCallbacks(OnLine onLine, OnState onState) {
    m_onLine = std::move(onLine);
    m_onState = std::move(onState);
}

void KeypadLink::start() {
    m_stopped = false;
    open();
}

void KeypadLink::stop() {
    m_stopped = true;
    m_timer.cancel();
    m_transport->close();
}

void KeypadLink::open() {
    if (m_stopped)
        return;
    std::weak_ptr<KeypadLink> weak = weak_from_this();
    m_transport->setReceiver(
        [weak](const std::uint8_t *data, std::size_t size) {
            auto self = weak.lock();
            if (!self || self->m_stopped)
                return;
            for (const std::string &line : self->m_framer.push(data, size))
                if (self->m_onLine)
                    self->m_onLine(line);
        },
        [weak](const boost::system::error_code &ec) {
            if (auto self = weak.lock(); self && !self->m_stopped)
                self->closed(ec ? ec.message() : "closed by the keypad");
        });
    m_transport->open([weak](const boost::system::error_code &ec) {
        auto self = weak.lock();
        if (!self || self->m_stopped)
            return;
        if (ec)
            return self->closed("cannot open " + self->m_transport->describe() + ": " +
                                ec.message());
        self->m_failures = 0;
        if (self->m_onState)
            self->m_onState(true, {});
    });
}

void KeypadLink::closed(const std::string &why) {
    m_transport->close();
    if (m_onState)
        m_onState(false, why);
    const ReconnectDecision d = m_policy.decide(LinkEvent::Closed, m_failures++);
    const int delayMs = d.action == LinkAction::Reconnect ? d.delayMs : m_policy.maxDelayMs;
    m_timer.expires_after(std::chrono::milliseconds(delayMs));
    std::weak_ptr<KeypadLink> weak = weak_from_this();
    m_timer.async_wait([weak](boost::system::error_code ec) {
        if (auto self = weak.lock(); self && !ec)
            self->open();
    });
}

void KeypadLink::write(const std::string &text) {
    if (!m_transport->isOpen())
        return;
    m_transport->write(Bytes(text.begin(), text.end()), [](const boost::system::error_code &) {});
}

} // namespace opswall::drivers::keypad
