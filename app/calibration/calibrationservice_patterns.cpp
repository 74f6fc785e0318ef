// CalibrationService: the test pattern the wall shows, and the wall geometry set-up (nudges,
// saved revisions, undo) that the crosshatch pattern follows live.
#include "calibration/calibrationservice.h"
#include "calibration/calibrationservice_p.h"

#include "wall/walljson.h"
#include "wall/wallstate.h"

#include <QJsonArray>

#include <cmath>

namespace opswall::calibration {

const QStringList &CalibrationService::patterns() {
    static const QStringList p{
        QStringLiteral("white"),      QStringLiteral("black"),    QStringLiteral("red"),
        QStringLiteral("green"),      QStringLiteral("blue"),     QStringLiteral("grey"),
        QStringLiteral("greysteps"),  QStringLiteral("greyramp"), QStringLiteral("colourbars"),
        QStringLiteral("crosshatch"), QStringLiteral("idcard"),   QStringLiteral("uniformity")};
    return p;
}

ActionResult CalibrationService::setPattern(const QJsonObject &p) {
    const QString pattern = p.value(QStringLiteral("pattern")).toString();
    if (!pattern.isEmpty() && !patterns().contains(pattern))
        return invalid(QStringLiteral("unknown pattern \"%1\" (known: %2)")
                           .arg(pattern, patterns().join(QStringLiteral(", "))),
                       QStringLiteral("pattern"));
    QStringList displays;
    if (!pattern.isEmpty() && p.contains(QStringLiteral("displays"))) {
        const auto target = targets(p, false);
        if (const auto *f = std::get_if<ActionResult>(&target))
            return *f;
        displays = std::get<QStringList>(target);
        if (displays == wallIds())
            displays.clear();
    }
    m_pattern = pattern;
    m_patternDisplays = displays;
    Q_EMIT patternChanged();
    return ActionResult::success(
        {{QStringLiteral("pattern"), pattern},
         {QStringLiteral("displays"), displays.isEmpty()
                                          ? QJsonValue(QStringLiteral("all"))
                                          : QJsonValue(QJsonArray::fromStringList(displays))}});
}

ActionResult CalibrationService::nudgeGeometry(const QJsonObject &p) {
    static const QStringList known{"display", "dx", "dy", "bezel", "rotation"};
    for (auto it = p.begin(); it != p.end(); ++it)
        if (!known.contains(it.key()))
            return invalid(QStringLiteral("unknown field '%1' (known: %2)")
                               .arg(it.key(), known.join(QStringLiteral(", "))),
                           it.key());
    const QString id = p.value(QStringLiteral("display")).toString();
    wall::Wall w = m_state.wall();
    wall::Display *d = nullptr;
    for (wall::Display &x : w.displays)
        if (x.id == id)
            d = &x;
    if (!d)
        return invalid(QStringLiteral("the wall has no display \"%1\"").arg(id),
                       QStringLiteral("display"));
    for (const char *k : {"dx", "dy"}) {
        const QJsonValue v = p.value(QLatin1String(k));
        if (v.isUndefined())
            continue;
        if (!v.isDouble() || std::abs(v.toDouble()) > 1000)
            return invalid(QStringLiteral("'%1' must be a number of millimetres, -1000..1000")
                               .arg(QLatin1String(k)),
                           QLatin1String(k));
        (k[1] == 'x' ? d->positionMm.rx() : d->positionMm.ry()) += v.toDouble();
    }
    if (p.contains(QStringLiteral("bezel"))) {
        const QJsonObject b = p.value(QStringLiteral("bezel")).toObject();
        double *sides[] = {&d->bezelMm.left, &d->bezelMm.top, &d->bezelMm.right,
                           &d->bezelMm.bottom};
        const char *names[] = {"left", "top", "right", "bottom"};
        for (int i = 0; i < 4; ++i) {
            const QJsonValue v = b.value(QLatin1String(names[i]));
            if (v.isUndefined())
                continue;
            if (!v.isDouble() || v.toDouble() < 0 || v.toDouble() > 200)
                return invalid(
                    QStringLiteral("'bezel.%1' must be 0..200 mm").arg(QLatin1String(names[i])),
                    QStringLiteral("bezel.") + QLatin1String(names[i]));
            *sides[i] = v.toDouble();
        }
    }
    if (p.contains(QStringLiteral("rotation"))) {
        const int r = p.value(QStringLiteral("rotation")).toInt(-1);
        if (r != 0 && r != 90 && r != 180 && r != 270)
            return invalid(QStringLiteral("'rotation' must be 0, 90, 180 or 270"),
                           QStringLiteral("rotation"));
        const bool wasPortrait =
            d->rotation == wall::Rotation::R90 || d->rotation == wall::Rotation::R270;
        const bool portrait = r == 90 || r == 270;
        if (wasPortrait != portrait) // the size is as mounted
            d->sizeMm = d->sizeMm.transposed();
        d->rotation = wall::Rotation(r);
    }
    if (const QList<wall::Issue> issues = wall::validateWall(w); !issues.isEmpty())
        return invalid(
            QStringLiteral("the wall would not be valid: %1").arg(issues.first().toString()),
            QStringLiteral("display"));
    if (!m_unsavedSince) {
        m_unsavedSince = qint64(m_state.revision());
        m_beforeNudges = m_state.wall();
    }
    m_state.setWall(w); // live: every output redraws, the crosshatch moves
    const wall::Display *now = m_state.wall().display(id);
    return ActionResult::success(
        {{QStringLiteral("display"), id},
         {QStringLiteral("x"), now->positionMm.x()},
         {QStringLiteral("y"), now->positionMm.y()},
         {QStringLiteral("rotation"), int(now->rotation)},
         {QStringLiteral("bezel"), QJsonObject{{QStringLiteral("left"), now->bezelMm.left},
                                               {QStringLiteral("top"), now->bezelMm.top},
                                               {QStringLiteral("right"), now->bezelMm.right},
                                               {QStringLiteral("bottom"), now->bezelMm.bottom}}},
         {QStringLiteral("saved"), false}});
}

void CalibrationService::useWall(const wall::Wall &w, const Caller &, const QString &,
                                 std::function<void()> then) {
    auto show = [this, w, then = std::move(then)] {
        m_state.setWall(w);
        if (then)
            then();
    };
    if (m_saveWall)
        m_saveWall(w, std::move(show)); // a refused write leaves the wall as it was
    else
        show();
}

ActionResult CalibrationService::saveGeometry(const QJsonObject &p, const Caller &caller) {
    const QString note = p.value(QStringLiteral("note")).toString().left(500);
    // The first save keeps the geometry as it was before set-up, so undo can go back to it.
    if (m_store.wallRevisions(1).isEmpty())
        m_store.addWallRevision(caller, QStringLiteral("before geometry set-up"),
                                wall::wallToJson(m_beforeNudges.value_or(m_state.wall())));
    const qint64 rev = m_store.addWallRevision(caller, note, wall::wallToJson(m_state.wall()));
    useWall(m_state.wall(), caller, note, [this] { // saved once the rows are committed
        m_unsavedSince.reset();
        m_beforeNudges.reset();
    });
    return ActionResult::success({{QStringLiteral("wallRevision"), rev}});
}

ActionResult CalibrationService::undoGeometry(const Caller &caller) {
    const QJsonArray revs = m_store.wallRevisions(2);
    if (revs.isEmpty() && !m_unsavedSince)
        return ActionResult::failure(QStringLiteral("conflict"),
                                     QStringLiteral("nothing to undo: no geometry change"));
    qint64 target = 0;
    if (m_unsavedSince) {
        // Unsaved nudges: back to the last saved geometry (or the one loaded at start).
        if (!revs.isEmpty())
            target = revs.at(0)[QStringLiteral("revision")].toInteger();
    } else {
        if (revs.size() < 2)
            return ActionResult::failure(QStringLiteral("conflict"),
                                         QStringLiteral("nothing to undo: this is the geometry "
                                                        "from before set-up"));
        m_store.removeWallRevision(revs.at(0)[QStringLiteral("revision")].toInteger());
        target = revs.at(1)[QStringLiteral("revision")].toInteger();
    }
    if (target == 0) {
        // Never saved: the geometry the wall had before the first nudge is kept in memory.
        if (!m_beforeNudges)
            return ActionResult::failure(QStringLiteral("conflict"),
                                         QStringLiteral("nothing to undo"));
        m_state.setWall(*m_beforeNudges);
        m_beforeNudges.reset();
        m_unsavedSince.reset();
        return ActionResult::success({{QStringLiteral("wallRevision"), 0}});
    }
    const wall::WallParse parsed =
        wall::wallFromJson(m_store.wallRevision(target).value_or(QJsonObject()));
    if (!parsed.ok())
        return ActionResult::failure(QStringLiteral("conflict"),
                                     QStringLiteral("the saved geometry could not be read back"));
    useWall(parsed.wall, caller, QStringLiteral("undo"), [this] {
        m_beforeNudges.reset();
        m_unsavedSince.reset();
    });
    return ActionResult::success({{QStringLiteral("wallRevision"), target}});
}

} // namespace opswall::calibration
