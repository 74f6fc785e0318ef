#include "control/apisession.h"

#include "control/apisession_ws.h"
#include "control/permissions.h"
#include "control/router.h"

#include "control/openapi.h"
#include "core/redact.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include <QFile>
#include <QJsonDocument>
#include <QUrlQuery>

#include <deque>

// The control API's HTTP sessions and acceptor; the WebSocket event stream an HTTP session
// upgrades to is in apisession_ws.cpp.
namespace opswall::control::detail {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

namespace {

QByteArray toQt(beast::string_view s) {
    return QByteArray(s.data(), qsizetype(s.size()));
}

std::string remoteOf(const tcp::socket &s) {
    boost::system::error_code ec;
    const auto ep = s.remote_endpoint(ec);
    if (ec)
        return "unknown";
    return ep.address().is_v6() ? "[" + ep.address().to_string() + "]:" + std::to_string(ep.port())
                                : ep.address().to_string() + ":" + std::to_string(ep.port());
}

std::string addressOf(const tcp::socket &s) {
    boost::system::error_code ec;
    const auto ep = s.remote_endpoint(ec);
    return ec ? std::string("unknown") : ep.address().to_string();
}

// Bearer token from "Authorization: Bearer ..." or, for browsers' WebSocket (which cannot set
// headers), "?access_token=..." on the events route only (a token in a URL ends up in logs and
// browser history; everywhere else it is refused before anything else is looked at).
QString bearerOf(const Request &req, const QUrlQuery &query, bool queryAllowed) {
    const auto it = req.find(http::field::authorization);
    if (it != req.end()) {
        const QByteArray v = toQt(it->value()).trimmed();
        if (v.size() > 7 && v.left(7).compare("Bearer ", Qt::CaseInsensitive) == 0)
            return QString::fromLatin1(v.mid(7).trimmed());
        return {};
    }
    return queryAllowed ? query.queryItemValue(QStringLiteral("access_token")) : QString();
}

QByteArray compact(const QJsonObject &o) {
    return QJsonDocument(redactJson(o)).toJson(QJsonDocument::Compact);
}

// A file of the presenter page, from the resources the briefing layer compiles in.
Reply presenterFile(const QString &name) {
    QFile f(QStringLiteral(":/opswall/present/") + name);
    if (!f.open(QIODevice::ReadOnly))
        return jsonError(404, QStringLiteral("not_found"), QStringLiteral("no such page"));
    QByteArray type = "application/octet-stream";
    if (name.endsWith(QLatin1String(".html")))
        type = "text/html; charset=utf-8";
    else if (name.endsWith(QLatin1String(".js")))
        type = "text/javascript; charset=utf-8";
    else if (name.endsWith(QLatin1String(".css")))
        type = "text/css; charset=utf-8";
    else if (name.endsWith(QLatin1String(".svg")))
        type = "image/svg+xml";
    return Reply{200, f.read(1024 * 1024), type};
}

// ---------------------------------------------------------------------------------------------
// HTTP session: one request at a time (no pipelining), keep-alive, bounded header/body/time.

template<class Stream>
class HttpSession : public Closable, public std::enable_shared_from_this<HttpSession<Stream>> {
public:
    HttpSession(std::shared_ptr<ServerCore> core, Stream &&stream, std::string remote,
                std::string address, Lease addressLease)
        : m_core(std::move(core))
        , m_stream(std::move(stream))
        , m_remote(std::move(remote))
        , m_address(std::move(address))
        , m_addressLease(std::move(addressLease)) {
        m_core->metrics.httpConnections++;
    }
    ~HttpSession() override { m_core->metrics.httpConnections--; }

    void run() {
        beast::get_lowest_layer(m_stream).expires_after(
            std::chrono::milliseconds(m_core->config.requestTimeoutMs));
        if constexpr (std::is_same_v<Stream, TlsStream>) {
            m_stream.async_handshake(asio::ssl::stream_base::server,
                                     [self = this->shared_from_this()](beast::error_code ec) {
                                         if (!ec)
                                             self->readRequest();
                                     });
        } else {
            readRequest();
        }
    }

