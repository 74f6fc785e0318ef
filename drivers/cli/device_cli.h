#pragma once
// wallctl's direct device mode, kept in drivers/ so it builds and is tested without Qt:
//   wallctl device (--tcp HOST:PORT | --serial DEV) --protocol mdc|nec|lg|pjlink [--id N]
//                  [--password P] [--baud N] [--timeout-ms N] COMMAND [ARGS]
//   COMMAND: power on|off|status, input NAME, brightness N, info, health
// Prints one JSON object on stdout; errors also go to stderr as one line.
#include <iosfwd>

namespace opswall::drivers {

// Exit codes follow wallctl/commands.h: 0 ok, 1 device said no, 2 usage, 3 unreachable/timeout,
// 4 authentication refused.
int runDeviceCommand(int argc, const char *const *argv, std::ostream &out, std::ostream &err);

} // namespace opswall::drivers
