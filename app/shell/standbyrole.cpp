#include "shell/standbyrole.h"

#ifdef OPSWALL_WITH_NODES // the standby link is part of the render nodes' layer (app/nodes)

#include "control/metrics.h"
#include "core/diagnostics.h"
#include "nodes/linktls.h"
#include "nodes/standbyfence.h"
#include "nodes/standbyreplica.h"
#include "nodes/standbysource.h"
#include "nodes/standbystore.h"
#include "shell/services.h"
#include "shell/wallapplication.h"
#include "store/database.h"
#include "store/storeconfig.h"
#include "store/writefence.h"
#include "wall/dispatcher.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QHostAddress>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSysInfo>
#include <QTcpServer>
#include <QTcpSocket>

namespace opswall::shell {

namespace {
namespace sb = nodes::standby;

constexpr int kStartCheckMs = 1500; // a primary waits this long to hear of a takeover

// "host:port" -> host and port (checked by parseOptions already).
std::pair<QString, quint16> split(const QString &address) {
    const qsizetype colon = address.lastIndexOf(QLatin1Char(':'));
    return {address.left(colon), quint16(address.mid(colon + 1).toUInt())};
}

// This controller's name on the standby link: the host name and what it is.
QString controllerId(const char *what) {
    QString host = QSysInfo::machineHostName();
    host.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9._@-]")), QStringLiteral("-"));
    return (host.isEmpty() ? QStringLiteral("opswall") : host.left(40)) + QLatin1Char('-') +
           QLatin1String(what);
}

QString readToken(const QString &path, QString *error) {
    QFile f(path);
    const QByteArray token = f.open(QIODevice::ReadOnly) ? f.read(4096).trimmed() : QByteArray();
    if (token.isEmpty() || token.contains(' ') || token.contains('\n')) {
        *error = QStringLiteral("--token-file %1: no token there (one line, made with wallctl "
                                "token create --role standby)")
                     .arg(path);
        return {};
    }
    return QString::fromUtf8(token);
}
// The key files that are not in the database (store/secrets.h), as a primary sends them to its
// standby over the authenticated link: {"audit": text, "secrets": text}, those that exist.
QJsonObject keyFiles(const store::StoreConfig &config) {
    QJsonObject keys;
    for (const auto &[name, path] :
         {std::pair{"audit", config.auditKeyFile}, std::pair{"secrets", config.secretsKeyFile}}) {
        QFile f(path);
        if (f.open(QIODevice::ReadOnly))
            keys.insert(QLatin1String(name), QString::fromUtf8(f.read(4097)));
    }
    return keys;
}

// This standby's store configuration (--store-config, defaults next to the replica); false when
// the file cannot be read (the controller's start says why when it takes over).
bool storeConfigOf(const Options &options, const QString &dbPath, store::StoreConfig *config) {
    if (!options.storeConfigPath.isEmpty()) {
        QFile f(options.storeConfigPath);
        QString err;
        if (!f.open(QIODevice::ReadOnly) || !config->applyJson(f.read(64 * 1024 + 1), &err))
            return false;
    }
    config->resolveDefaults(dbPath);
    return true;
}

// Writes the primary's key files where this standby's controller will read them.
bool takeKeyFiles(const store::StoreConfig &config, const QJsonObject &keys, QString *why) {
    for (const auto &[name, path] :
         {std::pair{"audit", config.auditKeyFile}, std::pair{"secrets", config.secretsKeyFile}}) {
        if (!keys.contains(QLatin1String(name)))
            continue;
        QString aside;
        if (!sb::installKeyFile(path, keys.value(QLatin1String(name)).toString().toUtf8(), &aside,
                                why))
            return false;
        if (!aside.isEmpty())
            qWarning("opswall: standby: this machine's own %s key differed from the primary's: "
                     "kept as %s; the primary's is in %s",
                     name, qPrintable(aside), qPrintable(path));
    }
    return true;
}

// The audit anchor file (app/control/README.md "Audit") of this machine describes the chain its
// database had before it became a replica; the database is the primary's now (the primary keeps
// its own anchor), so the old file is set aside rather than compared with it at start.
void setAsideAuditAnchor(const Options &options, const QString &dbPath) {
    store::StoreConfig config;
    if (!storeConfigOf(options, dbPath, &config))
        return; // the controller's start says what is wrong with the file
    if (!QFileInfo::exists(config.auditAnchorFile))
        return;
    const QString aside =
        config.auditAnchorFile + QStringLiteral(".before-takeover-") +
        QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd'T'hhmmss'Z'"));
    if (QFile::rename(config.auditAnchorFile, aside))
        qInfo("opswall: standby: the audit anchor of this machine's earlier chain is kept as %s",
              qPrintable(aside));
}
} // namespace