    void closeNow() override {
        m_closed = true;
        beast::get_lowest_layer(m_stream).close();
        m_addressLease.reset();
    }

private:
    void readRequest() {
        if (m_closed)
            return;
        m_parser.emplace();
        m_parser->header_limit(std::uint32_t(m_core->config.maxHeaderBytes));
        m_parser->body_limit(m_core->config.maxBodyBytes);
        beast::get_lowest_layer(m_stream).expires_after(
            std::chrono::milliseconds(m_core->config.requestTimeoutMs));
        http::async_read(m_stream, m_buffer, *m_parser,
                         [self = this->shared_from_this()](beast::error_code ec, std::size_t n) {
                             self->onRead(ec, n);
                         });
    }

    void onRead(beast::error_code ec, std::size_t bytes) {
        if (ec == http::error::end_of_stream || ec == asio::error::operation_aborted || m_closed)
            return shutdown();
        if (ec == beast::error::timeout) {
            // The stream is closed already. An idle keep-alive connection just ends; a client that
            // sent part of a request and no more within the limit is counted as cut off.
            if (m_parser->got_some() || m_buffer.size() > 0)
                m_core->metrics.slowClientsCut++;
            return;
        }
        if (ec == http::error::body_limit)
            return fail(jsonError(413, QStringLiteral("too_large"),
                                  QStringLiteral("request body is larger than %1 bytes")
                                      .arg(m_core->config.maxBodyBytes)));
        if (ec == http::error::header_limit)
            return fail(jsonError(431, QStringLiteral("headers_too_large"),
                                  QStringLiteral("request headers are larger than %1 bytes")
                                      .arg(m_core->config.maxHeaderBytes)));
        if (ec) {
            if (bytes == 0 && m_buffer.size() == 0)
                return shutdown();
            return fail(jsonError(400, QStringLiteral("bad_request"),
                                  QStringLiteral("malformed HTTP request: %1")
                                      .arg(QString::fromStdString(ec.message()))));
        }
        m_started = std::chrono::steady_clock::now();
        m_req = m_parser->release();
        beast::get_lowest_layer(m_stream).expires_never();
        handle();
    }

