// wallctl: talks to a running wall over its API, or straight to a display device.
#include "argorder.h"
#include "commands.h"

#include <cstdio>
#include <cstring>
#include <string_view>
#include <vector>

namespace {
void usage(std::FILE *out) {
    std::fputs(
        "usage: wallctl [OPTIONS] COMMAND [ARGS] [OPTIONS]\n\n"
        "Commands:\n"
#ifdef WALLCTL_HAS_DEVICE
        "  device   talk straight to a display (MDC, NEC, LG, PJLink) over TCP or serial\n"
#endif
#ifdef WALLCTL_HAS_FEED
        "  feed     fetch and parse an indicator feed once (feed test ...)\n"
#endif
#ifdef WALLCTL_HAS_API
        "  status, preset, layout, tile, source, feeds, audio, alert, devices, audit, token,\n"
        "  lock, panel, output, briefing, schedule, nodes, failback\n"
        "           talk to a running wall over its control API (see wallctl help api)\n"
#endif
#ifdef WALLCTL_HAS_CALIBRATE
        "  calibrate  technician calibration: test patterns, picture profiles, read-back,\n"
        "           apply, export/import, uniformity (see wallctl calibrate --help)\n"
#endif
#ifdef WALLCTL_HAS_BACKUP
        "  backup FILE, restore FILE\n"
        "           the wall's database and keys, on the controller (wallctl backup --help)\n"
#endif
        "  help     this text; 'wallctl COMMAND --help' explains a command\n\n"
        "Options (before or after the command): --url URL, --token TOKEN, --cacert FILE,\n"
        "--timeout SECONDS, --json, --insecure.\n",
        out);
}

// The subcommands with their own entry point; every other command is the API's (apiMain).
// "wallctl help NAME" is "wallctl NAME --help" for each of them and for the API's commands.
struct Subcommand {
    std::string_view name;
    int (*run)(int argc, char **argv);
};
const std::vector<Subcommand> &subcommands() {
    static const std::vector<Subcommand> table{
#ifdef WALLCTL_HAS_DEVICE
        {"device", wallctl::deviceMain},
#endif
#ifdef WALLCTL_HAS_FEED
        {"feed", wallctl::feedMain},
#endif
#ifdef WALLCTL_HAS_BACKUP
        {"backup", wallctl::backupMain},       {"restore", wallctl::backupMain},
#endif
#ifdef WALLCTL_HAS_CALIBRATE
        {"calibrate", wallctl::calibrateMain},
#endif
    };
    return table;
}
const Subcommand *subcommand(std::string_view name) {
    for (const Subcommand &c : subcommands())
        if (c.name == name)
            return &c;
    return nullptr;
}
} // namespace

int main(int argc, char **argv) {
    // Options before the command ("wallctl --json status") go after it.
    std::vector<char *> reordered = wallctl::commandFirst(argc, argv);
    argc = int(reordered.size()) - 1;
    argv = reordered.data();
    if (argc < 2) {
        usage(stderr);
        return wallctl::Usage;
    }
    const std::string_view cmd = argv[1];
    if ((cmd == "help" || cmd == "--help" || cmd == "-h") && argc > 2) {
        // "wallctl help api", "wallctl help calibrate": that command's own help, the same text
        // as "wallctl NAME --help" (an unknown NAME is a usage error there).
        static char helpFlag[] = "--help";
        char *args[] = {argv[2], helpFlag, nullptr};
        if (const Subcommand *c = subcommand(argv[2]))
            return c->run(2, args);
#ifdef WALLCTL_HAS_API
        if (std::string_view(argv[2]) != "help")
            return wallctl::apiMain(2, args);
#endif
    }
    if (cmd == "help" || cmd == "--help" || cmd == "-h") {
        usage(stdout);
        return wallctl::Ok;
    }
    if (const Subcommand *c = subcommand(cmd))
        return c->run(argc - 1, argv + 1);
#ifdef WALLCTL_HAS_API
    return wallctl::apiMain(argc - 1, argv + 1);
#else
    std::fprintf(stderr, "wallctl: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return wallctl::Usage;
#endif
}
