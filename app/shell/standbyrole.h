#pragma once
// The shell's side of the hot standby (app/nodes/README.md "Hot standby").
//
// ControllerStandby: on a controller with --standby-listen (a primary, or a standby that took
// over): its epoch, the standby link (StandbySource), the fence (a controller that another one
// took over from refuses every change: store::setWriteFence, and drops its render
// nodes), the start-up check, and, after a takeover, the probe that fences the old primary.
//
// Fail back (the action controller.failback: POST /api/v1/controller/failback, wallctl failback;
// admin only, audited as every action): allowed when a standby is linked and in sync; once the
// action's transaction (with its audit row) is committed and confirmed by the standby, this
// controller fences itself and tells the standby to take over at the next epoch.
//
// StandbyRole: the process `opswall --role standby --primary HOST:PORT`: keeps the replica,
// answers health on --api, and when the primary goes silent takes over: the replica gets the
// next epoch and becomes the store of a controller (WallApplication) built in this process.

#include "shell/options.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QObject>
#include <QTimer>

#include <functional>
#include <memory>

class QTcpServer;
class QTcpSocket;

namespace opswall::store {
class Database;
class StoreThread;
} // namespace opswall::store

namespace opswall::wall {
class Dispatcher;
}

namespace opswall::nodes::standby {
class StandbySource;
class StandbyReplica;
class FenceProber;
} // namespace opswall::nodes::standby

namespace opswall::shell {

class Services;
class WallApplication;

// The schema this build's controller migrates a store to ({"core": n, "<component>": n}; a
// scratch database migrated by every layer built in: standbyschema.cpp). Throws store::Error.
QJsonObject schemaOfThisBuild();

class ControllerStandby : public QObject {
    Q_OBJECT
public:
    ControllerStandby(const Options &options, store::StoreThread &writer, Services &services,
                      wall::Dispatcher &dispatcher, QObject *parent = nullptr);
    ~ControllerStandby() override;

    // Reads (or stores, the first time) the epoch, fences at once when this controller was
    // fenced before, and starts the standby link and the start-up check. False with *error.
    bool start(QString *error);
    // {"role": "primary"|"active"|"fenced"|"checking", "epoch", "fencedBy", "standbyLink",
    //  "takeover": {...}}
    QJsonObject health() const;
    bool fenced() const { return !m_fencedBy.isEmpty(); }
    // After a takeover (StandbyRole): what health shows of it.
    void setTakeover(const QJsonObject &takeover) { m_takeover = takeover; }

Q_SIGNALS:
    // This controller was fenced: it refuses changes; the caller drops its render nodes.
    void fencedNow(const QString &reason);

private:
    void fence(const QString &reason);
    void endCheck(const QString &why);
    void failBack(const QJsonObject &event);

    const Options &m_options;
    store::StoreThread &m_writer;
    Services &m_services;
    qint64 m_epoch = 0;
    QString m_fencedBy;
    bool m_checking = false;
    QTimer m_checkTimer;
    QJsonObject m_takeover;
    std::unique_ptr<nodes::standby::StandbySource> m_source;
    std::unique_ptr<nodes::standby::FenceProber> m_prober;
};

class StandbyRole : public QObject {
    Q_OBJECT
public:
    explicit StandbyRole(Options options, QObject *parent = nullptr);
    ~StandbyRole() override;
    // Reads the token, starts the replica and the health answers. False with *error.
    bool start(QString *error);

private:
    // epoch: the one a fail back gives (0: the replica's plus one).
    void takeOver(qint64 silentMs, const QString &why, qint64 epoch = 0);
    QJsonObject health() const;
    void answer(QTcpSocket *socket);
    Options controllerOptions() const; // what the controller of a takeover runs with

    Options m_options;
    QString m_dbPath;
    QString m_token;
    std::unique_ptr<nodes::standby::StandbyReplica> m_replica;
    std::unique_ptr<QTcpServer> m_status;   // GET /api/v1/health and /metrics while standing by
    std::unique_ptr<WallApplication> m_app; // prepared while following; started at takeover
};

} // namespace opswall::shell
