// Services: button panels and OSC.
#include "shell/services.h"

#include "shell/servicesparts.h"

#include "core/permissions.h"

#include <QFile>

#ifdef OPSWALL_WITH_PANELS
#include "panels/panelstore.h"
#endif

namespace opswall::shell {

bool Services::startPanels() {
#ifdef OPSWALL_WITH_PANELS
    wall::Dispatcher *dispatcher = &m_dispatcher;
    panels::PanelService::Submit submit = [dispatcher](const Action &a, const Caller &c,
                                                       panels::PanelService::Done done) {
        dispatcher->submit(a, c, [done](const ActionResult &r) { done(r); });
    };
#ifdef OPSWALL_WITH_CONTROL
    // The control lock lives in ControlService; everything else goes straight to the dispatcher
    // (in its own terms, not the API's), which checks the role and the lock and audits.
    if (control::ControlService *ctl = m_parts->control.get()) {
        submit = [dispatcher, ctl](const Action &a, const Caller &c,
                                   panels::PanelService::Done done) {
            if (control::ControlService::ownsAction(a.type))
                ctl->execute(a, c, [done](const ActionResult &r) { done(r); });
            else
                dispatcher->submit(a, c, [done](const ActionResult &r) { done(r); });
        };
    }
#endif
    m_parts->panels = std::make_unique<panels::PanelService>(submit);
    panels::PanelService *panels = m_parts->panels.get();
#ifdef OPSWALL_WITH_CONTROL
    if (m_parts->sink) {
        control::ActionSink *sink = m_parts->sink.get();
        panels->setSnapshot([sink](const QString &what) { return sink->snapshot(what); });
    }
    if (m_parts->control)
        connect(m_parts->control.get(), &control::ControlService::eventPublished, panels,
                &panels::PanelService::onWallEvent);
    else
#endif
        connect(&m_dispatcher, &wall::Dispatcher::event, panels,
                &panels::PanelService::onWallEvent);
    // The panels document: --panels FILE is checked and stored; otherwise the stored one.
    panels::BindingContext context;
    context.actions = knownActionTypes();
    for (const store::PresetInfo &info : m_store.presets())
        context.presets.insert(info.id);
    for (const wall::Display &d : m_state.wall().displays)
        context.displays.insert(d.id);
    panels::PanelsConfig config;
    try {
        panels::PanelStore store(m_db);
        if (!m_options.panelsPath.isEmpty()) {
            QFile f(m_options.panelsPath);
            const QByteArray json =
                f.open(QIODevice::ReadOnly) ? f.read(4 * 1024 * 1024) : QByteArray();
            const panels::ParsedPanels parsed = panels::parsePanels(json, context);
            if (!parsed.config) {
                QStringList lines;
                for (const wall::Issue &i : parsed.issues)
                    lines << i.toString();
                m_error = QStringLiteral("--panels %1: %2")
                              .arg(m_options.panelsPath, lines.join(QStringLiteral("; ")));
                return false;
            }
            config = *parsed.config;
            store.save(config);
        } else {
            const panels::ParsedPanels parsed = store.load(context);
            for (const wall::Issue &i : parsed.issues)
                qWarning("opswall: panels: %s", qPrintable(i.toString()));
            if (parsed.config)
                config = *parsed.config;
            else if (!parsed.issues.isEmpty())
                qWarning("opswall: panels: the stored document no longer fits this wall; no "
                         "panel is started until it is corrected (opswall --panels FILE)");
        }
    } catch (const store::Error &e) {
        qWarning("opswall: panels: %s", e.what());
    }
    const QString oscBind = !m_options.oscBind.isEmpty() ? m_options.oscBind : config.osc.listen;
    if (!oscBind.isEmpty()) {
        panels::OscSettings osc;
        if (!panels::splitHostPort(oscBind, &osc.host, &osc.port)) {
            m_error =
                QStringLiteral("--osc %1: expected HOST:PORT, e.g. 127.0.0.1:9000").arg(oscBind);
            return false;
        }
        osc.allow = config.osc.allow;
        osc.feedbackTo = config.osc.feedbackTo;
        osc.role = config.osc.role;
        QString err;
        if (!panels->startOsc(osc, &err)) {
            m_error = QStringLiteral("--osc %1: %2").arg(oscBind, err);
            return false;
        }
    }
    m_parts->panelsConfig = config;
    // The presets a button recalls with one press are built ahead (Dispatcher::setPanelPresets).
    connect(panels, &panels::PanelService::boundPresetsChanged, &m_dispatcher,
            [panels, dispatcher] {
                QList<wall::Dispatcher::PresetRef> refs;
                for (const QJsonObject &p : panels->boundPresets())
                    refs.append({p.value(QStringLiteral("id")).toInt(),
                                 p.value(QStringLiteral("name")).toString()});
                dispatcher->setPanelPresets(refs);
            });
    panels->startPanels(config.panels);
    // panel.bind and panel.test through the dispatcher: checked, audited, refused in words.
    store::Database *db = &m_db;
    Parts *parts = m_parts.get();
    store::WallStore *wallStore = &m_store;
    m_dispatcher.addHandler(
        QStringLiteral("panel."),
        [parts, db, wallStore, context](const Action &a, const Caller &) -> ActionResult {
            const QString id = a.params.value(QStringLiteral("id")).toString();
            panels::Panel *panel = nullptr;
            for (panels::Panel &p : parts->panelsConfig.panels)
                if (p.id == id)
                    panel = &p;
            if (!panel)
                return ActionResult::failure(QStringLiteral("not_found"),
                                             QStringLiteral("no panel '%1'").arg(id),
                                             QStringLiteral("id"));
            const QJsonValue keyValue = a.params.value(QStringLiteral("key"));
            const int key = keyValue.isDouble() ? int(keyValue.toDouble()) : -1;
            if (a.type == QLatin1String("panel.test")) {
                const panels::Page *page = nullptr;
                for (const QJsonValue &st : parts->panels->status())
                    if (st[QLatin1String("id")].toString() == id)
                        page = panel->page(st[QLatin1String("page")].toString());
                if (!page || !page->button(key))
                    return ActionResult::failure(
                        QStringLiteral("not_found"),
                        QStringLiteral("key %1 has no button on the page panel '%2' shows")
                            .arg(key)
                            .arg(id),
                        QStringLiteral("key"));
                // After this action is audited: the press then acts as the panel would, with
                // its own role, and is audited on its own (via=panel).
                panels::PanelService *service = parts->panels.get();
                QMetaObject::invokeMethod(
                    service,
                    [service, id, key] {
                        QString ignored;
                        service->press(id, key, &ignored);
                    },
                    Qt::QueuedConnection);
                return ActionResult::success({{QStringLiteral("panel"), id},
                                              {QStringLiteral("key"), key},
                                              {QStringLiteral("accepted"), true}});
            }
            if (a.type != QLatin1String("panel.bind"))
                return ActionResult::failure(QStringLiteral("unknown_action"),
                                             QStringLiteral("%1 is not an action").arg(a.type),
                                             QStringLiteral("type"));
            const QString pageId =
                a.params.value(QStringLiteral("page"))
                    .toString(panel->pages.isEmpty() ? QString() : panel->pages.first().id);
            panels::Panel changed = *panel;
            panels::Page *page = nullptr;
            for (panels::Page &pg : changed.pages)
                if (pg.id == pageId)
                    page = &pg;
            if (!page)
                return ActionResult::failure(
                    QStringLiteral("not_found"),
                    QStringLiteral("panel '%1' has no page '%2'").arg(id, pageId),
                    QStringLiteral("page"));
            panels::Button button;
            button.key = key;
            button.label = a.params.value(QStringLiteral("label")).toString();
            button.action = a.params.value(QStringLiteral("action")).toString();
            button.params = a.params.value(QStringLiteral("params")).toObject();
            panels::BindingContext now = context;
            now.presets.clear();
            for (const store::PresetInfo &info : wallStore->presets())
                now.presets.insert(info.id);
            const QList<wall::Issue> issues =
                panels::validateButton(button, changed, now, QString());
            if (!issues.isEmpty())
                return ActionResult::failure(QStringLiteral("invalid"), issues.first().message,
                                             issues.first().path);
            page->buttons.removeIf([key](const panels::Button &b) { return b.key == key; });
            page->buttons.append(button);
            std::sort(
                page->buttons.begin(), page->buttons.end(),
                [](const panels::Button &x, const panels::Button &y) { return x.key < y.key; });
            panels::PanelsConfig next = parts->panelsConfig;
            for (panels::Panel &p : next.panels)
                if (p.id == id)
                    p = changed;
            // The panel shows the binding once its row is committed (with the action's audit
            // row); a refused write leaves the panel, GET /panels and the table as they were.
            panels::PanelStore(*db, panels::PanelStore::AlreadyMigrated{})
                .save(next, [parts, id, changed] {
                    for (panels::Panel &p : parts->panelsConfig.panels)
                        if (p.id == id)
                            p = changed;
                    parts->panels->updatePanel(changed);
                });
            return ActionResult::success({{QStringLiteral("panel"), id},
                                          {QStringLiteral("page"), pageId},
                                          {QStringLiteral("key"), key},
                                          {QStringLiteral("action"), button.action},
                                          {QStringLiteral("label"), button.label}});
        });
#endif
    return true;
}
} // namespace opswall::shell
