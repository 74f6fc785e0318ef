#include "briefing/briefing.h"

#include <QJsonArray>

namespace opswall::briefing {

namespace {

using wall::JsonReader;

// {"vi": "...", "en": "..."}, or a plain string (taken as Vietnamese).
std::optional<Text> readText(const JsonReader &r, const QJsonObject &o, const QString &key,
                             bool required, int maxChars) {
    const QJsonValue v = o.value(key);
    if (v.isUndefined()) {
        if (required)
            r.error(r.child(key), QStringLiteral("is required but missing"));
        return required ? std::nullopt : std::optional<Text>(Text{});
    }
    Text t;
    if (v.isString()) {
        t.vi = v.toString();
    } else if (v.isObject()) {
        const JsonReader tr = r.at(key);
        const QJsonObject to = v.toObject();
        tr.rejectUnknown(to, {QStringLiteral("vi"), QStringLiteral("en")});
        const auto vi = tr.string(to, QStringLiteral("vi"), required, QString());
        const auto en = tr.string(to, QStringLiteral("en"), false, QString());
        if (!vi || !en)
            return std::nullopt;
        t.vi = *vi;
        t.en = *en;
    } else {
        r.error(r.child(key),
                QStringLiteral("must be {\"vi\": ..., \"en\": ...} or a string, got %1")
                    .arg(wall::jsonTypeName(v)));
        return std::nullopt;
    }
    if (required && t.vi.trimmed().isEmpty()) {
        r.error(r.child(key) + QStringLiteral(".vi"),
                QStringLiteral("must not be empty (Vietnamese is the wall's default language)"));
        return std::nullopt;
    }
    for (const auto &[lang, s] : {std::pair{"vi", &t.vi}, std::pair{"en", &t.en}})
        if (s->size() > maxChars) {
            r.error(r.child(key) + u'.' + QLatin1String(lang),
                    QStringLiteral("is %1 characters long; at most %2 are allowed")
                        .arg(s->size())
                        .arg(maxChars));
            return std::nullopt;
        }
    return t;
}

std::optional<Step> readStep(const JsonReader &r, const QJsonObject &o, const wall::Wall *wall,
                             const PresetTiles &presetTiles) {
    const qsizetype before = r.issueCount();
    r.rejectUnknown(o, {QStringLiteral("title"), QStringLiteral("preset"), QStringLiteral("layout"),
                        QStringLiteral("focus"), QStringLiteral("notes"),
                        QStringLiteral("plannedSeconds")});
    Step s;
    if (const auto title = readText(r, o, QStringLiteral("title"), true, kMaxTitleChars))
        s.title = *title;
    if (const auto notes = readText(r, o, QStringLiteral("notes"), false, kMaxNotesChars))
        s.notes = *notes;
    const bool hasPreset = o.contains(QStringLiteral("preset"));
    const bool hasLayout = o.contains(QStringLiteral("layout"));
    QStringList tiles;
    bool tilesKnown = false;
    if (hasPreset == hasLayout) {
        r.error(r.path(), hasPreset
                              ? QStringLiteral("has both \"preset\" and \"layout\"; give one")
                              : QStringLiteral("needs a \"preset\" (a saved preset's name) or an "
                                               "inline \"layout\""));
    } else if (hasPreset) {
        const auto name = r.string(o, QStringLiteral("preset"));
        if (name && name->trimmed().isEmpty())
            r.error(r.child(QStringLiteral("preset")), QStringLiteral("must not be empty"));
        else if (name) {
            s.preset = *name;
            if (presetTiles) {
                if (const auto known = presetTiles(*name)) {
                    tiles = *known;
                    tilesKnown = true;
                } else {
                    r.error(r.child(QStringLiteral("preset")),
                            QStringLiteral("no preset is named \"%1\"").arg(*name));
                }
            }
        }
    } else if (const auto doc = r.object(o, QStringLiteral("layout"))) {
        const wall::LayoutParse parsed = wall::layoutFromJson(*doc, wall);
        const QString prefix = r.child(QStringLiteral("layout"));
        for (const wall::Issue &i : parsed.issues)
            r.error(i.path.isEmpty() ? prefix : prefix + u'.' + i.path, i.message);
        if (parsed.ok()) {
            s.layout = parsed.layout;
            for (const wall::Tile &t : parsed.layout.tiles)
                tiles.append(t.id);
            tilesKnown = true;
        }
    }
    if (const auto focus = r.string(o, QStringLiteral("focus"), false, QString())) {
        s.focus = *focus;
        if (!s.focus.isEmpty() && tilesKnown && !tiles.contains(s.focus))
            r.error(r.child(QStringLiteral("focus")),
                    QStringLiteral("\"%1\" is not a tile of this step (tiles: %2)")
                        .arg(s.focus.left(64), tiles.join(QStringLiteral(", ")).left(400)));
    }
    if (const auto planned = r.integer(o, QStringLiteral("plannedSeconds"), false, 0)) {
        if (*planned < 0 || *planned > kMaxPlannedSeconds)
            r.error(r.child(QStringLiteral("plannedSeconds")),
                    QStringLiteral("must be 0 to %1 seconds, got %2")
                        .arg(kMaxPlannedSeconds)
                        .arg(*planned));
        else
            s.plannedSeconds = *planned;
    }
    if (r.issueCount() != before)
        return std::nullopt;
    return s;
}

} // namespace

int Briefing::plannedSeconds() const {
    int total = 0;
    for (const Step &s : steps)
        total += s.plannedSeconds;
    return total;
}

BriefingParse briefingFromJson(const QJsonObject &doc, const wall::Wall *wall,
                               const PresetTiles &presetTiles) {
    BriefingParse result;
    const JsonReader r(&result.issues);
    const auto version = r.integer(doc, QStringLiteral("schemaVersion"));
    if (!version)
        return result;
    if (*version < 1 || *version > kBriefingSchemaVersion) {
        r.error(QStringLiteral("schemaVersion"),
                QStringLiteral("version %1 is not supported (this program reads 1 to %2)")
                    .arg(*version)
                    .arg(kBriefingSchemaVersion));
        return result;
    }
    // Upgrades from older schema versions go here, one step per version, before reading.
    const auto kind = r.string(doc, QStringLiteral("kind"));
    if (kind && *kind != QLatin1String("opswall.briefing"))
        r.error(QStringLiteral("kind"),
                QStringLiteral("must be \"opswall.briefing\", got \"%1\"").arg(kind->left(64)));
    r.rejectUnknown(doc, {QStringLiteral("schemaVersion"), QStringLiteral("kind"),
                          QStringLiteral("title"), QStringLiteral("organisation"),
                          QStringLiteral("steps")});
    Briefing b;
    if (const auto title = readText(r, doc, QStringLiteral("title"), true, kMaxTitleChars))
        b.title = *title;
    if (const auto org = readText(r, doc, QStringLiteral("organisation"), false, kMaxTitleChars))
        b.organisation = *org;
    if (const auto steps = r.array(doc, QStringLiteral("steps"))) {
        if (steps->isEmpty())
            r.error(QStringLiteral("steps"), QStringLiteral("needs at least one step"));
        if (steps->size() > kMaxSteps) {
            r.error(QStringLiteral("steps"), QStringLiteral("has %1 steps; at most %2 are allowed")
                                                 .arg(steps->size())
                                                 .arg(kMaxSteps));
            return result;
        }
        const JsonReader sr = r.at(QStringLiteral("steps"));
        for (qsizetype i = 0; i < steps->size(); ++i) {
            if (!steps->at(i).isObject()) {
                sr.error(sr.index(i), QStringLiteral("must be an object, got %1")
                                          .arg(wall::jsonTypeName(steps->at(i))));
                continue;
            }
            if (const auto s = readStep(sr.at(i), steps->at(i).toObject(), wall, presetTiles))
                b.steps.append(*s);
        }
    }
    if (result.issues.isEmpty())
        result.briefing = b;
    return result;
}

QJsonObject textToJson(const Text &text) {
    QJsonObject o{{QStringLiteral("vi"), text.vi}};
    if (!text.en.isEmpty())
        o.insert(QStringLiteral("en"), text.en);
    return o;
}

QJsonObject briefingToJson(const Briefing &b) {
    QJsonArray steps;
    for (const Step &s : b.steps) {
        QJsonObject o{{QStringLiteral("title"), textToJson(s.title)}};
        if (s.layout)
            o.insert(QStringLiteral("layout"), wall::layoutToJson(*s.layout));
        else
            o.insert(QStringLiteral("preset"), s.preset);
        if (!s.focus.isEmpty())
            o.insert(QStringLiteral("focus"), s.focus);
        if (!s.notes.vi.isEmpty() || !s.notes.en.isEmpty())
            o.insert(QStringLiteral("notes"), textToJson(s.notes));
        if (s.plannedSeconds > 0)
            o.insert(QStringLiteral("plannedSeconds"), s.plannedSeconds);
        steps.append(o);
    }
    QJsonObject doc{{QStringLiteral("schemaVersion"), kBriefingSchemaVersion},
                    {QStringLiteral("kind"), QStringLiteral("opswall.briefing")},
                    {QStringLiteral("title"), textToJson(b.title)},
                    {QStringLiteral("steps"), steps}};
    if (!b.organisation.vi.isEmpty())
        doc.insert(QStringLiteral("organisation"), textToJson(b.organisation));
    return doc;
}

} // namespace opswall::briefing
