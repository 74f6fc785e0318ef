#pragma once
// What the simulators' command lines share (main.cpp, streamdeck_main.cpp).
#include "bytes.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <csignal>
#include <optional>
#include <string_view>

namespace opswall::drivers::sim {

// A port, a count or a key: exactly a decimal number, not negative.
inline std::optional<int> parseCount(std::string_view s) {
    const auto v = parseDecimal(s);
    return v && *v >= 0 ? v : std::nullopt;
}

// Runs `io` until SIGINT or SIGTERM, then calls `stop` (close the servers) and ends the loop.
template<class Stop>
void serveUntilSignal(boost::asio::io_context &io, Stop stop) {
    boost::asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code &, int) {
        stop();
        io.stop();
    });
    io.run();
}

} // namespace opswall::drivers::sim
