#include "calibration/uniformity.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string_view>

namespace opswall::calibration::uniformity {

namespace {
// sRGB / Rec. 709 primaries, D65 (IEC 61966-2-1): linear RGB <-> XYZ.
constexpr double kToXyz[3][3] = {{0.4124564, 0.3575761, 0.1804375},
                                 {0.2126729, 0.7151522, 0.0721750},
                                 {0.0193339, 0.1191920, 0.9503041}};
constexpr double kToRgb[3][3] = {{3.2404542, -1.5371385, -0.4985314},
                                 {-0.9692660, 1.8760108, 0.0415560},
                                 {0.0556434, -0.2040259, 1.0572252}};

std::array<double, 3> xyzOf(Chromaticity c, double Y) {
    return {c.x * Y / c.y, Y, (1 - c.x - c.y) * Y / c.y};
}

std::array<double, 3> mul(const double m[3][3], const std::array<double, 3> &v) {
    std::array<double, 3> o{};
    for (int r = 0; r < 3; ++r)
        o[std::size_t(r)] = m[r][0] * v[0] + m[r][1] * v[1] + m[r][2] * v[2];
    return o;
}

Chromaticity chromaticityOf(const std::array<double, 3> &xyz) {
    const double sum = xyz[0] + xyz[1] + xyz[2];
    return sum > 0 ? Chromaticity{xyz[0] / sum, xyz[1] / sum} : Chromaticity{};
}

bool validWhite(Chromaticity c) {
    return std::isfinite(c.x) && std::isfinite(c.y) && c.x > 0 && c.y > 0 && c.x + c.y < 1;
}
} // namespace

std::optional<Error> validate(const std::vector<Measurement> &m) {
    if (m.empty())
        return Error{"no measurements"};
    for (const Measurement &x : m) {
        if (!std::isfinite(x.luminance) || x.luminance <= 0)
            return Error{x.display + ": luminance must be a number > 0 (cd/m²)"};
        if (x.white && !validWhite(*x.white))
            return Error{x.display + ": white point x, y must be in (0, 1) with x + y < 1"};
        if (x.backlight && (*x.backlight < 0 || *x.backlight > 100))
            return Error{x.display + ": backlight must be 0..100"};
        if (x.gains)
            for (int g : *x.gains)
                if (g < 0 || g > x.maxGain)
                    return Error{x.display + ": gains must be 0.." + std::to_string(x.maxGain)};
    }
    return std::nullopt;
}

Spread spread(const std::vector<Measurement> &m, const Options &o) {
    Spread s;
    if (m.empty())
        return s;
    s.minLuminance = s.maxLuminance = m.front().luminance;
    double sx = 0, sy = 0;
    int whites = 0;
    for (const Measurement &x : m) {
        s.minLuminance = std::min(s.minLuminance, x.luminance);
        s.maxLuminance = std::max(s.maxLuminance, x.luminance);
        if (x.white) {
            sx += x.white->x;
            sy += x.white->y;
            ++whites;
        }
    }
    s.luminancePercent =
        s.maxLuminance > 0 ? (s.maxLuminance - s.minLuminance) / s.maxLuminance * 100 : 0;
    bool whiteOk = true;
    if (whites > 0) {
        const Chromaticity mean{sx / whites, sy / whites};
        double worst = 0;
        for (const Measurement &x : m)
            if (x.white)
                worst = std::max(worst, std::hypot(x.white->x - mean.x, x.white->y - mean.y));
        s.meanWhite = mean;
        s.whiteDistance = worst;
        whiteOk = worst <= o.whiteTolerance;
    }
    s.pass = s.luminancePercent <= o.luminanceTolerancePercent && whiteOk;
    return s;
}

Plan plan(const std::vector<Measurement> &m, const Options &o) {
    Plan p;
    p.before = spread(m, o);
    p.targetWhite = o.targetWhite ? o.targetWhite : p.before.meanWhite;
    // 1. White point: gains scale the linear R, G, B of the measured white towards the target
    //    white at the same luminance; normalised so that no gain goes up.
    std::vector<double> afterGains(m.size());
    for (std::size_t i = 0; i < m.size(); ++i) {
        const Measurement &x = m[i];
        Correction c;
        c.display = x.display;
        double luminanceFactor = 1;
        if (x.white && p.targetWhite) {
            const auto measured = mul(kToRgb, xyzOf(*x.white, x.luminance));
            const auto target = mul(kToRgb, xyzOf(*p.targetWhite, x.luminance));
            std::array<double, 3> f{1, 1, 1};
            bool usable = true;
            for (std::size_t k = 0; k < 3; ++k) {
                if (measured[k] <= 0 || target[k] <= 0)
                    usable = false;
                else
                    f[k] = target[k] / measured[k];
            }
            if (usable) {
                const double top = std::max({f[0], f[1], f[2]});
                for (double &v : f)
                    v /= top;
                c.gainScale = f;
                double before = 0, after = 0;
                for (std::size_t k = 0; k < 3; ++k) {
                    before += measured[k] * kToXyz[1][k];
                    after += f[k] * measured[k] * kToXyz[1][k];
                }
                luminanceFactor = before > 0 ? after / before : 1;
                if (x.gains) {
                    std::array<int, 3> g{};
                    for (std::size_t k = 0; k < 3; ++k)
                        g[k] = std::clamp(int(std::lround((*x.gains)[k] * f[k])), 0, x.maxGain);
                    c.gains = g;
                } else {
                    c.notes.push_back("gains not corrected: the display's current gains are "
                                      "unknown (read them back first)");
                }
            } else {
                c.notes.push_back("white point too far outside the sRGB gamut to correct");
            }
        }
        afterGains[i] = x.luminance * luminanceFactor;
        p.corrections.push_back(c);
    }
    // 2. Luminance: every display down to the dimmest one (after its own gain correction).
    p.targetLuminance =
        afterGains.empty() ? 0 : *std::min_element(afterGains.begin(), afterGains.end());
    std::vector<Measurement> predicted = m;
    for (std::size_t i = 0; i < m.size(); ++i) {
        Correction &c = p.corrections[i];
        const double scale = afterGains[i] > 0 ? p.targetLuminance / afterGains[i] : 1;
        c.backlightScale = scale;
        double achieved = scale;
        if (m[i].backlight) {
            const int now = *m[i].backlight;
            const int want = std::clamp(int(std::lround(now * scale)), 0, 100);
            c.backlight = want;
            achieved = now > 0 ? double(want) / now : 1;
            if (want == 0 && now > 0)
                c.notes.push_back("backlight would go to 0: check the measurement");
        } else {
            c.notes.push_back("backlight not corrected: the display's current backlight is "
                              "unknown (read it back first)");
            achieved = 1;
        }
        c.predictedLuminance = afterGains[i] * achieved;
        predicted[i].luminance = c.predictedLuminance;
        if (predicted[i].white && p.targetWhite && c.gains)
            predicted[i].white = p.targetWhite;
    }
    p.predicted = spread(predicted, o);
    return p;
}

Chromaticity Reading::white() const {
    return chromaticityOf({X, Y, Z});
}

std::optional<Reading> parseSpotread(std::string_view text, std::string *why) {
    if (text.size() > kMaxSpotreadInput)
        text = text.substr(0, kMaxSpotreadInput);
    std::optional<Reading> last;
    static constexpr std::string_view kTag = "Result is XYZ:";
    while (!text.empty()) {
        const auto nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
        if (line.size() > kMaxSpotreadLine)
            continue;
        const auto at = line.find(kTag);
        if (at == std::string_view::npos)
            continue;
        std::string_view rest = line.substr(at + kTag.size());
        double v[3];
        bool ok = true;
        for (double &d : v) {
            while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t'))
                rest.remove_prefix(1);
            const auto [ptr, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), d);
            if (ec != std::errc() || !std::isfinite(d)) {
                ok = false;
                break;
            }
            rest.remove_prefix(std::size_t(ptr - rest.data()));
        }
        if (!ok || v[1] <= 0 || v[0] < 0 || v[2] < 0)
            continue;
        last = Reading{v[0], v[1], v[2]};
    }
    if (!last && why)
        *why = "no \"Result is XYZ: X Y Z\" line with Y > 0 in the spotread output";
    return last;
}

} // namespace opswall::calibration::uniformity
