// wallctl's API subcommands for what the wall shows: presets, layouts, tiles, sources, feeds,
// audio.
#include "api_call.h"

#include "commands.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace wallctl {

using opswall::control::ApiResponse;

// wallctl preset|presets
int ApiCall::preset() const {
    if (sub.isEmpty() || sub == QLatin1String("list"))
        return get(QStringLiteral("/presets"));
    if (sub == QLatin1String("get"))
        return needId("get") ? get(QStringLiteral("/presets/") + id) : Usage;
    if (sub == QLatin1String("recall"))
        return needId("recall") ? post(QStringLiteral("/presets/%1/recall").arg(id)) : Usage;
    if (sub == QLatin1String("delete"))
        return needId("delete") ? del(QStringLiteral("/presets/") + id) : Usage;
    if (sub == QLatin1String("save")) {
        if (id.isEmpty())
            return usageError(QStringLiteral("preset save needs a NAME"));
        QJsonObject body{{QStringLiteral("name"), p.mid(1).join(u' ')}};
        if (a.flags.contains(QStringLiteral("--for-leaders")))
            body.insert(QStringLiteral("forLeaders"), true);
        if (has("--layout"))
            body.insert(QStringLiteral("layoutId"), opt("--layout"));
        return post(QStringLiteral("/presets"), body);
    }
    return unknown();
}

// wallctl layout|layouts
int ApiCall::layout() const {
    if (sub.isEmpty() || sub == QLatin1String("list"))
        return get(QStringLiteral("/layouts"));
    if (sub == QLatin1String("get"))
        return needId("get") ? get(QStringLiteral("/layouts/") + id) : Usage;
    if (sub == QLatin1String("publish"))
        return post(QStringLiteral("/layouts/publish"));
    if (sub == QLatin1String("undo"))
        return post(QStringLiteral("/layouts/undo"));
    if (sub == QLatin1String("stage")) {
        QJsonObject body;
        if (has("--file")) {
            QJsonObject layout;
            if (!readJsonFile(opt("--file"), &layout))
                return Usage;
            body.insert(QStringLiteral("layout"), layout);
        } else if (has("--id")) {
            body.insert(QStringLiteral("layoutId"), opt("--id"));
        } else {
            return usageError(QStringLiteral("layout stage needs --file FILE or --id ID"));
        }
        return post(QStringLiteral("/layouts/stage"), body);
    }
    if (sub == QLatin1String("save")) {
        QJsonObject layout;
        if (id.isEmpty() || !has("--file"))
            return usageError(QStringLiteral("layout save needs NAME and --file FILE"));
        if (!readJsonFile(opt("--file"), &layout))
            return Usage;
        return post(QStringLiteral("/layouts"),
                    {{QStringLiteral("name"), id}, {QStringLiteral("layout"), layout}});
    }
    return unknown();
}

