#pragma once
// N simulated displays, each its own TCP simulator and link (a wall of networked panels).
#include "rig.h"

namespace rig {

struct Wall {
    std::vector<std::shared_ptr<sim::SimBank>> banks;
    std::vector<std::shared_ptr<sim::SimTcpServer>> servers;
    std::vector<Display> displays;

    Wall(boost::asio::io_context &io, ProtocolKind kind, int count, LinkSettings settings,
         int replyDelayMs = 0) {
        for (int i = 0; i < count; ++i) {
            auto bank = std::make_shared<sim::SimBank>(sim::SimBank::make(kind, {1}));
            bank->faults.delayMs = replyDelayMs;
            boost::system::error_code ec;
            auto server = sim::listenTcp(io, bank, 0, ec);
            if (!server) {
                std::fprintf(stderr, "cannot listen: %s\n", ec.message().c_str());
                break;
            }
            auto link = Link::create(
                io, makeTcpTransport(io, TcpSettings{"127.0.0.1", server->port(), 2000}),
                makeProtocol(kind, ModelProfile::defaultFor(kind)), settings);
            banks.push_back(bank);
            servers.push_back(server);
            displays.emplace_back(link, Address::unicast(1), "panel " + std::to_string(i + 1));
        }
    }
    ~Wall() {
        for (auto &d : displays)
            d.link()->stop();
        for (auto &s : servers)
            s->stop();
    }
    int panelsOn() const {
        int n = 0;
        for (const auto &b : banks)
            n += b->panels.begin()->second.on;
        return n;
    }
};

} // namespace rig
