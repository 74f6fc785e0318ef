#pragma once
// Picture settings of one display, as a calibration profile holds them (what the display should
// have) and as a read-back reports them (what it has). Every setting is optional: a profile
// names only what the technician wants held. Pure: JSON in and out, driver commands, drift.
//
// JSON (one display):
//   {"brightness": 0-100, "backlight": 0-100, "contrast": 0-100,
//    "colourTemperature": 2000-20000 (kelvin), "rgbGain": [r, g, b], "rgbOffset": [r, g, b]
//    (0-255, vendor units), "pictureMode": "standard", "gamma": "2.2",
//    "tiling": {"columns": 1-15, "rows": 1-15, "position": 1-225}, "bezelCompensation": bool}
// The export/import document:
//   {"kind": "opswall.calibration", "schemaVersion": 1, "profiles": {"r1c1": {...}, ...}}
#include "codec/command.h"

#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <array>
#include <optional>
#include <vector>

namespace opswall::calibration {

// The calibration layer speaks the drivers' command vocabulary (codec/command.h): a setting is
// applied and read back as driver Commands, and their Results are what it reports.
using drivers::Command;
using drivers::Op;
using drivers::Result;
using drivers::Status;

struct Tiling {
    int columns = 1;
    int rows = 1;
    int position = 1;
    bool operator==(const Tiling &) const = default;
};

struct PictureSettings {
    std::optional<int> brightness;
    std::optional<int> backlight;
    std::optional<int> contrast;
    std::optional<int> colourTemperatureK;
    std::optional<std::array<int, 3>> rgbGain;
    std::optional<std::array<int, 3>> rgbOffset;
    std::optional<QString> pictureMode;
    std::optional<QString> gamma;
    std::optional<Tiling> tiling; // 1x1 = tiling off
    std::optional<bool> bezelCompensation;

    bool empty() const;
    // other's settings replace these where other has them.
    void merge(const PictureSettings &other);
    bool operator==(const PictureSettings &) const = default;
};

// The setting names, in the order they are applied and reported.
const QStringList &settingNames();

QJsonObject toJson(const PictureSettings &s);
// Strict: unknown keys, wrong types and out-of-range values are refused; *error names the field
// as a path under `path` ("profiles.r1c1.rgbGain[2]: must be 0..255").
std::optional<PictureSettings> parseSettings(const QJsonObject &o, const QString &path,
                                             QString *error, QString *field);

struct Document {
    QMap<QString, PictureSettings> profiles; // display id -> settings
};
inline constexpr int kSchemaVersion = 1;
inline constexpr qsizetype kMaxDocumentBytes = 4 * 1024 * 1024;
inline constexpr qsizetype kMaxProfiles = 1000;
QByteArray exportDocument(const Document &d);
// knownDisplays: ids the wall has (a profile for another id is refused, naming it); empty = any.
// error/field: the first problem. problems (optional): every problem found, "field: why" each,
// going on past a bad field or profile where the rest can still be read (all or nothing either
// way).
std::optional<Document> parseDocument(const QByteArray &json, const QStringList &knownDisplays,
                                      QString *error, QString *field,
                                      QStringList *problems = nullptr);

// One setting as driver commands.
struct SettingCommand {
    QString setting; // a name from settingNames()
    Command command;
};
// The commands that set s, in settingNames() order.
std::vector<SettingCommand> setCommands(const PictureSettings &s);
// The commands that read every setting.
std::vector<SettingCommand> readCommands();

// A read-back: what each setting read as, and why the others could not be read
// ("unsupported on this display: ...", "timeout: ...").
struct Readback {
    PictureSettings settings;
    QMap<QString, QString> unreadable; // setting -> why
};
Readback readbackFrom(const std::vector<SettingCommand> &asked, const std::vector<Result> &results);
QJsonObject toJson(const Readback &r);

// What differs between the profile and the read-back: [{"setting", "want", "have"}] for settings
// the profile holds; an unreadable setting is listed with "have": null and its reason.
struct Drift {
    QString setting;
    QJsonValue want;
    QJsonValue have;
    QString why; // unreadable: why
};
QList<Drift> drift(const PictureSettings &want, const Readback &have);
QJsonObject driftJson(const QList<Drift> &d);

// One result in words for people: "ok", or "refused (NAK): display answered NAK, error code 2".
QString resultWords(const Result &r);

} // namespace opswall::calibration
