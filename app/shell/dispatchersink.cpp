// makeDispatcherSink: how the control API reaches the one dispatcher and reads the wall.
#include "shell/servicesparts.h"

#include "shell/outputsnapshots.h"
#include "wall/walljson.h"

#include <QBuffer>
#include <QDateTime>
#include <QJsonDocument>
#include <QUrl>

#ifdef OPSWALL_WITH_MAPS
#include "maps/mapvalues.h"
#endif

namespace opswall::shell {

namespace {
// The dispatcher as the control API sees it: actions are applied at once on the GUI thread;
// snapshots are read from the live state, the store and the other layers.
class DispatcherSink : public control::ActionSink {
public:
    DispatcherSink(wall::Dispatcher &d, wall::WallState &s, store::WallStore &st,
                   Services::Parts &parts, const Services &services)
        : m_dispatcher(d)
        , m_state(s)
        , m_store(st)
        , m_parts(parts)
        , m_services(services) {}

    void submit(Action action, Caller caller, Done done) override {
        m_dispatcher.submit(adapt(std::move(action)), std::move(caller), std::move(done));
    }

    // The API's resource-shaped parameters (app/control/router.cpp, openapi.yaml) in the
    // dispatcher's terms: ids from the path are strings there, tiles are given by their fields.
    Action adapt(Action a) const {
        QJsonObject &p = a.params;
        const QString t = a.type;
        auto numberFrom = [&p](const QString &from, const QString &to) {
            const QJsonValue v = p.value(from);
            bool ok = false;
            const int n = v.isString() ? v.toString().toInt(&ok) : 0;
            p.remove(from);
            p.insert(to, ok ? QJsonValue(n) : v);
        };
        if (t == QLatin1String("preset.recall") || t == QLatin1String("preset.delete") ||
            t == QLatin1String("alert.ack")) {
            p.remove(QStringLiteral("transition"));
            p.remove(QStringLiteral("note"));
            numberFrom(QStringLiteral("id"), QStringLiteral("id"));
        } else if (t == QLatin1String("layout.stage") && p.contains(QStringLiteral("layoutId"))) {
            numberFrom(QStringLiteral("layoutId"), QStringLiteral("id"));
        } else if (t == QLatin1String("layout.publish")) {
            p.remove(QStringLiteral("transition"));
        } else if (t == QLatin1String("preset.save") && p.contains(QStringLiteral("layoutId"))) {
            numberFrom(QStringLiteral("layoutId"), QStringLiteral("fromPreset"));
            if (p.contains(QStringLiteral("id"))) // PATCH /presets/{id}: rename, mark for leaders
                numberFrom(QStringLiteral("id"), QStringLiteral("id"));
        } else if (t == QLatin1String("tile.add")) {
            QJsonObject binding = p.value(QStringLiteral("options")).toObject();
            if (p.contains(QStringLiteral("source")))
                binding.insert(QStringLiteral("source"), p.value(QStringLiteral("source")));
            int n = int(m_state.layout().tiles.size()) + 1;
            while (m_state.layout().tile(QStringLiteral("t%1").arg(n)))
                ++n;
            QJsonObject tile{
                {QStringLiteral("id"), QStringLiteral("t%1").arg(n)},
                {QStringLiteral("kind"), p.value(QStringLiteral("kind"))},
                {QStringLiteral("rect"),
                 QJsonObject{{QStringLiteral("x"), p.value(QStringLiteral("x"))},
                             {QStringLiteral("y"), p.value(QStringLiteral("y"))},
                             {QStringLiteral("width"), p.value(QStringLiteral("width"))},
                             {QStringLiteral("height"), p.value(QStringLiteral("height"))}}},
                {QStringLiteral("binding"), binding}};
            if (p.contains(QStringLiteral("z")))
                tile.insert(QStringLiteral("z"), p.value(QStringLiteral("z")));
            p = {{QStringLiteral("tile"), tile}};
        } else if (t == QLatin1String("tile.move")) {
            // Any of x, y, width, height, z, title, and options merged into the binding (a null
            // option removes the key): one tile.update, so one undo step.
            const wall::Tile *tile =
                m_state.layout().tile(p.value(QStringLiteral("id")).toString());
            if (tile) {
                QJsonObject rect{{QStringLiteral("x"), tile->rectMm.x()},
                                 {QStringLiteral("y"), tile->rectMm.y()},
                                 {QStringLiteral("width"), tile->rectMm.width()},
                                 {QStringLiteral("height"), tile->rectMm.height()}};
                for (const char *k : {"x", "y", "width", "height"})
                    if (p.contains(QLatin1String(k)))
                        rect.insert(QLatin1String(k), p.value(QLatin1String(k)));
                QJsonObject update{{QStringLiteral("id"), tile->id},
                                   {QStringLiteral("rect"), rect}};
                if (p.contains(QStringLiteral("z")))
                    update.insert(QStringLiteral("z"), p.value(QStringLiteral("z")));
                if (p.contains(QStringLiteral("title")))
                    update.insert(QStringLiteral("title"), p.value(QStringLiteral("title")));
                if (p.contains(QStringLiteral("options"))) {
                    QJsonObject binding = tile->binding;
                    const QJsonObject options = p.value(QStringLiteral("options")).toObject();
                    for (auto it = options.begin(); it != options.end(); ++it) {
                        if (it->isNull())
                            binding.remove(it.key());
                        else
                            binding.insert(it.key(), *it);
                    }
                    update.insert(QStringLiteral("binding"), binding);
                }
                a.type = QStringLiteral("tile.update");
                p = update;
            }
        } else if (t == QLatin1String("source.save")) {
            keepRedactedPassword(p);
        } else if (t == QLatin1String("device.command")) {
            const QString id = p.value(QStringLiteral("id")).toString();
            const QJsonObject args = p.value(QStringLiteral("args")).toObject();
            QJsonObject cmd{{QStringLiteral("command"), p.value(QStringLiteral("command"))},
                            {QStringLiteral("displays"), id == QLatin1String("all")
                                                             ? QJsonValue(QStringLiteral("all"))
                                                             : QJsonValue(QJsonArray{id})}};
            if (args.contains(QStringLiteral("value")))
                cmd.insert(QStringLiteral("value"), args.value(QStringLiteral("value")));
            p = cmd;
        }
        return a;
    }

