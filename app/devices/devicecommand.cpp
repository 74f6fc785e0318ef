#include "devices/devicecommand.h"

#include <QJsonArray>

#include <cmath>

namespace opswall::devices {

using drivers::Command;
using drivers::Op;

namespace {

ActionResult invalid(const QString &field, const QString &message) {
    return ActionResult::failure(QStringLiteral("invalid"), field + QStringLiteral(": ") + message,
                                 field);
}

std::optional<int> wholeNumber(const QJsonValue &v) {
    if (!v.isDouble())
        return std::nullopt;
    const double d = v.toDouble();
    if (!std::isfinite(d) || d != std::floor(d) || std::abs(d) > 1e9)
        return std::nullopt;
    return int(d);
}

// Builds the driver command for one "command"/"value" pair, or names what is wrong with it.
std::variant<Command, ActionResult> makeCommand(const QString &name, const QJsonValue &value) {
    const QString valueField = QStringLiteral("value");
    auto percent = [&](Op op) -> std::variant<Command, ActionResult> {
        const auto n = wholeNumber(value);
        if (!n || *n < 0 || *n > 100)
            return invalid(valueField, QStringLiteral("%1 needs a whole number 0-100").arg(name));
        return Command::make(op, *n);
    };
    if (name == QLatin1String("power")) {
        if (value.isBool())
            return Command::make(value.toBool() ? Op::PowerOn : Op::PowerOff);
        if (value.toString() == QLatin1String("on"))
            return Command::make(Op::PowerOn);
        if (value.toString() == QLatin1String("off"))
            return Command::make(Op::PowerOff);
        return invalid(valueField, QStringLiteral("power needs \"on\" or \"off\""));
    }
    if (name == QLatin1String("input")) {
        const QString input = value.toString().trimmed().toLower();
        if (input.isEmpty())
            return invalid(valueField, QStringLiteral("input needs an input name like \"hdmi1\""));
        return Command::input(input.toStdString());
    }
    if (name == QLatin1String("brightness"))
        return percent(Op::SetBrightness);
    if (name == QLatin1String("backlight"))
        return percent(Op::SetBacklight);
    if (name == QLatin1String("contrast"))
        return percent(Op::SetContrast);
    if (name == QLatin1String("colourTemperature")) {
        const auto k = wholeNumber(value);
        if (!k || *k < 2000 || *k > 20000)
            return invalid(valueField,
                           QStringLiteral("colourTemperature needs kelvin, 2000-20000"));
        return Command::make(Op::SetColourTemperature, *k);
    }
    if (name == QLatin1String("tiling")) {
        const QJsonObject t = value.toObject();
        const auto cols = wholeNumber(t.value(QStringLiteral("columns")));
        const auto rows = wholeNumber(t.value(QStringLiteral("rows")));
        const auto pos = wholeNumber(t.value(QStringLiteral("position")));
        if (!cols || !rows || !pos || *cols < 1 || *cols > 15 || *rows < 1 || *rows > 15 ||
            *pos < 1 || *pos > *cols * *rows)
            return invalid(valueField,
                           QStringLiteral("tiling needs {\"columns\": 1-15, \"rows\": 1-15, "
                                          "\"position\": 1-columns*rows}"));
        return Command::tiling(*cols, *rows, *pos);
    }
    if (name == QLatin1String("bezelCompensation")) {
        if (!value.isBool())
            return invalid(valueField, QStringLiteral("bezelCompensation needs true or false"));
        return Command::make(Op::SetBezelCompensation, value.toBool() ? 1 : 0);
    }
    if (name == QLatin1String("powerStatus"))
        return Command::make(Op::PowerStatus);
    if (name == QLatin1String("temperature"))
        return Command::make(Op::Temperature);
    return invalid(QStringLiteral("command"),
                   QStringLiteral("\"%1\" is not a device command (power, input, brightness, "
                                  "backlight, contrast, colourTemperature, tiling, "
                                  "bezelCompensation, powerStatus, temperature)")
                       .arg(name));
}

} // namespace

std::variant<CommandRequest, ActionResult> parseDeviceCommand(const QJsonObject &params,
                                                              const QStringList &wallDisplays,
                                                              const QStringList &bound) {
    CommandRequest req;
    const QJsonValue displays = params.value(QStringLiteral("displays"));
    if (displays.toString() == QLatin1String("all")) {
        for (const QString &id : wallDisplays)
            if (bound.contains(id))
                req.displays.append(id);
        if (req.displays.isEmpty())
            return ActionResult::failure(QStringLiteral("unavailable"),
                                         QStringLiteral("no display is bound to a device"));
    } else if (displays.isArray() && !displays.toArray().isEmpty()) {
        const QJsonArray list = displays.toArray();
        for (qsizetype i = 0; i < list.size(); ++i) {
            const QString field = QStringLiteral("displays[%1]").arg(i);
            const QString id = list.at(i).toString();
            if (!wallDisplays.contains(id))
                return invalid(field, QStringLiteral("the wall has no display \"%1\"")
                                          .arg(list.at(i).isString() ? id : QStringLiteral("?")));
            if (!bound.contains(id))
                return ActionResult::failure(
                    QStringLiteral("not_bound"),
                    QStringLiteral("%1: display %2 is not bound to a device").arg(field, id),
                    field);
            if (!req.displays.contains(id))
                req.displays.append(id);
        }
    } else {
        return invalid(QStringLiteral("displays"),
                       QStringLiteral("must be \"all\" or a non-empty list of display ids"));
    }
    req.command = params.value(QStringLiteral("command")).toString();
    if (req.command.isEmpty())
        return invalid(QStringLiteral("command"), QStringLiteral("a command name is required"));
    auto command = makeCommand(req.command, params.value(QStringLiteral("value")));
    if (auto *failure = std::get_if<ActionResult>(&command))
        return *failure;
    req.driverCommand = std::get<Command>(command);
    if (params.contains(QStringLiteral("timeoutMs"))) {
        const auto t = wholeNumber(params.value(QStringLiteral("timeoutMs")));
        if (!t || *t < 100 || *t > 120000)
            return invalid(QStringLiteral("timeoutMs"),
                           QStringLiteral("must be a whole number 100-120000"));
        req.timeoutMs = *t;
    }
    return req;
}

QJsonObject resultToJson(const drivers::Result &r) {
    QJsonObject o{{QStringLiteral("ok"), r.ok()},
                  {QStringLiteral("status"), QString::fromLatin1(drivers::statusName(r.status))}};
    if (!r.error.empty())
        o.insert(QStringLiteral("error"), QString::fromStdString(r.error));
    if (r.ok() && r.value >= 0)
        o.insert(QStringLiteral("value"), r.value);
    if (r.ok() && !r.text.empty())
        o.insert(QStringLiteral("text"), QString::fromStdString(r.text));
    return o;
}

} // namespace opswall::devices
