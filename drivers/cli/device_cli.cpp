#include "device_cli.h"
#include "display.h"

#include <cstdio>
#include <optional>
#include <ostream>
#include <sstream>
#include <string_view>
#include <vector>

namespace opswall::drivers {

namespace {

constexpr const char *kUsage =
    "usage: wallctl device (--tcp HOST:PORT | --serial DEV) --protocol mdc|nec|lg|pjlink\n"
    "                      [--id N] [--password P] [--baud N] [--timeout-ms N] COMMAND [ARGS]\n"
    "commands: power on|off|status, input NAME, brightness N, info, health\n";

std::string jsonString(std::string_view s) {
    std::string o = "\"";
    for (char c : s) {
        switch (c) {
        case '"':
            o += "\\\"";
            break;
        case '\\':
            o += "\\\\";
            break;
        case '\n':
            o += "\\n";
            break;
        case '\r':
            o += "\\r";
            break;
        case '\t':
            o += "\\t";
            break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", unsigned(static_cast<unsigned char>(c)));
                o += buf;
            } else {
                o += c;
            }
        }
    }
    return o + "\"";
}

struct Options {
    std::string tcp;
    std::string serial;
    ProtocolKind protocol = ProtocolKind::Invalid;
    int id = 1;
    std::string password;
    int baud = 9600;
    int timeoutMs = 0;
    std::vector<std::string> command;
};

// "field": value pairs of one JSON object, in order.
class JsonObject {
public:
    void add(std::string_view key, const std::string &rawJson) {
        m_text += (m_text.empty() ? "" : ", ") + jsonString(key) + ": " + rawJson;
    }
    void addString(std::string_view key, std::string_view v) { add(key, jsonString(v)); }
    void addInt(std::string_view key, int v) { add(key, std::to_string(v)); }
    std::string str() const { return "{" + m_text + "}"; }

private:
    std::string m_text;
};

std::string resultJson(Op op, const Result &r) {
    JsonObject o;
    o.addString("status", statusName(r.status));
    if (!r.ok()) {
        o.addString("error", r.error);
        return o.str();
    }
    switch (op) {
    case Op::PowerStatus:
        o.addString("power", powerStateName(PowerState(r.value)));
        break;
    case Op::GetInput:
        o.addString("input", r.text);
        break;
    case Op::Temperature:
        if (r.value >= 0)
            o.addInt("celsius", r.value);
        else
            o.addString("level", r.text);
        break;
    case Op::FanStatus:
        o.addString("fans", r.value == 0 ? "ok" : r.value == 1 ? "fault" : "n/a");
        break;
    case Op::ErrorStatus: {
        o.add("errors", r.value ? "true" : "false");
        std::string codes = "[";
        for (std::size_t i = 0; i < r.values.size(); ++i)
            codes += (i ? ", " : "") + std::to_string(r.values[i]);
        o.add("codes", codes + "]");
        break;
    }
    case Op::SerialNumber:
    case Op::ModelName:
    case Op::Firmware:
        o.addString("text", r.text);
        break;
    default:
        if (r.value >= 0)
            o.addInt("value", r.value);
        break;
    }
    return o.str();
}

int exitFor(Status s) {
    switch (s) {
    case Status::Ok:
        return 0;
    case Status::Timeout:
    case Status::Unreachable:
        return 3;
    case Status::AuthFailed:
        return 4;
    case Status::BadArgument:
        return 2;
    default:
        return 1;
    }
}

} // namespace

