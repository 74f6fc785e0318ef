// Simulators over a real pseudo-terminal pair made by socat, driven through the serial
// transport (9600 8N1 as the vendors default): three MDC displays daisy-chained on one line
// sharing one link, broadcast, an absent ID, and NEC and LG with line faults.
#include "rig.h"

using namespace rig;
namespace asio = boost::asio;

namespace {
struct SerialRig {
    asio::io_context io;
    PtyPair pty;
    std::shared_ptr<sim::SimBank> bank;
    std::shared_ptr<sim::SimServer> server;
    std::shared_ptr<Link> link;

    SerialRig(ProtocolKind kind, std::initializer_list<int> ids, LinkSettings settings)
        : bank(std::make_shared<sim::SimBank>(sim::SimBank::make(kind, ids))) {
        if (!pty.ok())
            return;
        boost::system::error_code ec;
        server = sim::serveSerial(io, bank, pty.deviceEnd(), ec);
        EXPECT_TRUE(server != nullptr);
        SerialSettings serial;
        serial.device = pty.driverEnd();
        link = Link::create(io, makeSerialTransport(io, serial),
                            makeProtocol(kind, ModelProfile::defaultFor(kind)), settings);
    }
    ~SerialRig() {
        if (link)
            link->stop();
        if (server)
            server->stop();
    }
    bool ok() const { return link && server; }
};

LinkSettings chain() {
    auto s = quick(500, 0);
    s.reconnect.reconnectOnReplyTimeout = false; // one mute panel must not reopen the port
    return s;
}
} // namespace

TEST_CASE("mdc daisy chain: three displays on one serial line, matched by ID") {
    SerialRig r(ProtocolKind::Mdc, {1, 2, 3}, chain());
    EXPECT_TRUE(r.ok());
    if (!r.ok())
        return;
    std::vector<Display> displays;
    for (int id : {1, 2, 3})
        displays.emplace_back(r.link, Address::unicast(id));
    // All three queued at once: the link keeps one in flight and matches replies by ID.
    std::vector<Result> results(3);
    std::size_t left = 3;
    for (std::size_t i = 0; i < 3; ++i)
        displays[i].setPower(Power::On, [&, i](Result x) {
            results[i] = std::move(x);
            --left;
        });
    EXPECT_TRUE(runUntil(r.io, left));
    for (const auto &x : results)
        EXPECT_TRUE(x.ok());
    for (int id : {1, 2, 3})
        EXPECT_TRUE(r.bank->panel(id)->on);

    EXPECT_TRUE(exec(r.io, displays[1], Command::make(Op::SetBrightness, 77)).ok());
    EXPECT_EQ(r.bank->panel(2)->brightness, 77);
    EXPECT_EQ(r.bank->panel(1)->brightness, 50);
    EXPECT_EQ(exec(r.io, displays[2], Command::make(Op::GetBrightness)).value, 50);

    // Broadcast (ID FE): every panel acts, none answers, the link does not wait.
    const Display all(r.link, Address::broadcast());
    EXPECT_TRUE(exec(r.io, all, Command::make(Op::PowerOff)).ok());
    for (const auto &d : displays)
        EXPECT_EQ(exec(r.io, d, Command::make(Op::PowerStatus)).value, int(PowerState::Off));

    // An ID nobody has: silence, a Timeout for it alone; the chain keeps working.
    const Display ghost(r.link, Address::unicast(7));
    const auto t = exec(r.io, ghost, Command::make(Op::PowerStatus));
    EXPECT_TRUE(t.status == Status::Timeout);
    EXPECT_TRUE(t.error.find("id 7") != std::string::npos);
    EXPECT_TRUE(exec(r.io, displays[0], Command::make(Op::PowerStatus)).ok());
}

TEST_CASE("nec and lg over a pseudo-terminal, with garbage and slow replies") {
    for (auto kind : {ProtocolKind::Nec, ProtocolKind::Lg}) {
        SerialRig r(kind, {1, 2}, chain());
        EXPECT_TRUE(r.ok());
        if (!r.ok())
            return;
        const Display one(r.link, Address::unicast(1)), two(r.link, Address::unicast(2));
        EXPECT_TRUE(exec(r.io, one, Command::make(Op::PowerOn)).ok());
        EXPECT_TRUE(r.bank->panel(1)->on);
        EXPECT_TRUE(!r.bank->panel(2)->on);
        r.bank->faults.garbageBytes = 5;
        r.bank->faults.delayMs = 100;
        EXPECT_EQ(exec(r.io, one, Command::make(Op::PowerStatus)).value, int(PowerState::On));
        EXPECT_EQ(exec(r.io, two, Command::make(Op::PowerStatus)).value, int(PowerState::Off));
        r.bank->faults = {};
        EXPECT_TRUE(exec(r.io, one, Command::make(Op::SetBacklight, 33)).ok());
        EXPECT_EQ(r.bank->panel(1)->backlight, 33);
    }
}

TEST_CASE("serial settings: parity and stop bits apply; a missing device is Unreachable") {
    asio::io_context io;
    SerialSettings s;
    s.device = "/nonexistent/tty-opswall";
    auto settings = quick();
    settings.reconnect.maxAttempts = 2;
    auto link = Link::create(
        io, makeSerialTransport(io, s),
        makeProtocol(ProtocolKind::Mdc, ModelProfile::defaultFor(ProtocolKind::Mdc)), settings);
    const auto r = exec(io, Display(link, Address::unicast(1)), Command::make(Op::PowerOn));
    EXPECT_TRUE(r.status == Status::Unreachable);
    EXPECT_TRUE(r.error.find("/nonexistent/tty-opswall") != std::string::npos);

    PtyPair pty;
    EXPECT_TRUE(pty.ok());
    SerialSettings even;
    even.device = pty.driverEnd();
    even.parity = Parity::Even;
    even.stopBits = StopBits::Two;
    even.baudRate = 19200;
    auto port = makeSerialTransport(io, even);
    boost::system::error_code got = asio::error::would_block;
    std::size_t left = 1;
    port->open([&](const boost::system::error_code &ec) {
        got = ec;
        left = 0;
    });
    EXPECT_TRUE(runUntil(io, left));
    EXPECT_TRUE(!got);
    port->close();
}

int main(int argc, char **argv) {
    if (!rig::haveSocat()) {
        std::printf("SKIP: socat is not installed (apt-get install socat)\n");
        return 77;
    }
    return check::runAll(argc, argv);
}
