#pragma once
// The one vocabulary for changing the wall (DESIGN.md "action dispatcher"): the console, the API,
// wallctl, button panels, schedules and rules all submit an Action on behalf of a Caller and get
// an ActionResult back. These are plain values: they cross threads by copy.

#include <QJsonObject>
#include <QString>

namespace opswall {

// Zero is invalid (STYLE.md: enums whose zero means invalid). Ordered by privilege, but
// permissions are looked up in a table, never by comparing ranks. Node and Standby are not a
// person's roles but a process's link tokens (app/nodes), which may do nothing on the API: Node
// connects a render node, Standby opens the hot standby link (the store and its key files).
enum class Role { Invalid = 0, Viewer, Leader, Operator, Technician, Admin, Node, Standby };

QString roleName(Role role);
Role roleFromName(const QString &name); // Role::Invalid when unknown
// Node or Standby: a token for a link of app/nodes, refused by every API route, panel and OSC.
constexpr bool isLinkRole(Role role) {
    return role == Role::Node || role == Role::Standby;
}

struct Caller {
    QString user; // token name or local user; "console" for the local operator console
    Role role = Role::Invalid;
    QString remote; // peer address ("127.0.0.1:53412"), or "local"
    QString via;    // "api", "line", "console", "wallctl", "panel", "schedule", "rule"
};

struct Action {
    QString type;       // e.g. "preset.recall", "tile.move", "layout.undo"
    QJsonObject params; // action-specific, validated by the dispatcher
};

struct ActionResult {
    bool ok = false;
    QString code; // machine-readable on failure: "forbidden", "invalid", "not_found", "locked", ...
    QString message; // for people, in English
    QString field;   // the parameter at fault, when there is one
    QJsonObject data;

    static ActionResult success(QJsonObject data = {}) {
        ActionResult r;
        r.ok = true;
        r.data = std::move(data);
        return r;
    }
    static ActionResult failure(QString code, QString message, QString field = {}) {
        ActionResult r;
        r.code = std::move(code);
        r.message = std::move(message);
        r.field = std::move(field);
        return r;
    }
    QJsonObject toJson() const;
};

} // namespace opswall
