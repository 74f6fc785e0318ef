// Every protocol's simulator driven over real TCP on loopback through the real transport, link
// and device API: the device commands, then each scripted fault (slow, garbage, NAK, drop,
// silence, split writes, booting panel), PJLink authentication and class 2 UDP.
#include "pjlink_udp.h"
#include "rig.h"

using namespace rig;
namespace asio = boost::asio;

namespace {
const ProtocolKind kAll[] = {ProtocolKind::Mdc, ProtocolKind::Nec, ProtocolKind::Lg,
                             ProtocolKind::PjLink};

std::string label(ProtocolKind k, const char *what) {
    return std::string(protocolKindName(k)) + ": " + what;
}
} // namespace

TEST_CASE("device commands reach each simulator and change its state") {
    for (auto kind : kAll) {
        asio::io_context io;
        TcpDisplay t(io, kind);
        const Display &d = *t.display;
        std::printf("  %s\n", label(kind, "commands").c_str());
        auto r = exec(io, d, Command::make(Op::PowerOn));
        EXPECT_TRUE(r.ok());
        EXPECT_TRUE(t.panel().on);
        r = exec(io, d, Command::make(Op::PowerStatus));
        EXPECT_EQ(r.value, int(PowerState::On));
        r = exec(io, d, Command::input("hdmi2"));
        EXPECT_TRUE(r.ok());
        r = exec(io, d, Command::make(Op::GetInput));
        EXPECT_EQ(r.text, std::string("hdmi2"));
        r = exec(io, d, Command::make(Op::SerialNumber));
        EXPECT_TRUE(r.ok());
        EXPECT_EQ(r.text, t.panel().serial);
        r = exec(io, d, Command::make(Op::ErrorStatus));
        if (kind != ProtocolKind::Lg) { // LG has no error-status command
            EXPECT_TRUE(r.ok());
            EXPECT_EQ(r.value, 0);
            t.panel().fan = 1;
            r = exec(io, d, Command::make(Op::FanStatus));
            EXPECT_EQ(r.value, 1);
        } else {
            EXPECT_TRUE(r.status == Status::Unsupported);
        }
        if (kind == ProtocolKind::PjLink) {
            r = exec(io, d, Command::make(Op::SetBrightness, 40));
            EXPECT_TRUE(r.status == Status::Unsupported);
            EXPECT_TRUE(!r.error.empty());
            continue;
        }
        r = exec(io, d, Command::make(Op::SetBacklight, 40));
        EXPECT_TRUE(r.ok());
        EXPECT_EQ(t.panel().backlight, 40);
        r = exec(io, d, Command::make(Op::GetBacklight));
        EXPECT_EQ(r.value, 40);
        r = exec(io, d, Command::make(Op::SetContrast, 65));
        EXPECT_EQ(t.panel().contrast, 65);
        t.panel().temperatureC = 44;
        r = exec(io, d, Command::make(Op::Temperature));
        EXPECT_EQ(r.value, 44);
        r = exec(io, d, Command::tiling(2, 2, 3));
        EXPECT_TRUE(r.ok());
        EXPECT_TRUE(t.panel().tiling);
        EXPECT_EQ(t.panel().tilePosition, 3);
        r = exec(io, d, Command::make(Op::SetBezelCompensation, 1));
        EXPECT_TRUE(r.ok());
        EXPECT_TRUE(t.panel().bezelCompensation);
        if (kind != ProtocolKind::Lg) {
            r = exec(io, d, Command::make(Op::SetColourTemperature, 7500));
            EXPECT_TRUE(r.ok());
            EXPECT_EQ(t.panel().colourTemperatureK, 7500);
        }
        Health h;
        std::size_t left = 1;
        d.health([&](Health x) {
            h = std::move(x);
            left = 0;
        });
        EXPECT_TRUE(runUntil(io, left));
        EXPECT_EQ(h.power.value, int(PowerState::On));
        EXPECT_EQ(h.temperature.value, 44);
        r = exec(io, d, Command::make(Op::PowerOff));
        EXPECT_TRUE(r.ok());
        EXPECT_TRUE(!t.panel().on);
    }
}

TEST_CASE("faults: slow, garbage, split, NAK, drop, silence") {
    for (auto kind : kAll) {
        std::printf("  %s\n", label(kind, "faults").c_str());
        asio::io_context io;
        TcpDisplay t(io, kind, quick(400, 0));
        const Display &d = *t.display;
        t.panel().on = true;

        t.bank->faults.delayMs = 150; // slow but within the reply timeout
        EXPECT_TRUE(exec(io, d, Command::make(Op::PowerStatus)).ok());
        t.bank->faults.delayMs = 600; // too slow
        auto r = exec(io, d, Command::make(Op::PowerStatus));
        EXPECT_TRUE(r.status == Status::Timeout);
        t.bank->faults.delayMs = 0;

        t.bank->faults.garbageBytes = 7;
        r = exec(io, d, Command::make(Op::PowerStatus));
        EXPECT_TRUE(r.ok());
        EXPECT_TRUE(t.link->stats().skippedFrames >= 1);
        t.bank->faults.garbageBytes = 0;

        t.bank->faults.splitBytes = true;
        EXPECT_TRUE(exec(io, d, Command::make(Op::SerialNumber)).ok());
        t.bank->faults.splitBytes = false;

        // Two negative answers: NEC's null message is retried once (as NEC's SDK does), so
        // the second one is what the caller sees; the others fail on the first.
        t.panel().nakNext = 2;
        r = exec(io, d, Command::make(Op::PowerStatus));
        EXPECT_TRUE(r.status == (kind == ProtocolKind::Nec ? Status::Busy : Status::Nak));
        EXPECT_TRUE(!r.error.empty());
        t.panel().nakNext = 0;

        const int before = t.server->connections();
        t.bank->faults.dropNext = 1; // hang up instead of answering: reconnect and resend
        r = exec(io, d, Command::make(Op::PowerStatus));
        EXPECT_TRUE(r.ok());
        EXPECT_TRUE(t.server->connections() > before);

        t.bank->faults.silent = true;
        r = exec(io, d, Command::make(Op::PowerStatus));
        EXPECT_TRUE(r.status == Status::Timeout);
        t.bank->faults.silent = false;
        EXPECT_TRUE(exec(io, d, Command::make(Op::PowerStatus)).ok()); // and it recovers
    }
}

