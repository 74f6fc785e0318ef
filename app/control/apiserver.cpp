#include "control/apiserver.h"

#include "control/apisession.h"
#include "control/lineserver.h"
#include "control/servercore.h"

#include <boost/asio/post.hpp>

#include <QHostAddress>

#include <future>

#include <pthread.h>

namespace opswall::control {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {
bool bind(tcp::acceptor &acceptor, const QString &host, std::uint16_t port, std::uint16_t *bound,
          QString *error) {
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(host.toStdString(), ec);
    if (ec) {
        *error = QStringLiteral("'%1' is not an IP address").arg(host);
        return false;
    }
    const tcp::endpoint ep(address, port);
    acceptor.open(ep.protocol(), ec);
    if (!ec)
        acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec)
        acceptor.bind(ep, ec);
    if (!ec)
        acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
        *error = QStringLiteral("cannot listen on %1:%2: %3")
                     .arg(host)
                     .arg(port)
                     .arg(QString::fromStdString(ec.message()));
        return false;
    }
    *bound = acceptor.local_endpoint().port();
    return true;
}
} // namespace

ControlServer::ControlServer(ServerConfig config, ControlService *service)
    : m_config(std::move(config))
    , m_service(service) {}

ControlServer::~ControlServer() {
    stop();
}

const ServerMetrics &ControlServer::metrics() const {
    static const ServerMetrics none;
    return m_core ? m_core->metrics : none;
}

QString ControlServer::baseUrl() const {
    const QString host = QHostAddress(m_config.host).protocol() == QAbstractSocket::IPv6Protocol
                             ? u'[' + m_config.host + u']'
                             : m_config.host;
    return QStringLiteral("%1://%2:%3")
        .arg(m_config.tlsEnabled() ? QStringLiteral("https") : QStringLiteral("http"), host)
        .arg(m_httpPort);
}

bool ControlServer::start(QString *error) {
    QString dummy;
    if (!error)
        error = &dummy;
    if (isRunning()) {
        *error = QStringLiteral("the control server is already running");
        return false;
    }
    if (const QString bad = m_config.validate(); !bad.isEmpty()) {
        *error = bad;
        return false;
    }
    auto core = std::make_shared<detail::ServerCore>(m_config, m_service);
    if (m_config.tlsEnabled()) {
        try {
            core->tls.emplace(asio::ssl::context::tls_server);
            core->tls->set_options(asio::ssl::context::default_workarounds |
                                   asio::ssl::context::no_sslv2 | asio::ssl::context::no_sslv3 |
                                   asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1 |
                                   asio::ssl::context::single_dh_use);
            core->tls->use_certificate_chain_file(m_config.tlsCertFile.toStdString());
            core->tls->use_private_key_file(m_config.tlsKeyFile.toStdString(),
                                            asio::ssl::context::pem);
        } catch (const std::exception &e) {
            *error = QStringLiteral("TLS setup failed: %1").arg(QString::fromUtf8(e.what()));
            return false;
        }
    }
    tcp::acceptor http(core->ioc);
    if (!bind(http, m_config.host, m_config.port, &m_httpPort, error))
        return false;
    std::optional<tcp::acceptor> line;
    if (m_config.lineEnabled) {
        line.emplace(core->ioc);
        if (!bind(*line, m_config.lineHost, m_config.linePort, &m_linePort, error))
            return false;
    }
    detail::runHttpAcceptor(core, std::move(http));
    if (line)
        detail::runLineAcceptor(core, std::move(*line));

    // Events published on the GUI thread reach the io thread in publish order (one FIFO queue).
    if (m_service) {
        std::weak_ptr<detail::ServerCore> weak = core;
        m_listenerId = m_service->addEventListener([weak](const QByteArray &json) {
            auto c = weak.lock();
            if (!c)
                return;
            auto bytes = std::make_shared<const std::string>(json.toStdString());
            asio::post(c->ioc, [c, bytes] { c->broadcast(bytes); });
        });
    }
    // A revoked token's open WebSockets and line sessions close at once.
    if (m_service) {
        std::weak_ptr<detail::ServerCore> weak = core;
        m_revokeConnection = QObject::connect(
            m_service, &ControlService::tokenRevoked, m_service, [weak](const QString &id) {
                if (auto c = weak.lock())
                    asio::post(c->ioc, [c, id = id.toStdString()] { c->closeToken(id); });
            });
    }
    m_core = core;
    m_thread = std::thread([core] {
        pthread_setname_np(pthread_self(), "opswall-io");
        // A handler that throws must not take the whole app down with it.
        for (;;) {
            try {
                core->ioc.run();
                return;
            } catch (const std::exception &e) {
                qWarning("control server: handler failed: %s", e.what());
            }
        }
    });
    return true;
}

void ControlServer::stop() {
    if (!m_thread.joinable())
        return;
    if (m_service && m_listenerId)
        m_service->removeEventListener(m_listenerId);
    m_listenerId = 0;
    QObject::disconnect(m_revokeConnection);
    auto core = m_core;
    std::promise<void> closed;
    auto done = closed.get_future();
    asio::post(core->ioc, [core, &closed] {
        core->closeAll();
        closed.set_value();
    });
    // Shutdown is the one place a bounded wait between threads is allowed (DESIGN.md "Threads").
    if (done.wait_for(std::chrono::seconds(2)) != std::future_status::ready)
        qWarning("control server: io thread did not close its sessions within 2 s");
    core->ioc.stop();
    m_thread.join();
    // Handlers never run still hold sessions; drop them here, with the thread gone.
    core->ioc.restart();
    m_core.reset();
}

} // namespace opswall::control
