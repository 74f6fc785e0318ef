// opswall-display-sim: simulated displays on loopback for the demo and for peer tests.
//   opswall-display-sim --protocol mdc|nec|lg|pjlink (--tcp PORT [--count N] | --serial DEV)
//                       [--ids 1,2,3] [--password P] [--boot-ms N] [--delay-ms N]
//                       [--garbage N] [--silent] [--close-after-reply] [--udp PORT]
//                       [--refuse WHO:CMD[=V]]... [--lg-family signage|multivision]
// --refuse: a panel refuses to set CMD (the protocol's own name: MDC "58", NEC "0016", LG "jm"),
// or only the value V; WHO is the panel ID on a serial chain, or the 1-based display number
// with --tcp.
// Prints one "ready tcp 127.0.0.1:PORT" (or "ready serial DEV", "ready udp PORT") line per
// endpoint, then serves until SIGINT/SIGTERM.
#include "server.h"
#include "simmain.h"

#include <cstdio>
#include <cstring>
#include <optional>
#include <string_view>
#include <vector>

using namespace opswall::drivers;

namespace {
int usage(const char *why) {
    std::fprintf(stderr,
                 "opswall-display-sim: %s\n"
                 "usage: opswall-display-sim --protocol mdc|nec|lg|pjlink (--tcp PORT [--count N]"
                 " | --serial DEV)\n"
                 "       [--ids 1,2,3] [--password P] [--boot-ms N] [--delay-ms N] [--garbage N]"
                 " [--silent]\n       [--close-after-reply] [--udp PORT] [--refuse WHO:CMD[=V]]\n"
                 "       [--lg-family signage|multivision]\n",
                 why);
    return 2;
}
} // namespace

int main(int argc, char **argv) {
    ProtocolKind kind = ProtocolKind::Invalid;
    std::optional<int> tcpPort, udpPort;
    int count = 1, bootMs = 0;
    std::string serial, password;
    std::vector<int> ids;
    std::vector<std::pair<int, std::string>> refusals;
    LgFamily lgFamily = LgFamily::Signage;
    sim::SimFaults faults;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        const bool hasValue = i + 1 < argc;
        auto number = [&]() { return hasValue ? sim::parseCount(argv[++i]) : std::nullopt; };
        if (a == "--protocol" && hasValue) {
            kind = protocolKindFromName(argv[++i]);
        } else if (a == "--tcp") {
            if (!(tcpPort = number()) || *tcpPort > 65535)
                return usage("--tcp needs a port (0 = any free port)");
        } else if (a == "--udp") {
            if (!(udpPort = number()) || *udpPort > 65535)
                return usage("--udp needs a port");
        } else if (a == "--count") {
            const auto n = number();
            if (!n || *n < 1 || *n > 1000)
                return usage("--count needs 1..1000");
            count = *n;
        } else if (a == "--serial" && hasValue) {
            serial = argv[++i];
        } else if (a == "--password" && hasValue) {
            password = argv[++i];
        } else if (a == "--ids" && hasValue) {
            std::string_view list = argv[++i];
            while (!list.empty()) {
                const auto comma = list.find(',');
                const auto id = sim::parseCount(list.substr(0, comma));
                if (!id)
                    return usage("--ids needs a comma-separated list of numbers");
                ids.push_back(*id);
                list = comma == list.npos ? std::string_view{} : list.substr(comma + 1);
            }
        } else if (a == "--boot-ms" || a == "--delay-ms" || a == "--garbage") {
            const auto n = number();
            if (!n)
                return usage("option needs a number");
            (a == "--boot-ms"    ? bootMs
             : a == "--delay-ms" ? faults.delayMs
                                 : faults.garbageBytes) = *n;
        } else if (a == "--silent") {
            faults.silent = true;
        } else if (a == "--close-after-reply") {
            faults.closeAfterReply = true;
        } else if (a == "--lg-family" && hasValue) {
            lgFamily = lgFamilyFromName(argv[++i]);
            if (lgFamily == LgFamily::Invalid)
                return usage("--lg-family must be signage or multivision");
        } else if (a == "--refuse" && hasValue) {
            const std::string_view spec = argv[++i];
            const auto colon = spec.find(':');
            const auto who = colon == std::string_view::npos
                                 ? std::nullopt
                                 : sim::parseCount(spec.substr(0, colon));
            if (!who || colon + 1 >= spec.size())
                return usage("--refuse needs WHO:CMD[=V], e.g. 3:58 or 2:0016=200");
            refusals.emplace_back(*who, std::string(spec.substr(colon + 1)));
        } else {
            return usage(("unknown argument " + std::string(a)).c_str());
        }
    }
    if (kind == ProtocolKind::Invalid)
        return usage("--protocol must be mdc, nec, lg or pjlink");
    if (tcpPort.has_value() == !serial.empty())
        return usage("give exactly one of --tcp PORT or --serial DEV");
    if (ids.empty())
        ids.push_back(1);

    boost::asio::io_context io;
    auto makeBank = [&](int number) {
        auto bank = std::make_shared<sim::SimBank>(sim::SimBank::make(kind, {}));
        for (int id : ids) {
            auto one = sim::SimBank::make(kind, {id});
            one.panels[id].bootMs = bootMs;
            bank->panels[id] = one.panels[id];
        }
        bank->faults = faults;
        bank->password = password;
        if (kind == ProtocolKind::Lg) {
            bank->profile.useLgFamily(lgFamily);
            if (lgFamily == LgFamily::Multivision) // jw/jy/jz take 0..100
                for (auto &[id, panel] : bank->panels)
                    panel.rgbGain.fill(50);
        }
        for (const auto &[who, what] : refusals)
            for (auto &[id, panel] : bank->panels)
                if (number ? who == number : who == id)
                    panel.refuse.insert(what);
        return bank;
    };
    std::vector<std::shared_ptr<sim::SimServer>> servers;
    std::shared_ptr<sim::SimPjLinkUdp> udp;
    boost::system::error_code ec;
    if (!serial.empty()) {
        auto s = sim::serveSerial(io, makeBank(0), serial, ec);
        if (!s) {
            std::fprintf(stderr, "opswall-display-sim: cannot open %s: %s\n", serial.c_str(),
                         ec.message().c_str());
            return 1;
        }
        std::printf("ready serial %s\n", serial.c_str());
        servers.push_back(s);
    } else {
        for (int n = 0; n < count; ++n) {
            const auto port = static_cast<unsigned short>(*tcpPort == 0 ? 0 : *tcpPort + n);
            auto bank = makeBank(n + 1);
            auto s = sim::listenTcp(io, bank, port, ec);
            if (!s) {
                std::fprintf(stderr, "opswall-display-sim: cannot listen on %u: %s\n", port,
                             ec.message().c_str());
                return 1;
            }
            std::printf("ready tcp 127.0.0.1:%u\n", s->port());
            servers.push_back(s);
            if (n == 0 && udpPort && kind == ProtocolKind::PjLink) {
                udp = sim::listenPjLinkUdp(io, bank, static_cast<unsigned short>(*udpPort), ec);
                if (!udp) {
                    std::fprintf(stderr, "opswall-display-sim: cannot bind udp: %s\n",
                                 ec.message().c_str());
                    return 1;
                }
                std::printf("ready udp %u\n", udp->port());
            }
        }
    }
    std::fflush(stdout);
    sim::serveUntilSignal(io, [&] {
        for (auto &s : servers)
            s->stop();
        if (udp)
            udp->stop();
    });
    return 0;
}
