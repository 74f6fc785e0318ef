// CalibrationService: the uniformity workflow (grid on the wall, warm-up gate, measurements by
// hand or from spotread's text, the plan, applying the corrections, the stored report).
#include "calibration/calibrationservice.h"

#include "calibration/calibrationservice_p.h"

#include "wall/dispatcher.h"

#include <QJsonArray>
#include <QPointer>

#include <cmath>

namespace opswall::calibration {

namespace {
QJsonObject chromaticityJson(const uniformity::Chromaticity &c) {
    return {{QStringLiteral("x"), c.x}, {QStringLiteral("y"), c.y}};
}

double round3(double v) {
    return std::round(v * 1000) / 1000;
}

QJsonObject spreadJson(const uniformity::Spread &s) {
    QJsonObject o{{QStringLiteral("minLuminance"), round3(s.minLuminance)},
                  {QStringLiteral("maxLuminance"), round3(s.maxLuminance)},
                  {QStringLiteral("luminanceSpreadPercent"), round3(s.luminancePercent)},
                  {QStringLiteral("pass"), s.pass}};
    if (s.whiteDistance)
        o.insert(QStringLiteral("whiteDistance"), std::round(*s.whiteDistance * 1e5) / 1e5);
    if (s.meanWhite)
        o.insert(QStringLiteral("meanWhite"), chromaticityJson(*s.meanWhite));
    return o;
}

QJsonObject measurementJson(const uniformity::Measurement &m) {
    QJsonObject o{{QStringLiteral("display"), QString::fromStdString(m.display)},
                  {QStringLiteral("luminance"), m.luminance}};
    if (m.white) {
        o.insert(QStringLiteral("x"), m.white->x);
        o.insert(QStringLiteral("y"), m.white->y);
    }
    return o;
}

QJsonObject planJson(const uniformity::Plan &p) {
    QJsonArray corrections;
    for (const auto &c : p.corrections) {
        QJsonObject o{
            {QStringLiteral("display"), QString::fromStdString(c.display)},
            {QStringLiteral("backlightScale"), round3(c.backlightScale)},
            {QStringLiteral("gainScale"),
             QJsonArray{round3(c.gainScale[0]), round3(c.gainScale[1]), round3(c.gainScale[2])}},
            {QStringLiteral("predictedLuminance"), round3(c.predictedLuminance)}};
        if (c.backlight)
            o.insert(QStringLiteral("backlight"), *c.backlight);
        if (c.gains)
            o.insert(QStringLiteral("rgbGain"),
                     QJsonArray{(*c.gains)[0], (*c.gains)[1], (*c.gains)[2]});
        QJsonArray notes;
        for (const auto &n : c.notes)
            notes.append(QString::fromStdString(n));
        o.insert(QStringLiteral("notes"), notes);
        corrections.append(o);
    }
    QJsonObject o{{QStringLiteral("targetLuminance"), round3(p.targetLuminance)},
                  {QStringLiteral("before"), spreadJson(p.before)},
                  {QStringLiteral("predicted"), spreadJson(p.predicted)},
                  {QStringLiteral("corrections"), corrections}};
    if (p.targetWhite)
        o.insert(QStringLiteral("targetWhite"), chromaticityJson(*p.targetWhite));
    return o;
}

std::vector<uniformity::Measurement> values(const QMap<QString, uniformity::Measurement> &m) {
    return {m.begin(), m.end()};
}
} // namespace

QJsonObject CalibrationService::Session::toJson(const QDateTime &now) const {
    QJsonArray b, a;
    for (const auto &m : before)
        b.append(measurementJson(m));
    for (const auto &m : after)
        a.append(measurementJson(m));
    const qint64 left = active ? std::max<qint64>(0, now.secsTo(warmUntil)) : 0;
    QJsonObject o{{QStringLiteral("active"), active},
                  {QStringLiteral("phase"), phase},
                  {QStringLiteral("displays"), QJsonArray::fromStringList(displays)},
                  {QStringLiteral("warmUpSecondsLeft"), left},
                  {QStringLiteral("luminanceTolerancePercent"), options.luminanceTolerancePercent},
                  {QStringLiteral("whiteTolerance"), options.whiteTolerance},
                  {QStringLiteral("before"), b},
                  {QStringLiteral("after"), a}};
    if (started.isValid())
        o.insert(QStringLiteral("started"), started.toString(Qt::ISODateWithMs));
    if (plan)
        o.insert(QStringLiteral("plan"), planJson(*plan));
    return o;
}

ActionResult CalibrationService::uniformityStep(const QJsonObject &p, const Caller &caller) {
    const QString step = p.value(QStringLiteral("step")).toString();
    const QDateTime now = m_clock();
    if (step == QLatin1String("start")) {
        const auto target = targets(p, false);
        if (const auto *f = std::get_if<ActionResult>(&target))
            return *f;
        const double warm = p.value(QStringLiteral("warmupMinutes")).toDouble(30);
        if (!(warm >= 0 && warm <= 240))
            return invalid(QStringLiteral("'warmupMinutes' must be 0..240"),
                           QStringLiteral("warmupMinutes"));
        Session s;
        s.active = true;
        s.started = now;
        s.warmUntil = now.addSecs(qint64(warm * 60));
        s.displays = std::get<QStringList>(target);
        s.phase = QStringLiteral("measure");
        s.options.luminanceTolerancePercent =
            p.value(QStringLiteral("tolerancePercent")).toDouble(5.0);
        s.options.whiteTolerance = p.value(QStringLiteral("whiteTolerance")).toDouble(0.005);
        if (!(s.options.luminanceTolerancePercent > 0 && s.options.luminanceTolerancePercent <= 50))
            return invalid(QStringLiteral("'tolerancePercent' must be > 0 and <= 50"),
                           QStringLiteral("tolerancePercent"));
        if (!(s.options.whiteTolerance > 0 && s.options.whiteTolerance <= 0.1))
            return invalid(QStringLiteral("'whiteTolerance' must be > 0 and <= 0.1"),
                           QStringLiteral("whiteTolerance"));
        if (p.contains(QStringLiteral("targetWhite"))) {
            const QJsonObject w = p.value(QStringLiteral("targetWhite")).toObject();
            const uniformity::Chromaticity c{w.value(QStringLiteral("x")).toDouble(-1),
                                             w.value(QStringLiteral("y")).toDouble(-1)};
            if (!(c.x > 0 && c.y > 0 && c.x + c.y < 1))
                return invalid(QStringLiteral("'targetWhite' must be {\"x\", \"y\"} with x, y > 0 "
                                              "and x + y < 1"),
                               QStringLiteral("targetWhite"));
            s.options.targetWhite = c;
        }
        m_session = s;
        setPattern({{QStringLiteral("pattern"), QStringLiteral("uniformity")},
                    {QStringLiteral("displays"), QJsonArray::fromStringList(s.displays)}});
        return ActionResult::success(m_session.toJson(now));
    }
    if (!m_session.active)
        return ActionResult::failure(QStringLiteral("conflict"),
                                     QStringLiteral("no uniformity session: start one first"),
                                     QStringLiteral("step"));
    if (step == QLatin1String("measure")) {
        const QString id = p.value(QStringLiteral("display")).toString();
        if (!m_session.displays.contains(id))
            return invalid(QStringLiteral("display \"%1\" is not in this session").arg(id),
                           QStringLiteral("display"));
        if (now < m_session.warmUntil)
            return ActionResult::failure(
                QStringLiteral("conflict"),
                QStringLiteral("the panels are still warming up: measure in %1 min (warm-up gate)")
                    .arg((now.secsTo(m_session.warmUntil) + 59) / 60),
                QStringLiteral("display"));
        if (p.value(QStringLiteral("meter")).toBool())
            return startMeterRead(id, p); // asynchronous: the reading or the reason comes later
        uniformity::Measurement m;
        m.display = id.toStdString();
        if (p.contains(QStringLiteral("spotread"))) {
            std::string why;
            const QByteArray text = p.value(QStringLiteral("spotread")).toString().toUtf8();
            const auto reading = uniformity::parseSpotread(
                std::string_view(text.constData(), std::size_t(text.size())), &why);
            if (!reading)
                return invalid(QString::fromStdString(why), QStringLiteral("spotread"));
            m.luminance = reading->luminance();
            m.white = reading->white();
        } else {
            m.luminance = p.value(QStringLiteral("luminance")).toDouble(-1);
            if (p.contains(QStringLiteral("x")) || p.contains(QStringLiteral("y")))
                m.white = uniformity::Chromaticity{p.value(QStringLiteral("x")).toDouble(-1),
                                                   p.value(QStringLiteral("y")).toDouble(-1)};
        }
        if (const auto e = uniformity::validate({m}))
            return invalid(QString::fromStdString(e->what),
                           m.luminance <= 0 ? QStringLiteral("luminance") : QStringLiteral("x"));
        (m_session.phase == QLatin1String("remeasure") ? m_session.after : m_session.before)
            .insert(id, m);
        return ActionResult::success(m_session.toJson(now));
    }
    if (step == QLatin1String("plan")) {
        if (m_session.before.isEmpty())
            return ActionResult::failure(QStringLiteral("conflict"),
                                         QStringLiteral("measure at least one display first"),
                                         QStringLiteral("step"));
        std::vector<uniformity::Measurement> ms = values(m_session.before);
        for (auto &m : ms) {
            const Readback rb = m_readback.value(QString::fromStdString(m.display));
            if (rb.settings.backlight)
                m.backlight = rb.settings.backlight;
            if (rb.settings.rgbGain)
                m.gains = rb.settings.rgbGain;
        }
        m_session.plan = uniformity::plan(ms, m_session.options);
        return ActionResult::success(m_session.toJson(now));
    }
    if (step == QLatin1String("apply")) {
        if (!m_session.plan)
            return ActionResult::failure(QStringLiteral("conflict"),
                                         QStringLiteral("compute the plan first (step \"plan\")"),
                                         QStringLiteral("step"));
        QMap<QString, PictureSettings> corrections;
        for (const auto &c : m_session.plan->corrections) {
            PictureSettings s;
            s.backlight = c.backlight;
            s.rgbGain = c.gains;
            if (s.empty())
                continue;
            const QString id = QString::fromStdString(c.display);
            corrections.insert(id, s);
            PictureSettings profile = m_store.profile(id).value_or(StoredProfile{}).settings;
            profile.merge(s);
            m_store.set(id, profile, caller, QStringLiteral("uniformity correction"));
        }
        if (corrections.isEmpty())
            return ActionResult::failure(
                QStringLiteral("conflict"),
                QStringLiteral("nothing to correct: read the displays back first (calibration "
                               "read) so their backlight and gains are known"),
                QStringLiteral("step"));
        ActionResult r = startRun(QStringLiteral("apply"), {}, caller, corrections);
        if (r.ok) // re-measured once the corrections are sent (after the action's commit)
            m_dispatcher.afterCommit([self = QPointer<CalibrationService>(this)] {
                if (!self)
                    return;
                self->m_session.phase = QStringLiteral("remeasure");
                self->m_session.after.clear();
            });
        return r;
    }
    if (step == QLatin1String("finish")) {
        if (m_session.after.isEmpty())
            return ActionResult::failure(
                QStringLiteral("conflict"),
                QStringLiteral("re-measure the displays after the corrections first"),
                QStringLiteral("step"));
        const auto before = uniformity::spread(values(m_session.before), m_session.options);
        const auto after = uniformity::spread(values(m_session.after), m_session.options);
        QJsonObject report{{QStringLiteral("before"), spreadJson(before)},
                           {QStringLiteral("after"), spreadJson(after)},
                           {QStringLiteral("pass"), after.pass},
                           {QStringLiteral("session"), m_session.toJson(now)}};
        // The session ends (and its pattern goes) once the report's row is committed with the
        // action; a refused write leaves the session as it was, to finish again.
        report.insert(
            QStringLiteral("reportId"),
            m_store.addReportThen(QStringLiteral("uniformity"), caller, report,
                                  [self = QPointer<CalibrationService>(this)] {
                                      if (!self)
                                          return;
                                      self->m_session = Session{};
                                      self->setPattern({{QStringLiteral("pattern"), QString()}});
                                  }));
        return ActionResult::success(report);
    }
    if (step == QLatin1String("cancel")) {
        m_session = Session{};
        setPattern({{QStringLiteral("pattern"), QString()}});
        return ActionResult::success({{QStringLiteral("active"), false}});
    }
    return invalid(QStringLiteral("'step' must be start, measure, plan, apply, finish or cancel"),
                   QStringLiteral("step"));
}

} // namespace opswall::calibration
