#pragma once
// Internal: the WebSocket event stream of the control API (Boost.Beast), io thread only. The HTTP
// session (apisession.cpp) hands its connection over when GET /api/v1/events upgrades.

#include "control/servercore.h"

#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <QJsonObject>

#include <memory>
#include <string>
#include <vector>

namespace opswall::control::detail {

using PlainStream = boost::beast::tcp_stream;
using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;
using Request = boost::beast::http::request<boost::beast::http::string_body>;

// Accepts the upgrade req on stream and streams the events: hello first, then every broadcast,
// from a bounded queue (a client that falls behind is dropped). leases are the connection's slots
// (its address's and its token's), held until it closes.
void runWsSession(const std::shared_ptr<ServerCore> &core, PlainStream &&stream, QJsonObject hello,
                  std::string tokenId, std::vector<Lease> leases, Request req);
void runWsSession(const std::shared_ptr<ServerCore> &core, TlsStream &&stream, QJsonObject hello,
                  std::string tokenId, std::vector<Lease> leases, Request req);

} // namespace opswall::control::detail