    QJsonObject snapshot(const QString &what) override {
        const QString head = what.section(QLatin1Char(':'), 0, 0);
        const QString arg = what.section(QLatin1Char(':'), 1);
        if (head == QLatin1String("wall")) {
            // Geometry and outputs, with each display's state as its controller last reported.
            QJsonObject w = wall::wallToJson(m_state.wall());
#ifdef OPSWALL_WITH_DEVICES
            if (m_parts.devices)
                w.insert(QStringLiteral("displayStates"), m_parts.devices->snapshot());
#endif
            return w;
        }
#ifdef OPSWALL_WITH_CALIBRATION
        if (head.startsWith(QLatin1String("calibration-")))
            return m_parts.calibration ? m_parts.calibration->snapshot(what) : QJsonObject();
#endif
        if (head == QLatin1String("status")) {
            QJsonObject status{{QStringLiteral("layout"), m_state.layout().name},
                               {QStringLiteral("tiles"), m_state.layout().tiles.size()},
                               {QStringLiteral("displays"), m_state.wall().displays.size()},
                               {QStringLiteral("revision"), qint64(m_state.revision())}};
#ifdef OPSWALL_WITH_BRIEFING
            if (m_parts.runner && m_parts.runner->running()) {
                const QJsonObject b = m_parts.runner->status();
                status.insert(QStringLiteral("briefing"), b.value(QStringLiteral("id")));
                status.insert(QStringLiteral("briefingStep"), b.value(QStringLiteral("step")));
                status.insert(QStringLiteral("briefingSteps"),
                              b.value(QStringLiteral("stepCount")));
                status.insert(QStringLiteral("briefingBlank"), b.value(QStringLiteral("blank")));
            }
#endif
            return status;
        }
#ifdef OPSWALL_WITH_BRIEFING
        if (head.startsWith(QLatin1String("briefing")))
            return briefings(head, arg);
#endif
        if (head == QLatin1String("presets") || head == QLatin1String("layouts")) {
            QJsonArray a;
            for (const store::PresetInfo &p : m_store.presets())
                a.append(info(p));
            return items(a);
        }
        if (head == QLatin1String("preset") || head == QLatin1String("layout")) {
            const auto p = m_store.preset(arg.toInt());
            if (!p)
                return {};
            QJsonObject o = info(p->info);
            o.insert(QStringLiteral("layout"), wall::layoutToJson(p->layout));
            return o;
        }
        if (head == QLatin1String("tiles")) {
            QJsonArray a;
            for (const wall::Tile &t : m_state.layout().tiles)
                a.append(wall::tileToJson(t));
            return items(a);
        }
        if (head == QLatin1String("indicators")) {
            // The console's content library: every indicator with its names, units and latest
            // value as the KPI tile shows it, in both languages.
            QJsonArray a;
#ifdef OPSWALL_WITH_FEEDS
            if (m_parts.feeds && m_parts.indicators)
                for (const feeds::IndicatorMeta &m : m_parts.feeds->alerts()->indicators()) {
                    const QVariantMap vi =
                        m_parts.indicators->kpi(m.code, {}, QStringLiteral("vi"));
                    const QVariantMap en =
                        m_parts.indicators->kpi(m.code, {}, QStringLiteral("en"));
                    a.append(QJsonObject{
                        {QStringLiteral("id"), m.code},
                        {QStringLiteral("nameVi"), m.nameVi},
                        {QStringLiteral("nameEn"), m.nameEn},
                        {QStringLiteral("unitVi"), m.unitVi},
                        {QStringLiteral("unitEn"), m.unitEn},
                        {QStringLiteral("simulated"), m.simulated},
                        {QStringLiteral("hasData"), vi.value(QStringLiteral("hasData")).toBool()},
                        {QStringLiteral("valueTextVi"),
                         vi.value(QStringLiteral("valueText")).toString()},
                        {QStringLiteral("valueTextEn"),
                         en.value(QStringLiteral("valueText")).toString()},
                        {QStringLiteral("periodTextVi"),
                         vi.value(QStringLiteral("periodText")).toString()},
                        { QStringLiteral("periodTextEn"),
                          en.value(QStringLiteral("periodText")).toString() }});
                }
#endif
            return items(a);
        }
        if (head == QLatin1String("live-layout")) // the console's base for PUT /layout
            return {{QStringLiteral("revision"), qint64(m_state.revision())},
                    {QStringLiteral("instance"), m_dispatcher.instance()},
                    {QStringLiteral("layout"), wall::layoutToJson(m_state.layout())}};
        if (head == QLatin1String("layout-revision")) {
            const auto l = m_store.liveLayoutRevision(arg.toLongLong());
            return l ? wall::layoutToJson(*l) : QJsonObject();
        }
        if (head == QLatin1String("sources") || head == QLatin1String("source")) {
            QJsonArray a;
#ifdef OPSWALL_WITH_VIDEO
            if (m_parts.video)
                for (const video::VideoSource &s : m_parts.video->sources()) {
                    if (head == QLatin1String("source") && s.id == arg)
                        return s.toJson();
                    a.append(s.toJson());
                }
#endif
            return head == QLatin1String("sources") ? items(a) : QJsonObject();
        }
        if (head == QLatin1String("feeds")) {
            QJsonArray a;
#ifdef OPSWALL_WITH_FEEDS
            if (m_parts.feeds)
                for (const feeds::FeedStatus &f : m_parts.feeds->scheduler()->statuses()) {
                    const auto def = m_parts.feeds->scheduler()->definitions().find(f.feedId);
                    a.append(QJsonObject{
                        {QStringLiteral("id"), f.feedId},
                        {QStringLiteral("name"), def ? def->name : QString()},
                        {QStringLiteral("state"), feeds::feedStateName(f.state)},
                        {QStringLiteral("lastError"), f.lastError},
                        {QStringLiteral("consecutiveFailures"), f.consecutiveFailures},
                        {QStringLiteral("lastAttempt"), f.lastAttempt.toString(Qt::ISODate)},
                        {QStringLiteral("lastSuccess"), f.lastSuccess.toString(Qt::ISODate)},
                        { QStringLiteral("ageSeconds"),
                          qint64(f.ageSecs(QDateTime::currentDateTimeUtc())) }});
                }
#endif
            return items(a);
        }
#ifdef OPSWALL_WITH_PANELS
        // Button panels: their state, and one panel's bindings with its state.
        if (head == QLatin1String("panels"))
            return items(m_parts.panels ? m_parts.panels->status() : QJsonArray());
        if (head == QLatin1String("panel") && m_parts.panels) {
            for (const panels::Panel &p : m_parts.panels->panels())
                if (p.id == arg) {
                    QJsonObject o = panels::toJson(p);
                    for (const QJsonValue &st : m_parts.panels->status())
                        if (st[QLatin1String("id")].toString() == arg)
                            o.insert(QStringLiteral("status"), st);
                    return o;
                }
            return {};
        }
#endif
        if (head == QLatin1String("alerts")) {
            QJsonArray a;
            if (const QJsonObject store = m_services.storeAlert(); !store.isEmpty())
                a.append(store);
#ifdef OPSWALL_WITH_FEEDS
            if (m_parts.feeds)
                for (const feeds::Alert &al : m_parts.feeds->alerts()->openAlerts())
                    a.append(alertJson(al));
#endif
#ifdef OPSWALL_WITH_DEVICES
            if (m_parts.devices)
                for (const QJsonValue &v : m_parts.devices->activeAlerts())
                    a.append(v);
#endif
            return items(a);
        }
        if (head == QLatin1String("devices") || head == QLatin1String("device")) {
#ifdef OPSWALL_WITH_DEVICES
            if (m_parts.devices) {
                const QJsonArray all = m_parts.devices->snapshot();
                if (head == QLatin1String("devices"))
                    return items(all);
                for (const QJsonValue &v : all)
                    if (v[QStringLiteral("display")].toString() == arg ||
                        v[QStringLiteral("id")].toString() == arg)
                        return v.toObject();
                return {};
            }
#endif
            return head == QLatin1String("devices") ? items({}) : QJsonObject();
        }
        if (head == QLatin1String("audio")) {
#ifdef OPSWALL_WITH_VIDEO
            if (m_parts.video)
                return {{QStringLiteral("audible"), m_parts.video->audibleKey()},
                        { QStringLiteral("volume"),
                          m_parts.video->volume() }};
#endif
            return {{QStringLiteral("audible"), QString()}, {QStringLiteral("volume"), 0}};
        }
        if (head == QLatin1String("province"))
            return province(arg.section(QLatin1Char(':'), 0, 0),
                            arg.section(QLatin1Char(':'), 1, 1),
                            arg.section(QLatin1Char(':'), 2, 2));
        if (head == QLatin1String("health")) {
            // Frame rate per output and every stream's state, for health and metrics.
            QJsonObject h = m_services.renderStats();
            QJsonArray streams;
#ifdef OPSWALL_WITH_VIDEO
            if (m_parts.video)
                streams = m_parts.video->streamStates();
#endif
            h.insert(QStringLiteral("activeStreams"), streams.size());
            h.insert(QStringLiteral("streams"), streams);
            return h;
        }
        return {};
    }