    void handle() {
        const QByteArray target = toQt(m_req.target());
        const QByteArray method = toQt(m_req.method_string());
        m_keepAlive = m_req.keep_alive();
        Route r = route(method, target, QByteArray::fromStdString(m_req.body()));
        if (r.kind == RouteKind::Error)
            return send(Reply{r.error.status, r.error.toJson()});
        if (r.kind == RouteKind::Events && !websocket::is_upgrade(m_req))
            return send(jsonError(426, QStringLiteral("upgrade_required"),
                                  QStringLiteral("/api/v1/events is a WebSocket")));
        if (r.kind != RouteKind::Events && websocket::is_upgrade(m_req))
            return send(jsonError(400, QStringLiteral("bad_request"),
                                  QStringLiteral("only /api/v1/events takes a WebSocket")));
        if (r.kind != RouteKind::Events && r.query.hasQueryItem(QStringLiteral("access_token")))
            return send(jsonError(400, QStringLiteral("bad_request"),
                                  QStringLiteral("access_token is accepted on /api/v1/events "
                                                 "only; send 'Authorization: Bearer <token>'"),
                                  QStringLiteral("access_token")));

        std::optional<TokenInfo> who;
        const std::int64_t now = ServerCore::nowMs();
        const QString bearer = bearerOf(m_req, r.query, r.kind == RouteKind::Events);
        // Health answers everyone that the process is alive; its details need a token.
        const bool wantsToken =
            r.needsToken() || (r.kind == RouteKind::Health && !bearer.isEmpty());
        const QString what =
            QString::fromLatin1(method.left(16)) + u' ' +
            QString::fromLatin1(
                target.left(target.indexOf('?') < 0 ? target.size() : target.indexOf('?'))
                    .left(200));
        if (wantsToken) {
            const std::string ipKey = m_core->ipKey(m_address);
            if (bearer.isEmpty() || !m_core->service) {
                m_core->metrics.authFailures++;
                if (!m_core->limiter.allow(ipKey, now))
                    return rateLimited(ipKey, now);
                refused(401, what, QStringLiteral("no token"));
                return send(jsonError(401, QStringLiteral("unauthorized"),
                                      QStringLiteral("send 'Authorization: Bearer <token>'")));
            }
            who = m_core->service->tokens().authenticate(bearer); // thread-safe by design
            if (!who) {
                m_core->metrics.authFailures++;
                if (!m_core->limiter.allow(ipKey, now)) // slows token guessing
                    return rateLimited(ipKey, now);
                refused(401, what, QStringLiteral("unknown or revoked token"));
                return send(jsonError(401, QStringLiteral("unauthorized"),
                                      QStringLiteral("unknown or revoked token")));
            }
        }
        const std::string key = who ? "token:" + who->id.toStdString() : m_core->ipKey(m_address);
        if (!m_core->limiter.allow(key, now))
            return rateLimited(key, now);

        Caller caller;
        if (who)
            caller = Caller{who->name, who->role, QString::fromStdString(m_remote),
                            QStringLiteral("api")};
        // Reads are checked here against the table; actions are not: each is checked once, with
        // the lock, where it is applied on the GUI thread (the dispatcher; ControlService::execute
        // for lock.* and token.*).
        if (r.kind != RouteKind::Submit && r.needsToken() &&
            !roleAllows(caller.role, r.permission)) {
            const QString why =
                QStringLiteral("role '%1' may not %2").arg(roleName(caller.role), r.permission);
            refused(403, what, why, caller);
            return send(jsonError(403, QStringLiteral("forbidden"), why));
        }
        // A node's or standby's link token may do nothing here but what anyone may (app/nodes).
        if (r.kind == RouteKind::Health && (!who || isLinkRole(who->role)))
            return send(Reply{200, QByteArrayLiteral(R"({"status":"ok"})")});

        auto self = this->shared_from_this();
        auto onReply = [self](Reply reply) { self->send(std::move(reply)); };
        switch (r.kind) {
        case RouteKind::Health:
            return m_core->onGui(
                [core = m_core](ControlService &svc, ServerCore::ReplyFn reply) {
                    reply(Reply{200, compact(core->healthJson(svc))});
                },
                onReply);
        case RouteKind::OpenApi:
            return send(Reply{200, openApiYaml(), "application/yaml"});
        case RouteKind::Metrics:
            return m_core->onGui(
                [core = m_core](ControlService &svc, ServerCore::ReplyFn reply) {
                    svc.wallMetricsAsync(
                        [reply, api = formatPrometheus(core->metrics, core->healthJson(svc))](
                            const QByteArray &wall) {
                            reply(Reply{200, api + wall, "text/plain; version=0.0.4"});
                        });
                },
                onReply);
        case RouteKind::Events:
            return upgrade(caller, who ? who->id.toStdString() : std::string());
        case RouteKind::Snapshot:
            return m_core->onGui(
                [what = r.snapshot](ControlService &svc, ServerCore::ReplyFn reply) {
                    auto answer = [what, reply](const QJsonObject &o) {
                        if (o.isEmpty())
                            return reply(jsonError(404, QStringLiteral("not_found"),
                                                   QStringLiteral("nothing at '%1'").arg(what)));
                        reply(Reply{200, compact(o)});
                    };
                    // Presets and briefings: read on a worker thread's reader connection.
                    if (ActionSink::StoreRead read =
                            svc.sink() ? svc.sink()->storeRead(what) : ActionSink::StoreRead())
                        return svc.readAsync(std::move(read),
                                             [answer, reply](QJsonObject o, std::exception_ptr e) {
                                                 if (e)
                                                     return reply(storeUnavailableReply(e));
                                                 answer(o);
                                             });
                    answer(svc.sink() ? svc.sink()->snapshot(what) : QJsonObject());
                },
                onReply);
        case RouteKind::ControlRead:
            return m_core->onGui(
                [what = r.controlRead, query = r.query](ControlService &svc,
                                                        ServerCore::ReplyFn reply) {
                    if (what == QLatin1String("audit.verify"))
                        return verifyAudit(svc, query, std::move(reply));
                    if (what == QLatin1String("audit.query"))
                        return queryAudit(svc, query, std::move(reply));
                    if (what == QLatin1String("audit.layout"))
                        return auditLayout(svc, query, std::move(reply));
                    reply(controlRead(svc, what));
                },
                onReply);
        case RouteKind::Submit:
            return m_core->onGui(
                [action = r.action, caller, ok = r.successStatus](ControlService &svc,
                                                                  ServerCore::ReplyFn reply) {
                    svc.execute(action, caller,
                                [reply, ok](ActionResult res) { reply(fromResult(res, ok)); });
                },
                onReply);
        case RouteKind::OutputImage:
            return m_core->onGui(
                [index = r.outputIndex, width = r.widthPx](ControlService &svc,
                                                           ServerCore::ReplyFn reply) {
                    if (!svc.sink())
                        return reply(jsonError(503, QStringLiteral("unavailable"),
                                               QStringLiteral("the wall is not running")));
                    svc.sink()->outputSnapshot(index, width,
                                               [reply](ActionResult res, QByteArray jpeg) {
                                                   if (!res.ok)
                                                       return reply(fromResult(res, 200));
                                                   reply(Reply{200, std::move(jpeg), "image/jpeg"});
                                               });
                },
                onReply);
        case RouteKind::Render:
            return m_core->onGui(
                [what = r.snapshot](ControlService &svc, ServerCore::ReplyFn reply) {
                    if (!svc.sink())
                        return reply(jsonError(503, QStringLiteral("unavailable"),
                                               QStringLiteral("the wall is not running")));
                    svc.sink()->render(what, [reply](ActionSink::Rendered out) {
                        reply(Reply{out.status, std::move(out.body), std::move(out.contentType)});
                    });
                },
                onReply);
        case RouteKind::Static:
            return send(presenterFile(r.snapshot));
        case RouteKind::Error:
        case RouteKind::Invalid:
            break;
        }
        send(jsonError(500, QStringLiteral("internal"), QStringLiteral("unrouted request")));
    }

