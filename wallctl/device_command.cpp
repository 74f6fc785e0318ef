// wallctl device: direct device mode. The parser and the work live in drivers/cli (no Qt), where
// they are tested; this file only connects the subcommand table to them.
#include "cli/device_cli.h"
#include "commands.h"

#include <iostream>

namespace wallctl {
int deviceMain(int argc, char **argv) {
    return opswall::drivers::runDeviceCommand(argc, argv, std::cout, std::cerr);
}
} // namespace wallctl
