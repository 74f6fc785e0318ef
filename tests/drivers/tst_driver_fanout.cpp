// Wall-wide commands: 100 simulated displays on TCP powered on by one fan-out; one overall
// deadline with a result per display (mute panels time out alone); displays sharing a chain.
#include "fanout.h"
#include "wall_rig.h"

using namespace rig;
namespace asio = boost::asio;

namespace {
std::vector<Result> runFanOut(asio::io_context &io, std::vector<Display> displays, Command c,
                              milliseconds deadline) {
    std::vector<Result> out;
    std::size_t left = 1;
    fanOut(io, std::move(displays), c, deadline, [&](std::vector<Result> r) {
        out = std::move(r);
        left = 0;
    });
    EXPECT_TRUE(runUntil(io, left, deadline + seconds(5)));
    return out;
}
} // namespace

TEST_CASE("100 displays on TCP powered on by one fan-out") {
    asio::io_context io;
    Wall wall(io, ProtocolKind::Mdc, 100, quick(2000, 0));
    EXPECT_EQ(wall.displays.size(), std::size_t(100));
    const auto start = steady_clock::now();
    const auto results = runFanOut(io, wall.displays, Command::make(Op::PowerOn), seconds(10));
    const auto ms = duration_cast<milliseconds>(steady_clock::now() - start).count();
    std::printf("  100 displays powered on in %lld ms\n", static_cast<long long>(ms));
    EXPECT_EQ(results.size(), std::size_t(100));
    int ok = 0;
    for (const auto &r : results)
        ok += r.ok();
    EXPECT_EQ(ok, 100);
    EXPECT_EQ(wall.panelsOn(), 100);
}

TEST_CASE("one deadline for all: mute panels time out alone, in order") {
    asio::io_context io;
    Wall wall(io, ProtocolKind::Nec, 20, quick(5000, 0));
    for (int i : {3, 7, 19})
        wall.banks[std::size_t(i)]->faults.silent = true;
    const auto start = steady_clock::now();
    const auto results =
        runFanOut(io, wall.displays, Command::make(Op::PowerStatus), milliseconds(400));
    const auto took = steady_clock::now() - start;
    EXPECT_TRUE(took >= milliseconds(400));
    EXPECT_TRUE(took < milliseconds(2000)); // the fan-out deadline, not the 5 s reply timeout
    EXPECT_EQ(results.size(), std::size_t(20));
    for (std::size_t i = 0; i < results.size(); ++i) {
        const bool mute = i == 3 || i == 7 || i == 19;
        EXPECT_TRUE(results[i].status == (mute ? Status::Timeout : Status::Ok));
        if (mute)
            EXPECT_TRUE(results[i].error.find("deadline") != std::string::npos);
    }
}

TEST_CASE("displays sharing one chained link queue on it; results stay per display") {
    asio::io_context io;
    auto bank = std::make_shared<sim::SimBank>(sim::SimBank::make(ProtocolKind::Lg, {1, 2, 3}));
    boost::system::error_code ec;
    auto server = sim::listenTcp(io, bank, 0, ec);
    EXPECT_TRUE(server != nullptr);
    if (!server)
        return;
    auto link = Link::create(
        io, makeTcpTransport(io, TcpSettings{"127.0.0.1", server->port(), 1000}),
        makeProtocol(ProtocolKind::Lg, ModelProfile::defaultFor(ProtocolKind::Lg)), quick());
    bank->panel(2)->on = true;
    std::vector<Display> displays{Display(link, Address::unicast(1)),
                                  Display(link, Address::unicast(2)),
                                  Display(link, Address::unicast(3))};
    const auto r = runFanOut(io, displays, Command::make(Op::PowerStatus), seconds(5));
    EXPECT_EQ(r.size(), std::size_t(3));
    if (r.size() == 3) {
        EXPECT_EQ(r[0].value, int(PowerState::Off));
        EXPECT_EQ(r[1].value, int(PowerState::On));
        EXPECT_EQ(r[2].value, int(PowerState::Off));
    }
    EXPECT_EQ(server->connections(), 1);
    link->stop();
    server->stop();

    // An empty wall completes at once with no results.
    const auto none = runFanOut(io, {}, Command::make(Op::PowerOn), seconds(1));
    EXPECT_TRUE(none.empty());
}

CHECK_MAIN
