#pragma once
// The opswall.panels document tst_panels_devices runs the wall with: the simulated Studio
// ("desk", two pages), a TCP keypad, the deck behind a dock ("dock", a child), a USB deck this
// host does not have ("lectern"), a serial keypad when socat made its pseudo-terminal, and the
// OSC listener with oscdump as a fixed feedback target.
#include <QJsonArray>
#include <QJsonObject>
#include <QString>

namespace devicesdoc {

struct Peers {
    quint16 deckPort = 0, dockPort = 0, keypadPort = 0, oscPort = 0, oscdumpPort = 0;
    int presetA = 0, presetB = 0;
    QString serialKeypad; // the wall's end of the pseudo-terminal; empty: no serial keypad
};

inline QJsonObject button(int key, const QString &action, const QJsonObject &params,
                          const QString &label = {}) {
    QJsonObject b{{QStringLiteral("key"), key},
                  {QStringLiteral("action"), action},
                  {QStringLiteral("params"), params}};
    if (!label.isEmpty())
        b.insert(QStringLiteral("label"), label);
    return b;
}
inline QJsonObject recall(int key, int preset, const QString &label = {}) {
    return button(key, QStringLiteral("preset.recall"), {{QStringLiteral("id"), preset}}, label);
}
inline QJsonObject page(const QString &id, const QJsonArray &buttons) {
    return {{QStringLiteral("id"), id}, {QStringLiteral("buttons"), buttons}};
}
inline QJsonObject onePage(QJsonObject panel, const QJsonArray &buttons) {
    panel.insert(QStringLiteral("pages"), QJsonArray{page(QStringLiteral("main"), buttons)});
    return panel;
}

inline QJsonObject document(const Peers &p) {
    const QString host = QStringLiteral("127.0.0.1");
    const auto flip = [](int key, const char *to, const QString &label) {
        return button(key, QStringLiteral("panel.page"),
                      {{QStringLiteral("page"), QString::fromLatin1(to)}}, label);
    };
    QJsonArray panels{
        QJsonObject{
            {QStringLiteral("id"), QStringLiteral("desk")},
            {QStringLiteral("name"), QStringLiteral("Bàn chủ trì")},
            {QStringLiteral("type"), QStringLiteral("streamdeck-tcp")},
            {QStringLiteral("host"), host},
            {QStringLiteral("port"), p.deckPort},
            {QStringLiteral("role"), QStringLiteral("operator")},
            {QStringLiteral("pages"),
             QJsonArray{
                 page(QStringLiteral("main"), {recall(0, p.presetA, QStringLiteral("Đầu tư công")),
                                               recall(1, p.presetB, QStringLiteral("Kinh tế")),
                                               flip(31, "audio", QStringLiteral("Âm thanh"))}),
                 page(QStringLiteral("audio"),
                      {button(0, QStringLiteral("audio.set"),
                              {{QStringLiteral("source"), QString()}}, QStringLiteral("Tắt tiếng")),
                       flip(31, "main", QStringLiteral("Quay lại"))})}}},
        onePage({{QStringLiteral("id"), QStringLiteral("keypad-tcp")},
                 {QStringLiteral("type"), QStringLiteral("keypad-tcp")},
                 {QStringLiteral("host"), host},
                 {QStringLiteral("port"), p.keypadPort},
                 {QStringLiteral("lines"), QJsonObject{{QStringLiteral("P1 DOWN"), 0}}}},
                {recall(0, p.presetB)}),
        // The deck behind the dock: reached on the port the dock announces.
        onePage({{QStringLiteral("id"), QStringLiteral("dock")},
                 {QStringLiteral("type"), QStringLiteral("streamdeck-tcp")},
                 {QStringLiteral("host"), host},
                 {QStringLiteral("port"), p.dockPort},
                 {QStringLiteral("child"), true}},
                {recall(0, p.presetA), recall(1, p.presetB)}),
        // A USB deck: this host has none, so the panel is "unavailable" (hidapi).
        onePage({{QStringLiteral("id"), QStringLiteral("lectern")},
                 {QStringLiteral("type"), QStringLiteral("streamdeck-usb")},
                 {QStringLiteral("model"), QStringLiteral("mk2")}},
                {recall(14, p.presetA)})};
    if (!p.serialKeypad.isEmpty())
        panels.append(onePage({{QStringLiteral("id"), QStringLiteral("keypad-serial")},
                               {QStringLiteral("type"), QStringLiteral("keypad-serial")},
                               {QStringLiteral("device"), p.serialKeypad},
                               {QStringLiteral("lines"), QJsonObject{{QStringLiteral("K01"), 0}}}},
                              {recall(0, p.presetA)}));
    return {{QStringLiteral("kind"), QStringLiteral("opswall.panels")},
            {QStringLiteral("schemaVersion"), 1},
            {QStringLiteral("osc"),
             QJsonObject{{QStringLiteral("listen"), QStringLiteral("127.0.0.1:%1").arg(p.oscPort)},
                         {QStringLiteral("feedbackTo"),
                          QJsonArray{QStringLiteral("127.0.0.1:%1").arg(p.oscdumpPort)}}}},
            {QStringLiteral("panels"), panels}};
}

} // namespace devicesdoc
