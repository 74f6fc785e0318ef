#include "calibration/settings.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>

#include <cmath>

namespace opswall::calibration {

namespace {
const QString kBrightness = QStringLiteral("brightness");
const QString kBacklight = QStringLiteral("backlight");
const QString kContrast = QStringLiteral("contrast");
const QString kColourTemperature = QStringLiteral("colourTemperature");
const QString kRgbGain = QStringLiteral("rgbGain");
const QString kRgbOffset = QStringLiteral("rgbOffset");
const QString kPictureMode = QStringLiteral("pictureMode");
const QString kGamma = QStringLiteral("gamma");
const QString kTiling = QStringLiteral("tiling");
const QString kBezelCompensation = QStringLiteral("bezelCompensation");

QJsonArray rgbJson(const std::array<int, 3> &v) {
    return QJsonArray{v[0], v[1], v[2]};
}

QJsonObject tilingJson(const Tiling &t) {
    return {{QStringLiteral("columns"), t.columns},
            {QStringLiteral("rows"), t.rows},
            {QStringLiteral("position"), t.position}};
}

// An integer JSON value within [lo, hi], or nullopt with *why set.
std::optional<int> intIn(const QJsonValue &v, int lo, int hi, QString *why) {
    if (!v.isDouble()) {
        *why = QStringLiteral("must be a number");
        return std::nullopt;
    }
    const double d = v.toDouble();
    if (d != std::floor(d) || d < lo || d > hi) {
        *why = QStringLiteral("must be a whole number %1..%2").arg(lo).arg(hi);
        return std::nullopt;
    }
    return int(d);
}

bool validName(const QString &s) {
    if (s.isEmpty() || s.size() > 32)
        return false;
    for (QChar c : s)
        if (!(c.isLower() || c.isDigit() || c == u'-' || c == u'.' || c == u'_'))
            return false;
    return true;
}
} // namespace

const QStringList &settingNames() {
    static const QStringList names{
        kPictureMode, kGamma,      kColourTemperature, kRgbGain, kRgbOffset,
        kBacklight,   kBrightness, kContrast,          kTiling,  kBezelCompensation};
    return names;
}

bool PictureSettings::empty() const {
    return *this == PictureSettings{};
}

void PictureSettings::merge(const PictureSettings &o) {
    auto take = [](auto &mine, const auto &theirs) {
        if (theirs)
            mine = theirs;
    };
    take(brightness, o.brightness);
    take(backlight, o.backlight);
    take(contrast, o.contrast);
    take(colourTemperatureK, o.colourTemperatureK);
    take(rgbGain, o.rgbGain);
    take(rgbOffset, o.rgbOffset);
    take(pictureMode, o.pictureMode);
    take(gamma, o.gamma);
    take(tiling, o.tiling);
    take(bezelCompensation, o.bezelCompensation);
}

QJsonObject toJson(const PictureSettings &s) {
    QJsonObject o;
    if (s.brightness)
        o.insert(kBrightness, *s.brightness);
    if (s.backlight)
        o.insert(kBacklight, *s.backlight);
    if (s.contrast)
        o.insert(kContrast, *s.contrast);
    if (s.colourTemperatureK)
        o.insert(kColourTemperature, *s.colourTemperatureK);
    if (s.rgbGain)
        o.insert(kRgbGain, rgbJson(*s.rgbGain));
    if (s.rgbOffset)
        o.insert(kRgbOffset, rgbJson(*s.rgbOffset));
    if (s.pictureMode)
        o.insert(kPictureMode, *s.pictureMode);
    if (s.gamma)
        o.insert(kGamma, *s.gamma);
    if (s.tiling)
        o.insert(kTiling, tilingJson(*s.tiling));
    if (s.bezelCompensation)
        o.insert(kBezelCompensation, *s.bezelCompensation);
    return o;
}

std::optional<PictureSettings> parseSettings(const QJsonObject &o, const QString &path,
                                             QString *error, QString *field) {
    PictureSettings s;
    auto fail = [&](const QString &f, const QString &why) {
        const QString full = path.isEmpty() ? f : path + u'.' + f;
        if (error)
            *error = full + QStringLiteral(": ") + why;
        if (field)
            *field = full;
        return std::nullopt;
    };
    for (auto it = o.begin(); it != o.end(); ++it) {
        const QString &k = it.key();
        const QJsonValue v = it.value();
        QString why;
        if (k == kBrightness || k == kBacklight || k == kContrast) {
            const auto n = intIn(v, 0, 100, &why);
            if (!n)
                return fail(k, why);
            (k == kBrightness ? s.brightness : k == kBacklight ? s.backlight : s.contrast) = *n;
        } else if (k == kColourTemperature) {
            const auto n = intIn(v, 2000, 20000, &why);
            if (!n)
                return fail(k, why + QStringLiteral(" (kelvin)"));
            s.colourTemperatureK = *n;
        } else if (k == kRgbGain || k == kRgbOffset) {
            const QJsonArray a = v.toArray();
            if (!v.isArray() || a.size() != 3)
                return fail(k, QStringLiteral("must be [red, green, blue]"));
            std::array<int, 3> rgb{};
            for (int i = 0; i < 3; ++i) {
                const auto n = intIn(a.at(i), 0, 255, &why);
                if (!n)
                    return fail(k + QStringLiteral("[%1]").arg(i), why);
                rgb[std::size_t(i)] = *n;
            }
            (k == kRgbGain ? s.rgbGain : s.rgbOffset) = rgb;
        } else if (k == kPictureMode || k == kGamma) {
            if (!v.isString() || !validName(v.toString()))
                return fail(k, QStringLiteral("must be a name of 1..32 lower-case letters, digits, "
                                              "'-', '.' or '_'"));
            (k == kPictureMode ? s.pictureMode : s.gamma) = v.toString();
        } else if (k == kTiling) {
            if (!v.isObject())
                return fail(k, QStringLiteral("must be {\"columns\", \"rows\", \"position\"}"));
            const QJsonObject t = v.toObject();
            for (auto tk = t.begin(); tk != t.end(); ++tk)
                if (tk.key() != QLatin1String("columns") && tk.key() != QLatin1String("rows") &&
                    tk.key() != QLatin1String("position"))
                    return fail(k + u'.' + tk.key(), QStringLiteral("unknown field"));
            Tiling tiling;
            for (const char *name : {"columns", "rows"}) {
                const QString key = QLatin1String(name);
                const auto n = intIn(t.value(key), 1, 15, &why);
                if (!n)
                    return fail(k + u'.' + key, why);
                (key == QLatin1String("columns") ? tiling.columns : tiling.rows) = *n;
            }
            const auto pos =
                intIn(t.value(QStringLiteral("position")), 1, tiling.columns * tiling.rows, &why);
            if (!pos)
                return fail(k + QStringLiteral(".position"), why);
            tiling.position = *pos;
            s.tiling = tiling;
        } else if (k == kBezelCompensation) {
            if (!v.isBool())
                return fail(k, QStringLiteral("must be true or false"));
            s.bezelCompensation = v.toBool();
        } else {
            return fail(k, QStringLiteral("unknown setting (known: %1)")
                               .arg(settingNames().join(QStringLiteral(", "))));
        }
    }
    return s;
}

QByteArray exportDocument(const Document &d) {
    QJsonObject profiles;
    for (auto it = d.profiles.begin(); it != d.profiles.end(); ++it)
        profiles.insert(it.key(), toJson(it.value()));
    return QJsonDocument(
               QJsonObject{{QStringLiteral("kind"), QStringLiteral("opswall.calibration")},
                           {QStringLiteral("schemaVersion"), kSchemaVersion},
                           {QStringLiteral("profiles"), profiles}})
        .toJson(QJsonDocument::Indented);
}

std::optional<Document> parseDocument(const QByteArray &json, const QStringList &knownDisplays,
                                      QString *error, QString *field, QStringList *problems) {
    QString firstError, firstField;
    QStringList found;
    // Notes a problem; true when reading should stop here (only the first is wanted).
    auto note = [&](const QString &f, const QString &why) {
        const QString text = (f.isEmpty() ? QString() : f + QStringLiteral(": ")) + why;
        if (found.isEmpty()) {
            firstError = text;
            firstField = f;
        }
        found.append(text);
        return problems == nullptr;
    };
    auto finish = [&]() -> std::optional<Document> {
        if (error)
            *error = firstError;
        if (field)
            *field = firstField;
        if (problems)
            *problems = found;
        return std::nullopt;
    };
    if (json.size() > kMaxDocumentBytes) {
        note({}, QStringLiteral("the document is larger than %1 bytes").arg(kMaxDocumentBytes));
        return finish();
    }
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &pe);
    if (pe.error != QJsonParseError::NoError) {
        note({}, QStringLiteral("not JSON: %1 at offset %2").arg(pe.errorString()).arg(pe.offset));
        return finish();
    }
    if (!doc.isObject()) {
        note({}, QStringLiteral("the document must be a JSON object"));
        return finish();
    }
    const QJsonObject root = doc.object();
    for (auto it = root.begin(); it != root.end(); ++it)
        if (it.key() != QLatin1String("kind") && it.key() != QLatin1String("schemaVersion") &&
            it.key() != QLatin1String("profiles") &&
            note(it.key(), QStringLiteral("unknown field")))
            return finish();
    if (root.value(QStringLiteral("kind")).toString() != QLatin1String("opswall.calibration") &&
        note(QStringLiteral("kind"), QStringLiteral("must be \"opswall.calibration\"")))
        return finish();
    if (root.value(QStringLiteral("schemaVersion")).toDouble(-1) != kSchemaVersion &&
        note(QStringLiteral("schemaVersion"),
             QStringLiteral("must be %1 (this version of OpsWall reads only that)")
                 .arg(kSchemaVersion)))
        return finish();
    const QJsonValue profiles = root.value(QStringLiteral("profiles"));
    if (!profiles.isObject()) {
        note(QStringLiteral("profiles"),
             QStringLiteral("must be an object of display id -> settings"));
        return finish();
    }
    const QJsonObject p = profiles.toObject();
    if (p.size() > kMaxProfiles) {
        note(QStringLiteral("profiles"), QStringLiteral("more than %1 displays").arg(kMaxProfiles));
        return finish();
    }
    Document d;
    for (auto it = p.begin(); it != p.end(); ++it) {
        const QString path = QStringLiteral("profiles.") + it.key();
        if (!knownDisplays.isEmpty() && !knownDisplays.contains(it.key())) {
            if (note(path, QStringLiteral("the wall has no display \"%1\"").arg(it.key())))
                return finish();
            continue;
        }
        if (!it.value().isObject()) {
            if (note(path, QStringLiteral("must be an object of settings")))
                return finish();
            continue;
        }
        QString why, where;
        const auto s = parseSettings(it.value().toObject(), path, &why, &where);
        if (!s) {
            // parseSettings words its error with the field in front already.
            const QString prefix = where + QStringLiteral(": ");
            if (note(where, why.startsWith(prefix) ? why.mid(prefix.size()) : why))
                return finish();
            continue;
        }
        d.profiles.insert(it.key(), *s);
    }
    if (!found.isEmpty())
        return finish();
    return d;
}

