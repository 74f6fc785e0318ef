#pragma once
// A wall-wide command: one operation fanned out to N displays under one overall deadline, with
// a result per display (in the order given). Displays on separate links run in parallel;
// displays sharing a link queue on it. A display still running at the deadline gets Timeout;
// its late answer is dropped.
#include "display.h"

#include <chrono>
#include <vector>

namespace opswall::drivers {

using DisplayOperation = std::function<void(const Display &, Display::Callback)>;

void fanOut(boost::asio::io_context &io, std::vector<Display> displays, DisplayOperation operation,
            std::chrono::milliseconds deadline, std::function<void(std::vector<Result>)> done);

// The common case: the same command to every display.
void fanOut(boost::asio::io_context &io, std::vector<Display> displays, Command command,
            std::chrono::milliseconds deadline, std::function<void(std::vector<Result>)> done);

} // namespace opswall::drivers
