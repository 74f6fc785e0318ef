#include "nodes/standbyreplica.h"

#include "nodes/standbyprotocol.h"
#include "nodes/standbysocket.h"
#include "nodes/standbystore.h"
#include "store/database.h"

#include <QFileInfo>
#include <QHostAddress>
#include <QTcpSocket>

namespace opswall::nodes::standby {

StandbyReplica::StandbyReplica(StandbyReplicaConfig config, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_reader(std::make_unique<FrameReader>()) {
    m_retry.setSingleShot(true);
    m_retry.setInterval(m_config.retryMs);
    m_retry.callOnTimeout(this, &StandbyReplica::connectNow);
    // Silence is checked often, so a takeover starts within a few ms of silenceMs.
    m_watch.setInterval(20);
    // A standby that held a replica in this run takes over once nothing came for silenceMs, also
    // when the link broke while it was catching up (a new snapshot on its way): a wall with the
    // last replica beats a wall without a controller.
    m_watch.callOnTimeout(this, [this] {
        // A primary this standby refused to follow is there: it is not taken over.
        if (!m_hasReplica || m_stopped || m_refused || !m_lastHeard.isValid() ||
            m_lastHeard.elapsed() < m_config.silenceMs)
            return;
        if (m_inStep)
            lose(QStringLiteral("no heartbeat for %1 ms").arg(m_lastHeard.elapsed()), false);
        else
            giveUp(m_lastHeard.elapsed(),
                   QStringLiteral("no answer for %1 ms while the replica was catching up (it "
                                  "may lack the changes since its last snapshot)")
                       .arg(m_lastHeard.elapsed()));
    });
}

StandbyReplica::~StandbyReplica() {
    stop();
}

void StandbyReplica::start() {
    if (QFileInfo::exists(m_config.dbPath)) {
        try { // a replica from before: its epoch is what this standby knows
            m_db = std::make_unique<store::Database>(m_config.dbPath);
            readEpoch();
        } catch (const std::exception &e) {
            qWarning("opswall: standby: the old replica %s cannot be read (%s); it is replaced "
                     "by the primary's snapshot",
                     qPrintable(m_config.dbPath), e.what());
        }
        m_db.reset();
    }
    m_watch.start();
    connectNow();
}

void StandbyReplica::stop() {
    m_stopped = true;
    m_retry.stop();
    m_watch.stop();
    dropSocket(m_socket, this);
    m_db.reset();
}

void StandbyReplica::readEpoch() {
    try {
        m_epoch = m_db ? epochOf(*m_db) : 0;
    } catch (const store::Error &) {
        m_epoch = 0; // no settings table yet
    }
}

void StandbyReplica::connectNow() {
    if (m_stopped)
        return;
    *m_reader = FrameReader();
    m_welcomed = false;
    m_inStep = false;
    m_socket = openSocket(this, m_config.host, m_config.port, m_config.caFile, [this] {
        if (!m_socket)
            return;
        m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        m_socket->write(encodeJson(FrameType::Hello, helloJson({m_config.id, m_config.token,
                                                                m_epoch, false, m_config.schema})));
    });
    QTcpSocket *s = m_socket;
    connect(s, &QTcpSocket::readyRead, this, &StandbyReplica::onData);
    connect(s, &QTcpSocket::errorOccurred, this, [this, s](QAbstractSocket::SocketError) {
        if (s == m_socket)
            lose(s->errorString(), true);
    });
    connect(s, &QTcpSocket::disconnected, this, [this, s] {
        if (s == m_socket)
            lose(QStringLiteral("the primary closed the link"), true);
    });
}

void StandbyReplica::lose(const QString &why, bool retry) {
    const bool wasInStep = m_inStep;
    const qint64 silentMs = m_lastHeard.isValid() ? m_lastHeard.elapsed() : -1;
    dropSocket(m_socket, this);
    m_welcomed = false;
    m_inStep = false;
    if (wasInStep) {
        giveUp(silentMs, why);
        return;
    }
    if (!m_lostLogged) {
        qWarning("opswall: standby: no link to the primary at %s:%u (%s); trying again every %d "
                 "ms",
                 qPrintable(m_config.host), unsigned(m_config.port), qPrintable(why),
                 m_retry.interval());
        m_lostLogged = true;
    }
    if (retry && !m_stopped && !m_retry.isActive())
        m_retry.start();
}

void StandbyReplica::giveUp(qint64 silentMs, const QString &why) {
    qWarning("opswall: standby: lost the primary '%s' at %s:%u: %s", qPrintable(m_primaryId),
             qPrintable(m_config.host), unsigned(m_config.port), qPrintable(why));
    stop();
    Q_EMIT primaryLost(silentMs, why);
}

void StandbyReplica::ack(quint64 seq) {
    m_appliedSeq = seq;
    if (m_socket)
        m_socket->write(encodeSeq(FrameType::Ack, seq));
}

bool StandbyReplica::takeWelcome(const QJsonObject &welcome, QString *why) {
    if (!m_config.schema.isEmpty()) {
        *why = schemaRefusal(welcome.value(QStringLiteral("schema")).toObject(), m_config.schema);
        if (!why->isEmpty())
            return false;
    }
    const QJsonObject keys = welcome.value(QStringLiteral("keys")).toObject();
    return !m_config.takeKeys || m_config.takeKeys(keys, why);
}

bool StandbyReplica::takeSnapshot(quint64 seq, const QByteArray &image, QString *why) {
    m_db.reset();
    if (!installSnapshot(m_config.dbPath, image, why))
        return false;
    try {
        m_db = std::make_unique<store::Database>(m_config.dbPath);
    } catch (const std::exception &e) {
        *why = QString::fromUtf8(e.what());
        return false;
    }
    readEpoch();
    m_hasReplica = true;
    m_inStep = true;
    m_lostLogged = false;
    m_lastRefusal.clear();
    qInfo("opswall: standby: replica of '%s' (epoch %lld, %lld KiB) in %s; following its changes",
          qPrintable(m_primaryId), qlonglong(m_epoch), qlonglong(image.size() / 1024),
          qPrintable(m_config.dbPath));
    ack(seq);
    return true;
}

bool StandbyReplica::takeChanges(quint64 seq, const QByteArray &changes, QString *why) {
    if (!m_db || !m_inStep) {
        *why = QStringLiteral("changes before a snapshot");
        return false;
    }
    const ApplyResult r = applyChangeset(*m_db, changes);
    if (!r.ok) {
        *why = QStringLiteral("change %1 could not be applied: %2").arg(seq).arg(r.error);
        return false;
    }
    if (r.conflicts > 0) { // not in step with the primary: start again from a snapshot
        m_conflicts += r.conflicts;
        *why = QStringLiteral("change %1 met %2 rows that differ from the primary's; asking for a "
                              "new snapshot")
                   .arg(seq)
                   .arg(r.conflicts);
        return false;
    }
    ack(seq);
    return true;
}

void StandbyReplica::onData() {
    QTcpSocket *s = m_socket;
    if (!s)
        return;
    m_lastHeard.start();
    m_reader->append(s->readAll());
    Frame frame;
    QString why;
    for (;;) {
        const FrameReader::Status st = m_reader->next(&frame, &why);
        if (st == FrameReader::Status::NeedMore)
            return;
        bool ok = st == FrameReader::Status::Frame;
        if (ok && !m_welcomed) {
            const auto o = jsonOf(frame.payload, &why);
            ok = o.has_value();
            if (ok && frame.type == FrameType::Welcome) {
                m_primaryEpoch = o->value(QStringLiteral("epoch")).toInteger();
                m_primaryId = o->value(QStringLiteral("id")).toString().left(64);
                m_refused = !takeWelcome(*o, &why);
                if (!m_refused) {
                    m_welcomed = true;
                    qInfo("opswall: standby: linked to the primary '%s' at %s:%u (epoch %lld)",
                          qPrintable(m_primaryId), qPrintable(m_config.host),
                          unsigned(m_config.port), qlonglong(m_primaryEpoch));
                    continue;
                }
                ok = false;
            }
            if (ok) { // Fenced or Refused (for its schema or token: as if refused here)
                const QString code = o->value(QStringLiteral("code")).toString();
                m_refused = code == QLatin1String("schema") || code == QLatin1String("token");
                why = frame.type == FrameType::Fenced
                          ? QStringLiteral("this standby's epoch %1 is above the primary's: the "
                                           "primary fenced itself")
                                .arg(m_epoch)
                          : QStringLiteral("refused: %1")
                                .arg(o->value(QStringLiteral("reason")).toString().left(1000));
                ok = false;
            }
        } else if (ok && frame.type == FrameType::Promote) {
            const auto o = jsonOf(frame.payload, &why);
            const qint64 epoch = o ? o->value(QStringLiteral("epoch")).toInteger() : 0;
            if (o && m_inStep && epoch > m_epoch) {
                qInfo("opswall: standby: the primary '%s' fails back to this controller at epoch "
                      "%lld",
                      qPrintable(m_primaryId), qlonglong(epoch));
                m_inStep = false;
                m_stopped = true;
                Q_EMIT promoted(epoch, m_primaryId);
                return;
            }
            ok = false;
            why = QStringLiteral("a fail back this standby cannot take (epoch %1, in step: %2)")
                      .arg(epoch)
                      .arg(m_inStep);
        } else if (ok) {
            const auto seq = seqOf(frame.payload);
            ok = seq.has_value();
            if (!ok)
                why = QStringLiteral("a frame without a sequence number");
            else if (frame.type == FrameType::Snapshot)
                ok = takeSnapshot(*seq, frame.payload.mid(8), &why);
            else if (frame.type == FrameType::Changes)
                ok = takeChanges(*seq, frame.payload.mid(8), &why);
            else if (frame.type == FrameType::Heartbeat)
                m_primarySeq = *seq;
            else {
                ok = false;
                why = QStringLiteral("an unexpected frame");
            }
        }
        if (!ok) {
            if (why != m_lastRefusal && m_refused) // said once, as the reason it does not follow
                qCritical("opswall: standby: not following the primary at %s:%u: %s",
                          qPrintable(m_config.host), unsigned(m_config.port), qPrintable(why));
            else if (why != m_lastRefusal) // a refusal that repeats on every retry is said once
                qWarning("opswall: standby: %s", qPrintable(why));
            m_retry.setInterval(m_refused ? m_config.refusedRetryMs : m_config.retryMs);
            m_lastRefusal = why;
            ++m_resyncs;
            m_inStep = false; // not a lost primary: the link starts again with a snapshot
            lose(why, true);
            return;
        }
    }
}

QJsonObject StandbyReplica::health() const {
    return {
        {QStringLiteral("primary"), QStringLiteral("%1:%2").arg(m_config.host).arg(m_config.port)},
        {QStringLiteral("primaryId"), m_primaryId},
        {QStringLiteral("primaryReachable"), m_welcomed},
        {QStringLiteral("inSync"), m_inStep},
        {QStringLiteral("epoch"), m_epoch},
        {QStringLiteral("appliedSeq"), qint64(m_appliedSeq)},
        {QStringLiteral("primarySeq"), qint64(m_primarySeq)},
        {QStringLiteral("lastHeardMs"),
         m_lastHeard.isValid() ? QJsonValue(m_lastHeard.elapsed()) : QJsonValue(QJsonValue::Null)},
        {QStringLiteral("conflicts"), m_conflicts},
        {QStringLiteral("resyncs"), m_resyncs},
        {QStringLiteral("refusal"),
         m_refused ? QJsonValue(m_lastRefusal) : QJsonValue(QJsonValue::Null)}};
}

} // namespace opswall::nodes::standby
