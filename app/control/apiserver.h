#pragma once
// The control servers: the HTTP/1.1 JSON API with its WebSocket event stream (Boost.Beast) and
// the line protocol for AV control systems, all on ONE io thread ("opswall-io") with its own
// io_context. Requests reach the wall through ControlService on the GUI thread by queued calls;
// answers come back by asio::post. Nothing blocks either thread.
//
//   control::ControlServer server(config, &controlService);
//   QString error;
//   if (!server.start(&error)) { qCritical() << error; return 1; }   // binds, starts the thread
//   ... app.exec() ...
//   server.stop();                      // bounded (about 2 s at most); also done by the destructor
//
// start() and stop() belong to the GUI thread (the thread of ControlService).

#include "control/metrics.h"
#include "control/serverconfig.h"

#include <QMetaObject>
#include <QString>

#include <cstdint>
#include <memory>
#include <thread>

namespace opswall::control {

class ControlService;
namespace detail {
struct ServerCore;
}

class ControlServer {
public:
    ControlServer(ServerConfig config, ControlService *service);
    ~ControlServer();
    ControlServer(const ControlServer &) = delete;
    ControlServer &operator=(const ControlServer &) = delete;

    bool start(QString *error);
    void stop();
    bool isRunning() const { return m_thread.joinable(); }

    std::uint16_t httpPort() const { return m_httpPort; }
    std::uint16_t linePort() const { return m_linePort; }
    QString baseUrl() const; // "http://127.0.0.1:8470" or https://...
    const ServerMetrics &metrics() const;
    const ServerConfig &config() const { return m_config; }

private:
    ServerConfig m_config;
    ControlService *m_service;
    std::shared_ptr<detail::ServerCore> m_core;
    std::thread m_thread;
    int m_listenerId = 0;
    QMetaObject::Connection m_revokeConnection; // ControlService::tokenRevoked -> closeToken
    std::uint16_t m_httpPort = 0;
    std::uint16_t m_linePort = 0;
};

} // namespace opswall::control
