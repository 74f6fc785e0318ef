// wallctl's direct device mode (drivers/cli) against simulators on loopback: JSON on stdout,
// exit codes 0 ok / 1 refused / 2 usage / 3 unreachable / 4 authentication, clear messages.
#include "cli/device_cli.h"
#include "rig.h"

#include <sstream>

using namespace rig;
namespace asio = boost::asio;

namespace {
// A simulator served from its own thread while the CLI runs its own io_context.
struct Served {
    asio::io_context io;
    std::shared_ptr<sim::SimBank> bank;
    std::shared_ptr<sim::SimTcpServer> server;
    std::thread thread;

    explicit Served(ProtocolKind kind, std::string password = {})
        : bank(std::make_shared<sim::SimBank>(sim::SimBank::make(kind, {1}))) {
        bank->password = std::move(password);
        boost::system::error_code ec;
        server = sim::listenTcp(io, bank, 0, ec);
        thread = std::thread([this] {
            auto guard = asio::make_work_guard(io);
            io.run();
        });
    }
    ~Served() {
        asio::post(io, [this] {
            server->stop();
            io.stop();
        });
        thread.join();
    }
    std::string where() const { return "127.0.0.1:" + std::to_string(server->port()); }
};

struct Run {
    int code;
    std::string out;
    std::string err;
};

Run cli(std::vector<std::string> args) {
    args.insert(args.begin(), "device");
    std::vector<const char *> argv;
    for (const auto &a : args)
        argv.push_back(a.c_str());
    std::ostringstream out, err;
    const int code = runDeviceCommand(int(argv.size()), argv.data(), out, err);
    return {code, out.str(), err.str()};
}

bool has(const std::string &text, const std::string &part) {
    const bool found = text.find(part) != std::string::npos;
    if (!found)
        std::fprintf(stderr, "  expected %s in: %s\n", part.c_str(), text.c_str());
    return found;
}
} // namespace

TEST_CASE("power on, status, input, brightness and info print JSON and exit 0") {
    for (auto kind : {ProtocolKind::Mdc, ProtocolKind::Nec, ProtocolKind::Lg}) {
        Served s(kind);
        const std::string proto(protocolKindName(kind));
        auto r = cli({"--tcp", s.where(), "--protocol", proto, "power", "on"});
        EXPECT_EQ(r.code, 0);
        EXPECT_TRUE(has(r.out, "\"ok\": true"));
        EXPECT_TRUE(has(r.out, "\"protocol\": \"" + proto + "\""));
        r = cli({"--tcp", s.where(), "--protocol", proto, "--id", "1", "power", "status"});
        EXPECT_EQ(r.code, 0);
        EXPECT_TRUE(has(r.out, "\"power\": \"on\""));
        r = cli({"--tcp", s.where(), "--protocol", proto, "input", "hdmi2"});
        EXPECT_EQ(r.code, 0);
        r = cli({"--tcp", s.where(), "--protocol", proto, "brightness", "30"});
        EXPECT_EQ(r.code, 0);
        r = cli({"--tcp", s.where(), "--protocol", proto, "health"});
        EXPECT_TRUE(has(r.out, "\"input\": \"hdmi2\""));
        r = cli({"--tcp", s.where(), "--protocol", proto, "info"});
        EXPECT_TRUE(has(r.out, "\"serial-number\": {\"status\": \"ok\", \"text\": \"SIM"));
        EXPECT_EQ(r.code, 0); // LG cannot report model/firmware: listed as unsupported, not failed
        if (kind == ProtocolKind::Lg)
            EXPECT_TRUE(has(r.out, "\"firmware\": {\"status\": \"unsupported\""));
    }
}

TEST_CASE("pjlink with password; wrong password exits 4") {
    Served s(ProtocolKind::PjLink, "letmein");
    auto r =
        cli({"--tcp", s.where(), "--protocol", "pjlink", "--password", "letmein", "power", "on"});
    EXPECT_EQ(r.code, 0);
    r = cli({"--tcp", s.where(), "--protocol", "pjlink", "--password", "nope", "power", "status"});
    EXPECT_EQ(r.code, 4);
    EXPECT_TRUE(has(r.out, "\"status\": \"auth-failed\""));
    EXPECT_TRUE(has(r.err, "auth-failed"));
}

TEST_CASE("usage errors exit 2 with a reason; nothing is sent") {
    auto r = cli({"--protocol", "mdc", "power", "on"});
    EXPECT_EQ(r.code, 2);
    EXPECT_TRUE(has(r.err, "--tcp HOST:PORT or --serial DEV"));
    r = cli({"--tcp", "127.0.0.1:1", "--protocol", "sony", "power", "on"});
    EXPECT_EQ(r.code, 2);
    EXPECT_TRUE(has(r.err, "--protocol must be"));
    r = cli({"--tcp", "127.0.0.1", "--protocol", "mdc", "power", "on"});
    EXPECT_EQ(r.code, 2);
    EXPECT_TRUE(has(r.err, "HOST:PORT"));
    r = cli({"--tcp", "127.0.0.1:1", "--protocol", "mdc", "dance"});
    EXPECT_EQ(r.code, 2);
    EXPECT_TRUE(has(r.err, "unknown command 'dance'"));
    r = cli({"--tcp", "127.0.0.1:1", "--protocol", "mdc", "--id", "x", "power", "on"});
    EXPECT_EQ(r.code, 2);
    Served s(ProtocolKind::Mdc);
    r = cli({"--tcp", s.where(), "--protocol", "mdc", "brightness", "150"});
    EXPECT_EQ(r.code, 2);
    EXPECT_TRUE(has(r.out, "bad-argument"));
}

TEST_CASE("nothing listening exits 3; a refusing display exits 1") {
    std::uint16_t closedPort = 0;
    {
        Served s(ProtocolKind::Mdc);
        closedPort = s.server->port();
    }
    auto r = cli(
        {"--tcp", "127.0.0.1:" + std::to_string(closedPort), "--protocol", "mdc", "power", "on"});
    EXPECT_EQ(r.code, 3);
    EXPECT_TRUE(has(r.out, "unreachable"));
    Served s(ProtocolKind::Mdc); // panel is off: input changes are NAKed
    r = cli({"--tcp", s.where(), "--protocol", "mdc", "input", "hdmi2"});
    EXPECT_EQ(r.code, 1);
    EXPECT_TRUE(has(r.out, "\"status\": \"nak\""));
}

CHECK_MAIN