// ---- ControllerStandby ---------------------------------------------------------------------

ControllerStandby::ControllerStandby(const Options &options, store::StoreThread &writer,
                                     Services &services, wall::Dispatcher &dispatcher,
                                     QObject *parent)
    : QObject(parent)
    , m_options(options)
    , m_writer(writer)
    , m_services(services) {
    dispatcher.addHandler(QStringLiteral("controller."), [this](const Action &action,
                                                                const Caller &) {
        if (action.type != QLatin1String("controller.failback"))
            return ActionResult::failure(QStringLiteral("bad_request"),
                                         QStringLiteral("unknown action %1").arg(action.type));
        QString standby;
        if (fenced() || !m_source || !m_source->standbyInSync(&standby))
            return ActionResult::failure(
                QStringLiteral("conflict"),
                QStringLiteral("no standby is linked and in sync with this controller: start the "
                               "other one with --role standby --primary %1 and wait until health "
                               "shows standbyLink.inSync")
                    .arg(m_options.standbyListen.isEmpty() ? QStringLiteral("(--standby-listen)")
                                                           : m_options.standbyListen));
        return ActionResult::success(
            {{QStringLiteral("to"), standby}, {QStringLiteral("epoch"), m_epoch + 1}});
    });
    // After the action committed (and the standby confirmed it): hand over.
    connect(&dispatcher, &wall::Dispatcher::event, this, [this](const QJsonObject &event) {
        if (event.value(QStringLiteral("type")).toString() == QLatin1String("controller.failback"))
            failBack(event);
    });
    m_checkTimer.setSingleShot(true);
    m_checkTimer.callOnTimeout(this, [this] {
        endCheck(QStringLiteral("no controller said it took over within %1 ms").arg(kStartCheckMs));
    });
}

ControllerStandby::~ControllerStandby() = default;

bool ControllerStandby::start(QString *error) {
    QString before;
    try { // on the writer connection: the one that writes (start-up, before the GUI runs)
        m_writer.run([this, &before](store::Database &db) {
            m_epoch = sb::epochOf(db);
            if (m_epoch <= 0) {
                m_epoch = 1;
                sb::setEpoch(db, m_epoch);
            }
            before = sb::fencedBy(db);
        });
        if (!before.isEmpty())
            fence(before);
    } catch (const store::Error &e) {
        *error = QStringLiteral("hot standby: cannot read the epoch: %1").arg(e.what());
        return false;
    }
    const bool tookOver = !m_options.primaryAddress.isEmpty();
    if (!m_options.standbyListen.isEmpty()) {
        sb::StandbySourceConfig config;
        std::tie(config.host, config.port) = split(m_options.standbyListen);
        config.id = controllerId(tookOver ? "active" : "primary");
        config.epoch = m_epoch;
        config.tlsCertFile = m_services.apiTlsCertFile(); // as the node link: the API's
        config.tlsKeyFile = m_services.apiTlsKeyFile();
        // What a standby needs besides the store: its schema, to check it can run it, and the
        // key files (not in the database) to verify the keyed audit and unseal passwords.
        try {
            m_writer.run([&config](store::Database &db) { config.schema = sb::schemaOf(db); });
        } catch (const store::Error &e) {
            *error =
                QStringLiteral("hot standby: cannot read the store's schema: %1").arg(e.what());
            return false;
        }
        config.keys = keyFiles(m_services.storeConfig());
        Services *services = &m_services;
        m_source = std::make_unique<sb::StandbySource>(
            config, m_writer, [services](const QString &token, QString *why) {
                // Its own role: the link carries the store and its key files, which an admin
                // token (meant for the API) must not fetch. The reason goes to the standby too.
                if (services->authenticateAs(token, Role::Standby, why))
                    return true;
                *why += QStringLiteral("; the standby link needs a token of the role standby "
                                       "(wallctl token create --role standby)");
                return false;
            });
        connect(
            m_source.get(), &sb::StandbySource::peerHello, this,
            [this](const QString &id, qint64 epoch, bool active) {
                if (epoch > m_epoch)
                    fence(QStringLiteral("'%1' took over at epoch %2 (this controller's "
                                         "epoch is %3)")
                              .arg(id)
                              .arg(epoch)
                              .arg(m_epoch));
                else if (m_checking && !active)
                    endCheck(
                        QStringLiteral("the standby '%1' (epoch %2) is linked").arg(id).arg(epoch));
            });
        if (!m_source->start(error))
            return false;
        // A primary that comes back may have been taken over from while it was away: it takes
        // no change until a standby links at its epoch, a controller fences it, or the check
        // times out (README.md "Hot standby": the window this leaves).
        if (!tookOver && !fenced()) {
            m_checking = true;
            store::setWriteFence(
                QStringLiteral("this controller is checking whether a standby took over while it "
                               "was away (at most %1 ms after start); try again")
                    .arg(kStartCheckMs));
            m_checkTimer.start(kStartCheckMs);
        }
    }
    if (tookOver) {
        sb::FenceProberConfig config;
        std::tie(config.host, config.port) = split(m_options.primaryAddress);
        config.id = controllerId("active");
        config.token = readToken(m_options.standbyTokenFile, error);
        config.epoch = m_epoch;
        config.caFile = m_options.controllerCa;
        if (config.token.isEmpty())
            return false;
        m_prober = std::make_unique<sb::FenceProber>(config);
        m_prober->start();
    }
    return true;
}

