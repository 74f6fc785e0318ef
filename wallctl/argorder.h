#pragma once
// wallctl accepts its options before or after the command, like most command-line tools:
//   wallctl --url http://127.0.0.1:8470 --json preset list  ==  wallctl preset list --url ...
//   --json
// The options that come before the command are moved after it, in their order, so that every
// subcommand parses one shape (COMMAND [ARGS] [OPTIONS]). Pure (no I/O), so it is unit-testable.

#include <string_view>
#include <vector>

namespace wallctl {

// The options every command understands that take a value (--url URL) and that do not (--json).
inline bool isGlobalValued(std::string_view a) {
    return a == "--url" || a == "--token" || a == "--cacert" || a == "--timeout";
}
inline bool isGlobalFlag(std::string_view a) {
    return a == "--json" || a == "--insecure";
}

// argv without argv[0]: returns it with the leading global options (and their values) moved
// after the command. Anything else before the command (an unknown option, "--help") stops the
// move and is left where it is, for the command's own error or help.
inline std::vector<char *> commandFirst(int argc, char **argv) {
    std::vector<char *> leading, out;
    int i = 1;
    while (i < argc) {
        const std::string_view a = argv[i];
        const std::string_view name = a.substr(0, a.find('='));
        if (isGlobalFlag(a) || (isGlobalValued(name) && name.size() < a.size())) {
            leading.push_back(argv[i++]);
        } else if (isGlobalValued(a) && i + 1 < argc) {
            leading.push_back(argv[i++]);
            leading.push_back(argv[i++]);
        } else {
            break;
        }
    }
    out.push_back(argv[0]);
    for (; i < argc; ++i)
        out.push_back(argv[i]);
    out.insert(out.end(), leading.begin(), leading.end());
    out.push_back(nullptr);
    return out;
}

} // namespace wallctl