    static std::optional<std::int64_t> timeParam(const QUrlQuery &q, const char *name,
                                                 QString *error) {
        const QString v = q.queryItemValue(QLatin1String(name));
        if (v.isEmpty())
            return std::nullopt;
        bool isNumber = false;
        const qint64 ms = v.toLongLong(&isNumber);
        if (isNumber)
            return ms;
        const QDateTime t = QDateTime::fromString(v, Qt::ISODateWithMs);
        if (!t.isValid()) {
            *error = QString::fromLatin1(name);
            return std::nullopt;
        }
        return t.toMSecsSinceEpoch();
    }

    // GUI thread; the chain is walked on a worker thread (ControlService::verifyAuditAsync).
    // ?anchorId=&anchorHash=[&anchorTimeMs=&anchorMac=]: also check an outside anchor (wallctl
    // audit verify --anchor FILE).
    static void verifyAudit(ControlService &svc, const QUrlQuery &q, ServerCore::ReplyFn reply) {
        std::optional<AuditAnchor> anchor;
        if (q.hasQueryItem(QStringLiteral("anchorId"))) {
            QJsonObject o;
            bool ok = false;
            const qint64 id = q.queryItemValue(QStringLiteral("anchorId")).toLongLong(&ok);
            o.insert(QStringLiteral("id"), double(ok ? id : -1));
            o.insert(QStringLiteral("hash"), q.queryItemValue(QStringLiteral("anchorHash")));
            o.insert(QStringLiteral("timeMs"),
                     q.queryItemValue(QStringLiteral("anchorTimeMs")).toDouble());
            o.insert(QStringLiteral("mac"), q.queryItemValue(QStringLiteral("anchorMac")));
            anchor = AuditAnchor::fromJson(o);
            if (!anchor)
                return reply(jsonError(400, QStringLiteral("invalid"),
                                       QStringLiteral("anchorId must be a row number and "
                                                      "anchorHash 64 hex digits"),
                                       QStringLiteral("anchorHash")));
        }
        svc.verifyAuditAsync(std::move(anchor), [reply](const AuditVerification &v) {
            reply(Reply{200, QJsonDocument(v.toJson()).toJson(QJsonDocument::Compact)});
        });
    }

    // GUI thread.
    static Reply controlRead(ControlService &svc, const QString &what) {
        auto json = [](const QJsonObject &o) { return Reply{200, compact(o)}; };
        if (what == QLatin1String("lock"))
            return json(svc.lock().toJson(svc.nowMs()));
        if (what == QLatin1String("tokens"))
            return json(QJsonObject{{QStringLiteral("items"), svc.tokens().list()}});
        if (what == QLatin1String("permissions"))
            return json(QJsonObject{{QStringLiteral("items"), permissionTableJson()}});
        return jsonError(404, QStringLiteral("not_found"),
                         QStringLiteral("nothing at '%1'").arg(what));
    }