void ControllerStandby::fence(const QString &reason) {
    if (fenced())
        return;
    m_fencedBy = reason;
    m_checking = false;
    m_checkTimer.stop();
    // Remembered (a restart stays fenced until a fail back), written past the fence.
    m_writer.post([reason](store::Database &db) { sb::setFencedBy(db, reason); }, this,
                  [](std::exception_ptr error) {
                      if (error)
                          qCritical("opswall: standby: the fence could not be stored (%s); it "
                                    "holds until this process stops",
                                    qPrintable(store::errorText(error)));
                  });
    store::setWriteFence(
        QStringLiteral("this controller is fenced: %1; changes go to the controller that took "
                       "over (app/nodes/README.md \"Hot standby\")")
            .arg(reason));
    m_prober.reset(); // a fenced controller tells no one to stop
    qCritical("opswall: standby: this controller is fenced: %s; it refuses every change and "
              "drops its render nodes",
              qPrintable(reason));
    Q_EMIT fencedNow(reason);
}

void ControllerStandby::failBack(const QJsonObject &event) {
    const qint64 epoch = event.value(QStringLiteral("epoch")).toInteger();
    const QString to = event.value(QStringLiteral("to")).toString();
    fence(QStringLiteral("failed back to '%1' at epoch %2 by %3")
              .arg(to)
              .arg(epoch)
              .arg(event.value(QStringLiteral("by")).toString()));
    if (m_source)
        m_source->promote(epoch); // after everything committed before the fence
}

void ControllerStandby::endCheck(const QString &why) {
    if (!m_checking)
        return;
    m_checking = false;
    m_checkTimer.stop();
    store::setWriteFence({});
    qInfo("opswall: standby: this controller takes changes at epoch %lld: %s", qlonglong(m_epoch),
          qPrintable(why));
}

QJsonObject ControllerStandby::health() const {
    const QString role = fenced()                              ? QStringLiteral("fenced")
                         : m_checking                          ? QStringLiteral("checking")
                         : !m_options.primaryAddress.isEmpty() ? QStringLiteral("active")
                                                               : QStringLiteral("primary");
    QJsonObject o{{QStringLiteral("role"), role}, {QStringLiteral("epoch"), m_epoch}};
    if (fenced())
        o.insert(QStringLiteral("fencedBy"), m_fencedBy);
    if (m_source)
        o.insert(QStringLiteral("standbyLink"), m_source->health());
    if (!m_takeover.isEmpty())
        o.insert(QStringLiteral("takeover"), m_takeover);
    if (m_prober)
        o.insert(QStringLiteral("oldPrimaryFenced"), m_prober->fencedSeen());
    return o;
}

