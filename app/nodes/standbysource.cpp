#include "nodes/standbysource.h"

#include "nodes/linktls.h"
#include "nodes/standbyprotocol.h"
#include "nodes/standbysocket.h"
#include "nodes/standbystore.h"
#include "store/storethread.h"

#include <QHostAddress>
#include <QJsonArray>
#include <QPointer>
#include <QSslServer>
#include <QSslSocket>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>
#include <QTimer>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>

namespace opswall::nodes::standby {

using Clock = std::chrono::steady_clock;

// What the store thread (the after-job hook), the link thread and the GUI thread share.
struct SourceShared {
    std::mutex mutex;
    std::condition_variable acked;
    quint64 linkId = 0;        // the standby link now (0: none)
    bool wantSnapshot = false; // the next hook sends a snapshot, then the link is attached
    bool attached = false;     // changes are shipped to the link
    bool inSync = false;       // the standby confirmed everything shipped: the hook waits
    quint64 shipped = 0;       // the last sequence number shipped
    quint64 ackedSeq = 0;      // the last one the standby confirmed
    std::map<quint64, Clock::time_point> shippedAt;
    qint64 lagMs = -1;
    QString standbyId;
    QString standbyAddress;
    std::deque<QByteArray> outbox;          // frames for the link thread
    qint64 promoteEpoch = 0;                // fail back: the next hook sends Promote
    QString id;                             // this controller's name on the link
    std::unique_ptr<ChangeCapture> capture; // store thread only
};

// The link thread's object: the server, the standby's socket, heartbeats.
class SourceLink : public QObject {
public:
    SourceLink(StandbySource *source, std::shared_ptr<SourceShared> shared, qint64 epoch,
               int heartbeatMs)
        : m_source(source)
        , m_shared(std::move(shared))
        , m_epoch(epoch)
        , m_heartbeat(this) { // a child: it moves to the link thread with this object
        m_heartbeat.setInterval(heartbeatMs);
        m_heartbeat.callOnTimeout(this, [this] {
            if (!m_socket || !m_welcomed)
                return;
            quint64 shipped = 0;
            {
                const std::lock_guard lock(m_shared->mutex);
                shipped = m_shared->shipped;
            }
            flush();
            m_socket->write(encodeHeartbeat(shipped, m_epoch));
        });
    }

    bool listen(const StandbySourceConfig &config, QString *error) {
        if (!config.tlsCertFile.isEmpty() || !config.tlsKeyFile.isEmpty()) {
            const auto ssl = serverTls(config.tlsCertFile, config.tlsKeyFile,
                                       QStringLiteral("standby link"), error);
            if (!ssl)
                return false;
            auto *server = new QSslServer(this);
            server->setSslConfiguration(*ssl);
            connect(server, &QSslServer::errorOccurred, this,
                    [](QSslSocket *s, QAbstractSocket::SocketError) {
                        qWarning("opswall: standby link: TLS handshake with %s failed: %s",
                                 qPrintable(s->peerAddress().toString()),
                                 qPrintable(s->errorString()));
                    });
            m_server = server;
        } else {
            m_server = new QTcpServer(this);
        }
        // After the TLS handshake where there is one.
        connect(m_server, &QTcpServer::pendingConnectionAvailable, this, [this] { accept(); });
        if (!m_server->listen(QHostAddress(config.host), config.port)) {
            *error = QStringLiteral("--standby-listen %1:%2: %3")
                         .arg(config.host)
                         .arg(config.port)
                         .arg(m_server->errorString());
            return false;
        }
        m_heartbeat.start();
        return true;
    }
    QString address() const {
        return m_server ? QStringLiteral("%1:%2")
                              .arg(m_server->serverAddress().toString())
                              .arg(m_server->serverPort())
                        : QString();
    }

    // The frames the store thread queued, in order.
    void flush() {
        std::deque<QByteArray> frames;
        {
            const std::lock_guard lock(m_shared->mutex);
            frames.swap(m_shared->outbox);
        }
        if (!m_socket || !m_welcomed)
            return;
        for (const QByteArray &f : frames)
            m_socket->write(f);
    }

