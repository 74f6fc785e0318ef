#include "feeds/forecast.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>

namespace opswall::feeds::forecast {

Method methodFromName(const QString &name) {
    if (name == QLatin1String("seasonalNaive"))
        return Method::SeasonalNaive;
    if (name == QLatin1String("dampedTrend"))
        return Method::DampedTrend;
    if (name == QLatin1String("holtWinters"))
        return Method::HoltWinters;
    return Method::Invalid;
}

QString methodName(Method m) {
    switch (m) {
    case Method::SeasonalNaive:
        return QStringLiteral("seasonalNaive");
    case Method::DampedTrend:
        return QStringLiteral("dampedTrend");
    case Method::HoltWinters:
        return QStringLiteral("holtWinters");
    case Method::Invalid:
        break;
    }
    return QStringLiteral("invalid");
}

double normalQuantile(double coverage) {
    // Acklam's rational approximation of the inverse normal CDF (relative error < 1.2e-9).
    const double p = 0.5 + std::clamp(coverage, 0.0, 0.999999) / 2.0;
    static constexpr std::array<double, 6> a{-3.969683028665376e+01, 2.209460984245205e+02,
                                             -2.759285104469687e+02, 1.383577518672690e+02,
                                             -3.066479806614716e+01, 2.506628277459239e+00};
    static constexpr std::array<double, 5> b{-5.447609879822406e+01, 1.615858368580409e+02,
                                             -1.556989798598866e+02, 6.680131188771972e+01,
                                             -1.328068155288572e+01};
    static constexpr std::array<double, 6> c{-7.784894002430293e-03, -3.223964580411365e-01,
                                             -2.400758277161838e+00, -2.549732539343734e+00,
                                             4.374664141464968e+00,  2.938163982698783e+00};
    static constexpr std::array<double, 4> d{7.784695709041462e-03, 3.224671290700398e-01,
                                             2.445134137142996e+00, 3.754408661907416e+00};
    if (p > 0.97575) {
        const double q = std::sqrt(-2 * std::log(1 - p));
        return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
               ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    }
    const double q = p - 0.5, r = q * q;
    return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
           (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

namespace {

bool allFinite(const std::vector<double> &y) {
    return std::all_of(y.cbegin(), y.cend(), [](double v) { return std::isfinite(v); });
}

int minLength(Method method, int period) {
    switch (method) {
    case Method::SeasonalNaive:
        return period + 1;
    case Method::DampedTrend:
        return 4;
    case Method::HoltWinters:
        return 2 * period + 1;
    case Method::Invalid:
        break;
    }
    return 1 << 30;
}

QString checkInput(const std::vector<double> &y, Method method, int period) {
    if (method == Method::Invalid)
        return QStringLiteral("no forecast method");
    if (period < 1 || period > 366)
        return QStringLiteral("season period %1 is not 1 to 366").arg(period);
    if (method != Method::DampedTrend && period < 2)
        return QStringLiteral("%1 needs a season period of 2 or more").arg(methodName(method));
    if (!allFinite(y))
        return QStringLiteral("the series has a value that is not a number");
    if (int(y.size()) < minLength(method, period))
        return QStringLiteral("%1 needs at least %2 values, the series has %3")
            .arg(methodName(method))
            .arg(minLength(method, period))
            .arg(y.size());
    return {};
}

bool feasible(const Params &p, Method method) {
    const double eps = 1e-4;
    if (!(p.alpha > eps && p.alpha < 1 - eps))
        return false;
    if (!(p.beta > eps && p.beta < p.alpha))
        return false;
    if (!(p.phi >= 0.8 && p.phi <= 0.98))
        return false;
    if (method == Method::HoltWinters && !(p.gamma > eps && p.gamma < 1 - p.alpha))
        return false;
    return true;
}

// Minimises f over x (dimension n) with Nelder-Mead; small, bounded by maxIter.
template<typename F>
std::vector<double> nelderMead(F f, std::vector<double> x0, double step, int maxIter) {
    const std::size_t n = x0.size();
    std::vector<std::vector<double>> s(n + 1, x0);
    for (std::size_t i = 0; i < n; ++i)
        s[i + 1][i] += step * (std::abs(x0[i]) > 1e-3 ? x0[i] : 1.0);
    std::vector<double> v(n + 1);
    for (std::size_t i = 0; i <= n; ++i)
        v[i] = f(s[i]);
    for (int it = 0; it < maxIter; ++it) {
        std::vector<std::size_t> idx(n + 1);
        std::iota(idx.begin(), idx.end(), 0);
        std::sort(idx.begin(), idx.end(),
                  [&v](std::size_t a, std::size_t b) { return v[a] < v[b]; });
        const std::size_t best = idx.front(), worst = idx.back(), second = idx[n - 1];
        if (std::abs(v[worst] - v[best]) <= 1e-12 * (std::abs(v[best]) + 1e-12))
            break;
        std::vector<double> centre(n, 0.0);
        for (std::size_t i : idx)
            if (i != worst)
                for (std::size_t k = 0; k < n; ++k)
                    centre[k] += s[i][k] / double(n);
        const auto along = [&](double t) {
            std::vector<double> p(n);
            for (std::size_t k = 0; k < n; ++k)
                p[k] = centre[k] + t * (s[worst][k] - centre[k]);
            return p;
        };
        const std::vector<double> r = along(-1.0);
        const double fr = f(r);
        if (fr < v[best]) {
            const std::vector<double> e = along(-2.0);
            const double fe = f(e);
            if (fe < fr) {
                s[worst] = e;
                v[worst] = fe;
            } else {
                s[worst] = r;
                v[worst] = fr;
            }
        } else if (fr < v[second]) {
            s[worst] = r;
            v[worst] = fr;
        } else {
            const std::vector<double> c = along(fr < v[worst] ? -0.5 : 0.5);
            const double fc = f(c);
            if (fc < std::min(fr, v[worst])) {
                s[worst] = c;
                v[worst] = fc;
            } else {
                for (std::size_t i : idx) {
                    if (i == best)
                        continue;
                    for (std::size_t k = 0; k < n; ++k)
                        s[i][k] = s[best][k] + 0.5 * (s[i][k] - s[best][k]);
                    v[i] = f(s[i]);
                }
            }
        }
    }
    const auto bestIt = std::min_element(v.begin(), v.end());
    return s[std::size_t(bestIt - v.begin())];
}

} // namespace

State heuristicState(const std::vector<double> &y, Method method, int period) {
    State st;
    if (method == Method::HoltWinters && int(y.size()) >= 2 * period) {
        const int m = period;
        const double first = std::accumulate(y.begin(), y.begin() + m, 0.0) / m;
        const double second = std::accumulate(y.begin() + m, y.begin() + 2 * m, 0.0) / m;
        st.trend = (second - first) / m;
        // The first season's mean sits in its middle, (m - 1) / 2 steps after t = 0.
        st.level = first - (m - 1) / 2.0 * st.trend - st.trend;
        st.season.resize(std::size_t(m));
        for (int i = 0; i < m; ++i)
            st.season[std::size_t(i)] =
                y[std::size_t(i)] - (first + (i - (m - 1) / 2.0) * st.trend);
        const double mean = std::accumulate(st.season.begin(), st.season.end(), 0.0) / m;
        for (double &s : st.season)
            s -= mean;
        return st;
    }
    if (y.size() >= 4) {
        st.trend = (y[3] - y[0]) / 3.0;
        st.level = y[0] - st.trend;
    } else if (!y.empty()) {
        st.level = y[0];
    }
    return st;
}

Fit smooth(const std::vector<double> &y, Method method, int period, const Params &params,
           const State &initial) {
    Fit out;
    out.method = method;
    out.period = method == Method::HoltWinters ? period : 1;
    out.params = params;
    out.initial = initial;
    if (method != Method::DampedTrend && method != Method::HoltWinters) {
        out.error = QStringLiteral("smoothing needs dampedTrend or holtWinters");
        return out;
    }
    const bool seasonal = method == Method::HoltWinters;
    if (seasonal && int(initial.season.size()) != period) {
        out.error = QStringLiteral("the initial season has %1 values, the period is %2")
                        .arg(initial.season.size())
                        .arg(period);
        return out;
    }
    double l = initial.level, b = initial.trend;
    std::vector<double> s = initial.season; // s[t mod m] holds s(t-m) when observation t comes
    out.fitted.reserve(y.size());
    double sse = 0;
    for (std::size_t t = 0; t < y.size(); ++t) {
        const std::size_t j = seasonal ? t % std::size_t(period) : 0;
        const double season = seasonal ? s[j] : 0.0;
        const double yhat = l + params.phi * b + season;
        const double e = y[t] - yhat;
        out.fitted.push_back(yhat);
        sse += e * e;
        const double lPrev = l;
        l = lPrev + params.phi * b + params.alpha * e;
        b = params.phi * b + params.beta * e;
        if (seasonal)
            s[j] = season + params.gamma * e;
    }
    out.sse = sse;
    out.sigma2 = y.empty() ? 0.0 : sse / double(y.size());
    out.last.level = l;
    out.last.trend = b;
    // Rotate so that last.season[0] is the season of the next observation (t = n).
    if (seasonal) {
        out.last.season.resize(std::size_t(period));
        for (int k = 0; k < period; ++k)
            out.last.season[std::size_t(k)] = s[(y.size() + std::size_t(k)) % std::size_t(period)];
    }
    if (!std::isfinite(sse))
        out.error = QStringLiteral("the model diverged on this series");
    return out;
}

namespace {

// Solves the normal equations A z = b (A symmetric positive semi-definite, small) by Gaussian
// elimination with partial pivoting; a tiny ridge keeps a flat direction from blowing up.
std::vector<double> solve(std::vector<std::vector<double>> a, std::vector<double> b) {
    const std::size_t n = b.size();
    for (std::size_t i = 0; i < n; ++i)
        a[i][i] += 1e-9 * (1.0 + std::abs(a[i][i]));
    for (std::size_t c = 0; c < n; ++c) {
        std::size_t pivot = c;
        for (std::size_t r = c + 1; r < n; ++r)
            if (std::abs(a[r][c]) > std::abs(a[pivot][c]))
                pivot = r;
        std::swap(a[c], a[pivot]);
        std::swap(b[c], b[pivot]);
        if (std::abs(a[c][c]) < 1e-300)
            continue;
        for (std::size_t r = c + 1; r < n; ++r) {
            const double f = a[r][c] / a[c][c];
            for (std::size_t k = c; k < n; ++k)
                a[r][k] -= f * a[c][k];
            b[r] -= f * b[c];
        }
    }
    std::vector<double> z(n, 0.0);
    for (std::size_t i = n; i-- > 0;) {
        double s = b[i];
        for (std::size_t k = i + 1; k < n; ++k)
            s -= a[i][k] * z[k];
        z[i] = std::abs(a[i][i]) < 1e-300 ? 0.0 : s / a[i][i];
    }
    return z;
}

// The initial state that minimises the sum of squared one-step errors for given smoothing
// parameters. The models are linear in their state, so each one-step error is an affine function
// of the initial state: e(x0) = e(0) - F x0, where column k of F is the one-step prediction of
// the recursion started from unit state k on a series of zeros. Least squares then gives x0
// (seasons constrained to sum to zero, else level and season are one direction). This is the
// concentrated likelihood the reference (statsmodels' ETSModel, "estimated" initial states)
// maximises numerically.
State optimalState(const std::vector<double> &y, Method method, int period, const Params &p) {
    const bool seasonal = method == Method::HoltWinters;
    const std::size_t m = seasonal ? std::size_t(period) : 0;
    const std::size_t unknowns = seasonal ? 2 + m - 1 : 2;
    const auto stateOf = [&](const std::vector<double> &z) {
        State s;
        s.level = z[0];
        s.trend = z[1];
        if (seasonal) {
            s.season.assign(m, 0.0);
            double sum = 0;
            for (std::size_t k = 0; k + 1 < m; ++k) {
                s.season[k] = z[2 + k];
                sum += z[2 + k];
            }
            s.season[m - 1] = -sum;
        }
        return s;
    };
    const Fit base = smooth(y, method, period, p, stateOf(std::vector<double>(unknowns, 0.0)));
    std::vector<double> e0(y.size());
    for (std::size_t t = 0; t < y.size(); ++t)
        e0[t] = y[t] - base.fitted[t];
    const std::vector<double> zeros(y.size(), 0.0);
    std::vector<std::vector<double>> columns;
    for (std::size_t k = 0; k < unknowns; ++k) {
        std::vector<double> unit(unknowns, 0.0);
        unit[k] = 1.0;
        columns.push_back(smooth(zeros, method, period, p, stateOf(unit)).fitted);
    }
    std::vector<std::vector<double>> a(unknowns, std::vector<double>(unknowns, 0.0));
    std::vector<double> b(unknowns, 0.0);
    for (std::size_t i = 0; i < unknowns; ++i) {
        for (std::size_t j = i; j < unknowns; ++j) {
            double s = 0;
            for (std::size_t t = 0; t < y.size(); ++t)
                s += columns[i][t] * columns[j][t];
            a[i][j] = a[j][i] = s;
        }
        for (std::size_t t = 0; t < y.size(); ++t)
            b[i] += columns[i][t] * e0[t];
    }
    return stateOf(solve(a, b));
}

} // namespace

Fit fit(const std::vector<double> &y, Method method, int period) {
    Fit bad;
    bad.method = method;
    if (const QString e = checkInput(y, method, period); !e.isEmpty()) {
        bad.error = e;
        return bad;
    }
    if (method == Method::SeasonalNaive) {
        bad.error = QStringLiteral("seasonalNaive has no parameters to fit");
        return bad;
    }
    const bool seasonal = method == Method::HoltWinters;
    const auto toParams = [seasonal](const std::vector<double> &x) {
        Params p;
        p.alpha = x[0];
        p.beta = x[1];
        p.phi = x[2];
        p.gamma = seasonal ? x[3] : 0.0;
        return p;
    };
    const auto objective = [&](const std::vector<double> &x) {
        const Params p = toParams(x);
        if (!feasible(p, method))
            return 1e300;
        const Fit f = smooth(y, method, period, p, optimalState(y, method, period, p));
        return f.ok() ? f.sse : 1e300;
    };
    // A few starts: the sum of squares of these models has flat valleys.
    std::vector<std::vector<double>> starts =
        seasonal ? std::vector<std::vector<double>>{{0.3, 0.02, 0.95, 0.1},
                                                    {0.6, 0.05, 0.9, 0.2},
                                                    {0.1, 0.01, 0.98, 0.3}}
                 : std::vector<std::vector<double>>{
                       {0.3, 0.02, 0.95}, {0.8, 0.1, 0.9}, {0.1, 0.01, 0.98}};
    std::vector<double> best;
    double bestValue = 1e301;
    for (const auto &x0 : starts) {
        const std::vector<double> x = nelderMead(objective, x0, 0.25, 2000);
        const double v = objective(x);
        if (v < bestValue) {
            bestValue = v;
            best = x;
        }
    }
    if (best.empty() || bestValue >= 1e300) {
        bad.error = QStringLiteral("no parameters fit this series");
        return bad;
    }
    const Params p = toParams(best);
    return smooth(y, method, period, p, optimalState(y, method, period, p));
}

Forecast forecastFrom(const Fit &f, int horizon, double coverage) {
    Forecast out;
    out.method = f.method;
    out.coverage = coverage;
    out.params = f.params;
    if (!f.ok()) {
        out.error = f.error;
        return out;
    }
    const double z = normalQuantile(coverage);
    const Params &p = f.params;
    const bool seasonal = f.method == Method::HoltWinters;
    const int m = f.period;
    double phiSum = 0, phiPow = 1, varSum = 0;
    for (int h = 1; h <= horizon; ++h) {
        phiPow *= p.phi;
        phiSum += phiPow; // phi + ... + phi^h
        const double season = seasonal ? f.last.season[std::size_t((h - 1) % m)] : 0.0;
        const double mean = f.last.level + phiSum * f.last.trend + season;
        // c_j for j = h - 1 enters v(h); c_j uses phi + ... + phi^j (the sum before this step).
        if (h >= 2) {
            const int j = h - 1;
            const double phiJ = phiSum - phiPow; // phi + ... + phi^(h-1)
            const double cj = p.alpha + p.beta * phiJ + (seasonal && j % m == 0 ? p.gamma : 0.0);
            varSum += cj * cj;
        }
        const double sd = std::sqrt(f.sigma2 * (1.0 + varSum));
        out.mean.push_back(mean);
        out.lower.push_back(mean - z * sd);
        out.upper.push_back(mean + z * sd);
    }
    return out;
}

namespace {

Forecast seasonalNaive(const std::vector<double> &y, int period, int horizon, double coverage) {
    Forecast out;
    out.method = Method::SeasonalNaive;
    out.coverage = coverage;
    const std::size_t n = y.size(), m = std::size_t(period);
    double ss = 0;
    for (std::size_t t = m; t < n; ++t)
        ss += (y[t] - y[t - m]) * (y[t] - y[t - m]);
    const double sigma = std::sqrt(ss / double(n - m));
    const double z = normalQuantile(coverage);
    for (int h = 1; h <= horizon; ++h) {
        const std::size_t k = std::size_t(h - 1) / m;
        const double mean = y[n - m + std::size_t(h - 1) % m];
        const double sd = sigma * std::sqrt(double(k + 1));
        out.mean.push_back(mean);
        out.lower.push_back(mean - z * sd);
        out.upper.push_back(mean + z * sd);
    }
    return out;
}

Forecast forecastNoBacktest(const std::vector<double> &y, Method method, int period, int horizon,
                            double coverage) {
    if (const QString e = checkInput(y, method, period); !e.isEmpty()) {
        Forecast out;
        out.method = method;
        out.error = e;
        return out;
    }
    if (method == Method::SeasonalNaive)
        return seasonalNaive(y, period, horizon, coverage);
    return forecastFrom(fit(y, method, period), horizon, coverage);
}

} // namespace

Forecast forecast(const std::vector<double> &y, Method method, int period, int horizon,
                  double coverage, int backtestPoints) {
    if (horizon < 1 || horizon > 120) {
        Forecast out;
        out.method = method;
        out.error = QStringLiteral("horizon %1 is not 1 to 120").arg(horizon);
        return out;
    }
    Forecast out = forecastNoBacktest(y, method, period, horizon, coverage);
    if (!out.ok())
        return out;
    // One-step-ahead backtest from as many of the last origins as the model's minimum allows.
    const int minLen = minLength(method, period);
    double ape = 0, ae = 0;
    int points = 0;
    for (int i = std::max(minLen, int(y.size()) - backtestPoints); i < int(y.size()); ++i) {
        const std::vector<double> head(y.begin(), y.begin() + i);
        const Forecast f = forecastNoBacktest(head, method, period, 1, coverage);
        if (!f.ok())
            continue;
        const double err = y[std::size_t(i)] - f.mean.front();
        ae += std::abs(err);
        if (y[std::size_t(i)] != 0.0)
            ape += std::abs(err / y[std::size_t(i)]) * 100.0;
        ++points;
    }
    out.backtestPoints = points;
    if (points > 0) {
        out.backtestMae = ae / points;
        out.backtestMape = ape / points;
    }
    return out;
}

YearEnd projectYearEnd(const std::vector<double> &current, const std::vector<double> &previous,
                       double plan) {
    YearEnd out;
    const std::size_t k = current.size();
    if (k == 0 || k > 12) {
        out.error = QStringLiteral("the year to date has %1 months (1 to 12)").arg(k);
        return out;
    }
    if (!allFinite(current) || !(plan > 0) || !std::isfinite(plan)) {
        out.error = QStringLiteral("the year to date or the plan is not a positive number");
        return out;
    }
    const double now = current.back();
    if (previous.size() == 12 && allFinite(previous) && previous.back() > 0 &&
        previous[k - 1] > 0) {
        out.seasonalProfile = true;
        out.shareByMonth = previous[k - 1] / previous.back();
        out.projected = now / out.shareByMonth;
        for (std::size_t mth = k; mth < 12; ++mth)
            out.path.push_back(out.projected * previous[mth] / previous.back());
    } else {
        out.shareByMonth = double(k) / 12.0;
        out.projected = now / out.shareByMonth;
        for (std::size_t mth = k; mth < 12; ++mth)
            out.path.push_back(now / double(k) * double(mth + 1));
    }
    out.pctOfPlan = out.projected / plan * 100.0;
    return out;
}

YearEnd projectYearEnd(const QList<StoredPoint> &history, double plan, int *year) {
    YearEnd out;
    int latestYear = 0;
    for (const StoredPoint &p : history)
        if (p.period.kind() == PeriodKind::Month)
            latestYear = std::max(latestYear, p.period.start().date().year());
    if (year)
        *year = latestYear;
    std::vector<double> current(12, qQNaN()), previous(12, qQNaN());
    for (const StoredPoint &p : history) {
        if (p.period.kind() != PeriodKind::Month)
            continue;
        const QDate d = p.period.start().date();
        if (d.year() == latestYear)
            current[std::size_t(d.month() - 1)] = p.value;
        else if (d.year() == latestYear - 1)
            previous[std::size_t(d.month() - 1)] = p.value;
    }
    std::size_t k = 0;
    while (k < 12 && std::isfinite(current[k]))
        ++k;
    if (k == 0) {
        out.error = QStringLiteral("no monthly year-to-date value from January");
        return out;
    }
    current.resize(k);
    if (!allFinite(previous))
        previous.clear();
    return projectYearEnd(current, previous, plan);
}

} // namespace opswall::feeds::forecast
