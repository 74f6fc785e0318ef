#include "nodes/nodeahead.h"

#include "wall/ahead.h"
#include "wall/tilekinds.h"
#include "wall/wallstate.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace opswall::nodes {

namespace {
// The sources in WallState::ahead()'s order: aheadOrder(), then the others by name.
QStringList sourcesInOrder(const AheadLayouts &sources) {
    QStringList order;
    for (const QString &s : wall::WallState::aheadOrder())
        if (sources.contains(s))
            order.append(s);
    for (auto it = sources.cbegin(); it != sources.cend(); ++it)
        if (!order.contains(it.key()))
            order.append(it.key());
    return order;
}
} // namespace

AheadLayouts aheadChosen(const AheadLayouts &sources, int maxTiles) {
    // The views' choice (wall/ahead.h, as TileListModel::refreshAhead makes it), tile by tile in
    // WallState::ahead()'s order, grouped by source and layout as they came.
    wall::AheadChoice choice(maxTiles, wall::unkeptTileKinds());
    AheadLayouts chosen;
    for (const QString &source : sourcesInOrder(sources)) {
        QList<wall::Layout> layouts;
        for (const wall::Layout &layout : sources.constFind(source).value()) {
            wall::Layout part = layout;
            part.tiles.clear();
            for (const wall::Tile &t : layout.tiles)
                if (choice.take(t))
                    part.tiles.append(t);
            if (!part.tiles.isEmpty())
                layouts.append(part);
        }
        if (!layouts.isEmpty())
            chosen.insert(source, layouts);
    }
    return chosen;
}

QByteArray aheadDocument(const AheadLayouts &sources) {
    const AheadLayouts chosen = aheadChosen(sources);
    QJsonObject ahead;
    for (auto it = chosen.cbegin(); it != chosen.cend(); ++it) {
        QJsonArray layouts;
        for (const wall::Layout &l : it.value())
            layouts.append(wall::layoutToJson(l));
        ahead.insert(it.key(), layouts);
    }
    return QJsonDocument(QJsonObject{{QStringLiteral("ahead"), ahead}})
        .toJson(QJsonDocument::Compact);
}

std::optional<AheadLayouts> parseAhead(const QByteArray &doc, QString *why) {
    if (doc.size() > kMaxAheadBytes) {
        *why = QStringLiteral("larger than %1 bytes").arg(kMaxAheadBytes);
        return std::nullopt;
    }
    QJsonParseError error;
    const QJsonDocument parsed = QJsonDocument::fromJson(doc, &error);
    const QJsonValue ahead = parsed.object().value(QStringLiteral("ahead"));
    if (error.error != QJsonParseError::NoError || !ahead.isObject()) {
        *why = QStringLiteral("not an object with \"ahead\"");
        return std::nullopt;
    }
    const QJsonObject sources = ahead.toObject();
    if (sources.size() > kMaxAheadSources) {
        *why = QStringLiteral("%1 sources (at most %2)").arg(sources.size()).arg(kMaxAheadSources);
        return std::nullopt;
    }
    const QStringList unkept = wall::unkeptTileKinds();
    AheadLayouts out;
    int layouts = 0;
    int tiles = 0;
    for (auto it = sources.constBegin(); it != sources.constEnd(); ++it) {
        const QString &source = it.key();
        if (source.isEmpty() || source.size() > kMaxAheadSourceName || !it.value().isArray()) {
            *why = QStringLiteral("source \"%1\": not a name of 1-%2 characters with a list of "
                                  "layouts")
                       .arg(source.left(kMaxAheadSourceName))
                       .arg(kMaxAheadSourceName);
            return std::nullopt;
        }
        QList<wall::Layout> list;
        for (const QJsonValue &v : it.value().toArray()) {
            if (++layouts > kMaxAheadLayouts) {
                *why = QStringLiteral("more than %1 layouts").arg(kMaxAheadLayouts);
                return std::nullopt;
            }
            if (!v.isObject()) {
                *why = QStringLiteral("source \"%1\": a layout is not an object").arg(source);
                return std::nullopt;
            }
            const wall::LayoutParse layout = wall::layoutFromJson(v.toObject());
            if (!layout.ok()) {
                *why = QStringLiteral("source \"%1\": a layout is not valid (%2)")
                           .arg(source, layout.issues.constFirst().toString());
                return std::nullopt;
            }
            tiles += int(layout.layout.tiles.size());
            if (tiles > kAheadTiles) {
                *why = QStringLiteral("more than %1 tiles").arg(kAheadTiles);
                return std::nullopt;
            }
            for (const wall::Tile &t : layout.layout.tiles)
                if (unkept.contains(t.kind)) {
                    *why = QStringLiteral("source \"%1\": tile \"%2\" is a %3, never built ahead")
                               .arg(source, t.id, t.kind);
                    return std::nullopt;
                }
            list.append(layout.layout);
        }
        if (!list.isEmpty())
            out.insert(source, list);
    }
    return out;
}

} // namespace opswall::nodes