    control::WallFigures figures() override {
        return gatherFigures(m_parts, m_services);
    }

    void outputSnapshot(int index, int widthPx, ImageDone done) override {
        OutputSnapshots *s = m_services.outputSnapshots();
        if (!s)
            return done(ActionResult::failure(QStringLiteral("unavailable"),
                                              QStringLiteral("the wall's windows are not up yet")),
                        {});
        s->request(index, widthPx, std::move(done));
    }

    // Pictures of a briefing's steps and its PDF record, drawn offscreen by the wall's renderer.
    void render(const QString &what, RenderDone done) override {
#ifdef OPSWALL_WITH_BRIEFING
        const QString head = what.section(QLatin1Char(':'), 0, 0);
        if (head == QLatin1String("briefing-picture") || head == QLatin1String("briefing-pdf")) {
            if (!m_parts.runner || !m_parts.renderer)
                return done(renderError(503, "unavailable", QStringLiteral("no renderer")));
            bool isNumber = false;
            const int id = what.section(QLatin1Char(':'), 1, 1).toInt(&isNumber);
            const auto b = isNumber ? m_parts.runner->store().get(id) : std::nullopt;
            if (!b)
                return done(renderError(404, "not_found", QStringLiteral("no such briefing")));
            if (head == QLatin1String("briefing-picture"))
                return picture(*b, what.section(QLatin1Char(':'), 2, 2),
                               what.section(QLatin1Char(':'), 3, 3) == QLatin1String("blank"),
                               std::move(done));
            return record(*b, std::move(done));
        }
#endif
        ActionSink::render(what, std::move(done));
    }

private:
    // Answers show a source's URI as rtsp://user:***@host (core/redact.h). A client that reads a
    // source and saves it back (the console's edit form) sends those stars: keep the stored
    // password then, for the same source, user and host, instead of storing "***".
    void keepRedactedPassword([[maybe_unused]] QJsonObject &params) const {
#ifdef OPSWALL_WITH_VIDEO
        QJsonObject source = params.value(QStringLiteral("source")).toObject();
        const QString uri = source.value(QStringLiteral("uri")).toString();
        if (!m_parts.video || !uri.contains(QLatin1String(":***@")))
            return;
        const QUrl incoming(uri);
        for (const video::VideoSource &s : m_parts.video->sources()) {
            if (s.id != source.value(QStringLiteral("id")).toString())
                continue;
            const QUrl stored(s.uri);
            if (stored.userName() != incoming.userName() || stored.host() != incoming.host() ||
                stored.password().isEmpty())
                return;
            QString restored = uri;
            restored.replace(QLatin1String(":***@"),
                             u':' + stored.password(QUrl::FullyEncoded) + u'@');
            source.insert(QStringLiteral("uri"), restored);
            params.insert(QStringLiteral("source"), source);
            return;
        }
#endif
    }