// ---- StandbyRole ---------------------------------------------------------------------------

StandbyRole::StandbyRole(Options options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options)) {}

StandbyRole::~StandbyRole() = default;

bool StandbyRole::start(QString *error) {
    m_token = readToken(m_options.standbyTokenFile, error);
    if (m_token.isEmpty())
        return false;
    m_dbPath =
        !m_options.dbPath.isEmpty() ? m_options.dbPath : WallApplication::defaultDbPath(false);
    sb::StandbyReplicaConfig config;
    std::tie(config.host, config.port) = split(m_options.primaryAddress);
    config.id = controllerId("standby");
    config.token = m_token;
    config.dbPath = m_dbPath;
    config.caFile = m_options.controllerCa;
    try {
        config.schema = schemaOfThisBuild();
    } catch (const store::Error &e) {
        *error =
            QStringLiteral("hot standby: cannot tell this build's store schema: %1").arg(e.what());
        return false;
    }
    store::StoreConfig storeConfig;
    if (!storeConfigOf(m_options, m_dbPath, &storeConfig)) {
        *error = QStringLiteral("--store-config %1 cannot be read").arg(m_options.storeConfigPath);
        return false;
    }
    config.takeKeys = [storeConfig](const QJsonObject &keys, QString *why) {
        return takeKeyFiles(storeConfig, keys, why);
    };
    if (config.caFile.isEmpty() && !nodes::isLoopbackHost(config.host)) {
        *error = QStringLiteral("--primary %1 is not a loopback address: the standby link needs "
                                "TLS there; give the primary's CA with --controller-ca FILE")
                     .arg(config.host);
        return false;
    }
    m_replica = std::make_unique<sb::StandbyReplica>(config);
    connect(m_replica.get(), &sb::StandbyReplica::primaryLost, this,
            [this](qint64 silentMs, const QString &why) { takeOver(silentMs, why); });
    connect(m_replica.get(), &sb::StandbyReplica::promoted, this,
            [this](qint64 epoch, const QString &from) {
                takeOver(0, QStringLiteral("fail back from '%1'").arg(from), epoch);
            });

    const QString api =
        m_options.apiBind.isEmpty() ? QStringLiteral("127.0.0.1:8470") : m_options.apiBind;
    const auto [host, port] = split(api);
    m_status = std::make_unique<QTcpServer>();
    if (!m_status->listen(QHostAddress(host), port)) {
        *error = QStringLiteral("--api %1: %2").arg(api, m_status->errorString());
        return false;
    }
    connect(m_status.get(), &QTcpServer::newConnection, this, [this] {
        while (QTcpSocket *s = m_status->nextPendingConnection()) {
            connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
            connect(s, &QTcpSocket::readyRead, this, [this, s] { answer(s); });
            QTimer::singleShot(5000, s, [s] { s->abort(); }); // a request comes at once or not
        }
    });
    m_replica->start();
    // What a takeover needs that is safe to build now (WallApplication::prepare); the rest reads
    // the store, which a new snapshot replaces, or serves, polls and fetches: built at takeover.
    // OPSWALL_STANDBY_BUILD_AHEAD=0 builds everything at takeover (to measure what this saves).
    // OPSWALL_STANDBY_BUILD_AHEAD=1 builds ahead what it did before the wall's QML was (to
    // measure that too).
    m_app = std::make_unique<WallApplication>(controllerOptions());
    const int ahead = diagnostics::value(diagnostics::Switch::StandbyBuildAhead).value_or(2);
    if (ahead != 0) {
        QElapsedTimer clock;
        clock.start();
        if (!m_app->prepare() || (ahead >= 2 && !m_app->prepareWindows())) {
            *error = m_app->error();
            return false;
        }
        qInfo("opswall: standby: the controller's fonts, province boundaries, GStreamer%s are "
              "prepared for a takeover (%lld ms on this thread; the boundaries decode on a worker)",
              ahead >= 2 ? " and the wall's QML" : "", qlonglong(clock.elapsed()));
    }
    qInfo("opswall: standby: keeping a replica of the primary at %s in %s; health on "
          "http://%s/api/v1/health",
          qPrintable(m_options.primaryAddress), qPrintable(m_dbPath), qPrintable(api));
    return true;
}

