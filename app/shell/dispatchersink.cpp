// makeDispatcherSink: how the control API reaches the one dispatcher and reads the wall.
#include "shell/servicesparts.h"

#include "shell/outputsnapshots.h"
#include "shell/storereads.h"
#include "wall/tilekinds.h"
#include "wall/walljson.h"
#include "wall/wallvalue.h"

#include <QBuffer>
#include <QDateTime>
#include <QHash>
#include <QJsonDocument>
#include <QUrl>

#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>

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
        , m_services(services) {
        registerReads();
    }

    // The action comes in the dispatcher's own vocabulary (control/router.cpp emits it so): it
    // is authorised once, applied and audited there, under the name the caller sent.
    void submit(Action action, Caller caller, Done done) override {
        m_dispatcher.submit(std::move(action), std::move(caller), std::move(done));
    }

    QJsonObject snapshot(const QString &what) override {
        const QString head = what.section(QLatin1Char(':'), 0, 0);
        const QString arg = what.section(QLatin1Char(':'), 1);
        // One read function per view, registered once (registerReads): no chain of comparisons.
        if (const auto it = m_reads.constFind(head); it != m_reads.constEnd())
            return it.value()(head, arg);
        return {};
    }

    StoreRead storeRead(const QString &what) override {
#ifdef OPSWALL_WITH_CALIBRATION
        if (what.startsWith(QLatin1String("calibration-")))
            return m_parts.calibration ? m_parts.calibration->storeRead(what) : StoreRead();
#endif
#ifdef OPSWALL_WITH_BRIEFING
        return shell::storeRead(what, m_parts.runner != nullptr);
#else
        return shell::storeRead(what, false);
#endif
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

    // Pictures of a briefing's steps and its PDF record, and of presets (the console's
    // thumbnails), drawn offscreen by the wall's renderer.
    void render(const QString &what, RenderDone done) override {
        if (what.startsWith(QLatin1String("preset-picture:"))) {
            if (!m_parts.renderer)
                return done(renderError(503, "unavailable", QStringLiteral("no renderer")));
            bool isNumber = false;
            const auto p = m_store.preset(what.section(QLatin1Char(':'), 1, 1).toInt(&isNumber));
            if (!isNumber || !p)
                return done(renderError(404, "not_found", QStringLiteral("no such preset")));
            const int width = what.section(QLatin1Char(':'), 2, 2).toInt();
            // One picture per preset revision and width: the renderer draws a layout once (asked
            // to draw the overview preset a second time in a row, it stopped the wall).
            const QString key =
                QStringLiteral("%1:%2:%3").arg(p->info.id).arg(p->info.revision).arg(width);
            if (const auto hit = m_presetPictures->constFind(key); hit != m_presetPictures->cend())
                return done(Rendered{200, *hit, "image/jpeg"});
            // Drawn at the width briefing steps are drawn at, then scaled: the offscreen map
            // tile crashed (MapRenderer::project, in the polish after the renderer's window was
            // resized between two pictures of different widths).
            m_parts.renderer->render(
                p->layout, {}, kRendererWidthPx, 1500,
                [cache = m_presetPictures, key, width, done](QImage image) {
                    if (!image.isNull() && image.width() != width)
                        image = image.scaledToWidth(width, Qt::SmoothTransformation);
                    QByteArray jpeg;
                    QBuffer buffer(&jpeg);
                    if (image.isNull() || !buffer.open(QIODevice::WriteOnly) ||
                        !image.save(&buffer, "JPEG", 85))
                        return done(
                            renderError(503, "unavailable", QStringLiteral("could not render")));
                    if (cache->size() >= kPresetPicturesKept)
                        cache->clear();
                    cache->insert(key, jpeg);
                    done(Rendered{200, jpeg, "image/jpeg"});
                });
            return;
        }
#ifdef OPSWALL_WITH_PANELS
        if (what.startsWith(QLatin1String("panel-face:")))
            return keyFace(what.section(QLatin1Char(':'), 1, -2),
                           what.section(QLatin1Char(':'), -1).toInt(), std::move(done));
#endif
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
#ifdef OPSWALL_WITH_PANELS
    // GET /panels/{id}/keys/{n}/face.png: what the key shows now, upright.
    void keyFace(const QString &panelId, int key, RenderDone done) {
        const QImage face = m_parts.panels ? m_parts.panels->keyFace(panelId, key) : QImage();
        if (face.isNull())
            return done(renderError(
                404, "not_found",
                QStringLiteral("panel '%1' has no key %2").arg(panelId.left(64)).arg(key)));
        QByteArray png;
        QBuffer buffer(&png);
        if (!buffer.open(QIODevice::WriteOnly) || !face.save(&buffer, "PNG"))
            return done(renderError(503, "unavailable", QStringLiteral("could not encode")));
        done(Rendered{200, png, "image/png"});
    }
#endif
    // The API's reads (GET …, the console's lists), one function per view name, registered
    // once: the wall's views read the one value (wallValue()); the other areas (presets, sources,
    // feeds, panels, briefings, calibration, …) read their own in-memory values or store.
    using Read = std::function<QJsonObject(const QString &head, const QString &arg)>;
    QHash<QString, Read> m_reads;
    void add(std::initializer_list<QString> heads, const Read &read) {
        for (const QString &h : heads)
            m_reads.insert(h, read);
    }
    void registerReads() {
        for (const char *head :
             {"wall", "status", "tiles", "alerts", "devices", "device", "live-layout"}) {
            const WallView view = *wallView(QLatin1String(head));
            add({QLatin1String(head)}, [this, view](const QString &, const QString &arg) {
                return view(wallValue(), arg);
            });
        }
#ifdef OPSWALL_WITH_CALIBRATION
        add({QStringLiteral("calibration-profiles"), QStringLiteral("calibration-profile"),
             QStringLiteral("calibration-run"), QStringLiteral("calibration-drift"),
             QStringLiteral("calibration-export"), QStringLiteral("calibration-pattern"),
             QStringLiteral("calibration-geometry"), QStringLiteral("calibration-uniformity")},
            [this](const QString &head, const QString &arg) {
                return m_parts.calibration
                           ? m_parts.calibration->snapshot(
                                 arg.isEmpty() ? head : head + QLatin1Char(':') + arg)
                           : QJsonObject();
            });
#endif
#ifdef OPSWALL_WITH_BRIEFING
        add({QStringLiteral("briefings"), QStringLiteral("briefing-schedules"),
             QStringLiteral("briefing-current"), QStringLiteral("briefing")},
            [this](const QString &head, const QString &arg) { return briefings(head, arg); });
#endif
        // The same views the API reads on a worker thread's reader (storeRead), here from the
        // presets the wall store keeps in memory, for the callers that read in place (panels,
        // the console).
        add({QStringLiteral("presets"), QStringLiteral("layouts"), QStringLiteral("preset"),
             QStringLiteral("layout")},
            [this](const QString &head, const QString &arg) {
                if (head.endsWith(u's'))
                    return presetsView(m_store, {});
                return arg.isEmpty() ? QJsonObject() : presetsView(m_store, arg);
            });
        add({QStringLiteral("indicators")},
            [this]([[maybe_unused]] const QString &head,
                   [[maybe_unused]] const QString &arg) -> QJsonObject {
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
                        a.append(
                            QJsonObject{{QStringLiteral("id"), m.code},
                                        {QStringLiteral("nameVi"), m.nameVi},
                                        {QStringLiteral("nameEn"), m.nameEn},
                                        {QStringLiteral("unitVi"), m.unitVi},
                                        {QStringLiteral("unitEn"), m.unitEn},
                                        {QStringLiteral("simulated"), m.simulated},
                                        {QStringLiteral("hasData"),
                                         vi.value(QStringLiteral("hasData")).toBool()},
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
            });
        add({QStringLiteral("sources"), QStringLiteral("source")},
            [this]([[maybe_unused]] const QString &head,
                   [[maybe_unused]] const QString &arg) -> QJsonObject {
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
            });
        add({QStringLiteral("feeds")},
            [this]([[maybe_unused]] const QString &head,
                   [[maybe_unused]] const QString &arg) -> QJsonObject {
                QJsonArray a;
#ifdef OPSWALL_WITH_FEEDS
                if (m_parts.feeds)
                    for (const feeds::FeedStatus &f : m_parts.feeds->scheduler()->statuses()) {
                        const auto def = m_parts.feeds->scheduler()->definition(f.feedId);
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
            });
#ifdef OPSWALL_WITH_PANELS
        // Button panels: their state, and one panel's bindings with its state.
        add({QStringLiteral("panels")},
            [this]([[maybe_unused]] const QString &head,
                   [[maybe_unused]] const QString &arg) -> QJsonObject {
                QJsonObject o = items(m_parts.panels ? m_parts.panels->status() : QJsonArray());
                o.insert(QStringLiteral("usb"),
                         m_parts.panels ? m_parts.panels->usbDevices() : QJsonArray());
                return o;
            });
        add({QStringLiteral("panel")},
            [this]([[maybe_unused]] const QString &head,
                   [[maybe_unused]] const QString &arg) -> QJsonObject {
                if (!(m_parts.panels))
                    return {};
                for (const panels::Panel &p : m_parts.panels->panels())
                    if (p.id == arg) {
                        QJsonObject o = panels::toJson(p);
                        for (const QJsonValue &st : m_parts.panels->status())
                            if (st[QLatin1String("id")].toString() == arg)
                                o.insert(QStringLiteral("status"), st);
                        return o;
                    }
                return {};
            });
#endif
        add({QStringLiteral("tile-kinds")},
            [this]([[maybe_unused]] const QString &head, [[maybe_unused]] const QString &arg)
                -> QJsonObject { return items(wall::tileKindsJson(Services::builtModules())); });
        add({QStringLiteral("audio")},
            [this]([[maybe_unused]] const QString &head,
                   [[maybe_unused]] const QString &arg) -> QJsonObject {
#ifdef OPSWALL_WITH_VIDEO
                if (m_parts.video)
                    return {{QStringLiteral("audible"), m_parts.video->audibleKey()},
                            { QStringLiteral("volume"),
                              m_parts.video->volume() }};
#endif
                return {{QStringLiteral("audible"), QString()}, {QStringLiteral("volume"), 0}};
            });
        add({QStringLiteral("province")},
            [this]([[maybe_unused]] const QString &head,
                   [[maybe_unused]] const QString &arg) -> QJsonObject {
                return province(arg.section(QLatin1Char(':'), 0, 0),
                                arg.section(QLatin1Char(':'), 1, 1),
                                arg.section(QLatin1Char(':'), 2, 2));
            });
        add({QStringLiteral("health")},
            [this]([[maybe_unused]] const QString &head,
                   [[maybe_unused]] const QString &arg) -> QJsonObject {
                // Frame rate per output and every stream's state, for health and metrics.
                QJsonObject h = m_services.renderStats();
                QJsonArray streams;
                for (const wall::StreamState &st : wallValue().streams)
                    streams.append(st.toJson());
                h.insert(QStringLiteral("activeStreams"), streams.size());
                h.insert(QStringLiteral("streams"), streams);
                return h;
            });
    }

    // The wall's state as one value (wall/wallvalue.h): configuration, the live layout and its
    // persistent revision, display states, the one alert model, stream states.
    wall::WallValue wallValue() const {
        wall::WallValue v;
        v.wall = m_state.wall();
        v.layout = m_state.layout();
        v.revision = m_state.revision();
#ifdef OPSWALL_WITH_DEVICES
        if (m_parts.devices)
            for (const QJsonValue &row : m_parts.devices->snapshot())
                v.displays.append(wall::DisplayState::fromDeviceRow(row.toObject()));
#endif
        v.alerts = m_services.alerts().alerts();
#ifdef OPSWALL_WITH_VIDEO
        if (m_parts.video)
            for (const QJsonValue &row : m_parts.video->streamStates()) {
                QJsonObject o = row.toObject();
                v.streams.append({o.take(QStringLiteral("id")).toString(),
                                  o.take(QStringLiteral("state")).toString(), o});
            }
#endif
        return v;
    }

    // The API's views of the wall's state, each read from the one value: "wall", "status",
    // "tiles", "alerts", "devices", "device:<id>", "live-layout" (the console's base for
    // PUT /layout).
    using WallView = std::function<QJsonObject(const wall::WallValue &, const QString &arg)>;
    std::optional<WallView> wallView(const QString &head) const {
        if (head == QLatin1String("wall"))
            return WallView([](const wall::WallValue &v, const QString &) { return v.toJson(); });
        if (head == QLatin1String("status"))
            return WallView([this](const wall::WallValue &v, const QString &) {
                QJsonObject status = v.statusJson();
                briefingStatus(status);
                return status;
            });
        if (head == QLatin1String("tiles"))
            return WallView(
                [](const wall::WallValue &v, const QString &) { return items(v.tilesJson()); });
        if (head == QLatin1String("alerts"))
            return WallView(
                [](const wall::WallValue &v, const QString &) { return items(v.alertsJson()); });
        if (head == QLatin1String("devices"))
            return WallView(
                [](const wall::WallValue &v, const QString &) { return items(v.displaysJson()); });
        if (head == QLatin1String("device"))
            return WallView([](const wall::WallValue &v, const QString &arg) {
                for (const wall::DisplayState &d : v.displays)
                    if (d.display == arg || d.detail.value(QStringLiteral("id")).toString() == arg)
                        return d.toJson();
                return QJsonObject();
            });
        if (head == QLatin1String("live-layout"))
            return WallView([this](const wall::WallValue &v, const QString &) {
                return QJsonObject{{QStringLiteral("revision"), qint64(v.revision)},
                                   {QStringLiteral("instance"), m_dispatcher.instance()},
                                   {QStringLiteral("layout"), wall::layoutToJson(v.layout)}};
            });
        return std::nullopt;
    }

    // The running briefing in GET /status's flat fields.
    void briefingStatus([[maybe_unused]] QJsonObject &status) const {
#ifdef OPSWALL_WITH_BRIEFING
        if (m_parts.runner && m_parts.runner->running()) {
            const QJsonObject b = m_parts.runner->status();
            status.insert(QStringLiteral("briefing"), b.value(QStringLiteral("id")));
            status.insert(QStringLiteral("briefingStep"), b.value(QStringLiteral("step")));
            status.insert(QStringLiteral("briefingSteps"), b.value(QStringLiteral("stepCount")));
            status.insert(QStringLiteral("briefingBlank"), b.value(QStringLiteral("blank")));
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
        // From the briefings the store keeps: no read of the store on this thread.
        if (head == QLatin1String("briefings") || head == QLatin1String("briefing"))
            return shell::briefingsView(store, head + QLatin1Char(':') + arg);
        if (head == QLatin1String("briefing-schedules")) {
            QJsonArray a;
            if (m_parts.scheduler)
                for (const briefing::Schedule &s : m_parts.scheduler->schedules())
                    a.append(briefing::scheduleToJson(s));
            return items(a);
        }
        if (head == QLatin1String("briefing-current")) {
            QJsonObject s = m_parts.runner->status();
            // The document the run shows (in memory: no read of the store on this thread).
            if (const briefing::Briefing *b = m_parts.runner->runningBriefing())
                s.insert(QStringLiteral("document"), briefing::briefingToJson(*b));
            return s;
        }
        return {};
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

    static constexpr qsizetype kPresetPicturesKept = 64;
    static constexpr int kRendererWidthPx = 1280; // = the briefing step pictures' width
    // "id:revision:width" -> JPEG (shared with the renderer's callbacks, which may outlive us)
    std::shared_ptr<QHash<QString, QByteArray>> m_presetPictures =
        std::make_shared<QHash<QString, QByteArray>>();
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