    static Rendered renderError(int status, const char *code, const QString &message) {
        return Rendered{status,
                        QJsonDocument(QJsonObject{{QStringLiteral("code"), QLatin1String(code)},
                                                  {QStringLiteral("message"), message}})
                            .toJson(QJsonDocument::Compact)};
    }

#ifdef OPSWALL_WITH_BRIEFING
    static constexpr int kPictureWidthPx = 1280;

    // blank: the step as the wall shows it while blanked (the calm black screen, the
    // organisation's name), so a presenter's "on the wall now" picture is what the room sees.
    void picture(const briefing::StoredBriefing &b, const QString &stepText, bool blank,
                 RenderDone done) {
        bool isNumber = false;
        const int n = stepText.toInt(&isNumber);
        if (!isNumber || n < 1 || n > b.briefing.steps.size())
            return done(
                renderError(404, "not_found",
                            QStringLiteral("steps are 1 to %1").arg(b.briefing.steps.size())));
        const briefing::Step &step = b.briefing.steps.at(n - 1);
        QString why;
        const auto layout = m_parts.runner->stepLayout(step, &why);
        if (!layout)
            return done(
                renderError(404, "not_found", QStringLiteral("step %1: %2").arg(n).arg(why)));
        QVariantMap overlay;
        if (blank)
            overlay = {{QStringLiteral("blank"), true},
                       {QStringLiteral("organisation"), b.briefing.organisation.vi},
                       {QStringLiteral("organisationEn"), b.briefing.organisation.en},
                       {QStringLiteral("title"), b.briefing.title.vi},
                       { QStringLiteral("titleEn"),
                         b.briefing.title.en }};
        m_parts.renderer->render(
            *layout, step.focus, kPictureWidthPx, blank ? 0 : 3000,
            [done](QImage image) {
                QByteArray png;
                QBuffer buffer(&png);
                if (image.isNull() || !buffer.open(QIODevice::WriteOnly) ||
                    !image.save(&buffer, "PNG"))
                    return done(
                        renderError(503, "unavailable", QStringLiteral("could not render")));
                done(Rendered{200, png, "image/png"});
            },
            overlay);
    }

