#pragma once
// The standby's side of the hot standby (opswall --role standby --primary HOST:PORT; README.md
// "Hot standby"): connects to the primary's --standby-listen, says hello with a standby token,
// writes the snapshot it is sent as its own database file, then applies every change and confirms
// it (Ack) once committed. The primary is lost when the link closes or stays silent (no byte,
// heartbeats come every 100 ms) for silenceMs after the replica was in step (or while it was
// catching up again, having been in step in this run): primaryLost() is emitted once and the
// link is closed; the caller takes over. GUI thread of the standby process.

#include <QElapsedTimer>
#include <QJsonObject>
#include <QObject>
#include <QTimer>

#include <functional>
#include <memory>

class QTcpSocket;

namespace opswall::store {
class Database;
}

namespace opswall::nodes::standby {

class FrameReader;

struct StandbyReplicaConfig {
    QString host;
    quint16 port = 0;
    QString id;     // this standby's name on the link
    QString token;  // a token of the role standby
    QString dbPath; // the replica
    QString caFile; // PEM certificates to trust: the link is TLS (required off loopback)
    int silenceMs = 500;
    int retryMs = 200;
    // The schema this standby's opswall migrates a store to (schemaOf a store it made): a primary
    // whose store is at one it cannot run is not followed (schemaRefusal). Empty: not checked.
    QJsonObject schema;
    int refusedRetryMs = 5000; // how often a primary refused so is asked again
    // Writes the primary's key files ({"audit": text, "secrets": text}) where this standby's
    // controller will read them; false with *why (the primary is then not followed). Empty:
    // the keys are not taken.
    std::function<bool(const QJsonObject &keys, QString *why)> takeKeys;
};

class StandbyReplica : public QObject {
    Q_OBJECT
public:
    explicit StandbyReplica(StandbyReplicaConfig config, QObject *parent = nullptr);
    ~StandbyReplica() override;

    void start();
    // Closes the link and the replica's connection (before the database is used to take over).
    void stop();
    // The epoch stored in the replica (0: none yet).
    qint64 epoch() const { return m_epoch; }
    // Whether a snapshot of the primary's store has been installed (a takeover has data).
    bool hasReplica() const { return m_hasReplica; }
    // {"primary", "primaryReachable", "inSync", "epoch", "appliedSeq", "primarySeq",
    //  "lastHeardMs", "conflicts", "resyncs", "refusal" (why it does not follow, while it does
    //  not)}
    QJsonObject health() const;

Q_SIGNALS:
    // The primary went silent (silentMs since its last byte) or closed the link.
    void primaryLost(qint64 silentMs, const QString &why);
    // Fail back: the primary stopped taking changes and tells this standby to take over at epoch
    // (after every change it had); the link is closed.
    void promoted(qint64 epoch, const QString &primaryId);

private:
    void connectNow();
    void onData();
    void lose(const QString &why, bool retry);
    void giveUp(qint64 silentMs, const QString &why); // closes everything, primaryLost()
    bool takeSnapshot(quint64 seq, const QByteArray &image, QString *why);
    bool takeChanges(quint64 seq, const QByteArray &changes, QString *why);
    // The Welcome's schema and keys: false with *why when this standby cannot follow.
    bool takeWelcome(const QJsonObject &welcome, QString *why);
    void ack(quint64 seq);
    void readEpoch();

    StandbyReplicaConfig m_config;
    QTcpSocket *m_socket = nullptr;
    std::unique_ptr<FrameReader> m_reader;
    std::unique_ptr<store::Database> m_db;
    QTimer m_retry;
    QTimer m_watch;
    QElapsedTimer m_lastHeard;
    bool m_welcomed = false;
    bool m_inStep = false; // this link delivered a snapshot
    bool m_hasReplica = false;
    bool m_stopped = false;
    bool m_lostLogged = false;
    bool m_refused = false; // the primary's store cannot be followed (schema, keys)
    qint64 m_epoch = 0;
    qint64 m_primaryEpoch = 0;
    quint64 m_appliedSeq = 0;
    quint64 m_primarySeq = 0;
    int m_conflicts = 0;
    int m_resyncs = 0;
    QString m_primaryId;
    QString m_lastRefusal;
};

} // namespace opswall::nodes::standby