    // GUI thread; the rows are read on a worker thread with a reader connection of its own
    // (ControlService::readAsync), and the reply comes from there.
    static void queryAudit(ControlService &svc, const QUrlQuery &q, ServerCore::ReplyFn reply) {
        QString bad;
        AuditQuery aq;
        if (auto from = timeParam(q, "from", &bad))
            aq.fromMs = *from;
        if (auto to = timeParam(q, "to", &bad))
            aq.toMs = *to;
        if (!bad.isEmpty())
            return reply(jsonError(400, QStringLiteral("invalid"),
                                   QStringLiteral("'%1' must be an ISO time or epoch ms").arg(bad),
                                   bad));
        aq.actionPrefix = q.queryItemValue(QStringLiteral("action")).left(64);
        if (q.hasQueryItem(QStringLiteral("limit"))) {
            bool ok = false;
            aq.limit = q.queryItemValue(QStringLiteral("limit")).toInt(&ok);
            if (!ok || aq.limit < 1 || aq.limit > 5000)
                return reply(jsonError(400, QStringLiteral("invalid"),
                                       QStringLiteral("'limit' must be 1..5000"),
                                       QStringLiteral("limit")));
        }
        aq.newestFirst = q.queryItemValue(QStringLiteral("order")) == QLatin1String("desc");
        svc.readAsync(
            [aq](store::Database &db) {
                return QJsonObject{{QStringLiteral("items"), AuditLog::queryJsonOn(db, aq)}};
            },
            [reply](QJsonObject answer, std::exception_ptr error) {
                reply(error ? storeUnavailableReply(error) : Reply{200, compact(answer)});
            });
    }

    // GUI thread; the change and the layout it made (the sink's "audit-layout" read) are read on a
    // worker thread's reader connection, and the reply comes from there.
    static void auditLayout(ControlService &svc, const QUrlQuery &q, ServerCore::ReplyFn reply) {
        QString bad;
        const auto at = timeParam(q, "at", &bad);
        if (!at)
            return reply(jsonError(400, QStringLiteral("invalid"),
                                   QStringLiteral("'at' must be an ISO time or epoch ms"),
                                   QStringLiteral("at")));
        ActionSink::StoreRead read =
            svc.sink() ? svc.sink()->storeRead(QStringLiteral("audit-layout:%1").arg(*at))
                       : ActionSink::StoreRead();
        if (!read) // no wall behind the API: the change alone
            read = [atMs = *at](store::Database &db) {
                const auto e = AuditLog::lastLayoutChangeOn(db, atMs);
                return e ? QJsonObject{{QStringLiteral("change"), e->toJson()}} : QJsonObject();
            };
        svc.readAsync(std::move(read), [reply](QJsonObject answer, std::exception_ptr error) {
            if (error)
                return reply(storeUnavailableReply(error));
            if (answer.isEmpty())
                return reply(jsonError(404, QStringLiteral("not_found"),
                                       QStringLiteral("no layout change at or before that time")));
            reply(Reply{200, compact(answer)});
        });
    }

    // A 401 or a refused read, for the audit (coalesced per address and minute by the core).
    void refused(int status, const QString &what, const QString &message,
                 const std::optional<Caller> &caller = std::nullopt) {
        m_core->auditRefusal(m_address, QString::fromStdString(m_remote), QStringLiteral("api"),
                             status, what, message, caller);
    }

    void upgrade(const Caller &caller, const std::string &tokenId) {
        Lease tokenLease = m_core->leaseToken(tokenId);
        if (!tokenLease) {
            m_keepAlive = false;
            return send(jsonError(
                429, QStringLiteral("too_many_sessions"),
                QStringLiteral("this token has %1 open sessions already (maxSessionsPerToken)")
                    .arg(m_core->config.maxSessionsPerToken)));
        }
        QJsonObject hello{{QStringLiteral("type"), QStringLiteral("hello")},
                          {QStringLiteral("user"), caller.user},
                          {QStringLiteral("role"), roleName(caller.role)}};
        m_core->metrics.recordRequest(101, elapsedMs());
        runWsSession(m_core, std::move(m_stream), hello, tokenId,
                     std::vector<Lease>{std::move(m_addressLease), std::move(tokenLease)},
                     std::move(m_req));
        m_closed = true; // the stream moved on; this session ends here
    }

