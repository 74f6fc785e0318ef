#include "fanout.h"

#include <boost/asio/post.hpp>

namespace opswall::drivers {

namespace asio = boost::asio;

namespace {
struct FanOutState {
    explicit FanOutState(asio::io_context &io)
        : timer(io) {}
    std::vector<Result> results;
    std::vector<bool> answered;
    std::size_t left = 0;
    bool finished = false;
    asio::steady_timer timer;
    std::function<void(std::vector<Result>)> done;

    void complete() {
        if (finished)
            return;
        finished = true;
        timer.cancel();
        done(std::move(results));
    }
};
} // namespace

void fanOut(asio::io_context &io, std::vector<Display> displays, DisplayOperation operation,
            std::chrono::milliseconds deadline, std::function<void(std::vector<Result>)> done) {
    auto state = std::make_shared<FanOutState>(io);
    state->results.resize(displays.size());
    state->answered.assign(displays.size(), false);
    state->left = displays.size();
    state->done = std::move(done);
    if (displays.empty()) {
        asio::post(io, [state] { state->complete(); });
        return;
    }
    state->timer.expires_after(deadline);
    state->timer.async_wait([state, deadline](const boost::system::error_code &ec) {
        if (ec || state->finished)
            return;
        for (std::size_t i = 0; i < state->results.size(); ++i)
            if (!state->answered[i])
                state->results[i] =
                    Result::failure(Status::Timeout, "no answer within the fan-out deadline of " +
                                                         std::to_string(deadline.count()) + " ms");
        state->complete();
    });
    for (std::size_t i = 0; i < displays.size(); ++i)
        operation(displays[i], [state, i](Result r) {
            if (state->finished || state->answered[i])
                return;
            state->answered[i] = true;
            state->results[i] = std::move(r);
            if (--state->left == 0)
                state->complete();
        });
}

void fanOut(asio::io_context &io, std::vector<Display> displays, Command command,
            std::chrono::milliseconds deadline, std::function<void(std::vector<Result>)> done) {
    fanOut(
        io, std::move(displays),
        [command](const Display &d, Display::Callback cb) { d.execute(command, std::move(cb)); },
        deadline, std::move(done));
}

} // namespace opswall::drivers
