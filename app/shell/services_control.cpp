// Services: the control API and its audit.
#include "shell/services.h"

#include "shell/alertacks.h"
#include "shell/servicesparts.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QPointer>

#ifdef OPSWALL_WITH_CONTROL
#include "control/serverconfig.h"
#endif

namespace opswall::shell {

bool Services::startControl() {
#ifdef OPSWALL_WITH_CONTROL
    m_parts->sink = makeDispatcherSink(m_dispatcher, m_state, m_store, *m_parts, *this);
    m_parts->control = std::make_unique<control::ControlService>(m_db, m_parts->sink.get());
    control::ControlService *ctl = m_parts->control.get();
    // Every action, whoever submits it, is audited and published from the dispatcher: its audit
    // row is written in the action's own transaction on the store thread.
    m_dispatcher.setAuditRows(
        [ctl](const Caller &c, const Action &a) {
            control::AuditLog::Deferred d = ctl->audit().defer(c, a);
            return wall::Dispatcher::AuditRow{
                [write = std::move(d.write)](wall::ActionTransaction &on, const ActionResult &r) {
                    return write(store::connectionOf(on), r);
                },
                [alive = QPointer<control::ControlService>(ctl),
                 refused = std::move(d.refused)](const ActionResult &r) {
                    if (alive) // not when the transaction failed during shutdown
                        refused(r);
                }};
        },
        &m_store);
    m_dispatcher.setAuditHook(
        [](const Caller &c, const Action &a, const ActionResult &r) { logAction(c, a, r); });
    // The dispatcher checked the role (once); the gate adds the control lock.
    m_dispatcher.setGate(
        [ctl](const Action &a, const Caller &c) { return ctl->lockRefusal(c, a.type); });
    connect(&m_dispatcher, &wall::Dispatcher::event, ctl,
            [ctl](const QJsonObject &ev) { ctl->publish(ev); });
    countFigures(*m_parts, ctl);
#ifdef OPSWALL_WITH_BRIEFING
    // Starting a briefing takes the control lock in the caller's name; ending releases it.
    if (m_parts->runner)
        m_parts->runner->setLockHooks(
            {[ctl](const Caller &c, qint64 ttlMs, const QString &reason) {
                 ActionResult r = ctl->lock().acquire(c, ctl->nowMs(), ttlMs, reason);
                 if (r.ok)
                     ctl->publish({{QStringLiteral("type"), QStringLiteral("lock.acquire")},
                                   {QStringLiteral("by"), c.user},
                                   {QStringLiteral("data"), r.data}});
                 return r;
             },
             [ctl](const Caller &c) {
                 ActionResult r = ctl->lock().release(c, ctl->nowMs());
                 if (r.ok)
                     ctl->publish({{QStringLiteral("type"), QStringLiteral("lock.release")},
                                   {QStringLiteral("by"), c.user},
                                   {QStringLiteral("data"), r.data}});
                 return r;
             }});
#endif
#ifdef OPSWALL_WITH_DEVICES
    if (m_parts->devices) {
        connect(m_parts->devices.get(), &devices::DeviceService::alertRaised, ctl,
                [ctl](const QJsonObject &a) {
                    QJsonObject ev = a;
                    ev.insert(QStringLiteral("type"), QStringLiteral("alert.raised"));
                    ctl->publish(ev);
                });
        // A device alert that clears: the event, and its acknowledgement goes (alertacks.h).
        connect(m_parts->devices.get(), &devices::DeviceService::alertCleared, ctl,
                [ctl, this](const QJsonObject &a) {
                    m_alerts.cleared(deviceAlertBoardId(a.value(QStringLiteral("id")).toString()));
                    QJsonObject ev = a;
                    ev.insert(QStringLiteral("type"), QStringLiteral("alert.cleared"));
                    ctl->publish(ev);
                });
#ifdef OPSWALL_WITH_CALIBRATION
        if (m_parts->calibration)
            connect(m_parts->calibration.get(), &calibration::CalibrationService::runFinished, ctl,
                    [ctl](const QJsonObject &run) {
                        ctl->publish(
                            {{QStringLiteral("type"), QStringLiteral("calibration.finished")},
                             {QStringLiteral("run"), run}});
                    });
        if (m_parts->calibration)
            connect(m_parts->calibration.get(), &calibration::CalibrationService::meterFinished,
                    ctl, [ctl](const QJsonObject &meter) {
                        ctl->publish({{QStringLiteral("type"), QStringLiteral("calibration.meter")},
                                      {QStringLiteral("meter"), meter}});
                    });
#endif
        connect(m_parts->devices.get(), &devices::DeviceService::commandFinished, ctl,
                [ctl](quint64 id, const QJsonObject &perDisplay) {
                    ctl->publish({{QStringLiteral("type"), QStringLiteral("device.finished")},
                                  {QStringLiteral("requestId"), qint64(id)},
                                  {QStringLiteral("displays"), perDisplay}});
                });
    }
#endif
#ifdef OPSWALL_WITH_FEEDS
    if (m_parts->feeds)
        connect(m_parts->feeds->alerts(), &feeds::AlertManager::alertRaised, ctl,
                [ctl](const feeds::Alert &a) {
                    QJsonObject ev = alertJson(a);
                    ev.insert(QStringLiteral("type"), QStringLiteral("alert.raised"));
                    ctl->publish(ev);
                });
    if (m_parts->feeds)
        connect(m_parts->feeds->alerts(), &feeds::AlertManager::alertCleared, ctl,
                [ctl](const feeds::Alert &a) {
                    QJsonObject ev = alertJson(a);
                    ev.insert(QStringLiteral("type"), QStringLiteral("alert.cleared"));
                    ctl->publish(ev);
                });
#endif
    // The store's health as an alert: raised when it refuses writes, cleared when it is back.
    m_db.setStatusListener([ctl, this](const store::StoreStatus &st) {
        if (!st.available) {
            qWarning("opswall: the store refuses writes: %s", qPrintable(st.reason));
            QJsonObject ev = storeAlert();
            ev.insert(QStringLiteral("type"), QStringLiteral("alert.raised"));
            ctl->publish(ev);
        } else {
            qInfo("opswall: the store accepts writes again");
            m_alerts.cleared(QStringLiteral("store.unavailable"));
            ctl->publish({{QStringLiteral("type"), QStringLiteral("alert.cleared")},
                          {QStringLiteral("id"), QStringLiteral("store.unavailable")},
                          {QStringLiteral("source"), QStringLiteral("store")}});
        }
    });
    {
        QString err;
        if (!ctl->setupAudit(m_storeConfig.auditKeyFile, m_storeConfig.auditAnchorFile,
                             m_storeConfig.auditAnchorIntervalSeconds, &err)) {
            m_error = QStringLiteral("the audit key: %1").arg(err);
            return false;
        }
    }
    const QString tokenFile =
        m_options.adminTokenFile.isEmpty()
            ? QFileInfo(m_db.path()).absolutePath() + QStringLiteral("/admin-token")
            : m_options.adminTokenFile;
    try {
        if (const auto written = ctl->tokens().ensureAdminToken(tokenFile))
            qInfo("opswall: first start: the admin token is in %s (readable by this user only; "
                  "the file is removed when the token is first used)",
                  qPrintable(*written));
    } catch (const std::exception &e) {
        // First start only (no admin token yet): without the file nobody could administer the
        // wall, so say why and stop rather than run unmanageable.
        m_error =
            QStringLiteral("the first-start admin token: %1").arg(QString::fromUtf8(e.what()));
        return false;
    }
    QString err;
    // The line protocol is on by default, on loopback, on the port after the API's.
    control::ServerConfig config;
    config.lineEnabled = true;
    bool linePortSet = false;
    if (!m_options.apiConfigPath.isEmpty()) {
        QFile f(m_options.apiConfigPath);
        const QByteArray json = f.open(QIODevice::ReadOnly) ? f.read(1024 * 1024) : QByteArray();
        if (json.isEmpty() || !config.applyJson(json, &err)) {
            m_error = QStringLiteral("--api-config %1: %2")
                          .arg(m_options.apiConfigPath, err.isEmpty() ? f.errorString() : err);
            return false;
        }
        linePortSet = QJsonDocument::fromJson(json)[QLatin1String("line")].toObject().contains(
            QLatin1String("listen"));
    }
    std::optional<control::ServerConfig> cfg = config;
    m_apiTlsCert = config.tlsCertFile;
    m_apiTlsKey = config.tlsKeyFile;
    if (!m_options.apiBind.isEmpty()) { // --api wins over the file's "listen"
        const auto listen = control::ServerConfig::parseListen(m_options.apiBind, &err);
        if (!listen) {
            m_error = QStringLiteral("--api %1: %2").arg(m_options.apiBind, err);
            return false;
        }
        cfg->host = listen->host;
        cfg->port = listen->port;
    }
    if (!linePortSet)
        cfg->linePort = cfg->port == 0 ? 0 : std::uint16_t(cfg->port + 1);
    m_parts->server = std::make_unique<control::ControlServer>(*cfg, ctl);
    if (!m_parts->server->start(&err)) {
        m_error = QStringLiteral("the control API cannot start: %1").arg(err);
        m_parts->server.reset();
        return false;
    }
    m_apiAddress = QStringLiteral("%1:%2").arg(cfg->host).arg(m_parts->server->httpPort());
    qInfo("opswall: control API on %s/api/v1 (line protocol on port %u)",
          qPrintable(m_parts->server->baseUrl()), unsigned(m_parts->server->linePort()));
#endif
    return true;
}
std::optional<QString> Services::authenticateAs([[maybe_unused]] const QString &token,
                                                [[maybe_unused]] Role role, QString *why) const {
#ifdef OPSWALL_WITH_CONTROL
    if (m_parts->control) {
        const auto who = m_parts->control->tokens().authenticate(token);
        if (!who) {
            *why = QStringLiteral("unknown or revoked token");
            return std::nullopt;
        }
        if (who->role != role) {
            *why = QStringLiteral("token '%1' has the role %2, not %3")
                       .arg(who->name, roleName(who->role), roleName(role));
            return std::nullopt;
        }
        return who->name;
    }
#endif
    *why = QStringLiteral("this controller has no control layer to check tokens");
    return std::nullopt;
}

} // namespace opswall::shell