// wallctl tile|tiles
int ApiCall::tile() const {
    if (sub.isEmpty() || sub == QLatin1String("list"))
        return get(QStringLiteral("/tiles"));
    if (sub == QLatin1String("add")) {
        QJsonObject body;
        if (!has("--kind"))
            return usageError(QStringLiteral("--kind is required"));
        body.insert(QStringLiteral("kind"), opt("--kind"));
        if (has("--source"))
            body.insert(QStringLiteral("source"), opt("--source"));
        if (!numbers(&body, {"x", "y", "width", "height"}, true) || !numbers(&body, {"z"}, false))
            return Usage;
        return post(QStringLiteral("/tiles"), body);
    }
    if (sub == QLatin1String("move")) {
        QJsonObject body;
        if (!needId("move") || !numbers(&body, {"x", "y", "width", "height", "z"}, false))
            return Usage;
        // "tile move ID 10 20" used to send an empty change and exit 0 as if it had moved.
        if (p.size() > 2)
            return usageError(QStringLiteral("tile move ID --x X --y Y [--width W] "
                                             "[--height H] [--z Z]: '%1' is not an option")
                                  .arg(p[2]));
        if (body.isEmpty())
            return usageError(QStringLiteral(
                "tile move ID needs at least one of --x, --y, --width, --height, --z"));
        return show(client.request("PATCH", QStringLiteral("/tiles/") + id, body), json);
    }
    if (sub == QLatin1String("remove"))
        return needId("remove") ? del(QStringLiteral("/tiles/") + id) : Usage;
    if (sub == QLatin1String("set")) {
        if (!needId("set") || p.size() < 3)
            return usageError(QStringLiteral("tile set ID KEY=VALUE ..."));
        QJsonObject options;
        if (const auto bad = keyValues(p.mid(2), &options, true)) // KEY= removes the option
            return usageError(*bad);
        return show(client.request("PATCH", QStringLiteral("/tiles/") + id,
                                   {{QStringLiteral("options"), options}}),
                    json);
    }
    if (sub == QLatin1String("focus") || sub == QLatin1String("unfocus")) {
        if (!needId(sub == QLatin1String("focus") ? "focus" : "unfocus"))
            return Usage;
        QJsonObject body;
        if (sub == QLatin1String("focus")) {
            if (has("--displays"))
                body.insert(
                    QStringLiteral("displays"),
                    QJsonArray::fromStringList(opt("--displays").split(u',', Qt::SkipEmptyParts)));
            if (a.flags.contains(QStringLiteral("--toggle")))
                body.insert(QStringLiteral("toggle"), true);
        }
        return post(QStringLiteral("/tiles/%1/%2").arg(id, sub), body);
    }
    if (sub == QLatin1String("province")) {
        if (!needId("province") || p.size() < 3)
            return usageError(QStringLiteral("tile province ID CODE [--lang en]"));
        return get(QStringLiteral("/tiles/%1/provinces/%2%3")
                       .arg(id, p[2],
                            opt("--lang") == QLatin1String("en") ? QStringLiteral("?lang=en")
                                                                 : QString()));
    }
    return unknown();
}

// wallctl source|sources
int ApiCall::source() const {
    if (sub.isEmpty() || sub == QLatin1String("list"))
        return get(QStringLiteral("/sources"));
    if (sub == QLatin1String("get"))
        return needId("get") ? get(QStringLiteral("/sources/") + id) : Usage;
    if (sub == QLatin1String("remove"))
        return needId("remove") ? del(QStringLiteral("/sources/") + id) : Usage;
    if (sub == QLatin1String("add")) {
        QJsonObject source;
        if (has("--file")) {
            if (!readJsonFile(opt("--file"), &source))
                return Usage;
        } else {
            if (!needId("add") || !has("--kind"))
                return usageError(QStringLiteral("source add ID --kind KIND [--uri URI] ... "
                                                 "or source add --file FILE"));
            source.insert(QStringLiteral("id"), id);
            source.insert(QStringLiteral("kind"), opt("--kind"));
            for (const char *k : {"uri", "name"})
                if (has((QByteArray("--") + k).constData()))
                    source.insert(QLatin1String(k), opt((QByteArray("--") + k).constData()));
            if (has("--site") || has("--participant"))
                source.insert(QStringLiteral("conference"),
                              QJsonObject{{QStringLiteral("site"), opt("--site")},
                                          {QStringLiteral("participant"), opt("--participant")}});
        }
        return post(QStringLiteral("/sources"), {{QStringLiteral("source"), source}});
    }
    return unknown();
}

// wallctl feeds|feed
int ApiCall::feeds() const {
    if (sub.isEmpty() || sub == QLatin1String("list"))
        return get(QStringLiteral("/feeds"));
    return unknown();
}

// wallctl audio
int ApiCall::audio() const {
    if (sub.isEmpty() || sub == QLatin1String("status"))
        return get(QStringLiteral("/audio"));
    QJsonObject body;
    const QString volume = sub == QLatin1String("volume") ? id : opt("--volume");
    if (!volume.isEmpty()) {
        bool ok = false;
        body.insert(QStringLiteral("volume"), volume.toDouble(&ok));
        if (!ok)
            return usageError(QStringLiteral("the volume is a number, 0 to 1.5"));
    }
    if (sub == QLatin1String("unmute")) {
        if (!needId("unmute"))
            return Usage;
        body.insert(QStringLiteral("source"), id);
    } else if (sub == QLatin1String("mute")) {
        body.insert(QStringLiteral("source"), QString());
    } else if (sub != QLatin1String("volume") || volume.isEmpty()) {
        return usageError(QStringLiteral("audio [status] | unmute SOURCE [--volume V] | mute | "
                                         "volume V"));
    }
    return post(QStringLiteral("/audio"), body);
    return unknown();
}

} // namespace wallctl
