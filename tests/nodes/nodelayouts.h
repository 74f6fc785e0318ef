// Layouts the render-node tests recall: one colour over the whole canvas of tests/nodes/wall.json.
#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <algorithm>

namespace nodetest {

// A colour tile "fill" over the canvas's whole width, heightMm tall from its top.
inline QJsonObject colourTile(const QString &colour, int heightMm = 600) {
    return {{"id", "fill"},
            {"kind", "color"},
            {"title", ""},
            {"frame", false},
            {"rect", QJsonObject{{"x", 0}, {"y", 0}, {"width", 2000}, {"height", heightMm}}},
            {"z", 0},
            {"binding", QJsonObject{{"color", colour}}}};
}

inline QJsonObject colourLayout(const QString &name, const QString &colour) {
    // One colour tile over the whole 2000 × 600 mm canvas, and the same background.
    return {{"schemaVersion", 1},
            {"kind", "opswall.layout"},
            {"name", name},
            {"background", colour},
            {"tiles", QJsonArray{colourTile(colour)}}};
}

// The median and the largest of measured figures (values must not be empty).
struct Figures {
    double median = 0;
    double max = 0;
};
inline Figures figuresOf(QList<double> values) {
    std::sort(values.begin(), values.end());
    return {values[values.size() / 2], values.last()};
}

// The streams a node's health says it shows.
inline QStringList streamsOf(const QJsonObject &health) {
    QStringList out;
    for (const QJsonValue &v : health["streams"].toArray())
        out.append(v.toString());
    return out;
}

} // namespace nodetest