int runDeviceCommand(int argc, const char *const *argv, std::ostream &out, std::ostream &err) {
    Options opt;
    auto usage = [&](const std::string &why) {
        err << "wallctl device: " << why << "\n" << kUsage;
        return 2;
    };
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        auto value = [&]() -> std::optional<std::string> {
            if (i + 1 >= argc)
                return std::nullopt;
            return std::string(argv[++i]);
        };
        if (a == "--help" || a == "-h") {
            out << kUsage;
            return 0;
        }
        if (a == "--tcp" || a == "--serial" || a == "--protocol" || a == "--id" ||
            a == "--password" || a == "--baud" || a == "--timeout-ms") {
            const auto v = value();
            if (!v)
                return usage(std::string(a) + " needs a value");
            if (a == "--tcp")
                opt.tcp = *v;
            else if (a == "--serial")
                opt.serial = *v;
            else if (a == "--protocol")
                opt.protocol = protocolKindFromName(*v);
            else if (a == "--password")
                opt.password = *v;
            else {
                const auto n = parseDecimal(*v);
                if (!n || *n < 0)
                    return usage(std::string(a) + " needs a non-negative number, got '" + *v + "'");
                (a == "--id" ? opt.id : a == "--baud" ? opt.baud : opt.timeoutMs) = *n;
            }
            continue;
        }
        if (a.starts_with("--"))
            return usage("unknown option " + std::string(a));
        opt.command.emplace_back(a);
    }
    if (opt.tcp.empty() == opt.serial.empty())
        return usage("give exactly one of --tcp HOST:PORT or --serial DEV");
    if (opt.protocol == ProtocolKind::Invalid)
        return usage("--protocol must be mdc, nec, lg or pjlink");
    if (opt.command.empty())
        return usage("missing COMMAND");

    std::vector<Command> commands;
    const std::string &verb = opt.command[0];
    const std::string arg = opt.command.size() > 1 ? opt.command[1] : "";
    if (verb == "power" && arg == "on")
        commands = {Command::make(Op::PowerOn)};
    else if (verb == "power" && arg == "off")
        commands = {Command::make(Op::PowerOff)};
    else if (verb == "power" && arg == "status")
        commands = {Command::make(Op::PowerStatus)};
    else if (verb == "input" && !arg.empty())
        commands = {Command::input(arg)};
    else if (verb == "brightness" && parseDecimal(arg))
        commands = {Command::make(Op::SetBrightness, *parseDecimal(arg))};
    else if (verb == "info")
        commands = {Command::make(Op::ModelName), Command::make(Op::SerialNumber),
                    Command::make(Op::Firmware), Command::make(Op::PowerStatus),
                    Command::make(Op::GetInput)};
    else if (verb == "health")
        commands = {Command::make(Op::PowerStatus), Command::make(Op::GetInput),
                    Command::make(Op::Temperature), Command::make(Op::FanStatus),
                    Command::make(Op::ErrorStatus)};
    else
        return usage("unknown command '" + verb + (arg.empty() ? "" : " " + arg) + "'");

    boost::asio::io_context io;
    std::shared_ptr<Transport> transport;
    std::string where;
    if (!opt.tcp.empty()) {
        const auto colon = opt.tcp.rfind(':');
        const auto port = colon == std::string::npos
                              ? std::nullopt
                              : parseDecimal(std::string_view(opt.tcp).substr(colon + 1));
        if (!port || *port <= 0 || *port > 65535)
            return usage("--tcp needs HOST:PORT, got '" + opt.tcp + "'");
        transport = makeTcpTransport(
            io, TcpSettings{opt.tcp.substr(0, colon), static_cast<unsigned short>(*port), 2000});
        where = "tcp " + opt.tcp;
    } else {
        SerialSettings s;
        s.device = opt.serial;
        s.baudRate = unsigned(opt.baud);
        transport = makeSerialTransport(io, s);
        where = "serial " + opt.serial;
    }
    auto protocol = makeProtocol(opt.protocol, ModelProfile::defaultFor(opt.protocol));
    LinkSettings settings;
    settings.credentials.password = opt.password;
    settings.reconnect.maxAttempts = 2;
    settings.reconnect.reconnectOnReplyTimeout = false;
    if (opt.timeoutMs > 0) {
        Timing t = protocol->defaultTiming();
        t.replyTimeoutMs = opt.timeoutMs;
        settings.timing = t;
    }
    auto link = Link::create(io, transport, std::move(protocol), settings);
    const Display display(link, Address::unicast(opt.id));

    JsonObject result;
    result.addString("device", where);
    result.addString("protocol", protocolKindName(opt.protocol));
    result.addInt("id", opt.id);
    result.addString("command", verb + (arg.empty() || verb == "info" ? "" : " " + arg));
    Status worst = Status::Ok;
    JsonObject answers;
    std::size_t left = commands.size();
    for (const auto &c : commands)
        display.execute(c, [&, op = c.op](Result r) {
            if (--left == 0)
                link->stop(); // closes the connection, so io.run() returns
            // info/health ask several things: what a protocol cannot report is not a failure.
            const bool optional = commands.size() > 1 && r.status == Status::Unsupported;
            if (!r.ok() && !optional && worst == Status::Ok)
                worst = r.status;
            answers.add(opName(op), resultJson(op, r));
            if (!r.ok() && !optional)
                err << "wallctl device: " << opName(op) << ": " << statusName(r.status) << ": "
                    << r.error << "\n";
        });
    io.run(); // bounded: every command ends by reply, timeout or give-up
    result.add("ok", worst == Status::Ok ? "true" : "false");
    result.add("results", answers.str());
    out << result.str() << "\n";
    return exitFor(worst);
}

} // namespace opswall::drivers
