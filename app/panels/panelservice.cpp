#include "panels/panelservice.h"

#include <boost/asio/post.hpp>

#include <QDateTime>
#include <QMetaObject>
#include <QPointer>
#include <QThread>

#include <pthread.h>

namespace opswall::panels {

namespace asio = boost::asio;
namespace osc = drivers::osc;

QString RateLimitedLog::admit(const QString &line, qint64 nowMs) {
    std::lock_guard lock(m_mutex);
    if (m_windowStart < 0 || nowMs - m_windowStart >= m_windowMs) {
        m_windowStart = nowMs;
        m_inWindow = 0;
    }
    if (m_inWindow >= m_burst) {
        ++m_held;
        return {};
    }
    ++m_inWindow;
    if (m_held == 0)
        return line;
    const QString out =
        line + QStringLiteral(" (%1 similar line(s) held back before this one)").arg(m_held);
    m_held = 0;
    return out;
}

void RateLimitedLog::warn(const QString &line) {
    const QString out = admit(line, QDateTime::currentMSecsSinceEpoch());
    if (!out.isEmpty())
        qWarning("opswall: %s", qPrintable(out));
}

PanelService::PanelService(Submit submit, QObject *parent)
    : QObject(parent)
    , m_submit(std::move(submit)) {}

PanelService::~PanelService() {
    stop();
}

void PanelService::ensureIo() {
    if (m_io)
        return;
    m_io = std::make_shared<asio::io_context>(1);
    m_work = std::make_unique<asio::executor_work_guard<asio::io_context::executor_type>>(
        m_io->get_executor());
}

void PanelService::ensureThread() {
    ensureIo();
    if (m_thread.joinable())
        return;
    m_thread = std::thread([io = m_io] {
        pthread_setname_np(pthread_self(), "opswall-panelio");
        io->run();
    });
}

bool PanelService::startOsc(const OscSettings &settings, QString *error) {
    if (settings.role == Role::Invalid) {
        *error = QStringLiteral("osc.role: must be viewer, leader, operator, technician or admin");
        return false;
    }
    m_osc = settings;
    osc::ServerSettings s;
    s.host = settings.host.toStdString();
    s.port = settings.port;
    s.allow.clear();
    for (const QString &a : settings.allow)
        s.allow.push_back(a.toStdString());
    for (const QString &f : settings.feedbackTo)
        s.feedbackTo.push_back(f.toStdString());
    if (const std::string bad = osc::validateSettings(s); !bad.empty()) {
        *error = QStringLiteral("osc.") + QString::fromStdString(bad);
        return false;
    }
    if (m_oscServer || m_thread.joinable()) {
        *error = QStringLiteral("OSC is started once, before the panels");
        return false;
    }
    ensureIo();
    QPointer<PanelService> self(this);
    // Both callbacks run on the io thread: they copy values and hop to the GUI thread.
    auto onMessage = [self](const osc::Message &m, const osc::Peer &peer) {
        if (self)
            QMetaObject::invokeMethod(
                self.data(), [self, m, peer] { self->onOscMessage(m, peer); },
                Qt::QueuedConnection);
    };
    auto onDrop = [this](const std::string &reason, const osc::Peer &peer) {
        m_log.warn(
            QStringLiteral("osc: dropped from %1: %2")
                .arg(QString::fromStdString(peer.describe()), QString::fromStdString(reason)));
    };
    auto onNewPeer = [self](const osc::Peer &peer) {
        if (self)
            QMetaObject::invokeMethod(
                self.data(), [self, peer] { self->sendOsc(oscFullState(self->m_oscState), peer); },
                Qt::QueuedConnection);
    };
    auto server = osc::OscServer::create(*m_io, s, onMessage, onDrop, onNewPeer);
    std::string why;
    // Bound here, before the io thread exists: start() only queues the first reads, which the
    // io thread runs once it starts (no handler can run concurrently with start()).
    if (!server->start(&why)) {
        *error = QStringLiteral("OSC cannot listen on %1:%2: %3")
                     .arg(settings.host)
                     .arg(settings.port)
                     .arg(QString::fromStdString(why));
        return false;
    }
    m_oscServer = server;
    m_oscPort = server->port();
    ensureThread();
    qInfo("opswall: OSC on udp+tcp %s:%u, acting as %s (sources: %s)", qPrintable(settings.host),
          unsigned(m_oscPort), qPrintable(roleName(settings.role)),
          qPrintable(settings.allow.join(QStringLiteral(", "))));
    return true;
}

void PanelService::onOscMessage(const osc::Message &message, const osc::Peer &peer) {
    const OscRequest request = oscRequest(message);
    const QString from = QString::fromStdString(peer.describe());
    if (request.kind == OscRequest::Kind::Invalid) {
        m_log.warn(QStringLiteral("osc: dropped from %1: %2").arg(from, request.error));
        return;
    }
    if (request.kind == OscRequest::Kind::Sync) {
        sendOsc(oscFullState(m_oscState), peer);
        return;
    }
    const Caller caller{QStringLiteral("osc"), m_osc.role, from, QStringLiteral("osc")};
    const QString what = QString::fromStdString(message.describe());
    QPointer<PanelService> self(this);
    m_submit(request.action, caller, [self, what, from](const ActionResult &r) {
        if (!self || r.ok)
            return;
        self->m_log.warn(
            QStringLiteral("osc: %1 from %2 refused: %3 (%4)").arg(what, from, r.message, r.code));
        Q_EMIT self->refused(QStringLiteral("osc"), what, r);
    });
}

void PanelService::sendOsc(std::vector<osc::Message> messages, std::optional<osc::Peer> to) {
    if (!m_oscServer || messages.empty())
        return;
    asio::post(*m_io, [server = m_oscServer, messages = std::move(messages), to] {
        for (const osc::Message &m : messages) {
            if (to)
                server->sendTo(*to, m);
            else
                server->sendToPeers(m);
        }
    });
}

void PanelService::onWallEvent(const QJsonObject &event) {
    sendOsc(oscFeedback(event, m_oscState));
}

void PanelService::stop(int timeoutMs) {
    if (!m_thread.joinable()) {
        m_oscServer.reset();
        m_io.reset();
        return;
    }
    if (m_oscServer)
        asio::post(*m_io, [server = m_oscServer] { server->stop(); });
    m_work.reset();
    // Bounded: the io thread finishes its queued work (closing sockets) and returns; after
    // timeoutMs it is stopped outright.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    while (!m_io->stopped() && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    m_io->stop();
    m_thread.join();
    m_oscServer.reset();
    m_io.reset();
}

} // namespace opswall::panels
