#pragma once
// The briefing document ("kind": "opswall.briefing"): an ordered storyboard of steps a leader walks
// through on the wall. Each step shows a saved preset (by name) or an inline layout, optionally
// puts one tile in focus (highlighted, the rest dimmed), and carries speaker notes in Vietnamese
// and English and a planned duration. Versioned like layouts; old versions keep loading
// (fixtures in tests/briefing/fixtures). Pure: no store, no Qt Quick.
//
//   {"schemaVersion": 1, "kind": "opswall.briefing",
//    "title": {"vi": "Tình hình kinh tế – xã hội tháng 11", "en": "..."},
//    "organisation": {"vi": "Bộ ...", "en": "Ministry of ..."},   // shown when the wall is blank
//    "steps": [{"title": {"vi": "...", "en": "..."}, "preset": "Đầu tư công", "focus": "pubinv",
//               "notes": {"vi": "...", "en": "..."}, "plannedSeconds": 120}, ...]}

#include "wall/jsonreader.h"
#include "wall/layout.h"

#include <QJsonObject>
#include <QList>
#include <QString>

#include <functional>
#include <optional>

namespace opswall::briefing {

inline constexpr int kBriefingSchemaVersion = 1;
inline constexpr int kMaxSteps = 200;
inline constexpr int kMaxTitleChars = 300;
inline constexpr int kMaxNotesChars = 8000;
inline constexpr int kMaxPlannedSeconds = 4 * 3600;

// A text in the wall's two languages; Vietnamese is required, English falls back to it.
struct Text {
    QString vi;
    QString en;
    QString in(const QString &language) const {
        return language == QLatin1String("en") && !en.isEmpty() ? en : vi;
    }
    bool operator==(const Text &) const = default;
};

struct Step {
    Text title;
    QString preset;                     // a saved preset's name, or empty
    std::optional<wall::Layout> layout; // an inline layout, or empty
    QString focus;                      // a tile id, or empty
    Text notes;
    int plannedSeconds = 0; // 0 = not planned
    bool operator==(const Step &) const = default;
};

struct Briefing {
    Text title;
    Text organisation; // shown on the blank wall
    QList<Step> steps;
    int plannedSeconds() const; // the sum of the steps' plans
    bool operator==(const Briefing &) const = default;
};

struct BriefingParse {
    Briefing briefing;
    QList<wall::Issue> issues;
    bool ok() const { return issues.isEmpty(); }
};

// The tiles of a preset by name, or nullopt when there is no such preset: lets validation check
// that a step's preset exists and that its focus names one of the preset's tiles.
using PresetTiles = std::function<std::optional<QStringList>(const QString &presetName)>;

// Reads and validates a document of any supported schemaVersion. Every issue names the field at
// fault ("steps[3].focus: ..."). With a wall, inline layouts are checked against it; with
// presetTiles, preset references and their focus are checked too.
BriefingParse briefingFromJson(const QJsonObject &doc, const wall::Wall *wall = nullptr,
                               const PresetTiles &presetTiles = {});
QJsonObject briefingToJson(const Briefing &briefing);
QJsonObject textToJson(const Text &text);

} // namespace opswall::briefing
