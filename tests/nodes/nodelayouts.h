// Layouts the render-node tests recall: one colour over the whole canvas of tests/nodes/wall.json.
#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QString>

namespace nodetest {

inline QJsonObject colourLayout(const QString &name, const QString &colour) {
    // One colour tile over the whole 2000 × 600 mm canvas, and the same background.
    return {
        {"schemaVersion", 1},
        {"kind", "opswall.layout"},
        {"name", name},
        {"background", colour},
        {"tiles", QJsonArray{QJsonObject{
                      {"id", "fill"},
                      {"kind", "color"},
                      {"title", ""},
                      {"frame", false},
                      {"rect", QJsonObject{{"x", 0}, {"y", 0}, {"width", 2000}, {"height", 600}}},
                      {"z", 0},
                      {"binding", QJsonObject{{"color", colour}}}}}}};
}

} // namespace nodetest