    // One page per step: the picture, the title, and when the last run showed it and who.
    void record(const briefing::StoredBriefing &b, RenderDone done) {
        const auto run = m_parts.runner->store().lastRun(b.info.id);
        const qsizetype count = b.briefing.steps.size();
        auto pages = std::make_shared<QList<StepRenderer::Page>>(count);
        auto remaining = std::make_shared<qsizetype>(count);
        const QString title = b.briefing.title.vi;
        QString subtitle = b.briefing.title.en;
        if (run)
            subtitle +=
                QStringLiteral(" · %1 %2")
                    .arg(run->startedAt.toLocalTime().toString(QStringLiteral("dd/MM/yyyy HH:mm")),
                         run->startedBy);
        for (qsizetype i = 0; i < count; ++i) {
            const briefing::Step &step = b.briefing.steps.at(i);
            StepRenderer::Page &page = (*pages)[i];
            page.title = QStringLiteral("%1. %2").arg(i + 1).arg(step.title.vi);
            page.titleEn = step.title.en;
            if (run)
                for (const briefing::ShownStep &s : run->shown)
                    if (s.stepIndex == i)
                        page.shown.append(QStringLiteral("%1 — %2 (%3)")
                                              .arg(s.shownAt.toLocalTime().toString(
                                                       QStringLiteral("dd/MM/yyyy HH:mm:ss")),
                                                   s.by, s.via));
            QString why;
            const auto layout = m_parts.runner->stepLayout(step, &why);
            auto finished = [pages, remaining, title, subtitle, done, i](QImage image) {
                (*pages)[i].picture = image;
                if (--*remaining == 0)
                    done(Rendered{200, StepRenderer::pdf(title, subtitle, *pages),
                                  "application/pdf"});
            };
            if (!layout) {
                page.shown.prepend(why);
                finished(QImage());
                continue;
            }
            m_parts.renderer->render(*layout, step.focus, kPictureWidthPx, 1000, finished);
        }
    }

