#pragma once
// Subcommand entry points. Each gets the arguments after its own name (argv[0] is the
// subcommand name) and returns the process exit code:
//   0 success, 1 the operation failed (device/feed/API said no), 2 usage error,
//   3 could not connect / timed out, 4 authentication or permission refused.
namespace wallctl {
enum Exit { Ok = 0, Failed = 1, Usage = 2, Unreachable = 3, Refused = 4 };
int deviceMain(int argc, char **argv);
int feedMain(int argc, char **argv);
int apiMain(int argc, char **argv);       // every API subcommand: status, preset, tile, token, ...
int calibrateMain(int argc, char **argv); // calibrate: patterns, profiles, read, apply, ...
int backupMain(int argc,
               char **argv); // backup FILE / restore FILE: the database, on the controller
} // namespace wallctl
