// The dispatcher's layout actions: presets, layouts, staging, undo/redo and tile edits.
#include "wall/dispatcher.h"

#include "core/permissions.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QThread>
#include <QUuid>

#include <algorithm>
#include <cmath>
#include <utility>

namespace opswall::wall {

namespace {

ActionResult invalid(const QList<Issue> &issues) {
    const Issue &first = issues.first();
    QJsonArray all;
    for (const Issue &i : issues)
        all.append(
            QJsonObject{{QStringLiteral("field"), i.path}, {QStringLiteral("message"), i.message}});
    ActionResult r = ActionResult::failure(QStringLiteral("invalid"), first.toString(), first.path);
    r.data.insert(QStringLiteral("issues"), all);
    return r;
}

std::optional<QString> requireString(const QJsonObject &p, const QString &key, ActionResult &err) {
    const QJsonValue v = p.value(key);
    if (!v.isString() || v.toString().isEmpty()) {
        err = ActionResult::failure(QStringLiteral("invalid"),
                                    QStringLiteral("%1: a non-empty string is required").arg(key),
                                    key);
        return std::nullopt;
    }
    return v.toString();
}

std::optional<double> requireNumber(const QJsonObject &p, const QString &key, ActionResult &err) {
    const QJsonValue v = p.value(key);
    if (!v.isDouble() || !std::isfinite(v.toDouble())) {
        err = ActionResult::failure(QStringLiteral("invalid"),
                                    QStringLiteral("%1: a number is required").arg(key), key);
        return std::nullopt;
    }
    return v.toDouble();
}

std::optional<int> requireId(const QJsonObject &p, ActionResult &err) {
    const QJsonValue v = p.value(QStringLiteral("id"));
    const double d = v.toDouble(-1);
    if (!v.isDouble() || d < 1 || d != std::floor(d) || d > 1e9) {
        err = ActionResult::failure(QStringLiteral("invalid"),
                                    QStringLiteral("id: a preset number is required"),
                                    QStringLiteral("id"));
        return std::nullopt;
    }
    return int(d);
}

ActionResult noStore() {
    return ActionResult::failure(QStringLiteral("unavailable"),
                                 QStringLiteral("presets need the database, which is not open"));
}

// The preset p's "id" names; without one, err says why (no database, a bad id, or no such
// preset).
std::optional<Preset> presetById(ActionStore *store, const QJsonObject &p, ActionResult &err) {
    if (!store) {
        err = noStore();
        return std::nullopt;
    }
    const auto id = requireId(p, err);
    if (!id)
        return std::nullopt;
    auto preset = store->preset(*id);
    if (!preset)
        err = ActionResult::failure(QStringLiteral("not_found"), QStringLiteral("no such preset"),
                                    QStringLiteral("id"));
    return preset;
}

} // namespace

std::optional<ActionResult> Dispatcher::imageRefusal(const QList<Tile> &tiles,
                                                     const QString &prefix) const {
    QList<Issue> issues;
    for (qsizetype i = 0; i < tiles.size(); ++i) {
        const Tile &t = tiles[i];
        if (t.kind != QLatin1String("image"))
            continue;
        const QString source = t.binding.value(QStringLiteral("source")).toString();
        if (const auto why = m_imagePolicy.refusal(source))
            issues.append({prefix.isEmpty()
                               ? QStringLiteral("binding.source")
                               : QString(prefix).replace(QStringLiteral("%1"), QString::number(i)) +
                                     QStringLiteral(".binding.source"),
                           *why});
    }
    if (issues.isEmpty())
        return std::nullopt;
    return invalid(issues);
}

std::optional<ActionResult> Dispatcher::readLayout(const QJsonObject &doc, Layout &out) const {
    const auto parsed = layoutFromJson(doc, &m_state.wall());
    if (!parsed.ok())
        return invalid(parsed.issues);
    if (auto refused = imageRefusal(parsed.layout.tiles, QStringLiteral("layout.tiles[%1]")))
        return refused;
    out = parsed.layout;
    return std::nullopt;
}

ActionResult Dispatcher::recallPreset(const QJsonObject &p, const Caller &caller) {
    if (!m_store)
        return noStore();
    std::optional<Preset> preset;
    if (p.contains(QStringLiteral("name"))) {
        ActionResult err;
        const auto name = requireString(p, QStringLiteral("name"), err);
        if (!name)
            return err;
        preset = m_store->presetByName(*name);
        if (!preset)
            return ActionResult::failure(QStringLiteral("not_found"),
                                         QStringLiteral("no such preset"), QStringLiteral("name"));
    } else {
        ActionResult err;
        preset = presetById(m_store, p, err);
        if (!preset)
            return err;
    }
    if (caller.role == Role::Leader && !preset->info.forLeaders)
        return ActionResult::failure(
            QStringLiteral("forbidden"),
            QStringLiteral("preset \"%1\" is not marked for leaders").arg(preset->info.name));
    commit(preset->layout, QStringLiteral("preset.recall %1").arg(preset->info.id));
    return ActionResult::success(
        {{QStringLiteral("id"), preset->info.id}, {QStringLiteral("name"), preset->info.name}});
}

ActionResult Dispatcher::savePreset(const QJsonObject &p) {
    if (!m_store)
        return noStore();
    ActionResult err;
    const auto name = requireString(p, QStringLiteral("name"), err);
    if (!name)
        return err;
    std::optional<int> id;
    if (p.contains(QStringLiteral("id"))) {
        const auto preset = presetById(m_store, p, err);
        if (!preset)
            return err;
        id = preset->info.id;
    } else if (const auto existing = m_store->presetByName(*name)) {
        id = existing->info.id; // saving under an existing name makes a new revision of it
    }
    // What is saved: the live layout, a given layout document (layout.save), or a copy of
    // another preset (fromPreset).
    Layout layout = m_state.layout();
    if (p.value(QStringLiteral("layout")).isObject()) {
        if (auto refused = readLayout(p.value(QStringLiteral("layout")).toObject(), layout))
            return *refused;
    } else if (p.contains(QStringLiteral("fromPreset"))) {
        const QJsonValue from = p.value(QStringLiteral("fromPreset"));
        const auto source = from.isDouble() ? m_store->preset(from.toInt()) : std::nullopt;
        if (!source)
            return ActionResult::failure(QStringLiteral("not_found"),
                                         QStringLiteral("no such preset to copy"),
                                         QStringLiteral("layoutId"));
        layout = source->layout;
    }
    layout.name = *name;
    m_fx.writes.push_back([id, name = *name, layout,
                           forLeaders = p.value(QStringLiteral("forLeaders")).toBool(false)](
                              LayoutStore &s, QJsonObject &data) {
        data.insert(QStringLiteral("id"), s.savePreset(id, name, layout, forLeaders));
    });
    return ActionResult::success({{QStringLiteral("name"), *name}});
}

ActionResult Dispatcher::deletePreset(const QJsonObject &p) {
    ActionResult err;
    const auto preset = presetById(m_store, p, err);
    if (!preset)
        return err;
    m_fx.writes.push_back(
        [id = preset->info.id](LayoutStore &s, QJsonObject &) { s.removePreset(id); });
    return ActionResult::success({{QStringLiteral("id"), preset->info.id}});
}

ActionResult Dispatcher::setLayout(const QJsonObject &p, const QString &cause) {
    // Published from an editor's copy: refused when the live layout changed since the copy was
    // taken, naming who changed what, so nobody's change is silently overwritten.
    if (p.contains(QStringLiteral("baseRevision"))) {
        const QJsonValue base = p.value(QStringLiteral("baseRevision"));
        if (!base.isDouble() || base.toDouble() < 0)
            return ActionResult::failure(QStringLiteral("invalid"),
                                         QStringLiteral("baseRevision: a revision number from GET "
                                                        "/api/v1/layout is required"),
                                         QStringLiteral("baseRevision"));
        const QString instance = p.value(QStringLiteral("baseInstance")).toString(m_instance);
        const quint64 baseRevision = quint64(base.toDouble());
        if (instance != m_instance || baseRevision != m_state.revision()) {
            QJsonArray changes;
            QStringList said;
            for (const Change &c : m_changes)
                if (instance != m_instance || c.revision > baseRevision) {
                    changes.append(c.toJson());
                    said.append(QStringLiteral("%1 (%2) %3%4")
                                    .arg(c.by, c.role, c.type,
                                         c.what.isEmpty() ? QString() : u' ' + c.what));
                }
            QString message =
                instance != m_instance
                    ? QStringLiteral("the wall restarted since this copy was taken")
                    : QStringLiteral("the live wall changed since this copy was taken "
                                     "(revision %1, now %2)")
                          .arg(baseRevision)
                          .arg(m_state.revision());
            if (!said.isEmpty())
                message +=
                    QStringLiteral(": ") +
                    said.mid(std::max<qsizetype>(0, said.size() - 5)).join(QStringLiteral("; "));
            ActionResult r = ActionResult::failure(QStringLiteral("conflict"), message,
                                                   QStringLiteral("baseRevision"));
            r.data.insert(QStringLiteral("changes"), changes);
            r.data.insert(QStringLiteral("revision"), qint64(m_state.revision()));
            r.data.insert(QStringLiteral("instance"), m_instance);
            return r;
        }
    }
    if (!p.value(QStringLiteral("layout")).isObject())
        return ActionResult::failure(QStringLiteral("invalid"),
                                     QStringLiteral("layout: a layout document is required"),
                                     QStringLiteral("layout"));
    Layout layout;
    if (auto refused = readLayout(p.value(QStringLiteral("layout")).toObject(), layout))
        return *refused;
    commit(layout, cause);
    return ActionResult::success({{QStringLiteral("tiles"), layout.tiles.size()}});
}

ActionResult Dispatcher::stage(const QJsonObject &p) {
    if (p.contains(QStringLiteral("id"))) {
        ActionResult refused;
        const auto preset = presetById(m_store, p, refused);
        if (!preset)
            return refused;
        m_staged = preset->layout;
    } else {
        if (!p.value(QStringLiteral("layout")).isObject())
            return ActionResult::failure(QStringLiteral("invalid"),
                                         QStringLiteral("layout: a layout document or a preset id "
                                                        "is required"),
                                         QStringLiteral("layout"));
        Layout layout;
        if (auto refused = readLayout(p.value(QStringLiteral("layout")).toObject(), layout))
            return *refused;
        m_staged = layout;
    }
    return ActionResult::success({{QStringLiteral("staged"), layoutToJson(*m_staged)}});
}

ActionResult Dispatcher::publish() {
    if (!m_staged)
        return ActionResult::failure(QStringLiteral("conflict"),
                                     QStringLiteral("nothing is staged to publish"));
    commit(*m_staged, QStringLiteral("layout.publish"));
    m_staged.reset();
    return ActionResult::success();
}

ActionResult Dispatcher::undo() {
    return step(m_undo, m_redo, QStringLiteral("undo"));
}

ActionResult Dispatcher::redo() {
    return step(m_redo, m_undo, QStringLiteral("redo"));
}

// Undo and redo are the same move in opposite directions: the live layout goes onto one stack
// and the top of the other becomes live.
ActionResult Dispatcher::step(std::deque<Layout> &from, std::deque<Layout> &to,
                              const QString &verb) {
    if (from.empty())
        return ActionResult::failure(QStringLiteral("conflict"),
                                     QStringLiteral("nothing to %1").arg(verb));
    const Layout layout = from.back();
    record(layout, QStringLiteral("layout.") + verb);
    m_fx.show.push_back([this, &from, &to, layout] {
        to.push_back(m_state.layout());
        from.pop_back();
        m_state.setLayout(layout);
        Q_EMIT undoStateChanged();
    });
    return ActionResult::success();
}

ActionResult Dispatcher::tileAction(const QString &verb, const QJsonObject &p) {
    const Wall &wall = m_state.wall();
    if (verb == QLatin1String("add")) {
        QList<Issue> issues;
        const JsonReader r(&issues, QStringLiteral("tile"));
        if (!p.value(QStringLiteral("tile")).isObject())
            return ActionResult::failure(QStringLiteral("invalid"),
                                         QStringLiteral("tile: a tile object is required"),
                                         QStringLiteral("tile"));
        QJsonObject given = p.value(QStringLiteral("tile")).toObject();
        if (!given.contains(QStringLiteral("id"))) { // the API's POST /tiles: a free id is picked
            qsizetype n = m_state.layout().tiles.size() + 1;
            while (m_state.layout().tile(QStringLiteral("t%1").arg(n)))
                ++n;
            given.insert(QStringLiteral("id"), QStringLiteral("t%1").arg(n));
        }
        // The kind's default binding (tilekinds.cpp) under what was given.
        if (given.value(QStringLiteral("kind")).isString() &&
            (!given.contains(QStringLiteral("binding")) ||
             given.value(QStringLiteral("binding")).isObject())) {
            QJsonObject binding = defaultBinding(given.value(QStringLiteral("kind")).toString());
            const QJsonObject own = given.value(QStringLiteral("binding")).toObject();
            for (auto it = own.begin(); it != own.end(); ++it)
                binding.insert(it.key(), *it);
            given.insert(QStringLiteral("binding"), binding);
        }
        auto tile = tileFromJson(r, given);
        if (tile) {
            issues = validateTile(*tile, QStringLiteral("tile"), &wall);
            if (m_state.layout().tile(tile->id))
                issues.append({QStringLiteral("tile.id"),
                               QStringLiteral("\"%1\" is used by another tile").arg(tile->id)});
            if (m_state.layout().tiles.size() >= kMaxTiles)
                issues.append({QStringLiteral("tile"),
                               QStringLiteral("the layout already has %1 tiles").arg(kMaxTiles)});
        }
        if (!issues.isEmpty())
            return invalid(issues);
        if (auto refused = imageRefusal({*tile}, QStringLiteral("tile")))
            return *refused;
        Layout next = m_state.layout();
        next.tiles.append(*tile);
        record(next, QStringLiteral("tile.add %1").arg(tile->id));
        m_fx.show.push_back([this, t = *tile] {
            remember();
            m_state.putTile(t);
        });
        return ActionResult::success({{QStringLiteral("id"), tile->id}});
    }

    ActionResult err;
    const auto id = requireString(p, QStringLiteral("id"), err);
    if (!id)
        return err;
    const Tile *current = m_state.layout().tile(*id);
    if (!current)
        return ActionResult::failure(QStringLiteral("not_found"),
                                     QStringLiteral("no tile \"%1\" on the wall").arg(*id),
                                     QStringLiteral("id"));
    if (verb == QLatin1String("focus") || verb == QLatin1String("unfocus"))
        return focusTile(verb, *current, p);
    if (verb == QLatin1String("remove")) {
        Layout next = m_state.layout();
        next.tiles.removeIf([&](const Tile &x) { return x.id == *id; });
        record(next, QStringLiteral("tile.remove %1").arg(*id));
        m_fx.show.push_back([this, id = *id] {
            remember();
            m_state.removeTile(id);
        });
        return ActionResult::success({{QStringLiteral("id"), *id}});
    }

    Tile t = *current;
    if (verb == QLatin1String("move")) {
        const auto x = requireNumber(p, QStringLiteral("x"), err);
        const auto y = x ? requireNumber(p, QStringLiteral("y"), err) : std::nullopt;
        if (!x || !y)
            return err;
        t.rectMm.moveTo(*x, *y);
    } else if (verb == QLatin1String("resize")) {
        const auto w = requireNumber(p, QStringLiteral("width"), err);
        const auto h = w ? requireNumber(p, QStringLiteral("height"), err) : std::nullopt;
        if (!w || !h)
            return err;
        t.rectMm.setSize({*w, *h});
    } else if (verb == QLatin1String("raise") || verb == QLatin1String("lower")) {
        int top = t.z, bottom = t.z;
        for (const Tile &o : m_state.layout().tiles) {
            top = std::max(top, o.z);
            bottom = std::min(bottom, o.z);
        }
        t.z = verb == QLatin1String("raise") ? top + 1 : bottom - 1;
    } else if (verb == QLatin1String("update")) {
        // Any of title, rect (all or some of x, y, width, height), z, frame, binding, and
        // options (merged into the binding; a null option removes the key); the id and kind stay.
        if (p.contains(QStringLiteral("kind")))
            return ActionResult::failure(QStringLiteral("invalid"),
                                         QStringLiteral("kind: a tile's kind cannot change; remove "
                                                        "the tile and add a new one"),
                                         QStringLiteral("kind"));
        QJsonObject merged = tileToJson(t);
        for (const QString &key :
             {QStringLiteral("title"), QStringLiteral("rect"), QStringLiteral("z"),
              QStringLiteral("frame"), QStringLiteral("binding")})
            if (p.contains(key))
                merged.insert(key, p.value(key));
        if (const QJsonValue rect = p.value(QStringLiteral("rect")); rect.isObject()) {
            QJsonObject whole = tileToJson(t).value(QStringLiteral("rect")).toObject();
            const QJsonObject given = rect.toObject();
            for (auto it = given.begin(); it != given.end(); ++it)
                whole.insert(it.key(), *it);
            merged.insert(QStringLiteral("rect"), whole);
        }
        if (const QJsonValue options = p.value(QStringLiteral("options")); options.isObject()) {
            QJsonObject binding = merged.value(QStringLiteral("binding")).toObject();
            const QJsonObject given = options.toObject();
            for (auto it = given.begin(); it != given.end(); ++it) {
                if (it->isNull())
                    binding.remove(it.key());
                else
                    binding.insert(it.key(), *it);
            }
            merged.insert(QStringLiteral("binding"), binding);
        } else if (p.contains(QStringLiteral("options"))) {
            return ActionResult::failure(QStringLiteral("invalid"),
                                         QStringLiteral("options: an object is required"),
                                         QStringLiteral("options"));
        }
        for (auto it = p.begin(); it != p.end(); ++it)
            if (!merged.contains(it.key()) && it.key() != QLatin1String("id") &&
                it.key() != QLatin1String("options"))
                return ActionResult::failure(
                    QStringLiteral("invalid"),
                    QStringLiteral("%1: not a field a tile update can change").arg(it.key()),
                    it.key());
        QList<Issue> issues;
        const auto updated = tileFromJson(JsonReader(&issues), merged);
        if (!updated)
            return invalid(issues);
        t = *updated;
    } else {
        return ActionResult::failure(QStringLiteral("unknown_action"),
                                     QStringLiteral("tile.%1 is not an action").arg(verb),
                                     QStringLiteral("type"));
    }
    // Report the parameter at fault as the caller named it: tile.resize's "width", tile.update's
    // "rect.width" (not the validator's "tile.rect.width").
    QList<Issue> issues = validateTile(t, QString(), &wall);
    for (Issue &i : issues) {
        i.path.remove(0, 1); // validateTile prefixes every path with "."
        if (verb == QLatin1String("move") || verb == QLatin1String("resize")) {
            if (i.path.startsWith(QLatin1String("rect.")))
                i.path = i.path.mid(5);
            else if (i.path == QLatin1String("rect"))
                i.path =
                    verb == QLatin1String("move") ? QStringLiteral("x") : QStringLiteral("width");
        }
    }
    if (!issues.isEmpty())
        return invalid(issues);
    if (auto refused = imageRefusal({t}, QString()))
        return *refused;
    Layout next = m_state.layout();
    *next.tile(*id) = t;
    record(next, QStringLiteral("tile.%1 %2").arg(verb, *id));
    m_fx.show.push_back([this, t] {
        remember();
        m_state.putTile(t);
    });
    return ActionResult::success(
        {{QStringLiteral("id"), *id}, {QStringLiteral("tile"), tileToJson(t)}});
}

QStringList Dispatcher::focusedTiles() const {
    QStringList out;
    for (auto it = m_focused.cbegin(); it != m_focused.cend(); ++it) {
        const Tile *t = m_state.layout().tile(it.key());
        if (t && t->rectMm == it->focusedMm && t->z == it->focusedZ)
            out.append(it.key());
    }
    out.sort();
    return out;
}

// tile.focus {id, displays?: [display ids], toggle?: bool}: the tile fills the wall (or the
// rectangle of the displays given) on top of every other tile until tile.unfocus {id} puts it
// back where and how high it was. "toggle": focusing a focused tile unfocuses it (one button).
// Each is one layout change (history, undo) and audited like any action.
ActionResult Dispatcher::focusTile(const QString &verb, const Tile &current, const QJsonObject &p) {
    const Wall &wall = m_state.wall();
    const QString id = current.id;
    const auto it = m_focused.constFind(id);
    const bool focused =
        it != m_focused.cend() && current.rectMm == it->focusedMm && current.z == it->focusedZ;
    const QJsonValue toggle = p.value(QStringLiteral("toggle"));
    if (!toggle.isUndefined() && !toggle.isBool())
        return ActionResult::failure(QStringLiteral("invalid"),
                                     QStringLiteral("toggle: true or false"),
                                     QStringLiteral("toggle"));
    const bool unfocus = verb == QLatin1String("unfocus") || (focused && toggle.toBool(false));
    Tile t = current;
    if (unfocus) {
        if (!focused)
            return ActionResult::failure(
                QStringLiteral("conflict"),
                QStringLiteral("tile \"%1\" is not focused (or was changed since)").arg(id),
                QStringLiteral("id"));
        t.rectMm = it->before.rectMm;
        t.z = it->before.z;
    } else {
        QRectF target;
        const QJsonValue displays = p.value(QStringLiteral("displays"));
        if (displays.isUndefined() || (displays.isArray() && displays.toArray().isEmpty())) {
            target = wall.canvasRectMm();
        } else if (!displays.isArray()) {
            return ActionResult::failure(QStringLiteral("invalid"),
                                         QStringLiteral("displays: a list of display ids"),
                                         QStringLiteral("displays"));
        } else {
            const QJsonArray list = displays.toArray();
            for (qsizetype i = 0; i < list.size(); ++i) {
                const Display *d = wall.display(list[i].toString());
                if (!d)
                    return ActionResult::failure(
                        QStringLiteral("invalid"),
                        QStringLiteral("displays[%1]: no display \"%2\" on this wall")
                            .arg(i)
                            .arg(list[i].toVariant().toString()),
                        QStringLiteral("displays[%1]").arg(i));
                target |= d->outerRectMm();
            }
        }
        if (!target.isValid())
            return ActionResult::failure(QStringLiteral("conflict"),
                                         QStringLiteral("the wall has no displays to fill"),
                                         QStringLiteral("displays"));
        int top = t.z;
        for (const Tile &o : m_state.layout().tiles)
            if (o.id != id)
                top = std::max(top, o.z + 1);
        t.rectMm = target;
        t.z = top;
    }
    QList<Issue> issues = validateTile(t, QString(), &wall);
    if (!issues.isEmpty())
        return invalid(issues);
    Layout next = m_state.layout();
    *next.tile(id) = t;
    const QString what = unfocus ? QStringLiteral("unfocus") : QStringLiteral("focus");
    record(next, QStringLiteral("tile.%1 %2").arg(what, id));
    const Tile before = focused ? it->before : current;
    m_fx.show.push_back([this, t, before, unfocus] {
        remember();
        m_state.putTile(t);
        if (unfocus)
            m_focused.remove(t.id);
        else
            m_focused.insert(t.id, Focus{before, t.rectMm, t.z});
    });
    return ActionResult::success({{QStringLiteral("id"), id},
                                  {QStringLiteral("focused"), !unfocus},
                                  {QStringLiteral("tile"), tileToJson(t)}});
}

ActionResult Dispatcher::setBezelCompensation(const QJsonObject &p) {
    const QJsonValue v = p.value(QStringLiteral("enabled"));
    if (!v.isBool())
        return ActionResult::failure(QStringLiteral("invalid"),
                                     QStringLiteral("enabled: true or false is required"),
                                     QStringLiteral("enabled"));
    Wall wall = m_state.wall();
    wall.bezelCompensation = v.toBool();
    // Written first: a refused save leaves the wall as it was.
    m_fx.writes.push_back([wall](LayoutStore &s, QJsonObject &) { s.saveWall(wall); });
    m_fx.show.push_back([this, wall] { m_state.setWall(wall); });
    return ActionResult::success({{QStringLiteral("enabled"), wall.bezelCompensation}});
}

} // namespace opswall::wall
