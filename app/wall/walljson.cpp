#include "wall/walljson.h"

#include <QJsonArray>
#include <QSet>

#include <cmath>

namespace opswall::wall {

namespace {

QString mm(double v) {
    return QString::number(v, 'g', 6) + QStringLiteral(" mm");
}

std::optional<BezelMm> readBezel(const JsonReader &r, const QJsonObject &o) {
    r.rejectUnknown(o, {QStringLiteral("left"), QStringLiteral("top"), QStringLiteral("right"),
                        QStringLiteral("bottom")});
    BezelMm b;
    const auto l = r.number(o, QStringLiteral("left"), false, 0.0);
    const auto t = r.number(o, QStringLiteral("top"), false, 0.0);
    const auto rr = r.number(o, QStringLiteral("right"), false, 0.0);
    const auto bt = r.number(o, QStringLiteral("bottom"), false, 0.0);
    if (!l || !t || !rr || !bt)
        return std::nullopt;
    b = {*l, *t, *rr, *bt};
    return b;
}

std::optional<Rotation> readRotation(const JsonReader &r, const QJsonObject &o) {
    const auto deg = r.integer(o, QStringLiteral("rotation"), false, 0);
    if (!deg)
        return std::nullopt;
    switch (*deg) {
    case 0:
        return Rotation::R0;
    case 90:
        return Rotation::R90;
    case 180:
        return Rotation::R180;
    case 270:
        return Rotation::R270;
    default:
        r.error(r.child(QStringLiteral("rotation")),
                QStringLiteral("must be 0, 90, 180 or 270 degrees, got %1").arg(*deg));
        return std::nullopt;
    }
}

std::optional<QSize> readResolution(const JsonReader &r, const QJsonObject &o, const QString &key) {
    const QJsonValue v = o.value(key);
    if (v.isUndefined())
        return QSize(1920, 1080);
    const QJsonArray a = v.toArray();
    if (!v.isArray() || a.size() != 2 || !a[0].isDouble() || !a[1].isDouble()) {
        r.error(r.child(key), QStringLiteral("must be [width, height] in pixels"));
        return std::nullopt;
    }
    const double w = a[0].toDouble(), h = a[1].toDouble();
    if (w < 1 || h < 1 || w > 16384 || h > 16384 || w != std::floor(w) || h != std::floor(h)) {
        r.error(
            r.child(key),
            QStringLiteral("must be whole pixels between 1 and 16384, got %1×%2").arg(w).arg(h));
        return std::nullopt;
    }
    return QSize(int(w), int(h));
}

std::optional<QSizeF> readSizeMm(const JsonReader &r, const QJsonObject &o, const QString &key) {
    const QJsonArray a = o.value(key).toArray();
    if (!o.value(key).isArray() || a.size() != 2 || !a[0].isDouble() || !a[1].isDouble()) {
        r.error(r.child(key), QStringLiteral("must be [width, height] in millimetres"));
        return std::nullopt;
    }
    return QSizeF(a[0].toDouble(), a[1].toDouble());
}

std::optional<Display> readDisplay(const JsonReader &r, const QJsonObject &o) {
    const qsizetype before = r.issueCount();
    r.rejectUnknown(o, {QStringLiteral("id"), QStringLiteral("deviceId"), QStringLiteral("label"),
                        QStringLiteral("xMm"), QStringLiteral("yMm"), QStringLiteral("widthMm"),
                        QStringLiteral("heightMm"), QStringLiteral("bezelMm"),
                        QStringLiteral("rotation"), QStringLiteral("resolution")});
    Display d;
    const auto id = r.string(o, QStringLiteral("id"));
    const auto deviceId = r.integer(o, QStringLiteral("deviceId"), false, 0);
    const auto label = r.string(o, QStringLiteral("label"), false, QString());
    const auto x = r.number(o, QStringLiteral("xMm"));
    const auto y = r.number(o, QStringLiteral("yMm"));
    const auto w = r.number(o, QStringLiteral("widthMm"));
    const auto h = r.number(o, QStringLiteral("heightMm"));
    std::optional<BezelMm> bezel = BezelMm{};
    if (const auto b = r.object(o, QStringLiteral("bezelMm"), false))
        bezel = readBezel(r.at(QStringLiteral("bezelMm")), *b);
    const auto rotation = readRotation(r, o);
    const auto resolution = readResolution(r, o, QStringLiteral("resolution"));
    if (r.issueCount() != before || !id || !x || !y || !w || !h || !bezel || !rotation ||
        !resolution || !deviceId || !label)
        return std::nullopt;
    d.id = *id;
    d.deviceId = *deviceId;
    d.label = label->isEmpty() ? *id : *label;
    d.positionMm = {*x, *y};
    d.sizeMm = {*w, *h};
    d.bezelMm = *bezel;
    d.rotation = *rotation;
    d.nativeResolution = *resolution;
    return d;
}

std::optional<QRect> readRectPx(const JsonReader &r, const QJsonObject &o) {
    const auto x = r.integer(o, QStringLiteral("x"), false, 0);
    const auto y = r.integer(o, QStringLiteral("y"), false, 0);
    const auto w = r.integer(o, QStringLiteral("width"));
    const auto h = r.integer(o, QStringLiteral("height"));
    if (!x || !y || !w || !h)
        return std::nullopt;
    return QRect(*x, *y, *w, *h);
}

std::optional<Output> readOutput(const JsonReader &r, const QJsonObject &o) {
    const qsizetype before = r.issueCount();
    r.rejectUnknown(o, {QStringLiteral("name"), QStringLiteral("screen"), QStringLiteral("x"),
                        QStringLiteral("y"), QStringLiteral("width"), QStringLiteral("height"),
                        QStringLiteral("regions")});
    Output out;
    const auto name = r.string(o, QStringLiteral("name"));
    const auto screen = r.string(o, QStringLiteral("screen"), false, QString());
    const auto geometry = readRectPx(r, o);
    const auto regions = r.array(o, QStringLiteral("regions"));
    if (regions) {
        const JsonReader rr = r.at(QStringLiteral("regions"));
        for (qsizetype i = 0; i < regions->size(); ++i) {
            const JsonReader er = rr.at(i);
            if (!regions->at(i).isObject()) {
                er.error(er.path(), QStringLiteral("must be an object"));
                continue;
            }
            const QJsonObject ro = regions->at(i).toObject();
            er.rejectUnknown(ro,
                             {QStringLiteral("display"), QStringLiteral("x"), QStringLiteral("y"),
                              QStringLiteral("width"), QStringLiteral("height")});
            const auto display = er.string(ro, QStringLiteral("display"));
            const auto rect = readRectPx(er, ro);
            if (display && rect)
                out.regions.append({*display, *rect});
        }
    }
    if (r.issueCount() != before || !name || !screen || !geometry)
        return std::nullopt;
    out.name = *name;
    out.screen = *screen;
    out.geometry = *geometry;
    return out;
}

std::optional<Wall> readGrid(const JsonReader &r, const QJsonObject &o, const QString &name) {
    const qsizetype before = r.issueCount();
    r.rejectUnknown(o, {QStringLiteral("rows"), QStringLiteral("cols"), QStringLiteral("activeMm"),
                        QStringLiteral("bezelMm"), QStringLiteral("gapMm"),
                        QStringLiteral("resolution"), QStringLiteral("rotation"),
                        QStringLiteral("outputs")});
    GridSpec spec;
    const auto rows = r.integer(o, QStringLiteral("rows"));
    const auto cols = r.integer(o, QStringLiteral("cols"));
    const auto active = readSizeMm(r, o, QStringLiteral("activeMm"));
    std::optional<BezelMm> bezel = BezelMm{};
    if (const auto b = r.object(o, QStringLiteral("bezelMm"), false))
        bezel = readBezel(r.at(QStringLiteral("bezelMm")), *b);
    const auto gap = r.number(o, QStringLiteral("gapMm"), false, 0.0);
    const auto resolution = readResolution(r, o, QStringLiteral("resolution"));
    const auto rotation = readRotation(r, o);
    const auto outputs = r.integer(o, QStringLiteral("outputs"), false, 1);
    if (rows && (*rows < 1 || *rows > 64))
        r.error(r.child(QStringLiteral("rows")), QStringLiteral("must be between 1 and 64"));
    if (cols && (*cols < 1 || *cols > 64))
        r.error(r.child(QStringLiteral("cols")), QStringLiteral("must be between 1 and 64"));
    if (outputs && cols && (*outputs < 1 || *outputs > *cols))
        r.error(r.child(QStringLiteral("outputs")),
                QStringLiteral("must be between 1 and the number of columns (%1)").arg(*cols));
    if (r.issueCount() != before || !rows || !cols || !active || !bezel || !gap || !resolution ||
        !rotation || !outputs)
        return std::nullopt;
    spec.rows = *rows;
    spec.cols = *cols;
    spec.activeMm = *active;
    spec.bezelMm = *bezel;
    spec.gapMm = *gap;
    spec.nativeResolution = *resolution;
    spec.rotation = *rotation;
    spec.outputCount = *outputs;
    return makeGrid(spec, name);
}

QJsonObject rectToJson(const QRect &r) {
    return {{QStringLiteral("x"), r.x()},
            {QStringLiteral("y"), r.y()},
            {QStringLiteral("width"), r.width()},
            {QStringLiteral("height"), r.height()}};
}

} // namespace

WallParse wallFromJson(const QJsonObject &doc) {
    WallParse result;
    const JsonReader r(&result.issues);
    r.rejectUnknown(doc, {QStringLiteral("schemaVersion"), QStringLiteral("kind"),
                          QStringLiteral("name"), QStringLiteral("bezelCompensation"),
                          QStringLiteral("grid"), QStringLiteral("displays"),
                          QStringLiteral("outputs")});
    const auto version = r.integer(doc, QStringLiteral("schemaVersion"));
    if (version && (*version < 1 || *version > kWallSchemaVersion)) {
        r.error(QStringLiteral("schemaVersion"),
                QStringLiteral("version %1 is not supported (this program reads 1 to %2)")
                    .arg(*version)
                    .arg(kWallSchemaVersion));
        return result;
    }
    const auto kind = r.string(doc, QStringLiteral("kind"), false, QStringLiteral("opswall.wall"));
    if (kind && *kind != QLatin1String("opswall.wall"))
        r.error(QStringLiteral("kind"),
                QStringLiteral("must be \"opswall.wall\", got \"%1\"").arg(*kind));
    const auto name = r.string(doc, QStringLiteral("name"), false, QString());
    const auto comp = r.boolean(doc, QStringLiteral("bezelCompensation"), false, true);

    const bool hasGrid = doc.contains(QStringLiteral("grid"));
    const bool hasDisplays = doc.contains(QStringLiteral("displays"));
    if (hasGrid == hasDisplays) {
        r.error(QString(), QStringLiteral("give either \"grid\" or \"displays\" (exactly one)"));
        return result;
    }
    Wall wall;
    if (hasGrid) {
        if (const auto g = r.object(doc, QStringLiteral("grid")))
            if (const auto w = readGrid(r.at(QStringLiteral("grid")), *g, name.value_or(QString())))
                wall = *w;
    } else if (const auto displays = r.array(doc, QStringLiteral("displays"))) {
        const JsonReader dr = r.at(QStringLiteral("displays"));
        for (qsizetype i = 0; i < displays->size(); ++i) {
            if (!displays->at(i).isObject()) {
                dr.error(dr.index(i), QStringLiteral("must be an object"));
                continue;
            }
            if (const auto d = readDisplay(dr.at(i), displays->at(i).toObject()))
                wall.displays.append(*d);
        }
    }
    if (doc.contains(QStringLiteral("outputs"))) {
        wall.outputs.clear();
        if (const auto outputs = r.array(doc, QStringLiteral("outputs"))) {
            const JsonReader orr = r.at(QStringLiteral("outputs"));
            for (qsizetype i = 0; i < outputs->size(); ++i) {
                if (!outputs->at(i).isObject()) {
                    orr.error(orr.index(i), QStringLiteral("must be an object"));
                    continue;
                }
                if (const auto o = readOutput(orr.at(i), outputs->at(i).toObject()))
                    wall.outputs.append(*o);
            }
        }
    } else if (!hasGrid) {
        r.error(QStringLiteral("outputs"), QStringLiteral("is required when displays are listed"));
    }
    if (!result.issues.isEmpty())
        return result;
    wall.name = name.value_or(QString());
    wall.bezelCompensation = comp.value_or(true);
    result.issues = validateWall(wall);
    result.wall = wall;
    return result;
}

QJsonObject wallToJson(const Wall &wall) {
    QJsonArray displays;
    for (const Display &d : wall.displays) {
        displays.append(QJsonObject{
            {QStringLiteral("id"), d.id},
            {QStringLiteral("deviceId"), d.deviceId},
            {QStringLiteral("label"), d.label},
            {QStringLiteral("xMm"), d.positionMm.x()},
            {QStringLiteral("yMm"), d.positionMm.y()},
            {QStringLiteral("widthMm"), d.sizeMm.width()},
            {QStringLiteral("heightMm"), d.sizeMm.height()},
            {QStringLiteral("bezelMm"), QJsonObject{{QStringLiteral("left"), d.bezelMm.left},
                                                    {QStringLiteral("top"), d.bezelMm.top},
                                                    {QStringLiteral("right"), d.bezelMm.right},
                                                    {QStringLiteral("bottom"), d.bezelMm.bottom}}},
            {QStringLiteral("rotation"), int(d.rotation)},
            {QStringLiteral("resolution"),
             QJsonArray{d.nativeResolution.width(), d.nativeResolution.height()}}});
    }
    QJsonArray outputs;
    for (const Output &o : wall.outputs) {
        QJsonObject oj = rectToJson(o.geometry);
        oj.insert(QStringLiteral("name"), o.name);
        if (!o.screen.isEmpty())
            oj.insert(QStringLiteral("screen"), o.screen);
        QJsonArray regions;
        for (const OutputRegion &reg : o.regions) {
            QJsonObject rj = rectToJson(reg.rectPx);
            rj.insert(QStringLiteral("display"), reg.displayId);
            regions.append(rj);
        }
        oj.insert(QStringLiteral("regions"), regions);
        outputs.append(oj);
    }
    return {{QStringLiteral("schemaVersion"), kWallSchemaVersion},
            {QStringLiteral("kind"), QStringLiteral("opswall.wall")},
            {QStringLiteral("name"), wall.name},
            {QStringLiteral("bezelCompensation"), wall.bezelCompensation},
            {QStringLiteral("displays"), displays},
            {QStringLiteral("outputs"), outputs}};
}

QList<Issue> validateWall(const Wall &wall) {
    QList<Issue> issues;
    auto at = [](qsizetype i, const QString &id) {
        return QStringLiteral("displays[%1] (\"%2\")").arg(i).arg(id);
    };
    if (wall.displays.isEmpty())
        issues.append({QStringLiteral("displays"), QStringLiteral("the wall has no displays")});
    QSet<QString> ids;
    for (qsizetype i = 0; i < wall.displays.size(); ++i) {
        const Display &d = wall.displays[i];
        const QString p = at(i, d.id);
        if (d.id.isEmpty())
            issues.append({p, QStringLiteral("id must not be empty")});
        else if (ids.contains(d.id))
            issues.append({p, QStringLiteral("id \"%1\" is used by another display").arg(d.id)});
        ids.insert(d.id);
        const double vals[] = {d.positionMm.x(),  d.positionMm.y(), d.sizeMm.width(),
                               d.sizeMm.height(), d.bezelMm.left,   d.bezelMm.top,
                               d.bezelMm.right,   d.bezelMm.bottom};
        if (std::any_of(std::begin(vals), std::end(vals),
                        [](double v) { return !std::isfinite(v); })) {
            issues.append({p, QStringLiteral("position, size and bezels must be finite numbers")});
            continue;
        }
        if (d.sizeMm.width() <= 0 || d.sizeMm.height() <= 0) {
            issues.append({p, QStringLiteral("size must be greater than zero, got %1 × %2")
                                  .arg(mm(d.sizeMm.width()), mm(d.sizeMm.height()))});
            continue;
        }
        if (d.bezelMm.left < 0 || d.bezelMm.top < 0 || d.bezelMm.right < 0 || d.bezelMm.bottom < 0)
            issues.append({p, QStringLiteral("bezels must not be negative")});
        if (d.bezelMm.left + d.bezelMm.right >= d.sizeMm.width())
            issues.append(
                {p, QStringLiteral("left + right bezel (%1) leaves no active area in a "
                                   "display %2 wide")
                        .arg(mm(d.bezelMm.left + d.bezelMm.right), mm(d.sizeMm.width()))});
        if (d.bezelMm.top + d.bezelMm.bottom >= d.sizeMm.height())
            issues.append(
                {p, QStringLiteral("top + bottom bezel (%1) leaves no active area in a "
                                   "display %2 high")
                        .arg(mm(d.bezelMm.top + d.bezelMm.bottom), mm(d.sizeMm.height()))});
        if (d.nativeResolution.width() < 1 || d.nativeResolution.height() < 1)
            issues.append({p, QStringLiteral("native resolution must be at least 1×1 pixels")});
        for (qsizetype j = 0; j < i; ++j) {
            const QRectF o = wall.displays[j].outerRectMm().intersected(d.outerRectMm());
            if (o.width() > kOverlapEpsilonMm && o.height() > kOverlapEpsilonMm)
                issues.append({p, QStringLiteral("overlaps display \"%1\" by %2 × %3")
                                      .arg(wall.displays[j].id, mm(o.width()), mm(o.height()))});
        }
    }

    QHash<QString, QString> fedBy; // display id -> output name
    QSet<QString> outputNames;
    for (qsizetype i = 0; i < wall.outputs.size(); ++i) {
        const Output &o = wall.outputs[i];
        const QString p = QStringLiteral("outputs[%1] (\"%2\")").arg(i).arg(o.name);
        if (o.name.isEmpty())
            issues.append({p, QStringLiteral("name must not be empty")});
        else if (outputNames.contains(o.name))
            issues.append({p, QStringLiteral("name \"%1\" is used by another output").arg(o.name)});
        outputNames.insert(o.name);
        if (o.geometry.width() < 1 || o.geometry.height() < 1)
            issues.append({p, QStringLiteral("size must be at least 1×1 pixels, got %1×%2")
                                  .arg(o.geometry.width())
                                  .arg(o.geometry.height())});
        if (o.regions.isEmpty())
            issues.append({p, QStringLiteral("covers no display (it has no regions)")});
        const QRect local(QPoint(0, 0), o.geometry.size());
        for (qsizetype k = 0; k < o.regions.size(); ++k) {
            const OutputRegion &reg = o.regions[k];
            const QString rp = QStringLiteral("%1.regions[%2]").arg(p).arg(k);
            if (!wall.display(reg.displayId))
                issues.append(
                    {rp, QStringLiteral("names display \"%1\", which the wall does not have")
                             .arg(reg.displayId)});
            if (reg.rectPx.width() < 1 || reg.rectPx.height() < 1 || !local.contains(reg.rectPx))
                issues.append({rp, QStringLiteral("rectangle %1,%2 %3×%4 is empty or outside the "
                                                  "output's %5×%6 pixels")
                                       .arg(reg.rectPx.x())
                                       .arg(reg.rectPx.y())
                                       .arg(reg.rectPx.width())
                                       .arg(reg.rectPx.height())
                                       .arg(o.geometry.width())
                                       .arg(o.geometry.height())});
            if (fedBy.contains(reg.displayId))
                issues.append({rp, QStringLiteral("display \"%1\" is already fed by output \"%2\"")
                                       .arg(reg.displayId, fedBy.value(reg.displayId))});
            fedBy.insert(reg.displayId, o.name);
        }
    }
    for (qsizetype i = 0; i < wall.displays.size(); ++i)
        if (!wall.displays[i].id.isEmpty() && !fedBy.contains(wall.displays[i].id))
            issues.append({at(i, wall.displays[i].id),
                           QStringLiteral("is fed by no output: it would stay dark")});
    return issues;
}

} // namespace opswall::wall
