#pragma once
// Uniformity matching, pure arithmetic (no Qt, no I/O): from the luminance (cd/m²) and, where
// measured, the white point (CIE 1931 x, y) of every display showing full white, compute per
// display the RGB gains that move its white to a common white point and the backlight that
// brings it to the dimmest display's level; measure the spread before and after against a
// tolerance.
//
// Model (an approximation, which is why the workflow re-measures after applying):
//  * luminance is proportional to the backlight setting over the range used;
//  * the panel's primaries are close to Rec. 709 / sRGB, so a white point is moved by scaling the
//    linear R, G, B drive with the gains (gains only go down: the strongest channel keeps its
//    gain, the others are reduced);
//  * the common white point is the one given, or else the mean of the measured white points.
#include <array>
#include <optional>
#include <string>
#include <vector>

namespace opswall::calibration::uniformity {

struct Chromaticity {
    double x = 0;
    double y = 0;
};

struct Measurement {
    std::string display;
    double luminance = 0;                    // cd/m², > 0
    std::optional<Chromaticity> white;       // measured white point
    std::optional<int> backlight;            // the display's backlight when measured (0..100)
    std::optional<std::array<int, 3>> gains; // its RGB gains when measured (vendor units)
    int maxGain = 255;                       // the largest gain the display takes
};

struct Options {
    double luminanceTolerancePercent = 5.0; // pass when (max - min) / max <= this
    double whiteTolerance = 0.005;          // pass when every white is within this (x, y) distance
    std::optional<Chromaticity> targetWhite;
};

struct Spread {
    double minLuminance = 0;
    double maxLuminance = 0;
    double luminancePercent = 0;         // (max - min) / max * 100
    std::optional<double> whiteDistance; // largest distance from the mean white, when measured
    std::optional<Chromaticity> meanWhite;
    bool pass = false;
};
Spread spread(const std::vector<Measurement> &m, const Options &o);

struct Correction {
    std::string display;
    std::optional<int> backlight;            // new backlight (when the old one was given)
    double backlightScale = 1;               // new / old backlight
    std::optional<std::array<int, 3>> gains; // new RGB gains (when old gains and white given)
    std::array<double, 3> gainScale{1, 1, 1};
    double predictedLuminance = 0;  // cd/m² after both corrections, by the model
    std::vector<std::string> notes; // clamping and what could not be corrected, in words
};

struct Plan {
    double targetLuminance = 0;
    std::optional<Chromaticity> targetWhite;
    std::vector<Correction> corrections; // in the order measured
    Spread before;
    Spread predicted; // by the model, for the record; the re-measure decides
};

// Errors name the display and the field ("r1c2: luminance must be > 0").
struct Error {
    std::string what;
};
// Needs at least one measurement; every luminance > 0 and finite; x, y in (0, 1) with x + y < 1.
std::optional<Error> validate(const std::vector<Measurement> &m);
Plan plan(const std::vector<Measurement> &m, const Options &o);

// The spotread text (ArgyllCMS) -> one reading: the last "Result is XYZ: X Y Z" line. Y is the
// luminance in cd/m²; x = X / (X + Y + Z), y = Y / (X + Y + Z). Bounded: at most kMaxInput bytes
// are looked at, lines longer than kMaxLine are skipped.
struct Reading {
    double X = 0, Y = 0, Z = 0;
    double luminance() const { return Y; }
    Chromaticity white() const;
};
inline constexpr std::size_t kMaxSpotreadInput = 64 * 1024;
inline constexpr std::size_t kMaxSpotreadLine = 1024;
std::optional<Reading> parseSpotread(std::string_view text, std::string *why = nullptr);

} // namespace opswall::calibration::uniformity
