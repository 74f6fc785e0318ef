#pragma once
// Shared pieces of the driver integration tests: run an io_context until callbacks arrive (with
// a bound), a socat pseudo-terminal pair owned by RAII, and a TCP display on a simulator.
#include "check.h"
#include "display.h"
#include "server.h"

#include <boost/asio/io_context.hpp>

#include <csignal>
#include <filesystem>
#include <spawn.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace rig {

using namespace opswall::drivers;
using namespace std::chrono;

// Runs io until *left reaches zero or the bound passes; a stuck exchange fails, never hangs.
inline bool runUntil(boost::asio::io_context &io, const std::size_t &left,
                     milliseconds bound = milliseconds(15000)) {
    const auto until = steady_clock::now() + bound;
    while (left > 0 && steady_clock::now() < until) {
        io.run_one_for(milliseconds(10)); // returns after each handler: no added latency
        if (io.stopped())
            io.restart();
    }
    return left == 0;
}

inline Result call(boost::asio::io_context &io,
                   const std::function<void(Display::Callback)> &start) {
    Result out = Result::failure(Status::Invalid, "no callback");
    std::size_t left = 1;
    start([&](Result r) {
        out = std::move(r);
        left = 0;
    });
    EXPECT_TRUE(runUntil(io, left));
    return out;
}

inline Result exec(boost::asio::io_context &io, const Display &d, Command c) {
    return call(io, [&](Display::Callback cb) { d.execute(c, std::move(cb)); });
}

inline LinkSettings quick(int replyTimeoutMs = 1000, int busyWindowMs = 3000) {
    LinkSettings s;
    s.timing = Timing{0, replyTimeoutMs, busyWindowMs, 50};
    s.reconnect.initialDelayMs = 20;
    s.reconnect.maxDelayMs = 100;
    s.reconnect.maxAttempts = 3;
    return s;
}

struct TcpDisplay {
    std::shared_ptr<sim::SimBank> bank;
    std::shared_ptr<sim::SimTcpServer> server;
    std::shared_ptr<Link> link;
    std::optional<Display> display;

    TcpDisplay(boost::asio::io_context &io, ProtocolKind kind, LinkSettings settings = quick(),
               int id = 1, std::function<void(sim::SimBank &)> tweak = {})
        : bank(std::make_shared<sim::SimBank>(sim::SimBank::make(kind, {id}))) {
        if (tweak)
            tweak(*bank);
        boost::system::error_code ec;
        server = sim::listenTcp(io, bank, 0, ec);
        EXPECT_TRUE(server != nullptr);
        link =
            Link::create(io, makeTcpTransport(io, TcpSettings{"127.0.0.1", server->port(), 1000}),
                         makeProtocol(kind, bank->profile), settings); // as tweaked
        display.emplace(link, Address::unicast(id));
    }
    ~TcpDisplay() {
        link->stop();
        server->stop();
    }
    sim::SimPanel &panel() { return bank->panels.begin()->second; }
};

// socat pty,raw,echo=0,link=A pty,raw,echo=0,link=B - killed (by its pid) on destruction.
class PtyPair {
public:
    PtyPair() {
        const auto dir =
            std::filesystem::temp_directory_path() /
            ("opswall-pty-" + std::to_string(::getpid()) + "-" + std::to_string(++counter()));
        std::filesystem::create_directories(dir);
        m_driver = (dir / "drv").string();
        m_device = (dir / "emu").string();
        const std::string a = "pty,raw,echo=0,link=" + m_driver;
        const std::string b = "pty,raw,echo=0,link=" + m_device;
        const char *argv[] = {"socat", a.c_str(), b.c_str(), nullptr};
        if (posix_spawnp(&m_pid, "socat", nullptr, nullptr, const_cast<char **>(argv), environ) !=
            0) {
            m_pid = 0;
            return;
        }
        const auto until = steady_clock::now() + seconds(5);
        while (steady_clock::now() < until &&
               !(std::filesystem::exists(m_driver) && std::filesystem::exists(m_device)))
            std::this_thread::sleep_for(milliseconds(10));
    }
    ~PtyPair() {
        if (m_pid > 0) {
            ::kill(m_pid, SIGTERM);
            int status = 0;
            ::waitpid(m_pid, &status, 0);
        }
    }
    bool ok() const {
        return m_pid > 0 && std::filesystem::exists(m_driver) && std::filesystem::exists(m_device);
    }
    const std::string &driverEnd() const { return m_driver; }
    const std::string &deviceEnd() const { return m_device; }

private:
    static int &counter() {
        static int n = 0;
        return n;
    }
    pid_t m_pid = 0;
    std::string m_driver;
    std::string m_device;
};

inline bool haveSocat() {
    return std::system("command -v socat >/dev/null 2>&1") == 0;
}

} // namespace rig