    // The GUI thread checked the hello: welcome the standby (and ask for a snapshot), or answer.
    void answer(quint64 linkId, FrameType type, const QJsonObject &body, bool attach,
                const QString &standbyId) {
        if (!m_socket || linkId != m_linkId)
            return;
        m_socket->write(encodeJson(type, body));
        if (!attach) {
            m_socket->flush();
            drop(QString());
            return;
        }
        m_welcomed = true;
        {
            const std::lock_guard lock(m_shared->mutex);
            m_shared->linkId = linkId;
            m_shared->wantSnapshot = true;
            m_shared->standbyId = standbyId;
            m_shared->standbyAddress = m_peer;
        }
        m_source->m_writer.post([](store::Database &) {}, nullptr, {}); // so the hook runs
    }

private:
    void accept() {
        while (QTcpSocket *s = m_server->nextPendingConnection()) {
            if (m_socket) {
                s->write(encodeJson(
                    FrameType::Refused,
                    {{QStringLiteral("reason"),
                      QStringLiteral("another standby (%1) is connected").arg(m_peer)}}));
                s->disconnectFromHost();
                connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
                continue;
            }
            m_socket = s;
            m_linkId = ++m_nextLinkId;
            m_welcomed = false;
            m_reader = FrameReader();
            m_peer = QStringLiteral("%1:%2").arg(s->peerAddress().toString()).arg(s->peerPort());
            s->setSocketOption(QAbstractSocket::LowDelayOption, 1);
            connect(s, &QTcpSocket::readyRead, this, [this, s] { read(s); });
            connect(s, &QTcpSocket::disconnected, this, [this, s] {
                if (s == m_socket)
                    drop(QStringLiteral("the standby closed the link"));
            });
            QTimer::singleShot(5000, s, [this, s, id = m_linkId] {
                if (s == m_socket && id == m_linkId && !m_welcomed && !m_helloSeen)
                    drop(QStringLiteral("no hello within 5 s"));
            });
            m_helloSeen = false;
        }
    }

    void read(QTcpSocket *s) {
        if (s != m_socket)
            return;
        m_reader.append(s->readAll());
        Frame frame;
        QString why;
        for (;;) {
            const FrameReader::Status st = m_reader.next(&frame, &why);
            if (st == FrameReader::Status::NeedMore)
                return;
            if (st == FrameReader::Status::Error)
                return drop(why);
            if (frame.type == FrameType::Hello && !m_helloSeen) {
                m_helloSeen = true;
                const auto o = jsonOf(frame.payload, &why);
                const auto hello = o ? parseHello(*o, &why) : std::nullopt;
                if (!hello) {
                    qWarning("opswall: standby link: refused %s: %s", qPrintable(m_peer),
                             qPrintable(why));
                    answer(m_linkId, FrameType::Refused, {{QStringLiteral("reason"), why}}, false,
                           {});
                    return;
                }
                QMetaObject::invokeMethod(
                    m_source,
                    [source = m_source, id = m_linkId, h = *hello, peer = m_peer] {
                        source->checkHello(id, h, peer);
                    },
                    Qt::QueuedConnection);
            } else if (frame.type == FrameType::Ack && m_welcomed) {
                const auto seq = seqOf(frame.payload);
                if (!seq)
                    return drop(QStringLiteral("an Ack without a sequence number"));
                onAck(*seq);
            } else {
                return drop(QStringLiteral("an unexpected frame"));
            }
        }
    }

    void onAck(quint64 seq) {
        const std::lock_guard lock(m_shared->mutex);
        if (m_shared->linkId != m_linkId || seq > m_shared->shipped)
            return;
        m_shared->ackedSeq = std::max(m_shared->ackedSeq, seq);
        if (const auto it = m_shared->shippedAt.find(seq); it != m_shared->shippedAt.end())
            m_shared->lagMs =
                std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - it->second)
                    .count();
        m_shared->shippedAt.erase(m_shared->shippedAt.begin(),
                                  m_shared->shippedAt.upper_bound(seq));
        if (!m_shared->inSync && m_shared->attached && m_shared->ackedSeq == m_shared->shipped) {
            m_shared->inSync = true;
            qInfo("opswall: standby link: the standby '%s' is in sync (change %llu): changes are "
                  "answered once it has them",
                  qPrintable(m_shared->standbyId), static_cast<unsigned long long>(seq));
        }
        m_shared->acked.notify_all();
    }

    void drop(const QString &why) {
        if (!why.isEmpty())
            qWarning("opswall: standby link: %s: %s", qPrintable(m_peer), qPrintable(why));
        {
            const std::lock_guard lock(m_shared->mutex);
            if (m_shared->linkId == m_linkId) {
                m_shared->linkId = 0;
                m_shared->attached = false;
                m_shared->inSync = false;
                m_shared->wantSnapshot = false;
                m_shared->outbox.clear();
                m_shared->shippedAt.clear();
            }
            m_shared->acked.notify_all();
        }
        dropSocket(m_socket, this);
        m_welcomed = false;
    }

    StandbySource *m_source;
    std::shared_ptr<SourceShared> m_shared;
    qint64 m_epoch;
    QTcpServer *m_server = nullptr;
    QTcpSocket *m_socket = nullptr;
    quint64 m_linkId = 0;
    quint64 m_nextLinkId = 0;
    bool m_welcomed = false;
    bool m_helloSeen = false;
    QString m_peer;
    FrameReader m_reader;
    QTimer m_heartbeat;
};

