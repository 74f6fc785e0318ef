#include "nodes/standbyfence.h"

#include "nodes/standbyprotocol.h"
#include "nodes/standbysocket.h"

#include <QTcpSocket>

namespace opswall::nodes::standby {

FenceProber::FenceProber(FenceProberConfig config, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_reader(std::make_unique<FrameReader>()) {
    m_timer.setInterval(m_config.probeMs);
    m_timer.callOnTimeout(this, &FenceProber::probe);
}

FenceProber::~FenceProber() {
    if (m_socket)
        m_socket->disconnect(this);
}

void FenceProber::start() {
    m_timer.start();
    probe();
}

void FenceProber::finish() {
    dropSocket(m_socket, this);
}

void FenceProber::probe() {
    if (m_socket) // the last probe is still waiting: an old primary that does not answer
        finish();
    *m_reader = FrameReader();
    m_socket = openSocket(this, m_config.host, m_config.port, m_config.caFile, [this] {
        if (m_socket)
            m_socket->write(
                encodeJson(FrameType::Hello,
                           helloJson({m_config.id, m_config.token, m_config.epoch, true, {}})));
    });
    QTcpSocket *s = m_socket;
    connect(s, &QTcpSocket::errorOccurred, this, [this] { finish(); }); // down: next time
    connect(s, &QTcpSocket::readyRead, this, [this, s] {
        m_reader->append(s->readAll());
        Frame frame;
        QString why;
        const FrameReader::Status st = m_reader->next(&frame, &why);
        if (st == FrameReader::Status::NeedMore)
            return;
        const auto o =
            st == FrameReader::Status::Frame ? jsonOf(frame.payload, &why) : std::nullopt;
        const bool fenced = o && frame.type == FrameType::Fenced;
        const QString answer =
            fenced ? QStringLiteral("fenced")
            : o    ? QStringLiteral("refused: %1")
                      .arg(o->value(QStringLiteral("reason")).toString().left(300))
                : why;
        finish();
        if (answer != m_lastAnswer) {
            if (fenced)
                qInfo("opswall: standby: the old primary at %s:%u is fenced (this controller's "
                      "epoch is %lld)",
                      qPrintable(m_config.host), unsigned(m_config.port),
                      qlonglong(m_config.epoch));
            else
                qCritical("opswall: standby: the old primary at %s:%u did not accept this "
                          "controller's epoch %lld: %s",
                          qPrintable(m_config.host), unsigned(m_config.port),
                          qlonglong(m_config.epoch), qPrintable(answer));
            m_lastAnswer = answer;
        }
        m_fenced = m_fenced || fenced;
        Q_EMIT answered(fenced, answer);
    });
}

} // namespace opswall::nodes::standby
