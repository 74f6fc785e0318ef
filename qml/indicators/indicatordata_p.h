#pragma once
// Internal to IndicatorData (indicatordata.cpp: watches, KPIs, series, projects and alerts;
// indicatordata_maps.cpp: province maps and rankings; indicatordata_forecast.cpp: forecasts): the
// words and numbers they share, and filling a chart line.

#include "feeds/period.h"

#include <QList>
#include <QLocale>
#include <QObject>
#include <QPointF>
#include <QString>

namespace opswall::indicators::detail {

// Points into a chart line: a WallLineChart's ChartLine (which repaints only appended points) or
// a Qt Charts XY series (one replace(), not one update per point: STACK-NOTES, Qt Charts).
void setPoints(QObject *target, const QList<QPointF> &points);

QLocale localeFor(const QString &language);
QString formatNumberIn(double value, int decimals, const QString &language);
QString periodText(const feeds::Period &p, const QString &language);

} // namespace opswall::indicators::detail