    // "briefings" (the list), "briefing:<id>" (info, document, revisions and the last run),
    // "briefing-current" (the running briefing's state and document; {"active": false} if none).
    QJsonObject briefings(const QString &head, const QString &arg) const {
        if (!m_parts.runner)
            return head == QLatin1String("briefings") ? items({}) : QJsonObject();
        briefing::BriefingStore &store = m_parts.runner->store();
        if (head == QLatin1String("briefings")) {
            QJsonArray a;
            for (const briefing::BriefingInfo &b : store.list())
                a.append(b.toJson());
            return items(a);
        }
        if (head == QLatin1String("briefing-schedules")) {
            QJsonArray a;
            if (m_parts.scheduler)
                for (const briefing::Schedule &s : m_parts.scheduler->schedules())
                    a.append(briefing::scheduleToJson(s));
            return items(a);
        }
        if (head == QLatin1String("briefing-current")) {
            QJsonObject s = m_parts.runner->status();
            if (s.value(QStringLiteral("active")).toBool())
                if (const auto b = store.get(s.value(QStringLiteral("id")).toInt()))
                    s.insert(QStringLiteral("document"), briefing::briefingToJson(b->briefing));
            return s;
        }
        if (head != QLatin1String("briefing"))
            return {};
        bool isNumber = false;
        const int id = arg.toInt(&isNumber);
        const auto b = isNumber ? store.get(id) : std::nullopt;
        if (!b)
            return {};
        QJsonObject o = b->info.toJson();
        o.insert(QStringLiteral("briefing"), briefing::briefingToJson(b->briefing));
        QJsonArray revisions;
        for (const briefing::BriefingInfo &r : store.revisions(id))
            revisions.append(r.toJson());
        o.insert(QStringLiteral("revisions"), revisions);
        if (const auto run = store.lastRun(id)) {
            QJsonArray shown;
            for (const briefing::ShownStep &s : run->shown)
                shown.append(QJsonObject{{QStringLiteral("step"), s.stepIndex + 1},
                                         {QStringLiteral("at"), s.shownAt.toString(Qt::ISODate)},
                                         {QStringLiteral("by"), s.by},
                                         { QStringLiteral("via"),
                                           s.via }});
            o.insert(
                QStringLiteral("lastRun"),
                QJsonObject{{QStringLiteral("id"), run->id},
                            {QStringLiteral("startedAt"), run->startedAt.toString(Qt::ISODate)},
                            {QStringLiteral("startedBy"), run->startedBy},
                            {QStringLiteral("endedAt"), run->endedAt.toString(Qt::ISODate)},
                            { QStringLiteral("shown"),
                              shown }});
        }
        return o;
    }
#endif

