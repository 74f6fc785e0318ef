#pragma once
// What the dispatcher needs from persistence, declared here so that app/wall does not include
// app/store (the store implements it: store::WallStore). Presets with their revisions, the live
// layout's history (whose row id is the layout's persistent revision), the wall's configuration.

#include "wall/geometry.h"
#include "wall/layout.h"

#include <QDateTime>
#include <QList>
#include <QString>

#include <exception>
#include <optional>

namespace opswall::wall {

struct PresetInfo {
    int id = 0;
    QString name;
    bool forLeaders = false; // leaders may recall it (DESIGN.md roles)
    int revision = 0;        // 1 for the first save, +1 per save
    QDateTime savedAt;
};

struct Preset {
    PresetInfo info;
    Layout layout;
};

class LayoutStore {
public:
    virtual ~LayoutStore() = default;

    virtual QList<PresetInfo> presets() = 0;
    virtual std::optional<Preset> preset(int id) = 0;
    virtual std::optional<Preset> presetByName(const QString &name) = 0;
    // A new preset (id empty) or a new revision of an existing one; returns its id. Throws when
    // id names no preset or the store refuses.
    virtual int savePreset(std::optional<int> id, const QString &name, const Layout &layout,
                           bool forLeaders) = 0;
    virtual bool removePreset(int id) = 0;
    // The live layout after a change, with why; returns the history row's id, the layout's
    // persistent revision (it only grows, across restarts). Throws when the store refuses.
    virtual qint64 recordLiveLayout(const Layout &layout, const QString &cause) = 0;
    virtual void saveWall(const Wall &wall) = 0;
    // Whether an exception thrown by this store means "refused for now" (locked by another
    // process, disk full, read-only): the caller is told to retry (store_unavailable).
    virtual bool isUnavailable(const std::exception &error) const = 0;
};

} // namespace opswall::wall
