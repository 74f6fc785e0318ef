#pragma once
// The primary's side of the hot standby (README.md "Hot standby"): listens for one standby at
// --standby-listen, sends it the whole store (a snapshot taken on the store thread between two
// jobs) and then every write transaction the store thread commits (a session changeset, captured
// after each job), and heartbeats every 100 ms.
//
//   store thread: job ─> commit ─> after-job hook: changeset ─> outbox ─┐
//                                   waits for the standby's Ack (synchronous replication)
//   link thread:  QTcpServer, the standby's socket, heartbeats <────────┘ frames, Acks
//   GUI thread:   StandbySource (tokens are checked here), peer signals
//
// Synchronous: while the standby is in sync, the hook waits for its Ack of a transaction before
// the job's completion is delivered, so an API answer comes only once the standby committed the
// change. A standby that does not confirm within ackTimeoutMs is marked behind: the hook stops
// waiting for it (changes are answered without it) until it has confirmed everything shipped.

#include <QJsonObject>
#include <QObject>
#include <QString>

#include <functional>
#include <memory>
#include <set>

class QThread;

namespace opswall::store {
class StoreThread;
}

namespace opswall::nodes::standby {

struct Hello;
class SourceLink;
struct SourceShared;

struct StandbySourceConfig {
    QString host = QStringLiteral("127.0.0.1");
    quint16 port = 0; // 0: any free port (tests)
    QString id;       // this controller's name on the link
    qint64 epoch = 1; // this controller's epoch
    int ackTimeoutMs = 1000;
    int heartbeatMs = 100;
    QString tlsCertFile; // PEM; with tlsKeyFile the link is TLS (required off loopback)
    QString tlsKeyFile;
    // In the Welcome, to a standby that authenticated: the store's schema (schemaOf), and the
    // key files that are not in the database ({"audit": text, "secrets": text}, those present).
    QJsonObject schema;
    QJsonObject keys;
};

// Whether a token may open the standby link (a token of the role standby): GUI thread.
using StandbyAuthenticator = std::function<bool(const QString &token, QString *why)>;

class StandbySource : public QObject {
    Q_OBJECT
public:
    StandbySource(StandbySourceConfig config, store::StoreThread &writer,
                  StandbyAuthenticator authenticate, QObject *parent = nullptr);
    ~StandbySource() override;

    // Records the writer's changes and listens; false with *error (address in use, TLS files
    // unreadable, an address off loopback without TLS).
    bool start(QString *error);
    QString address() const;
    // {"listen", "connected", "standby", "address", "inSync", "shippedSeq", "ackedSeq",
    //  "lagMs"}: lagMs is the last change's time from shipping to the standby's Ack.
    QJsonObject health() const;
    // Whether a standby is linked and has confirmed everything shipped (a fail back may go).
    bool standbyInSync(QString *standbyId = nullptr) const;
    // Fail back: after every change the store thread has committed so far, the standby is told
    // to take over at epoch (Promote). The caller has fenced this controller first, so nothing
    // is committed after it.
    void promote(qint64 epoch);

Q_SIGNALS:
    // A peer that authenticated said hello (GUI thread): a standby (active false) or a controller
    // that took over (active true). When its epoch is above this one's, this one was answered
    // Fenced and must stop taking changes.
    void peerHello(const QString &id, qint64 epoch, bool active);

private:
    friend class SourceLink;
    void checkHello(quint64 linkId, const Hello &hello, const QString &peer);

    StandbySourceConfig m_config;
    store::StoreThread &m_writer;
    StandbyAuthenticator m_authenticate;
    std::shared_ptr<SourceShared> m_shared;
    QThread *m_thread = nullptr;
    SourceLink *m_link = nullptr; // lives on m_thread
    QString m_address;
    std::set<QString> m_schemaRefused; // standbys refused for their schema (logged once)
};

} // namespace opswall::nodes::standby