    // What a map tile of the live layout shows for one province, computed from the tile's binding
    // by the same functions the map item draws with (app/maps/mapvalues.h). {} when the tile is
    // not a map or the code is not one of the map's provinces.
    QJsonObject province([[maybe_unused]] const QString &tileId,
                         [[maybe_unused]] const QString &code,
                         [[maybe_unused]] const QString &language) const {
#ifdef OPSWALL_WITH_MAPS
        const wall::Tile *tile = m_state.layout().tile(tileId);
        if (!tile || tile->kind != QLatin1String("map") || !m_parts.geo)
            return {};
        QVariantMap binding = tile->binding.toVariantMap();
#ifdef OPSWALL_WITH_FEEDS
        if (binding.contains(QStringLiteral("indicator")) && m_parts.indicators)
            binding = m_parts.indicators->mapBinding(binding, language);
#endif
        const maps::MapBinding b = maps::mapBindingFromVariant(binding);
        QString error;
        const auto geo = m_parts.geo->provinces(b.units, &error);
        if (!geo)
            return {};
        const int fromUnits = b.dataUnits == 0 ? b.units : b.dataUnits;
        const maps::Crosswalk crosswalk =
            fromUnits != b.units ? m_parts.geo->crosswalk(&error) : maps::Crosswalk{};
        const maps::MapValues shown = maps::computeMapValues(geo->features, crosswalk, b);
        QJsonObject o =
            QJsonObject::fromVariantMap(maps::provinceInfo(geo->features, shown, b, code));
        if (o.isEmpty())
            return {};
        o.insert(QStringLiteral("tile"), tileId);
        o.insert(QStringLiteral("units"), b.units);
        o.insert(QStringLiteral("messages"),
                 QJsonArray::fromStringList(b.messages + shown.messages));
        return o;
#else
        return {};
#endif
    }

    static QJsonObject info(const store::PresetInfo &p) {
        return {{QStringLiteral("id"), p.id},
                {QStringLiteral("name"), p.name},
                {QStringLiteral("forLeaders"), p.forLeaders},
                {QStringLiteral("revision"), p.revision},
                {QStringLiteral("savedAt"), p.savedAt.toString(Qt::ISODate)}};
    }

    wall::Dispatcher &m_dispatcher;
    wall::WallState &m_state;
    store::WallStore &m_store;
    Services::Parts &m_parts;
    const Services &m_services;
};
} // namespace

std::unique_ptr<control::ActionSink>
makeDispatcherSink(wall::Dispatcher &dispatcher, wall::WallState &state, store::WallStore &store,
                   Services::Parts &parts, const Services &services) {
    return std::make_unique<DispatcherSink>(dispatcher, state, store, parts, services);
}

} // namespace opswall::shell
