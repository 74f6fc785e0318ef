// opswall-streamdeck-sim: a simulated Stream Deck Studio on loopback TCP, for tests, the demo and
// the npm peer check.
//   opswall-streamdeck-sim [--port N] [--legacy] [--serial S] [--keepalive-ms N] [--child-port N]
// Prints "ready tcp 127.0.0.1:PORT", then one line per event (accepted N, connected N,
// query 84, brightness 42, fill 3 ff0000, image 5 731 jpeg, reset, closed N). Reads commands on
// stdin, one per line: "press K", "release K", "tap K", "drop" (close every host connection, as a
// restarting device does), "child PORT" (announce a child device; 0 removes it), "quit".
#include "simmain.h"
#include "streamdeck_sim.h"

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>

#include <cstdio>
#include <istream>
#include <optional>
#include <string_view>
#include <unistd.h>

using namespace opswall::drivers;

namespace {
int usage(const char *why) {
    std::fprintf(stderr,
                 "opswall-streamdeck-sim: %s\n"
                 "usage: opswall-streamdeck-sim [--port N] [--legacy] [--serial S] "
                 "[--keepalive-ms N] [--child-port N]\n",
                 why);
    return 2;
}

struct Console {
    Console(boost::asio::io_context &context, std::shared_ptr<sim::StreamDeckSim> s)
        : in(context, ::dup(STDIN_FILENO))
        , sim(std::move(s))
        , io(context) {}

    boost::asio::posix::stream_descriptor in;
    boost::asio::streambuf buffer;
    std::shared_ptr<sim::StreamDeckSim> sim;
    boost::asio::io_context &io;

    void read() {
        boost::asio::async_read_until(in, buffer, '\n',
                                      [this](boost::system::error_code ec, std::size_t) {
                                          if (ec) // stdin closed: keep serving until a signal
                                              return;
                                          std::istream s(&buffer);
                                          std::string line;
                                          std::getline(s, line);
                                          run(line);
                                          read();
                                      });
    }

    void run(const std::string &line) {
        const auto space = line.find(' ');
        const std::string verb = line.substr(0, space);
        // -1 when there is no number (GCC's -Wmaybe-uninitialized misreads an optional here).
        const int arg =
            space == std::string::npos
                ? -1
                : sim::parseCount(std::string_view(line).substr(space + 1)).value_or(-1);
        if (verb == "press" && arg >= 0) {
            sim->press(arg, true);
        } else if (verb == "release" && arg >= 0) {
            sim->press(arg, false);
        } else if (verb == "tap" && arg >= 0) {
            sim->press(arg, true);
            sim->press(arg, false);
        } else if (verb == "drop") {
            sim->dropConnections();
        } else if (verb == "child" && arg >= 0 && arg <= 65535) {
            sim->setChild(static_cast<unsigned short>(arg));
        } else if (verb == "quit") {
            io.stop();
        } else if (!line.empty()) {
            std::printf("unknown command %s\n", line.c_str());
        }
        std::fflush(stdout);
    }
};
} // namespace

int main(int argc, char **argv) {
    sim::StreamDeckSimSettings settings;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        const bool hasValue = i + 1 < argc;
        auto number = [&]() { return hasValue ? sim::parseCount(argv[++i]) : std::nullopt; };
        if (a == "--port") {
            const auto v = number();
            if (!v || *v > 65535)
                return usage("--port needs a port (0 = any free port)");
            settings.port = static_cast<unsigned short>(*v);
        } else if (a == "--legacy") {
            settings.framing = streamdeck::cora::Framing::Legacy;
        } else if (a == "--serial" && hasValue) {
            settings.serial = argv[++i];
        } else if (a == "--keepalive-ms") {
            const auto v = number();
            if (!v || *v < 10)
                return usage("--keepalive-ms needs a number of milliseconds (>= 10)");
            settings.keepaliveMs = *v;
        } else if (a == "--child-port") {
            const auto v = number();
            if (!v || *v > 65535)
                return usage("--child-port needs a port");
            settings.childPort = static_cast<unsigned short>(*v);
        } else {
            return usage("unknown argument");
        }
    }
    boost::asio::io_context io;
    auto sim = sim::StreamDeckSim::create(io, settings, [](const std::string &line) {
        std::printf("%s\n", line.c_str());
        std::fflush(stdout);
    });
    std::string error;
    if (!sim->start(&error)) {
        std::fprintf(stderr, "opswall-streamdeck-sim: cannot listen: %s\n", error.c_str());
        return 1;
    }
    std::printf("ready tcp 127.0.0.1:%u\n", unsigned(sim->port()));
    std::fflush(stdout);
    Console console(io, sim);
    console.read();
    sim::serveUntilSignal(io, [&] { sim->stop(); });
    return 0;
}