std::vector<SettingCommand> setCommands(const PictureSettings &s) {
    std::vector<SettingCommand> out;
    // The picture mode first: switching mode may reset the other settings on some models.
    if (s.pictureMode)
        out.push_back(
            {kPictureMode, Command::named(Op::SetPictureMode, s.pictureMode->toStdString())});
    if (s.gamma)
        out.push_back({kGamma, Command::named(Op::SetGamma, s.gamma->toStdString())});
    if (s.colourTemperatureK)
        out.push_back(
            {kColourTemperature, Command::make(Op::SetColourTemperature, *s.colourTemperatureK)});
    if (s.rgbGain)
        out.push_back({kRgbGain, Command::rgb(Op::SetRgbGain, (*s.rgbGain)[0], (*s.rgbGain)[1],
                                              (*s.rgbGain)[2])});
    if (s.rgbOffset)
        out.push_back({kRgbOffset, Command::rgb(Op::SetRgbOffset, (*s.rgbOffset)[0],
                                                (*s.rgbOffset)[1], (*s.rgbOffset)[2])});
    if (s.backlight)
        out.push_back({kBacklight, Command::make(Op::SetBacklight, *s.backlight)});
    if (s.brightness)
        out.push_back({kBrightness, Command::make(Op::SetBrightness, *s.brightness)});
    if (s.contrast)
        out.push_back({kContrast, Command::make(Op::SetContrast, *s.contrast)});
    if (s.tiling)
        out.push_back(
            {kTiling, Command::tiling(s.tiling->columns, s.tiling->rows, s.tiling->position)});
    if (s.bezelCompensation)
        out.push_back({kBezelCompensation,
                       Command::make(Op::SetBezelCompensation, *s.bezelCompensation ? 1 : 0)});
    return out;
}

