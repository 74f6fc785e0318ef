#pragma once
// A USB panel (UsbDeck, xkeys::UsbPanel) under test on its own io_context: its states as the
// test words them, its key events as "down K" / "up K", waiting while the io_context runs.
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace fakehid {

template<typename Panel>
struct UsbPanelRig {
    boost::asio::io_context io;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work{
        io.get_executor()};
    std::shared_ptr<Panel> panel;
    std::vector<std::string> states;
    std::vector<std::string> keys;

    UsbPanelRig() = default;
    UsbPanelRig(const UsbPanelRig &) = delete;
    UsbPanelRig &operator=(const UsbPanelRig &) = delete;
    ~UsbPanelRig() {
        if (!panel)
            return;
        boost::asio::post(io, [this] { panel->stop(); });
        io.run_for(std::chrono::milliseconds(20));
    }
    // Records what the panel reports (each state as describe(...) words it) and starts it.
    template<typename Describe>
    void start(std::shared_ptr<Panel> p, Describe describe) {
        panel = std::move(p);
        panel->setCallbacks(
            [this, describe](const auto &...state) { states.push_back(describe(state...)); },
            [this](const auto &e) {
                keys.push_back((e.pressed ? "down " : "up ") + std::to_string(e.key));
            });
        boost::asio::post(io, [this] { panel->start(); });
    }
    template<typename P>
    bool waitFor(P pred, int ms = 5000) {
        const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
        while (std::chrono::steady_clock::now() < end) {
            io.run_for(std::chrono::milliseconds(5));
            if (pred())
                return true;
        }
        return false;
    }
    int count(const std::string &prefix) const {
        return int(std::count_if(states.begin(), states.end(),
                                 [&](const std::string &s) { return s.rfind(prefix, 0) == 0; }));
    }
    std::string last() const { return states.empty() ? std::string() : states.back(); }
};

} // namespace fakehid
