#include "feeds/pushclient.h"

#include <QRandomGenerator>

namespace opswall::feeds {

PushClient::PushClient(int idleTimeoutMs, QString idleWhat, QObject *parent)
    : QObject(parent)
    , m_idleWhat(std::move(idleWhat))
    , m_policy(BackoffConfig{60 * 1000, 1000, 60 * 1000, 2.0, 0.2}) {
    m_reconnect.setSingleShot(true);
    connect(&m_reconnect, &QTimer::timeout, this, [this] { open(); });
    m_idle.setSingleShot(true);
    m_idle.setInterval(idleTimeoutMs);
    connect(&m_idle, &QTimer::timeout, this, [this] {
        onBroken(QStringLiteral("%1 for %2 s").arg(m_idleWhat).arg(m_idle.interval() / 1000));
    });
}

void PushClient::start() {
    m_running = true;
    open();
}

void PushClient::stop() {
    m_running = false;
    m_reconnect.stop();
    disconnectNow(Drop::Stopping);
}

void PushClient::onConnected() {
    m_connected = true;
    m_state = {};
    Q_EMIT connectedChanged(true);
}

void PushClient::onBroken(const QString &error) {
    disconnectNow(Drop::Broken);
    Q_EMIT failed(error);
    if (!m_running)
        return;
    const BackoffDecision d =
        m_policy.decide(FetchEvent::TransientFailure, m_state,
                        QRandomGenerator::global()->generateDouble(), serverRetryMs());
    m_state = d.next;
    m_reconnect.start(d.delayMs);
}

void PushClient::disconnectNow(Drop why) {
    m_idle.stop();
    dropTransport(why);
    if (m_connected) {
        m_connected = false;
        Q_EMIT connectedChanged(false);
    }
}

} // namespace opswall::feeds