std::vector<SettingCommand> readCommands() {
    return {{kPictureMode, Command::make(Op::GetPictureMode)},
            {kGamma, Command::make(Op::GetGamma)},
            {kColourTemperature, Command::make(Op::GetColourTemperature)},
            {kRgbGain, Command::make(Op::GetRgbGain)},
            {kRgbOffset, Command::make(Op::GetRgbOffset)},
            {kBacklight, Command::make(Op::GetBacklight)},
            {kBrightness, Command::make(Op::GetBrightness)},
            {kContrast, Command::make(Op::GetContrast)},
            {kTiling, Command::make(Op::GetTiling)},
            {kBezelCompensation, Command::make(Op::GetBezelCompensation)}};
}

QString resultWords(const Result &r) {
    if (r.ok())
        return QStringLiteral("ok");
    QString kind;
    switch (r.status) {
    case Status::Nak:
        kind = QStringLiteral("refused by the display (NAK)");
        break;
    case Status::Unsupported:
        kind = QStringLiteral("unsupported");
        break;
    case Status::BadArgument:
        kind = QStringLiteral("out of range");
        break;
    case Status::Timeout:
        kind = QStringLiteral("no answer in time");
        break;
    case Status::Unreachable:
        kind = QStringLiteral("unreachable");
        break;
    case Status::Busy:
        kind = QStringLiteral("busy");
        break;
    default:
        kind = QString::fromLatin1(drivers::statusName(r.status));
        break;
    }
    return r.error.empty() ? kind : kind + QStringLiteral(": ") + QString::fromStdString(r.error);
}