Options StandbyRole::controllerOptions() const {
    Options controller = m_options;
    controller.role = ProcessRole::Controller;
    controller.dbPath = m_dbPath;
    return controller;
}

QJsonObject StandbyRole::health() const {
    const QJsonObject replica = m_replica->health();
    return {{QStringLiteral("status"), QStringLiteral("standby")},
            {QStringLiteral("controller"),
             QJsonObject{{QStringLiteral("role"), QStringLiteral("standby")},
                         {QStringLiteral("epoch"), replica.value(QStringLiteral("epoch"))},
                         {QStringLiteral("replica"), replica}}}};
}

// While standing by, the API port answers health and metrics only (no token: they say nothing
// but the replication state); everything else is 503, pointing at the primary.
void StandbyRole::answer(QTcpSocket *s) {
    if (s->bytesAvailable() > 8192) {
        s->abort();
        return;
    }
    QByteArray request = s->peek(8192);
    if (!request.contains("\r\n\r\n"))
        return;
    const QList<QByteArray> first = request.left(request.indexOf("\r\n")).split(' ');
    const QByteArray path = first.value(1).split('?').value(0);
    int status = 503;
    QByteArray type = "application/json";
    QByteArray body;
    if (first.value(0) == "GET" && (path == "/api/v1/health" || path == "/health")) {
        status = 200;
        body = QJsonDocument(health()).toJson(QJsonDocument::Compact);
    } else if (first.value(0) == "GET" && (path == "/metrics" || path == "/api/v1/metrics")) {
        status = 200;
        type = "text/plain; version=0.0.4";
        control::formatControllerGauges(body,
                                        health().value(QStringLiteral("controller")).toObject());
    } else {
        body = QJsonDocument(
                   QJsonObject{
                       {QStringLiteral("error"),
                        QJsonObject{{QStringLiteral("code"), QStringLiteral("standby")},
                                    {QStringLiteral("message"),
                                     QStringLiteral("this controller is the hot standby of %1; "
                                                    "send changes to the primary")
                                         .arg(m_options.primaryAddress)}}}})
                   .toJson(QJsonDocument::Compact);
    }
    s->readAll();
    s->write("HTTP/1.1 " + QByteArray::number(status) +
             (status == 200 ? " OK" : " Service Unavailable") + "\r\nContent-Type: " + type +
             "\r\nContent-Length: " + QByteArray::number(body.size()) +
             (status == 200 ? "" : "\r\nRetry-After: 1") + "\r\nConnection: close\r\n\r\n" + body);
    s->disconnectFromHost();
}

void StandbyRole::takeOver(qint64 silentMs, const QString &why, qint64 epoch) {
    QElapsedTimer clock;
    clock.start();
    qWarning("opswall: standby: the primary is lost (%s): taking over", qPrintable(why));
    m_replica->stop();
    m_status.reset(); // the API's port is the controller's now
    try {
        store::Database db(m_dbPath);
        if (epoch <= 0)
            epoch = sb::epochOf(db) + 1;
        sb::setEpoch(db, epoch);
        sb::setFencedBy(db, {});
    } catch (const store::Error &e) {
        qCritical("opswall: standby: cannot take over: the replica %s: %s", qPrintable(m_dbPath),
                  e.what());
        QCoreApplication::exit(1);
        return;
    }
    setAsideAuditAnchor(m_options, m_dbPath);
    if (!m_app)
        m_app = std::make_unique<WallApplication>(controllerOptions());
    if (!m_app->start()) {
        qCritical("opswall: standby: cannot take over: %s", qPrintable(m_app->error()));
        QCoreApplication::exit(1);
        return;
    }
    const qint64 upMs = clock.elapsed();
    if (ControllerStandby *c = m_app->controllerStandby())
        c->setTakeover(
            {{QStringLiteral("at"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)},
             {QStringLiteral("reason"), why},
             {QStringLiteral("silentMs"), silentMs},
             {QStringLiteral("startMs"), upMs},
             {QStringLiteral("fromEpoch"), epoch - 1}});
    qInfo("opswall: standby: took over as the active controller at epoch %lld; the primary was "
          "silent %lld ms (%s); the API and node link were up %lld ms later",
          qlonglong(epoch), qlonglong(silentMs), qPrintable(why), qlonglong(upMs));
}

} // namespace opswall::shell

#endif // OPSWALL_WITH_NODES
