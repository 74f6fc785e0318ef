#pragma once
// Internal: the line-protocol acceptor for AV control systems, io thread only.

#include "control/servercore.h"

#include <boost/asio/ip/tcp.hpp>

namespace opswall::control::detail {
void runLineAcceptor(const std::shared_ptr<ServerCore> &core, asio::ip::tcp::acceptor acceptor);
}