TEST_CASE("a booting panel's NAK / null message / NG / ERR3 is retried in the busy window") {
    for (auto kind : kAll) {
        std::printf("  %s\n", label(kind, "busy window").c_str());
        asio::io_context io;
        TcpDisplay t(io, kind, quick(1000, 3000), 1,
                     [](sim::SimBank &b) { b.panels.begin()->second.bootMs = 300; });
        const Display &d = *t.display;
        const auto start = steady_clock::now();
        EXPECT_TRUE(exec(io, d, Command::make(Op::PowerOn)).ok());
        const auto r = exec(io, d, Command::input("hdmi2"));
        EXPECT_TRUE(r.ok());
        EXPECT_TRUE(t.link->stats().retries >= 1);
        EXPECT_TRUE(steady_clock::now() - start >= milliseconds(300));
        EXPECT_EQ(t.panel().input, ModelProfile::defaultFor(kind).inputCode("hdmi2").value());
    }
}

TEST_CASE("pjlink: password accepted, wrong password refused") {
    asio::io_context io;
    auto settings = quick();
    settings.credentials.password = "s3cret";
    TcpDisplay good(io, ProtocolKind::PjLink, settings, 1,
                    [](sim::SimBank &b) { b.password = "s3cret"; });
    EXPECT_TRUE(exec(io, *good.display, Command::make(Op::PowerOn)).ok());
    EXPECT_TRUE(exec(io, *good.display, Command::make(Op::PowerStatus)).ok());

    settings.credentials.password = "guess";
    TcpDisplay bad(io, ProtocolKind::PjLink, settings, 1,
                   [](sim::SimBank &b) { b.password = "s3cret"; });
    const auto r = exec(io, *bad.display, Command::make(Op::PowerOn));
    EXPECT_TRUE(r.status == Status::AuthFailed);
    EXPECT_TRUE(!bad.panel().on);

    settings.credentials.password.clear();
    TcpDisplay none(io, ProtocolKind::PjLink, settings, 1,
                    [](sim::SimBank &b) { b.password = "s3cret"; });
    const auto r2 = exec(io, *none.display, Command::make(Op::PowerOn));
    EXPECT_TRUE(r2.status == Status::AuthFailed);
    EXPECT_TRUE(r2.error.find("requires a password") != std::string::npos);
}

TEST_CASE("lg: device hangs up after each reply, per-command connection copes") {
    asio::io_context io;
    auto settings = quick();
    settings.connection = Connection::PerCommand;
    TcpDisplay t(io, ProtocolKind::Lg, settings, 1,
                 [](sim::SimBank &b) { b.faults.closeAfterReply = true; });
    for (int i = 0; i < 3; ++i)
        EXPECT_TRUE(exec(io, *t.display, Command::make(i % 2 ? Op::PowerOff : Op::PowerOn)).ok());
    EXPECT_EQ(t.server->connections(), 3);
    EXPECT_TRUE(t.panel().on);
}

TEST_CASE("pjlink class 2 over UDP: search finds the simulator, notifications arrive") {
    asio::io_context io;
    auto bank = std::make_shared<sim::SimBank>(sim::SimBank::make(ProtocolKind::PjLink, {1}));
    bank->mac = "0a:1b:2c:3d:4e:5f";
    boost::system::error_code ec;
    auto simUdp = sim::listenPjLinkUdp(io, bank, 0, ec);
    EXPECT_TRUE(simUdp != nullptr);
    auto client = PjLinkUdp::create(io, 0, ec);
    EXPECT_TRUE(client != nullptr);
    if (!simUdp || !client)
        return;
    std::vector<FoundDevice> found;
    std::size_t left = 1;
    client->search(asio::ip::udp::endpoint(asio::ip::make_address("127.0.0.1"), simUdp->port()),
                   milliseconds(300), [&](std::vector<FoundDevice> f) {
                       found = std::move(f);
                       left = 0;
                   });
    EXPECT_TRUE(runUntil(io, left));
    EXPECT_EQ(found.size(), std::size_t(1));
    if (!found.empty()) {
        EXPECT_EQ(found[0].mac, bank->mac);
        EXPECT_EQ(found[0].address, std::string("127.0.0.1"));
    }
    std::string got;
    left = 1;
    client->setNotificationHandler([&](const std::string &, const pjlink::Notification &n) {
        got = n.command + "=" + n.parameter;
        left = 0;
    });
    simUdp->notify(
        asio::ip::udp::endpoint(asio::ip::make_address("127.0.0.1"), client->localPort()), "POWR",
        "1");
    EXPECT_TRUE(runUntil(io, left, milliseconds(2000)));
    EXPECT_EQ(got, std::string("POWR=1"));
    client->close();
    simUdp->stop();
}

CHECK_MAIN
