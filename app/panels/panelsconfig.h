#pragma once
// The "opswall.panels" document (schemaVersion 1): the OSC listener and the button panels, each
// with its own role and pages of buttons bound to dispatcher actions. Validated with messages
// that name the exact field at fault, against what exists on this wall (actions, presets,
// displays, sources).
//
//   {"kind": "opswall.panels", "schemaVersion": 1,
//    "osc": {"listen": "127.0.0.1:9000", "allow": ["127.0.0.1", "10.0.0.0/24"],
//            "role": "operator", "feedbackTo": ["10.0.0.7:9001"]},
//    "panels": [
//      {"id": "desk", "name": "Bàn chủ trì", "type": "streamdeck-tcp",
//       "host": "10.0.0.30", "port": 5343, "role": "leader", "brightness": 70,
//       "pages": [{"id": "main", "buttons": [
//         {"key": 0, "label": "Đầu tư công", "action": "preset.recall", "params": {"id": 2}},
//         {"key": 1, "label": "Tiếp", "action": "briefing.next"},
//         {"key": 2, "label": "Tắt tiếng", "action": "audio.set", "params": {"source": ""}},
//         {"key": 3, "label": "Bật màn", "action": "device.command",
//          "params": {"command": "power", "value": "on", "displays": ["r1c1", "r1c2"]}},
//         {"key": 4, "label": "Cảnh báo", "action": "alert.ack", "params": {"id": "newest"}},
//         {"key": 31, "label": "Trang 2", "action": "panel.page", "params": {"page": "more"}}]},
//         {"id": "more", "buttons": [...]}]},
//      {"id": "lectern", "type": "streamdeck-usb", "serial": "CL12K1A00042", "model": "mk2",
//       "role": "leader", "pages": [...]},
//      {"id": "rack", "type": "xkeys-usb", "model": "xk-24", "pages": [...]},
//      {"id": "keypad-1", "type": "keypad-serial", "device": "/dev/ttyUSB0", "baud": 9600,
//       "role": "operator", "lines": {"K01": 0, "K02": 1}, "pages": [...]},
//      {"id": "keypad-2", "type": "keypad-tcp", "host": "10.0.0.31", "port": 4001,
//       "lines": {"P1 DOWN": 0}, "pages": [...]}]}
//
// A button's action is a dispatcher action type ("preset.recall", "briefing.next", ...) or the
// panel's own "panel.page". It must be an action this wall knows (the permission table), so the
// briefing actions bind once they exist; parameters are checked where the wall can check them
// (a preset that exists, a page of this panel, a known source or display).
#include "core/action.h"
#include "wall/jsonreader.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QSet>
#include <QString>
#include <QStringList>

#include <optional>

namespace opswall::panels {

using wall::Issue;

inline constexpr int kSchemaVersion = 1;
inline constexpr const char *kPageAction = "panel.page";

enum class PanelType {
    Invalid = 0,
    StreamDeckTcp,
    KeypadSerial,
    KeypadTcp,
    StreamDeckUsb,
    XkeysUsb
};
QString panelTypeName(PanelType t);
inline bool isStreamDeck(PanelType t) {
    return t == PanelType::StreamDeckTcp || t == PanelType::StreamDeckUsb;
}

struct Button {
    int key = -1;
    QString label;
    QString action; // dispatcher action type, or "panel.page"
    QJsonObject params;
};

struct Page {
    QString id;
    QList<Button> buttons;
    const Button *button(int key) const;
};

struct Panel {
    QString id;
    QString name;
    PanelType type = PanelType::Invalid;
    Role role = Role::Operator;
    QString host; // streamdeck-tcp, keypad-tcp
    quint16 port = 0;
    QString device; // keypad-serial
    int baud = 9600;
    QString model = QStringLiteral("studio"); // streamdeck-tcp/-usb: until the device says
    // xkeys-usb: the product ("xk-24", "xk-60", "xk-80", ...; keys 1..N, 0 the program switch);
    // empty: any (keys up to 128)
    QString serial; // streamdeck-usb, xkeys-usb: the device with this serial; empty: the first
    int brightness = 70;
    // streamdeck-tcp: the panel is the deck attached to the device at host:port (a Network
    // Dock's, or one plugged into a Studio), reached on the port the device announces for it
    bool child = false;
    QMap<QString, int> lines; // keypads: received line -> key
    QList<Page> pages;
    const Page *page(const QString &id) const;
};

struct OscConfig {
    QString listen; // "HOST:PORT"; empty: off
    QStringList allow = {QStringLiteral("127.0.0.0/8"), QStringLiteral("::1")};
    QStringList feedbackTo;
    Role role = Role::Operator;
};

struct PanelsConfig {
    OscConfig osc;
    QList<Panel> panels;
    const Panel *panel(const QString &id) const;
};

// What exists on this wall, for checking bindings. Empty sets skip that check (e.g. no display
// bindings known).
struct BindingContext {
    QStringList actions; // knownActionTypes()
    QSet<int> presets;
    QSet<QString> displays;
    QSet<QString> sources;
    bool checkPresets = true;
};

struct ParsedPanels {
    std::optional<PanelsConfig> config; // set when there are no issues
    QList<Issue> issues;
};

ParsedPanels parsePanels(const QByteArray &json, const BindingContext &context);
ParsedPanels parsePanels(const QJsonObject &doc, const BindingContext &context);
QJsonObject toJson(const PanelsConfig &config);
QJsonObject toJson(const Panel &panel);

// One button checked on its own (wallctl panel bind, the API): issues name fields under `path`.
QList<Issue> validateButton(const Button &button, const Panel &panel, const BindingContext &context,
                            const QString &path);

// "HOST:PORT" -> host and port; false when malformed.
bool splitHostPort(const QString &text, QString *host, quint16 *port);

} // namespace opswall::panels