StandbySource::StandbySource(StandbySourceConfig config, store::StoreThread &writer,
                             StandbyAuthenticator authenticate, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_writer(writer)
    , m_authenticate(std::move(authenticate))
    , m_shared(std::make_shared<SourceShared>()) {}

StandbySource::~StandbySource() {
    m_writer.setAfterJob({});
    {
        const std::lock_guard lock(m_shared->mutex);
        m_shared->attached = false;
        m_shared->acked.notify_all();
    }
    if (m_thread) {
        QMetaObject::invokeMethod(m_link, &QObject::deleteLater, Qt::QueuedConnection);
        m_thread->quit();
        m_thread->wait();
        delete m_thread;
    }
    // The capture belongs to the writer connection: let it go on the store thread.
    m_writer.run([shared = m_shared](store::Database &) { shared->capture.reset(); });
}

bool StandbySource::start(QString *error) {
    const bool tls = !m_config.tlsCertFile.isEmpty() || !m_config.tlsKeyFile.isEmpty();
    if (!tls && !isLoopbackHost(m_config.host)) {
        *error = QStringLiteral("--standby-listen %1 is not a loopback address: the standby link "
                                "needs TLS there (tlsCert and tlsKey in --api-config)")
                     .arg(m_config.host);
        return false;
    }
    try {
        m_writer.run([shared = m_shared](store::Database &db) {
            shared->capture = std::make_unique<ChangeCapture>(db.handle());
            const QStringList without = shared->capture->tablesWithoutKey();
            if (!without.isEmpty())
                qWarning("opswall: standby link: tables without a primary key are not "
                         "replicated: %s",
                         qPrintable(without.join(QStringLiteral(", "))));
        });
    } catch (const std::exception &e) {
        *error = QString::fromUtf8(e.what());
        return false;
    }
    const int ackTimeoutMs = m_config.ackTimeoutMs;
    std::shared_ptr<SourceShared> shared = m_shared;
    shared->id = m_config.id;
    m_thread = new QThread;
    m_thread->setObjectName(QStringLiteral("standby-link"));
    m_link = new SourceLink(this, m_shared, m_config.epoch, m_config.heartbeatMs);
    m_link->moveToThread(m_thread);
    m_thread->start();
    bool listening = false;
    QMetaObject::invokeMethod(
        m_link, [&] { listening = m_link->listen(m_config, error); },
        Qt::BlockingQueuedConnection); // start-up only: the thread has nothing else to do yet
    if (!listening)
        return false;
    m_address = m_link->address();
    SourceLink *link = m_link;
    m_writer.setAfterJob([shared, link, ackTimeoutMs](store::Database &db) {
        std::unique_lock lock(shared->mutex);
        if (!shared->capture)
            return;
        lock.unlock();
        const QByteArray changes = shared->capture->take();
        lock.lock();
        quint64 seq = 0;
        if (shared->attached && !changes.isEmpty()) {
            seq = ++shared->shipped;
            shared->shippedAt[seq] = Clock::now();
            shared->outbox.push_back(encodeSeq(FrameType::Changes, seq, changes));
        }
        if (shared->wantSnapshot) { // between two jobs: the image and the changes after it agree
            lock.unlock();
            const QByteArray image = snapshotOf(db.handle());
            lock.lock();
            shared->wantSnapshot = false;
            shared->attached = shared->linkId != 0;
            shared->inSync = false;
            const quint64 at = ++shared->shipped;
            shared->shippedAt[at] = Clock::now();
            shared->outbox.push_back(encodeSeq(FrameType::Snapshot, at, image));
            qInfo("opswall: standby link: sending the store (%lld KiB) to the standby '%s'",
                  qlonglong(image.size() / 1024), qPrintable(shared->standbyId));
        }
        if (shared->promoteEpoch > 0) { // after everything committed before the fence
            if (shared->attached)
                shared->outbox.push_back(
                    encodeJson(FrameType::Promote, {{QStringLiteral("epoch"), shared->promoteEpoch},
                                                    {QStringLiteral("id"), shared->id}}));
            shared->promoteEpoch = 0;
        }
        if (shared->outbox.empty())
            return;
        QMetaObject::invokeMethod(
            link, [link] { link->flush(); }, Qt::QueuedConnection);
        if (!seq || !shared->inSync)
            return;
        const quint64 link0 = shared->linkId;
        const bool confirmed =
            shared->acked.wait_for(lock, std::chrono::milliseconds(ackTimeoutMs), [&] {
                return shared->ackedSeq >= seq || shared->linkId != link0 || !shared->attached;
            });
        if (shared->ackedSeq < seq && shared->linkId == link0 && shared->inSync) {
            shared->inSync = false;
            qWarning("opswall: standby link: the standby '%s' did not confirm change %llu within "
                     "%d ms: changes are answered without it until it catches up%s",
                     qPrintable(shared->standbyId), static_cast<unsigned long long>(seq),
                     ackTimeoutMs, confirmed ? "" : " (timed out)");
        }
    });
    qInfo("opswall: standby link: a standby controller connects on %s (epoch %lld)%s",
          qPrintable(address()), qlonglong(m_config.epoch), tls ? " over TLS" : "");
    return true;
}

QString StandbySource::address() const {
    return m_address;
}

void StandbySource::checkHello(quint64 linkId, const Hello &hello, const QString &peer) {
    QString why;
    FrameType type = FrameType::Welcome;
    QJsonObject body{{QStringLiteral("epoch"), m_config.epoch},
                     {QStringLiteral("id"), m_config.id}};
    bool attach = false;
    if (!m_authenticate || !m_authenticate(hello.token, &why)) {
        type = FrameType::Refused;
        // Code "token": the same token will not do on the next try (the standby reads it once).
        body = {{QStringLiteral("reason"), why}, {QStringLiteral("code"), QStringLiteral("token")}};
        qWarning("opswall: standby link: refused '%s' from %s: %s", qPrintable(hello.id),
                 qPrintable(peer), qPrintable(why));
    } else if (hello.epoch > m_config.epoch) {
        type = FrameType::Fenced;
        qCritical("opswall: standby link: '%s' from %s has epoch %lld, above this controller's "
                  "%lld: it took over, this controller is fenced",
                  qPrintable(hello.id), qPrintable(peer), qlonglong(hello.epoch),
                  qlonglong(m_config.epoch));
    } else if (hello.active) {
        type = FrameType::Refused;
        body = {{QStringLiteral("reason"),
                 QStringLiteral("this controller is active at epoch %1, not below yours (%2)")
                     .arg(m_config.epoch)
                     .arg(hello.epoch)}};
        qCritical("opswall: standby link: '%s' from %s says it is active at epoch %lld, not above "
                  "this controller's %lld",
                  qPrintable(hello.id), qPrintable(peer), qlonglong(hello.epoch),
                  qlonglong(m_config.epoch));
    } else if (const QString refusal = schemaRefusal(m_config.schema, hello.schema);
               !hello.schema.isEmpty() && !refusal.isEmpty()) {
        // Before any snapshot: a standby that could not run this store would only fetch it again
        // and again (it asks every 5 s).
        type = FrameType::Refused;
        body = {{QStringLiteral("reason"), refusal},
                {QStringLiteral("code"), QStringLiteral("schema")}};
        if (m_schemaRefused.insert(hello.id).second)
            qCritical("opswall: standby link: refused '%s' from %s: %s", qPrintable(hello.id),
                      qPrintable(peer), qPrintable(refusal));
    } else {
        attach = true;
        m_schemaRefused.erase(hello.id);
        body.insert(QStringLiteral("schema"), m_config.schema);
        body.insert(QStringLiteral("keys"), m_config.keys);
        qInfo("opswall: standby link: standby '%s' connected from %s", qPrintable(hello.id),
              qPrintable(peer));
    }
    QMetaObject::invokeMethod(
        m_link,
        [link = m_link, linkId, type, body, attach, id = hello.id] {
            link->answer(linkId, type, body, attach, id);
        },
        Qt::QueuedConnection);
    if (type != FrameType::Refused)
        Q_EMIT peerHello(hello.id, hello.epoch, hello.active);
}

bool StandbySource::standbyInSync(QString *standbyId) const {
    const std::lock_guard lock(m_shared->mutex);
    if (standbyId)
        *standbyId = m_shared->standbyId;
    return m_shared->attached && m_shared->inSync;
}

void StandbySource::promote(qint64 epoch) {
    {
        const std::lock_guard lock(m_shared->mutex);
        m_shared->promoteEpoch = epoch;
    }
    m_writer.post([](store::Database &) {}, nullptr, {}); // so the hook runs after the others
}

QJsonObject StandbySource::health() const {
    const std::lock_guard lock(m_shared->mutex);
    QJsonObject o{{QStringLiteral("listen"), address()},
                  {QStringLiteral("connected"), m_shared->attached},
                  {QStringLiteral("inSync"), m_shared->attached && m_shared->inSync},
                  {QStringLiteral("shippedSeq"), qint64(m_shared->shipped)},
                  {QStringLiteral("ackedSeq"), qint64(m_shared->ackedSeq)}};
    if (m_shared->attached) {
        o.insert(QStringLiteral("standby"), m_shared->standbyId);
        o.insert(QStringLiteral("address"), m_shared->standbyAddress);
    }
    o.insert(QStringLiteral("lagMs"),
             m_shared->lagMs >= 0 ? QJsonValue(m_shared->lagMs) : QJsonValue(QJsonValue::Null));
    return o;
}

} // namespace opswall::nodes::standby
