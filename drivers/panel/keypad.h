#pragma once
// Simple serial / TCP keypads (PROTOCOLS.md section 12): no standard, ASCII lines such as
// "K05\r" or "P3 DOWN\n". LineFramer (pure, bounded) cuts the bytes into trimmed lines; the
// owner maps lines to buttons. KeypadLink keeps a transport (serial or TCP) open, reopening it
// with a bounded backoff whenever it closes, and hands each line over on the io thread.
#include "bytes.h"
#include "reconnect.h"
#include "transport.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace opswall::drivers::keypad {

class LineFramer {
public:
    explicit LineFramer(std::size_t maxLineBytes = 128)
        : m_max(maxLineBytes) {}
    // Lines ended by CR, LF or CR LF, without surrounding blanks; empty lines are skipped. A line
    // longer than the limit is dropped whole (counted in overlong()).
    std::vector<std::string> push(const std::uint8_t *data, std::size_t size);
    std::size_t overlong() const { return m_overlong; }

private:
    std::size_t m_max;
    std::string m_line;
    bool m_skipping = false;
    std::size_t m_overlong = 0;
};

class KeypadLink : public std::enable_shared_from_this<KeypadLink> {
public:
    using OnLine = std::function<void(const std::string &line)>;
    using OnState = std::function<void(bool open, const std::string &why)>;

    static std::shared_ptr<KeypadLink> create(boost::asio::io_context &io,
                                              std::shared_ptr<Transport> transport,
                                              ReconnectPolicy policy = {250, 5000, 1 << 30, true});
    void setCallbacks(OnLine onLine, OnState onState);
    void start();
    void stop();                         // no callbacks after it returns (io thread)
    void write(const std::string &text); // e.g. a keypad's LED command; dropped while closed
    bool isOpen() const { return m_transport->isOpen(); }

private:
    KeypadLink(boost::asio::io_context &io, std::shared_ptr<Transport> transport,
               ReconnectPolicy policy);
    void open();
    void closed(const std::string &why);

    std::shared_ptr<Transport> m_transport;
    ReconnectPolicy m_policy;
    boost::asio::steady_timer m_timer;
    LineFramer m_framer;
    OnLine m_onLine;
    OnState m_onState;
    int m_failures = 0;
    bool m_stopped = true;
};

} // namespace opswall::drivers::keypad