Readback readbackFrom(const std::vector<SettingCommand> &asked,
                      const std::vector<Result> &results) {
    Readback rb;
    for (std::size_t i = 0; i < asked.size(); ++i) {
        const QString &name = asked[i].setting;
        const Result r =
            i < results.size() ? results[i] : Result::failure(Status::Timeout, "not asked");
        const bool valuesOk = r.values.size() >= 3;
        if (!r.ok() || ((name == kRgbGain || name == kRgbOffset) && !valuesOk) ||
            (name == kTiling && r.values.size() < 4)) {
            rb.unreadable.insert(name,
                                 r.ok() ? QStringLiteral("incomplete answer") : resultWords(r));
            continue;
        }
        PictureSettings &s = rb.settings;
        if (name == kBrightness)
            s.brightness = r.value;
        else if (name == kBacklight)
            s.backlight = r.value;
        else if (name == kContrast)
            s.contrast = r.value;
        else if (name == kColourTemperature)
            s.colourTemperatureK = r.value;
        else if (name == kRgbGain)
            s.rgbGain = std::array<int, 3>{r.values[0], r.values[1], r.values[2]};
        else if (name == kRgbOffset)
            s.rgbOffset = std::array<int, 3>{r.values[0], r.values[1], r.values[2]};
        else if (name == kPictureMode)
            s.pictureMode = QString::fromStdString(r.text);
        else if (name == kGamma)
            s.gamma = QString::fromStdString(r.text);
        else if (name == kTiling)
            s.tiling = r.values[0] ? Tiling{r.values[1], r.values[2], r.values[3]} : Tiling{};
        else if (name == kBezelCompensation)
            s.bezelCompensation = r.value == 1;
    }
    return rb;
}

QJsonObject toJson(const Readback &r) {
    QJsonObject unreadable;
    for (auto it = r.unreadable.begin(); it != r.unreadable.end(); ++it)
        unreadable.insert(it.key(), it.value());
    return {{QStringLiteral("settings"), toJson(r.settings)},
            {QStringLiteral("unreadable"), unreadable}};
}

QList<Drift> drift(const PictureSettings &want, const Readback &have) {
    QList<Drift> out;
    const QJsonObject w = toJson(want);
    const QJsonObject h = toJson(have.settings);
    for (const QString &name : settingNames()) {
        if (!w.contains(name))
            continue;
        if (!h.contains(name)) {
            out.append({name, w.value(name), QJsonValue(QJsonValue::Null),
                        have.unreadable.value(name, QStringLiteral("not read"))});
            continue;
        }
        if (w.value(name) != h.value(name))
            out.append({name, w.value(name), h.value(name), {}});
    }
    return out;
}

QJsonObject driftJson(const QList<Drift> &d) {
    QJsonArray items;
    for (const Drift &x : d) {
        QJsonObject o{{QStringLiteral("setting"), x.setting},
                      {QStringLiteral("want"), x.want},
                      {QStringLiteral("have"), x.have}};
        if (!x.why.isEmpty())
            o.insert(QStringLiteral("why"), x.why);
        items.append(o);
    }
    return {{QStringLiteral("inStep"), d.isEmpty()}, {QStringLiteral("drift"), items}};
}

} // namespace opswall::calibration
