#pragma once
// Internal: the HTTP/WebSocket acceptor of the control API (Boost.Beast), io thread only.

#include "control/servercore.h"

#include <boost/asio/ip/tcp.hpp>

namespace opswall::control::detail {

// Accepts connections until the core closes; each gets an HTTP session (TLS when core.tls is set)
// that may upgrade to the WebSocket event stream on GET /api/v1/events.
void runHttpAcceptor(const std::shared_ptr<ServerCore> &core, asio::ip::tcp::acceptor acceptor);

} // namespace opswall::control::detail
