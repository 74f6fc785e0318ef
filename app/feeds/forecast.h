#pragma once
// Forecasts of an indicator's series, pure (values in, numbers out; no clock, no store), so they
// are tested on the real GSO series against a reference implementation (statsmodels, test-only:
// tests/feeds/tst_feeds_forecast.cpp).
//
// Models (chosen per indicator in its metadata, "forecast": {"method": ...}):
//   seasonalNaive  y(n+h) = y(n+h-m(k+1)), k = floor((h-1)/m); sd(h) = s * sqrt(k+1), s the RMS
//                  of the seasonal differences. Needs one season (m points) of history.
//   dampedTrend    ETS(A,Ad,N): additive error, damped additive trend, no season.
//   holtWinters    ETS(A,Ad,A): the same with an additive season of period m. Needs 2 seasons.
// The ETS models are in error-correction form (Hyndman et al., "Forecasting with Exponential
// Smoothing", 2008, ch. 2 and 6; statsmodels.tsa.exponential_smoothing.ets uses the same):
//   yhat(t) = l(t-1) + phi b(t-1) + s(t-m)          e(t) = y(t) - yhat(t)
//   l(t) = l(t-1) + phi b(t-1) + alpha e(t)         b(t) = phi b(t-1) + beta e(t)
//   s(t) = s(t-m) + gamma e(t)
// Forecast variance (class 1 models, Hyndman et al. table 6.1):
//   v(h) = sigma2 [1 + sum_{j=1}^{h-1} c_j^2],  c_j = alpha + beta (phi + ... + phi^j) + gamma [j
//   mod m == 0] sigma2 = SSE / n (the maximum-likelihood estimate, as statsmodels' ETS results use)
// Intervals are normal: mean +- z sd, z for the coverage asked (0.8 -> 1.2816).
// Parameters are estimated by least squares (the likelihood of additive-error models): Nelder-Mead
// over alpha, beta, gamma, phi in their usual bounds, and for each candidate the initial state
// (level, trend, seasons summing to zero) that minimises the squared errors, which is a linear
// least-squares problem because the recursions are linear in the state.

#include "feeds/seriesstore.h"

#include <QString>

#include <vector>

namespace opswall::feeds::forecast {

enum class Method { Invalid = 0, SeasonalNaive, DampedTrend, HoltWinters };

// "seasonalNaive", "dampedTrend", "holtWinters" <-> Method; Invalid for anything else.
Method methodFromName(const QString &name);
QString methodName(Method m);

struct Params {
    double alpha = 0.3;
    double beta = 0.05; // error-correction form (statsmodels ETSModel "smoothing_trend")
    double gamma = 0.1;
    double phi = 0.95;
};

struct State {
    double level = 0;
    double trend = 0;
    std::vector<double> season; // m values, season[0] belongs to the first observation's month
};

struct Fit {
    Method method = Method::Invalid;
    int period = 1; // m (1: no season)
    Params params;
    State initial;              // at t = 0 (before the first observation)
    State last;                 // after the last observation
    double sse = 0;             // sum of squared one-step errors
    double sigma2 = 0;          // SSE / n
    std::vector<double> fitted; // one-step predictions
    QString error;              // why nothing was fitted (too short, not finite, ...)
    bool ok() const { return error.isEmpty(); }
};

struct Forecast {
    Method method = Method::Invalid;
    double coverage = 0.8;
    std::vector<double> mean, lower, upper; // h = 1..horizon
    Params params;                          // ETS models: the fitted parameters
    // Backtest: one-step-ahead forecasts over the last `backtestPoints` observations, each from
    // the data before it (the model refitted every time), as a person would have seen them.
    double backtestMape = 0; // mean absolute percentage error, %
    double backtestMae = 0;  // mean absolute error, in the series' unit
    int backtestPoints = 0;
    QString error;
    bool ok() const { return error.isEmpty(); }
};

// The smoothing recursions with given parameters and initial state (no estimation): the test's
// identical-parameter comparison with the reference goes through here.
Fit smooth(const std::vector<double> &y, Method method, int period, const Params &params,
           const State &initial);
// Estimates parameters (least squares) and fits.
Fit fit(const std::vector<double> &y, Method method, int period);
// The classical heuristic initial state (first two seasons: level = mean of the first season,
// trend = mean seasonal change / m, season = first season minus its mean); for callers that want a
// quick start without estimation.
State heuristicState(const std::vector<double> &y, Method method, int period);

// Point forecasts and intervals of a fitted ETS model, h = 1..horizon.
Forecast forecastFrom(const Fit &fit, int horizon, double coverage);

// Fits and forecasts (with the backtest over the last backtestPoints observations; 0: none).
Forecast forecast(const std::vector<double> &y, Method method, int period, int horizon,
                  double coverage = 0.8, int backtestPoints = 12);

// Two-sided normal quantile for a central coverage (0.8 -> 1.2816, 0.95 -> 1.9600).
double normalQuantile(double coverage);

// Year-end projection of a cumulative year-to-date series against the annual plan.
//   current:  this year's YTD values, month 1..k (k <= 12)
//   previous: a previous year's YTD values, months 1..12 (empty: no profile)
// "At this pace": the year-end total is current[k] divided by the share of the year's total that
// the previous year had reached by month k (disbursement is heavily back-loaded: December alone
// is a fifth of the year); without a previous year, a straight line (current[k] / k * 12).
struct YearEnd {
    double projected = 0;    // year-end total, in the series' unit
    double pctOfPlan = 0;    // projected / plan * 100
    double shareByMonth = 0; // the previous year's share reached by month k (1 for linear)
    bool seasonalProfile = false;
    std::vector<double> path; // projected YTD for months k+1..12
    QString error;
    bool ok() const { return error.isEmpty(); }
};
YearEnd projectYearEnd(const std::vector<double> &current, const std::vector<double> &previous,
                       double plan);
// The same from a monthly YTD series as stored (any order): the latest year's months from
// January, and the whole previous year when it is there. year is set to the latest year.
YearEnd projectYearEnd(const QList<StoredPoint> &history, double plan, int *year = nullptr);

// What an indicator's metadata asks ("forecast": {"method": ..., "period": 12, "horizon": 6,
// "coverage": 0.8}); method "yearToDate" is the year-end projection against the target.
struct Spec {
    QString method; // seasonalNaive | dampedTrend | holtWinters | yearToDate; empty: none
    int period = 12;
    int horizon = 6;
    double coverage = 0.8;
    bool isEmpty() const { return method.isEmpty(); }
};

} // namespace opswall::feeds::forecast
