#include "indicatordata.h"

#include "indicatordata_p.h"

#include <QRegularExpression>

#include "core/engineservices.h"
#include "feeds/feedhub.h"
#include "feeds/forecast.h"
#include "feeds/readmodel.h"
#include "linechart.h"

#include <QFuture>
#include <QLocale>
#include <QPromise>
#include <QQuickItem>
#include <QThreadPool>
#include <QXYSeries>

#include <algorithm>
#include <cmath>

namespace opswall::indicators {

using namespace opswall::feeds;

namespace detail {
void setPoints(QObject *target, const QList<QPointF> &points) {
    if (auto *l = qobject_cast<ChartLine *>(target))
        l->replace(points);
    else if (auto *s = qobject_cast<QXYSeries *>(target))
        s->replace(points);
}

QLocale localeFor(const QString &language) {
    return language == QLatin1String("en") ? QLocale(QLocale::English, QLocale::UnitedStates)
                                           : QLocale(QLocale::Vietnamese, QLocale::Vietnam);
}

QString formatNumberIn(double value, int decimals, const QString &language) {
    if (!std::isfinite(value))
        return QStringLiteral("–");
    return localeFor(language).toString(value, 'f', qBound(0, decimals, 6));
}

QString periodText(const Period &p, const QString &language) {
    const QDate d = p.start().date();
    switch (p.kind()) {
    case PeriodKind::Month:
        return language == QLatin1String("en")
                   ? localeFor(language).toString(d, QStringLiteral("MMM yyyy"))
                   : QStringLiteral("T%1/%2").arg(d.month()).arg(d.year());
    case PeriodKind::Quarter:
        return language == QLatin1String("en")
                   ? QStringLiteral("Q%1 %2").arg((d.month() - 1) / 3 + 1).arg(d.year())
                   : QStringLiteral("Quý %1/%2").arg((d.month() - 1) / 3 + 1).arg(d.year());
    case PeriodKind::Year:
        return language == QLatin1String("en") ? QString::number(d.year())
                                               : QStringLiteral("Năm %1").arg(d.year());
    case PeriodKind::Day:
        return localeFor(language).toString(d, QStringLiteral("dd/MM/yyyy"));
    default:
        return p.toString();
    }
}
} // namespace detail

using namespace detail;

namespace {
// Where a year-to-date series restarts, over history[first..]: the indices where a new year
// starts. Such a series never falls within a year and drops at a new year; for any other series
// (an index, a rate) there are none and it is drawn as one line.
QList<qsizetype> yearToDateRestarts(const QList<StoredPoint> &history, qsizetype first) {
    bool restarts = false, risesWithinYears = true;
    QList<qsizetype> starts;
    for (qsizetype i = first + 1; i < history.size(); ++i) {
        const bool newYear = history[i].period.yearNumber() != history[i - 1].period.yearNumber();
        if (newYear)
            starts << i;
        if (newYear && history[i].value < history[i - 1].value)
            restarts = true;
        else if (!newYear && history[i].value < history[i - 1].value)
            risesWithinYears = false;
    }
    return restarts && risesWithinYears ? starts : QList<qsizetype>{};
}

QString ageText(std::int64_t secs, const QString &language) {
    const bool en = language == QLatin1String("en");
    if (secs < 0)
        return en ? QStringLiteral("no data yet") : QStringLiteral("chưa có dữ liệu");
    if (secs < 120)
        return en ? QStringLiteral("updated just now") : QStringLiteral("vừa cập nhật");
    if (secs < 7200)
        return en ? QStringLiteral("updated %1 min ago").arg(secs / 60)
                  : QStringLiteral("cập nhật %1 phút trước").arg(secs / 60);
    if (secs < 2 * 86400)
        return en ? QStringLiteral("updated %1 h ago").arg(secs / 3600)
                  : QStringLiteral("cập nhật %1 giờ trước").arg(secs / 3600);
    return en ? QStringLiteral("updated %1 days ago").arg(secs / 86400)
              : QStringLiteral("cập nhật %1 ngày trước").arg(secs / 86400);
}
} // namespace

IndicatorWatch::IndicatorWatch(QObject *parent)
    : QObject(parent) {}

IndicatorWatch::~IndicatorWatch() {
    if (m_data)
        m_data->removeWatch(this);
}

void IndicatorWatch::setIndicators(const QStringList &indicators) {
    if (indicators == m_indicators)
        return;
    m_indicators = indicators;
    attach();
    Q_EMIT indicatorsChanged();
}

void IndicatorWatch::setAlerts(bool alerts) {
    if (alerts == m_alerts)
        return;
    m_alerts = alerts;
    attach();
    Q_EMIT alertsChanged();
}

void IndicatorWatch::classBegin() {
    if (QQmlEngine *engine = qmlEngine(this))
        if (IndicatorData *data = opswall::lookup<IndicatorData>(engine))
            m_createdAt = data->revision();
}

void IndicatorWatch::componentComplete() {
    m_complete = true;
    // The tile it belongs to: the nearest item among its ancestors.
    for (QObject *o = parent(); o && !m_item; o = o->parent())
        m_item = qobject_cast<QQuickItem *>(o);
    if (m_item) // an item's visibleChanged follows its effective visibility (its ancestors')
        connect(m_item, &QQuickItem::visibleChanged, this, &IndicatorWatch::onShownChanged);
    attach();
    // The tile's bindings read its values while it was being created; created asynchronously
    // (a recall's tile, built ahead), the engine may have let the event loop turn between that
    // read and now, and a change delivered then (a series read off the GUI thread coming back,
    // a feed's first value) reached no watch: it is read now (or held, the tile being hidden).
    if (m_data && m_createdAt >= 0 && m_data->changedSince(m_createdAt, m_indicators, m_alerts))
        bump();
}

void IndicatorWatch::onShownChanged() {
    if (m_held && m_item && m_item->isVisible()) {
        m_held = false;
        Q_EMIT heldChanged();
        bump();
    }
}

void IndicatorWatch::attach() {
    if (!m_complete)
        return;
    if (m_data)
        m_data->removeWatch(this);
    if (QQmlEngine *engine = qmlEngine(this))
        m_data = opswall::lookup<IndicatorData>(engine);
    if (m_data)
        m_data->addWatch(this);
}

namespace {
// Whether the item is in a wall tile's frame (TileFrame.qml's holdWhileHidden): only there is a
// hidden tile one built ahead or kept, to be shown later (a tile hidden elsewhere, e.g. in a test
// or a console page, reads its changes as they come).
bool holdsWhileHidden(const QQuickItem *item) {
    for (const QQuickItem *p = item; p; p = p->parentItem())
        if (p->property("holdWhileHidden").toBool())
            return true;
    return false;
}
} // namespace

void IndicatorWatch::bump() {
    if (m_item && !m_item->isVisible() && holdsWhileHidden(m_item)) {
        if (!m_held) { // read once it is shown
            m_held = true;
            Q_EMIT heldChanged();
        }
        return;
    }
    ++m_revision;
    Q_EMIT changed();
}

IndicatorData::IndicatorData(FeedHub *hub, QObject *parent)
    : QObject(parent)
    , m_hub(hub) {
    connect(&hub->readModel(), &ReadModel::changed, this, &IndicatorData::onModelChanged);
}

IndicatorData *IndicatorData::create(QQmlEngine *engine, QJSEngine *) {
    return opswall::lookup<IndicatorData>(engine);
}

void IndicatorData::notifyChanged() {
    m_provinceValues.clear();
    m_forecasts.clear();
    m_hub->readModel().reload();
    m_hub->readModel().flush();
}

void IndicatorData::addWatch(IndicatorWatch *watch) {
    for (const QString &indicator : watch->indicators())
        if (!m_watches[indicator].contains(watch))
            m_watches[indicator].append(watch);
    if (watch->alerts() && !m_alertWatches.contains(watch))
        m_alertWatches.append(watch);
}

void IndicatorData::removeWatch(IndicatorWatch *watch) {
    for (auto it = m_watches.begin(); it != m_watches.end();) {
        it->removeAll(watch);
        it = it->isEmpty() ? m_watches.erase(it) : std::next(it);
    }
    m_alertWatches.removeAll(watch);
}

void IndicatorData::onModelChanged(const QSet<QString> &changedIndicators, bool alerts) {
    // A map's weighted mean reads its weight series too (34 provinces from 63): new weights are a
    // change of the indicators weighted by them (the map showed "needs the weight series" until
    // its own indicator changed again).
    QSet<QString> indicators = changedIndicators;
    for (auto it = m_watches.cbegin(); it != m_watches.cend(); ++it)
        if (const auto meta = metaOf(it.key()); meta && !meta->weightIndicator.isEmpty() &&
                                                changedIndicators.contains(meta->weightIndicator))
            indicators.insert(it.key());
    for (const QString &indicator : std::as_const(indicators)) {
        m_provinceValues.remove(indicator);
        m_forecasts.remove(indicator);
        ++m_forecastGeneration[indicator];
    }
    tellWatches(indicators, alerts);
}

void IndicatorData::tellWatches(const QSet<QString> &indicators, bool alerts) {
    // Each watch once, even when several of its indicators changed together.
    QSet<IndicatorWatch *> told;
    for (const QString &indicator : indicators)
        for (IndicatorWatch *w : m_watches.value(indicator))
            told.insert(w);
    if (alerts)
        for (IndicatorWatch *w : std::as_const(m_alertWatches))
            told.insert(w);
    m_lastNotified = int(told.size());
    ++m_revision;
    for (const QString &indicator : indicators)
        m_deliveredAt.insert(indicator, m_revision);
    if (alerts)
        m_alertsDeliveredAt = m_revision;
    for (IndicatorWatch *w : std::as_const(told))
        w->bump();
    Q_EMIT changed();
}

bool IndicatorData::changedSince(int since, const QStringList &indicators, bool alerts) const {
    if (alerts && m_alertsDeliveredAt > since)
        return true;
    return std::any_of(indicators.cbegin(), indicators.cend(), [&](const QString &indicator) {
        return m_deliveredAt.value(indicator) > since;
    });
}

std::optional<IndicatorMeta> IndicatorData::metaOf(const QString &code) const {
    if (const IndicatorMeta *m = m_hub->readModel().indicator(code))
        return *m;
    return std::nullopt;
}

QString IndicatorData::formatNumber(double value, int decimals, const QString &language) const {
    return formatNumberIn(value, decimals, language);
}

QVariantList IndicatorData::projects(const QVariantList &projects, const QString &language) const {
    const bool en = language == QLatin1String("en");
    QVariantList out;
    for (const QVariant &v : projects) {
        const QVariantMap p = v.toMap();
        const QString id = p.value(QStringLiteral("id")).toString();
        QVariantMap row{{QStringLiteral("id"), id},
                        {QStringLiteral("name"), p.value(QStringLiteral("name")).toString()}};
        const auto latest = [&](const char *indicator) {
            return m_hub->readModel().latest(QLatin1String(indicator), id);
        };
        const auto progress = latest("PROJ_PROGRESS_PCT");
        const auto planned = latest("PROJ_PLANNED_PCT");
        const auto disbursed = latest("PROJ_DISBURSED_PCT");
        const auto slip = latest("PROJ_SLIP_MONTHS");
        row[QStringLiteral("hasData")] = progress && planned;
        if (progress && planned) {
            const double slipMonths = slip ? slip->value : 0.0;
            row[QStringLiteral("progress")] = progress->value;
            row[QStringLiteral("planned")] = planned->value;
            row[QStringLiteral("disbursed")] = disbursed ? disbursed->value : qQNaN();
            row[QStringLiteral("slipMonths")] = slipMonths;
            row[QStringLiteral("late")] = slipMonths >= 1.0 || progress->value < planned->value - 5;
            row[QStringLiteral("slipText")] =
                slipMonths < 0.5
                    ? (en ? QStringLiteral("on schedule") : QStringLiteral("đúng tiến độ"))
                    : (en ? QStringLiteral("%1 months late") : QStringLiteral("chậm %1 tháng"))
                          .arg(formatNumber(slipMonths, 1, language));
            row[QStringLiteral("periodText")] = periodText(progress->period, language);
        }
        const std::optional<IndicatorMeta> meta = metaOf(QStringLiteral("PROJ_PROGRESS_PCT"));
        row[QStringLiteral("simulated")] = meta && meta->simulated;
        out << row;
    }
    return out;
}

QVariantList IndicatorData::openAlerts(const QString &language) const {
    const bool en = language == QLatin1String("en");
    QVariantList out;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const QList<Alert> open = m_remote.alerts ? m_remote.alerts() : m_hub->alerts()->openAlerts();
    for (const Alert &a : open) {
        const std::optional<IndicatorMeta> meta = metaOf(a.indicator);
        const std::int64_t age = std::max<std::int64_t>(0, a.raisedAt.secsTo(now));
        const QString ageWords =
            age < 120    ? (en ? QStringLiteral("just now") : QStringLiteral("vừa xảy ra"))
            : age < 7200 ? (en ? QStringLiteral("%1 min ago") : QStringLiteral("%1 phút trước"))
                               .arg(age / 60)
            : age < 172800
                ? (en ? QStringLiteral("%1 h ago") : QStringLiteral("%1 giờ trước")).arg(age / 3600)
                : (en ? QStringLiteral("%1 days ago") : QStringLiteral("%1 ngày trước"))
                      .arg(age / 86400);
        const QString severityText =
            a.severity == Severity::Critical
                ? (en ? QStringLiteral("CRITICAL") : QStringLiteral("NGHIÊM TRỌNG"))
            : a.severity == Severity::Warning
                ? (en ? QStringLiteral("WARNING") : QStringLiteral("CẢNH BÁO"))
                : (en ? QStringLiteral("INFO") : QStringLiteral("THÔNG TIN"));
        // The message names the indicator and carries both languages ("vi / en"): the list
        // shows the name on its own line and the message in the wall's language.
        QString body = a.message;
        if (meta) {
            const QString prefix =
                meta->nameVi + QStringLiteral(" / ") + meta->nameEn + QStringLiteral(": ");
            if (body.startsWith(prefix))
                body = body.mid(prefix.size());
        }
        const QStringList halves = body.split(QStringLiteral(" / "));
        const QString message = halves.size() == 2 ? (en ? halves[1] : halves[0]) : body;
        out.append(QVariantMap{{QStringLiteral("id"), qint64(a.id)},
                               {QStringLiteral("severity"), severityName(a.severity)},
                               {QStringLiteral("severityText"), severityText},
                               {QStringLiteral("ageText"), ageWords},
                               {QStringLiteral("indicatorName"),
                                meta ? (en ? meta->nameEn : meta->nameVi) : a.indicator},
                               {QStringLiteral("text"), message},
                               {QStringLiteral("message"), a.message},
                               {QStringLiteral("indicator"), a.indicator},
                               {QStringLiteral("sinceText"),
                                localeFor(language).toString(a.raisedAt.toLocalTime(),
                                                             en ? QStringLiteral("dd MMM HH:mm")
                                                                : QStringLiteral("HH:mm dd/MM"))},
                               {QStringLiteral("acknowledged"), !a.acknowledgedBy.isEmpty()}});
    }
    return out;
}

QList<StoredPoint> IndicatorData::historyOf(const QString &indicator, const QString &dimension,
                                            const QString &transform) const {
    const QList<StoredPoint> stored = m_hub->readModel().series(indicator, dimension);
    if (transform != QLatin1String("yoyPct"))
        return stored;
    QHash<std::int64_t, double> bySecs;
    for (const StoredPoint &p : stored)
        bySecs.insert(p.period.startSecs(), p.value);
    QList<StoredPoint> out;
    for (const StoredPoint &p : stored) {
        const auto before = bySecs.constFind(p.period.sameLastYear().startSecs());
        if (before == bySecs.cend() || *before == 0.0)
            continue;
        StoredPoint g = p;
        g.value = (p.value / *before - 1.0) * 100.0;
        out << g;
    }
    return out;
}

QVariantMap IndicatorData::kpi(const QString &indicator, const QString &dimension,
                               const QString &language, const QString &transform) const {
    const bool en = language == QLatin1String("en");
    QVariantMap m;
    std::optional<IndicatorMeta> meta = metaOf(indicator);
    const bool growth = transform == QLatin1String("yoyPct");
    if (growth && meta) { // the growth of the indicator, not its level
        meta->nameVi += QStringLiteral(": tăng so với cùng kỳ");
        meta->nameEn += QStringLiteral(": growth on a year earlier");
        meta->unitVi = meta->unitEn = QStringLiteral("%");
        meta->decimals = 2;
        meta->displayScale = 1.0;
        meta->target.reset();
    }
    const int dec = meta ? meta->decimals : 1;
    const double scale = meta ? meta->displayScale : 1.0;
    m[QStringLiteral("name")] = meta ? (en ? meta->nameEn : meta->nameVi) : indicator;
    m[QStringLiteral("unit")] = meta ? (en ? meta->unitEn : meta->unitVi) : QString();
    m[QStringLiteral("simulated")] = meta && meta->simulated;
    m[QStringLiteral("source")] = meta ? meta->sourceText(language) : QString();
    m[QStringLiteral("higherIsBetter")] = meta ? meta->higherIsBetter : true;
    const QString dim = dimension.isEmpty() && meta ? meta->dimension : dimension;
    const QList<StoredPoint> history = historyOf(indicator, dim, transform);
    const std::optional<StoredPoint> latest =
        growth ? (history.isEmpty() ? std::nullopt : std::optional<StoredPoint>(history.back()))
               : m_hub->readModel().latest(indicator, dim);
    const auto valueAt = [&](const Period &p) -> std::optional<StoredPoint> {
        if (!growth)
            return m_hub->readModel().valueAt(indicator, dim, p);
        for (const StoredPoint &s : history)
            if (s.period == p)
                return s;
        return std::nullopt;
    };
    m[QStringLiteral("hasData")] = latest.has_value();
    if (!latest) {
        m[QStringLiteral("valueText")] = QStringLiteral("–");
        return m;
    }
    m[QStringLiteral("value")] = latest->value;
    m[QStringLiteral("valueText")] = formatNumber(latest->value * scale, dec, language);
    m[QStringLiteral("period")] = latest->period.toString();
    m[QStringLiteral("periodText")] = periodText(latest->period, language);
    m[QStringLiteral("revision")] = latest->revision;
    auto change = [&](const Period &other, const char *key) {
        if (const auto p = valueAt(other)) {
            const double d = (latest->value - p->value) * scale;
            m[QLatin1String(key)] = d;
            m[QLatin1String(key) + QStringLiteral("Text")] =
                (d > 0 ? QStringLiteral("+") : QString()) + formatNumber(d, dec, language);
            m[QLatin1String(key) + QStringLiteral("Pct")] =
                p->value != 0.0 ? (latest->value / p->value - 1.0) * 100.0 : qQNaN();
        }
    };
    change(latest->period.previous(), "changePrev");
    change(latest->period.sameLastYear(), "changeYoY");
    if (meta && meta->target) {
        m[QStringLiteral("target")] = *meta->target;
        m[QStringLiteral("targetText")] = formatNumber(*meta->target * scale, dec, language);
        m[QStringLiteral("progress")] = *meta->target != 0.0 ? latest->value / *meta->target : 0.0;
    }
    QVariantList spark, yearStarts;
    const qsizetype first = qMax<qsizetype>(0, history.size() - 24);
    // A year-to-date series restarts every January: its sparkline breaks there and says the
    // year, so the restart does not look like a collapse.
    const QList<qsizetype> restarts = yearToDateRestarts(history, first);
    for (qsizetype i = first; i < history.size(); ++i)
        spark << history[i].value;
    for (const qsizetype i : restarts)
        yearStarts << QVariantMap{{QStringLiteral("index"), int(i - first)},
                                  {QStringLiteral("year"), history[i].period.yearNumber()}};
    m[QStringLiteral("sparkline")] = spark;
    m[QStringLiteral("sparkYearStarts")] = yearStarts;
    // Freshness: the feed's last success (not the period: a monthly figure is current for a month).
    const QString feedId =
        meta && !meta->feedId.isEmpty() ? meta->feedId : m_hub->readModel().feedOf(indicator, dim);
    const FeedStatus st = m_hub->readModel().feedStatus(feedId);
    const auto def = m_hub->scheduler()->definition(feedId);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    std::int64_t age = st.ageSecs(now);
    if (age < 0) // not fetched in this run: the age of the stored value itself
        age = QDateTime::fromSecsSinceEpoch(latest->fetchedAtSecs, Qt::UTC).secsTo(now);
    const std::optional<int> remoteStaleAfter =
        !def && m_remote.staleAfterSecs ? m_remote.staleAfterSecs(feedId) : std::nullopt;
    const int staleAfter =
        def ? def->effectiveStaleAfterSecs() : remoteStaleAfter.value_or(3 * 3600);
    const bool stale =
        st.state == FeedState::Failing || st.state == FeedState::Stale || age > staleAfter;
    m[QStringLiteral("ageSecs")] = qint64(age);
    m[QStringLiteral("stale")] = stale;
    m[QStringLiteral("ageText")] = ageText(age, language);
    m[QStringLiteral("feedState")] = feedStateName(st.state);
    m[QStringLiteral("lastError")] = st.lastError;
    return m;
}

QVariantMap IndicatorData::fillSeries(QObject *xySeries, const QString &indicator,
                                      const QString &dimension, int maxPoints,
                                      const QString &transform,
                                      const QVariantList &earlierYears) const {
    QVariantMap out;
    const std::optional<IndicatorMeta> meta = metaOf(indicator);
    const double scale = meta && transform.isEmpty() ? meta->displayScale : 1.0;
    // The indicator's own dimension when none is given, as kpi() does.
    const QString dim = dimension.isEmpty() && meta ? meta->dimension : dimension;
    const QList<StoredPoint> history = historyOf(indicator, dim, transform);
    qsizetype first = qMax<qsizetype>(0, history.size() - qBound(2, maxPoints, 2000));
    // When not all fit, the window starts with a whole year (at most maxPoints values): it then
    // moves once a year, not with every new value, and a chart only draws the new points.
    while (first > 0 && first + 1 < history.size() &&
           history[first].period.yearNumber() == history[first - 1].period.yearNumber())
        ++first;
    // A year-to-date series is one line per year (see kpi()): the restart in January is not a
    // collapse. Segment k runs from starts[k] to starts[k + 1]; the last one is the current year.
    // No data yet (the feed has not answered): no segment at all.
    QList<qsizetype> starts;
    if (first < history.size())
        starts << first << yearToDateRestarts(history, first) << history.size();
    QList<QList<QPointF>> segments;
    double minV = qInf(), maxV = -qInf();
    for (qsizetype k = 0; k + 1 < starts.size(); ++k) {
        QList<QPointF> points;
        for (qsizetype i = starts[k]; i < starts[k + 1]; ++i) {
            const double v = history[i].value * scale;
            points << QPointF(double(history[i].period.startSecs()) * 1000.0, v);
            minV = std::min(minV, v);
            maxV = std::max(maxV, v);
        }
        segments << points;
    }
    // The current year into xySeries, the earlier ones into earlierYears (oldest first); series
    // left over are emptied. One replace() each, not one update per point (STACK-NOTES: Qt Charts).
    setPoints(xySeries, segments.isEmpty() ? QList<QPointF>{} : segments.back());
    for (qsizetype k = 0; k < earlierYears.size(); ++k)
        setPoints(earlierYears[k].value<QObject *>(),
                  k + 1 < segments.size() ? segments[k] : QList<QPointF>{});
    QVariantList yearStarts;
    for (qsizetype k = 1; k < segments.size(); ++k)
        yearStarts << QVariantMap{
            {QStringLiteral("t"), (segments[k - 1].back().x() + segments[k].front().x()) / 2},
            {QStringLiteral("year"), history[starts[k]].period.yearNumber()}};
    out[QStringLiteral("count")] = int(history.size() - first);
    out[QStringLiteral("segments")] = int(segments.size());
    out[QStringLiteral("yearStarts")] = yearStarts;
    if (!segments.isEmpty()) {
        out[QStringLiteral("minT")] = segments.front().front().x();
        out[QStringLiteral("maxT")] = segments.back().back().x();
        out[QStringLiteral("minV")] = minV;
        out[QStringLiteral("maxV")] = maxV;
    }
    if (meta && meta->target && transform.isEmpty())
        out[QStringLiteral("target")] = *meta->target * scale;
    return out;
}

} // namespace opswall::indicators
