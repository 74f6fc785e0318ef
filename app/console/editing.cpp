#include "console/editing.h"

#include <algorithm>
#include <cmath>

namespace opswall::console {

namespace {

struct Line {
    double at;
    int rank; // lower wins at equal distance
    const char *kind;
};

void collectLines(const wall::Wall &wall, const QList<wall::Tile> &tiles,
                  const QSet<QString> &exclude, QList<Line> &xs, QList<Line> &ys) {
    for (const wall::Display &d : wall.displays) {
        const QRectF o = d.outerRectMm();
        const QRectF a = d.activeRectMm();
        xs << Line{o.left(), 0, "display"} << Line{o.right(), 0, "display"}
           << Line{a.left(), 0, "bezel"} << Line{a.right(), 0, "bezel"};
        ys << Line{o.top(), 0, "display"} << Line{o.bottom(), 0, "display"}
           << Line{a.top(), 0, "bezel"} << Line{a.bottom(), 0, "bezel"};
    }
    for (const wall::Tile &t : tiles) {
        if (exclude.contains(t.id))
            continue;
        xs << Line{t.rectMm.left(), 1, "tile"} << Line{t.rectMm.right(), 1, "tile"};
        ys << Line{t.rectMm.top(), 1, "tile"} << Line{t.rectMm.bottom(), 1, "tile"};
    }
}

struct Best {
    double delta = 0;
    double distance = 1e300;
    int rank = 99;
    double line = -1;
    QString kind;
    void offer(double edge, double line0, int rank0, const QString &kind0, double threshold) {
        const double d = line0 - edge;
        const double dist = std::abs(d);
        if (dist > threshold)
            return;
        if (dist < distance - 1e-9 || (std::abs(dist - distance) <= 1e-9 && rank0 < rank)) {
            delta = d;
            distance = dist;
            rank = rank0;
            line = line0;
            kind = kind0;
        }
    }
};

// The best snap of the given edge positions to the lines; the grid only when no display, bezel
// or tile line is within the threshold (the wall's structure matters more than the grid).
Best bestSnap(const QList<double> &edges, const QList<Line> &lines, const SnapSettings &s) {
    Best best;
    for (double e : edges)
        for (const Line &l : lines)
            best.offer(e, l.at, l.rank, QString::fromLatin1(l.kind), s.thresholdMm);
    if (best.distance < 1e300 || s.gridMm <= 0)
        return best;
    for (double e : edges)
        best.offer(e, std::round(e / s.gridMm) * s.gridMm, 2, QStringLiteral("grid"),
                   s.thresholdMm);
    return best;
}

} // namespace

SnapResult snapRect(const QRectF &rect, unsigned edges, const wall::Wall &wall,
                    const QList<wall::Tile> &tiles, const QSet<QString> &exclude,
                    const SnapSettings &settings) {
    QList<Line> xs, ys;
    collectLines(wall, tiles, exclude, xs, ys);
    SnapResult out = unsnapped(rect);
    const bool move = edges == kMoveEdges;
    QList<double> ex, ey;
    if (edges & EdgeLeft)
        ex << rect.left();
    if (edges & EdgeRight)
        ex << rect.right();
    if (edges & EdgeTop)
        ey << rect.top();
    if (edges & EdgeBottom)
        ey << rect.bottom();
    const Best bx = bestSnap(ex, xs, settings);
    const Best by = bestSnap(ey, ys, settings);
    QRectF r = rect;
    if (bx.distance < 1e300) {
        if (move)
            r.translate(bx.delta, 0);
        else if (edges & EdgeLeft && std::abs(rect.left() + bx.delta - bx.line) < 1e-6)
            r.setLeft(bx.line);
        else
            r.setRight(bx.line);
        out.guideXMm = bx.line;
        out.guideXKind = bx.kind;
    }
    if (by.distance < 1e300) {
        if (move)
            r.translate(0, by.delta);
        else if (edges & EdgeTop && std::abs(rect.top() + by.delta - by.line) < 1e-6)
            r.setTop(by.line);
        else
            r.setBottom(by.line);
        out.guideYMm = by.line;
        out.guideYKind = by.kind;
    }
    // A resize never turns a tile inside out.
    if (r.width() < 1 || r.height() < 1)
        return unsnapped(rect);
    out.rect = r;
    return out;
}

void align(wall::Layout &layout, const QStringList &ids, Align how) {
    if (ids.size() < 2)
        return;
    const wall::Tile *anchor = layout.tile(ids.first());
    if (!anchor)
        return;
    const QRectF a = anchor->rectMm;
    for (const QString &id : ids.mid(1)) {
        wall::Tile *t = layout.tile(id);
        if (!t)
            continue;
        QRectF &r = t->rectMm;
        switch (how) {
        case Align::Left:
            r.moveLeft(a.left());
            break;
        case Align::Right:
            r.moveRight(a.right());
            break;
        case Align::Top:
            r.moveTop(a.top());
            break;
        case Align::Bottom:
            r.moveBottom(a.bottom());
            break;
        case Align::HCenter:
            r.moveCenter(QPointF(a.center().x(), r.center().y()));
            break;
        case Align::VCenter:
            r.moveCenter(QPointF(r.center().x(), a.center().y()));
            break;
        case Align::Invalid:
            break;
        }
    }
}

void distribute(wall::Layout &layout, const QStringList &ids, Axis axis) {
    QList<wall::Tile *> ts;
    for (const QString &id : ids)
        if (wall::Tile *t = layout.tile(id))
            ts.append(t);
    if (ts.size() < 3 || axis == Axis::Invalid)
        return;
    const bool h = axis == Axis::Horizontal;
    std::sort(ts.begin(), ts.end(), [h](const wall::Tile *a, const wall::Tile *b) {
        return h ? a->rectMm.left() < b->rectMm.left() : a->rectMm.top() < b->rectMm.top();
    });
    double total = 0;
    for (const wall::Tile *t : ts)
        total += h ? t->rectMm.width() : t->rectMm.height();
    const double start = h ? ts.first()->rectMm.left() : ts.first()->rectMm.top();
    const double end = h ? ts.last()->rectMm.right() : ts.last()->rectMm.bottom();
    const double gap = (end - start - total) / double(ts.size() - 1);
    double at = start;
    for (wall::Tile *t : ts) {
        if (h)
            t->rectMm.moveLeft(at);
        else
            t->rectMm.moveTop(at);
        at += (h ? t->rectMm.width() : t->rectMm.height()) + gap;
    }
}

QRectF displaysRect(const wall::Wall &wall, const QStringList &displayIds) {
    QRectF r;
    for (const wall::Display &d : wall.displays)
        if (displayIds.contains(d.id))
            r = r.isNull() ? d.outerRectMm() : r.united(d.outerRectMm());
    return r;
}

LayoutDiff diffLayouts(const wall::Layout &base, const wall::Layout &staged) {
    LayoutDiff d;
    for (const wall::Tile &t : staged.tiles) {
        const wall::Tile *b = base.tile(t.id);
        if (!b) {
            d.added.append(t.id);
            continue;
        }
        if (b->rectMm != t.rectMm)
            d.moved.append(t.id);
        if (b->title != t.title || b->binding != t.binding || b->z != t.z || b->frame != t.frame ||
            b->kind != t.kind)
            d.changed.append(t.id);
    }
    for (const wall::Tile &t : base.tiles)
        if (!staged.tile(t.id))
            d.removed.append(t.id);
    return d;
}

QString freeTileId(const wall::Layout &layout, const QString &prefix) {
    for (int n = 1;; ++n) {
        const QString id = prefix + QString::number(n);
        if (!layout.tile(id))
            return id;
    }
}

wall::Layout rebase(const wall::Layout &base, const wall::Layout &staged,
                    const wall::Layout &newLive) {
    const LayoutDiff d = diffLayouts(base, staged);
    wall::Layout out = newLive;
    for (const QString &id : d.removed) {
        const qsizetype i = out.indexOf(id);
        if (i >= 0)
            out.tiles.removeAt(i);
    }
    for (const wall::Tile &t : staged.tiles) {
        if (d.added.contains(t.id)) {
            wall::Tile copy = t;
            if (out.tile(copy.id))
                copy.id = freeTileId(out, t.kind + QLatin1Char('-'));
            out.tiles.append(copy);
        } else if (d.moved.contains(t.id) || d.changed.contains(t.id)) {
            if (wall::Tile *live = out.tile(t.id))
                *live = t;
        }
    }
    return out;
}

} // namespace opswall::console
