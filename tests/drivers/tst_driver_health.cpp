// Health rules (answers -> alerts), power schedules (pure, on supplied local times) and the
// health poller against simulated displays on TCP (one hot, one with a fan fault, one mute).
#include "health.h"
#include "schedule.h"
#include "wall_rig.h"

using namespace rig;
namespace asio = boost::asio;

namespace {
Result ok(int value, std::string text = {}) {
    Result r;
    r.status = Status::Ok;
    r.value = value;
    r.text = std::move(text);
    return r;
}

Health healthy() {
    Health h;
    h.power = ok(int(PowerState::On));
    h.input = ok(0x21, "hdmi1");
    h.temperature = ok(40);
    h.fans = ok(0);
    h.errors = ok(0);
    return h;
}

bool hasAlert(const std::vector<Alert> &alerts, AlertKind kind, Severity severity) {
    for (const auto &a : alerts)
        if (a.kind == kind && a.severity == severity)
            return true;
    return false;
}
} // namespace

TEST_CASE("health rules: a healthy display raises nothing; each fault raises its alert") {
    HealthExpectations expect;
    expect.power = Power::On;
    expect.input = "hdmi1";
    EXPECT_TRUE(assessHealth(healthy(), expect).empty());

    auto h = healthy();
    h.temperature = ok(64);
    EXPECT_TRUE(hasAlert(assessHealth(h, expect), AlertKind::Overheat, Severity::Warning));
    h.temperature = ok(75);
    EXPECT_TRUE(hasAlert(assessHealth(h, expect), AlertKind::Overheat, Severity::Critical));

    h = healthy();
    h.fans = ok(1);
    EXPECT_TRUE(hasAlert(assessHealth(h, expect), AlertKind::FanFault, Severity::Critical));

    h = healthy();
    h.power = ok(int(PowerState::Standby));
    EXPECT_TRUE(hasAlert(assessHealth(h, expect), AlertKind::PowerMismatch, Severity::Warning));

    h = healthy();
    h.input = ok(0x23, "hdmi2");
    const auto wrong = assessHealth(h, expect);
    EXPECT_TRUE(hasAlert(wrong, AlertKind::WrongInput, Severity::Warning));
    EXPECT_TRUE(!wrong.empty() && wrong[0].message.find("hdmi2") != std::string::npos);

    h = healthy();
    h.errors = ok(1);
    h.errors.values = {0x80};
    EXPECT_TRUE(hasAlert(assessHealth(h, expect), AlertKind::DeviceError, Severity::Warning));

    h = healthy();
    h.power = Result::failure(Status::Timeout, "no reply within 5000 ms");
    const auto mute = assessHealth(h, expect);
    EXPECT_EQ(mute.size(), std::size_t(1));
    EXPECT_TRUE(hasAlert(mute, AlertKind::Unreachable, Severity::Critical));

    h = healthy(); // a PJLink temperature alarm level instead of degrees
    h.temperature = ok(-1, "error");
    EXPECT_TRUE(hasAlert(assessHealth(h, expect), AlertKind::Overheat, Severity::Critical));
}

TEST_CASE("power schedule: working-day hours, state at a time, next change") {
    std::string why;
    const auto s = PowerSchedule::parse("on 07:00 mon-fri; off 19:00 mon-fri", &why);
    EXPECT_TRUE(s.has_value());
    if (!s)
        return;
    EXPECT_TRUE(s->stateAt({0, 8 * 60}) == Power::On);   // Monday 08:00
    EXPECT_TRUE(s->stateAt({0, 6 * 60}) == Power::Off);  // Monday 06:00: Friday's 19:00 rule
    EXPECT_TRUE(s->stateAt({5, 12 * 60}) == Power::Off); // Saturday noon
    EXPECT_TRUE(s->stateAt({4, 19 * 60}) == Power::Off); // Friday 19:00 exactly
    auto next = s->nextAfter({4, 20 * 60});              // Friday 20:00 -> Monday 07:00
    EXPECT_TRUE(next.has_value());
    EXPECT_TRUE(next && next->power == Power::On);
    EXPECT_TRUE(next && next->minutesFromNow == (2 * 24 + 11) * 60);
    next = s->nextAfter({2, 7 * 60}); // Wednesday 07:00 -> 19:00 the same day
    EXPECT_TRUE(next && next->power == Power::Off && next->minutesFromNow == 12 * 60);
    // The last transition: Monday 10:00 -> Monday 07:00 (on), Monday 06:00 -> Friday 19:00
    // (off), Friday 19:00 exactly -> that minute.
    auto last = s->lastAtOrBefore({0, 10 * 60});
    EXPECT_TRUE(last && last->power == Power::On && last->minutesAgo == 3 * 60);
    last = s->lastAtOrBefore({0, 6 * 60});
    EXPECT_TRUE(last && last->power == Power::Off && last->minutesAgo == (2 * 24 + 11) * 60);
    last = s->lastAtOrBefore({4, 19 * 60});
    EXPECT_TRUE(last && last->power == Power::Off && last->minutesAgo == 0);
    EXPECT_TRUE(!PowerSchedule{}.lastAtOrBefore({0, 0}));

    const auto wrap = PowerSchedule::parse("ON 22:30 fri-mon; off 02:00 daily;");
    EXPECT_TRUE(wrap && wrap->rules().size() == 2 && wrap->rules()[0].days == 0b1110001);
}

TEST_CASE("power schedule: bad text gives a clear reason") {
    for (const char *bad : {"", "on 7:00 mon", "on 24:00 mon", "dim 07:00 mon", "on 07:00 funday",
                            "on 07:00", "on 07:00 mon extra"}) {
        std::string why;
        EXPECT_TRUE(!PowerSchedule::parse(bad, &why));
        EXPECT_TRUE(!why.empty());
    }
}

TEST_CASE("health poller: polls every display, a mute one does not stall the rest") {
    asio::io_context io;
    Wall wall(io, ProtocolKind::Mdc, 3, quick(300, 0));
    for (auto &b : wall.banks)
        b->panels.begin()->second.on = true;
    wall.banks[0]->panels.begin()->second.temperatureC = 72;
    wall.banks[1]->panels.begin()->second.fan = 1;
    wall.banks[2]->faults.silent = true;
    std::vector<std::vector<Alert>> alerts(3);
    std::vector<int> polls(3, 0);
    auto poller = HealthPoller::create(io, wall.displays, 100, [&](std::size_t i, const Health &h) {
        HealthExpectations e;
        e.power = Power::On;
        alerts[i] = assessHealth(h, e);
        ++polls[i];
    });
    poller->start();
    const auto until = steady_clock::now() + milliseconds(1500);
    while (steady_clock::now() < until)
        io.run_one_for(milliseconds(10));
    poller->stop();
    EXPECT_TRUE(polls[0] >= 5);
    EXPECT_TRUE(polls[1] >= 5);
    EXPECT_TRUE(polls[2] >= 1);
    EXPECT_TRUE(polls[2] < polls[0]); // the mute display is skipped while its poll is pending
    EXPECT_TRUE(hasAlert(alerts[0], AlertKind::Overheat, Severity::Critical));
    EXPECT_TRUE(hasAlert(alerts[1], AlertKind::FanFault, Severity::Critical));
    EXPECT_TRUE(hasAlert(alerts[2], AlertKind::Unreachable, Severity::Critical));
}

CHECK_MAIN