    void rateLimited(const std::string &key, std::int64_t now) {
        m_core->metrics.rateLimited++;
        Reply r = jsonError(429, QStringLiteral("rate_limited"),
                            QStringLiteral("too many requests; slow down"));
        r.retryAfterSeconds = int((m_core->limiter.retryAfterMs(key, now) + 999) / 1000);
        send(std::move(r));
    }

    double elapsedMs() const {
        return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() -
                                                         m_started)
            .count();
    }

    void fail(Reply reply) {
        m_keepAlive = false;
        m_started = std::chrono::steady_clock::now();
        send(std::move(reply));
    }

    void send(Reply reply) {
        if (m_closed)
            return;
        m_core->metrics.recordRequest(reply.status, elapsedMs());
        auto res = std::make_shared<http::response<http::string_body>>(
            http::status(unsigned(reply.status)), 11);
        res->set(http::field::server, "opswall");
        res->set(http::field::content_type, reply.contentType.toStdString());
        res->set(http::field::cache_control, "no-store");
        res->set("X-Content-Type-Options", "nosniff");
        if (reply.status == 401)
            res->set(http::field::www_authenticate, "Bearer");
        if (reply.retryAfterSeconds > 0)
            res->set(http::field::retry_after, std::to_string(reply.retryAfterSeconds));
        res->body() = reply.body.toStdString();
        res->keep_alive(m_keepAlive && reply.status < 500);
        res->prepare_payload();
        beast::get_lowest_layer(m_stream).expires_after(
            std::chrono::milliseconds(m_core->config.requestTimeoutMs));
        http::async_write(
            m_stream, *res,
            [self = this->shared_from_this(), res](beast::error_code ec, std::size_t) {
                if (ec)
                    return self->closeNow();
                if (!res->keep_alive())
                    return self->shutdown();
                self->readRequest();
            });
    }

    void shutdown() {
        if (m_closed)
            return;
        if constexpr (std::is_same_v<Stream, TlsStream>) {
            beast::get_lowest_layer(m_stream).expires_after(std::chrono::seconds(2));
            m_stream.async_shutdown(
                [self = this->shared_from_this()](beast::error_code) { self->closeNow(); });
        } else {
            beast::error_code ec;
            m_stream.socket().shutdown(tcp::socket::shutdown_send, ec);
            m_closed = true;
        }
    }

    std::shared_ptr<ServerCore> m_core;
    Stream m_stream;
    std::string m_remote;
    std::string m_address;
    Lease m_addressLease; // handed on to the WebSocket on upgrade
    beast::flat_buffer m_buffer;
    std::optional<http::request_parser<http::string_body>> m_parser;
    Request m_req;
    bool m_keepAlive = false;
    bool m_closed = false;
    std::chrono::steady_clock::time_point m_started = std::chrono::steady_clock::now();
};

void accept(const std::shared_ptr<ServerCore> &core, std::shared_ptr<tcp::acceptor> acceptor) {
    acceptor->async_accept(core->ioc, [core, acceptor](beast::error_code ec, tcp::socket socket) {
        if (ec == asio::error::operation_aborted || !acceptor->is_open())
            return;
        if (!ec) {
            const std::string address = addressOf(socket);
            Lease lease;
            if (core->metrics.httpConnections.load() + core->metrics.wsClients.load() >=
                    core->config.maxConnections ||
                !(lease = core->leaseAddress(address))) {
                // Over the global or this address's limit: refuse at once rather than queue.
                core->metrics.connectionsRefused++;
                socket.close(ec);
            } else {
                socket.set_option(tcp::no_delay(true), ec);
                const std::string remote = remoteOf(socket);
                if (core->tls) {
                    auto s = std::make_shared<HttpSession<TlsStream>>(
                        core, TlsStream(beast::tcp_stream(std::move(socket)), *core->tls), remote,
                        address, std::move(lease));
                    core->track(s);
                    s->run();
                } else {
                    auto s = std::make_shared<HttpSession<PlainStream>>(
                        core, PlainStream(std::move(socket)), remote, address, std::move(lease));
                    core->track(s);
                    s->run();
                }
            }
        }
        accept(core, acceptor);
    });
}

} // namespace

void runHttpAcceptor(const std::shared_ptr<ServerCore> &core, asio::ip::tcp::acceptor acceptor) {
    auto a = std::make_shared<tcp::acceptor>(std::move(acceptor));
    core->ownAcceptor(a);
    accept(core, a);
}

} // namespace opswall::control::detail
