#include "nodes/nodeindicators.h"

#include <QJsonValue>

namespace opswall::nodes {

QSet<QString> indicatorsOfTile(const wall::Tile &tile) {
    if (tile.kind == QLatin1String("projects"))
        return {QStringLiteral("PROJ_PROGRESS_PCT"), QStringLiteral("PROJ_PLANNED_PCT"),
                QStringLiteral("PROJ_DISBURSED_PCT"), QStringLiteral("PROJ_SLIP_MONTHS")};
    const QJsonValue indicator = tile.binding.value(QStringLiteral("indicator"));
    if (indicator.isString() && !indicator.toString().isEmpty())
        return {indicator.toString()};
    return {};
}

QSet<QString> indicatorsShown(const wall::Wall &wall, const wall::Layout &layout,
                              const QList<int> &outputs) {
    QList<QRectF> areas; // the outer rectangles of the displays the outputs drive
    for (int o : outputs) {
        if (o < 0 || o >= wall.outputs.size())
            continue;
        for (const wall::OutputRegion &region : wall.outputs[o].regions)
            if (const wall::Display *d = wall.display(region.displayId))
                areas.append(d->outerRectMm());
    }
    QSet<QString> out;
    for (const wall::Tile &tile : layout.tiles) {
        const QSet<QString> shown = indicatorsOfTile(tile);
        if (shown.isEmpty())
            continue;
        for (const QRectF &area : std::as_const(areas)) {
            const QRectF overlap = area.intersected(tile.rectMm);
            if (overlap.width() > 0.5 && overlap.height() > 0.5) {
                out.unite(shown);
                break;
            }
        }
    }
    return out;
}

} // namespace opswall::nodes
