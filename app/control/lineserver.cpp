#include "control/lineserver.h"

#include "control/lineprotocol.h"
#include "control/permissions.h"
#include "core/redact.h"

#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <QJsonDocument>

#include <array>
#include <deque>

namespace opswall::control::detail {

using tcp = asio::ip::tcp;

namespace {

class LineSession : public Closable, public std::enable_shared_from_this<LineSession> {
public:
    LineSession(std::shared_ptr<ServerCore> core, tcp::socket socket, Lease addressLease)
        : m_core(std::move(core))
        , m_socket(std::move(socket))
        , m_idle(m_core->ioc)
        , m_framer(m_core->config.lineMaxBytes)
        , m_stall(m_core->ioc)
        , m_addressLease(std::move(addressLease)) {
        boost::system::error_code ec;
        const auto ep = m_socket.remote_endpoint(ec);
        m_address = ec ? std::string("unknown") : ep.address().to_string();
        m_remote = ec ? QStringLiteral("unknown")
                      : QString::fromStdString(m_address + ":" + std::to_string(ep.port()));
        m_core->metrics.lineClients++;
    }
    ~LineSession() override { m_core->metrics.lineClients--; }

    void start() {
        write(QByteArrayLiteral("OK READY opswall line protocol 1; LOGIN <token>\r\n"));
        armIdle();
        read();
    }

    void closeNow() override {
        m_closed = true;
        boost::system::error_code ec;
        m_idle.cancel();
        m_stall.cancel();
        m_socket.close(ec);
        m_out.clear();
        m_outBytes = 0;
        m_tokenLease.reset();
        m_addressLease.reset();
    }

    std::string tokenId() const override { return m_tokenId; }

    void revoked() override {
        if (m_closed)
            return;
        m_caller.reset();
        m_tokenId.clear();
        m_lines.clear();
        write(lineErr(QStringLiteral("unauthorized"), QStringLiteral("token revoked")));
        closeAfterWrites();
    }

private:
    void armIdle() {
        m_idle.expires_after(std::chrono::milliseconds(m_core->config.lineIdleTimeoutMs));
        m_idle.async_wait([self = shared_from_this()](boost::system::error_code ec) {
            if (ec || self->m_closed)
                return;
            self->write(lineErr(QStringLiteral("timeout"), QStringLiteral("idle too long")));
            self->closeAfterWrites();
        });
    }

    void read() {
        if (m_closed || m_closeAfterWrite)
            return;
        if (m_outBytes > m_core->config.lineMaxOutputBytes) {
            m_readPaused = true; // resumes when the peer has taken its replies (writeNext)
            return;
        }
        m_socket.async_read_some(asio::buffer(m_in), [self = shared_from_this()](
                                                         boost::system::error_code ec,
                                                         std::size_t n) { self->onRead(ec, n); });
    }

    void onRead(boost::system::error_code ec, std::size_t n) {
        if (ec || m_closed)
            return closeNow();
        armIdle();
        for (const QByteArray &line : m_framer.feed(QByteArray(m_in.data(), qsizetype(n))))
            m_lines.push_back(line);
        if (m_framer.overflowed()) {
            m_lines.clear();
            write(lineErr(
                QStringLiteral("line_too_long"),
                QStringLiteral("lines are at most %1 bytes").arg(m_core->config.lineMaxBytes)));
            closeAfterWrites();
            return;
        }
        processNext();
    }

    // One command at a time, in order; reading resumes when all buffered lines are answered and
    // the replies not yet taken by the peer fit the bound (lineMaxOutputBytes).
    void processNext() {
        if (m_closed || m_busy)
            return;
        if (m_outBytes > m_core->config.lineMaxOutputBytes) {
            m_readPaused = true;
            return;
        }
        if (m_lines.empty())
            return read();
        const LineCommand cmd = parseLine(m_lines.front());
        m_lines.pop_front();
        m_core->metrics.lineCommands++;
        handle(cmd);
    }

    void answer(const QByteArray &reply) {
        m_busy = false;
        write(reply);
        if (!m_closeAfterWrite)
            processNext();
    }

    void handle(const LineCommand &cmd) {
        switch (cmd.kind) {
        case LineCommandKind::Empty:
            return processNext();
        case LineCommandKind::Error:
            return answer(lineErr(cmd.errorCode, cmd.errorMessage));
        case LineCommandKind::Ping:
            return answer(lineOk(QStringLiteral("PONG")));
        case LineCommandKind::Help:
            return answer(lineHelp());
        case LineCommandKind::Quit:
            closeAfterWrites();
            return answer(lineOk(QStringLiteral("BYE")));
        case LineCommandKind::Login:
            return login(cmd.token);
        case LineCommandKind::Status:
        case LineCommandKind::Submit:
            break;
        case LineCommandKind::Invalid:
            return answer(lineErr(QStringLiteral("internal"), QStringLiteral("unparsed line")));
        }
        if (!m_caller)
            return answer(lineErr(QStringLiteral("unauthorized"), QStringLiteral("LOGIN first")));
        // STATUS is a read: checked here against the table, as the HTTP session checks its reads
        // (a link token, app/nodes, may read nothing). Actions are checked where they are applied.
        if (cmd.kind == LineCommandKind::Status &&
            !roleAllows(m_caller->role, QStringLiteral("state.read"))) {
            const QString why =
                QStringLiteral("role '%1' may not state.read").arg(roleName(m_caller->role));
            m_core->auditRefusal(m_address, m_remote, QStringLiteral("line"), 403,
                                 QStringLiteral("STATUS"), why, m_caller);
            return answer(lineErr(QStringLiteral("forbidden"), why));
        }
        const std::int64_t now = ServerCore::nowMs();
        if (!m_core->limiter.allow(m_rateKey, now))
            return answer(lineErr(QStringLiteral("rate_limited"),
                                  QStringLiteral("too many commands; slow down")));
        m_busy = true;
        auto self = shared_from_this();
        auto onReply = [self](Reply r) { self->answer(r.body); };
        if (cmd.kind == LineCommandKind::Status) {
            return m_core->onGui(
                [](ControlService &svc, ServerCore::ReplyFn reply) {
                    QJsonObject status =
                        svc.sink() ? svc.sink()->snapshot(QStringLiteral("status")) : QJsonObject();
                    const auto lock = svc.lock().current(svc.nowMs());
                    status.insert(QStringLiteral("locked"), bool(lock));
                    if (lock)
                        status.insert(QStringLiteral("lockedBy"), lock->holder);
                    reply(Reply{
                        200, lineOk(QStringLiteral("STATUS"), flatKeyValues(redactJson(status)))});
                },
                lineReply(onReply));
        }
        m_core->onGui(
            [action = cmd.action, caller = *m_caller, verb = cmd.verb](ControlService &svc,
                                                                       ServerCore::ReplyFn reply) {
                svc.execute(action, caller, [reply, verb](ActionResult r) {
                    reply(Reply{200, r.ok ? lineOk(verb, flatKeyValues(redactJson(r.data)))
                                          : lineErr(r.code, redactText(r.message))});
                });
            },
            lineReply(onReply));
    }

    // A 504/503 from the core arrives as a JSON error; turn it into a line.
    static std::function<void(Reply)> lineReply(std::function<void(Reply)> next) {
        return [next = std::move(next)](Reply r) {
            if (r.status != 200) {
                const QJsonObject e = QJsonDocument::fromJson(r.body).object();
                r.body = lineErr(e.value(QStringLiteral("code")).toString(),
                                 e.value(QStringLiteral("message")).toString());
            }
            next(std::move(r));
        };
    }

    void login(const QString &token) {
        const std::int64_t now = ServerCore::nowMs();
        const std::string ipKey = m_core->ipKey(m_address);
        if (!m_core->limiter.allow(ipKey, now))
            return answer(lineErr(QStringLiteral("rate_limited"),
                                  QStringLiteral("too many attempts; slow down")));
        const auto who =
            m_core->service ? m_core->service->tokens().authenticate(token) : std::nullopt;
        if (!who) {
            m_core->metrics.authFailures++;
            m_caller.reset();
            m_tokenId.clear();
            m_tokenLease.reset();
            m_core->auditRefusal(m_address, m_remote, QStringLiteral("line"), 401,
                                 QStringLiteral("LOGIN"),
                                 QStringLiteral("unknown or revoked token"));
            return answer(lineErr(QStringLiteral("unauthorized"),
                                  QStringLiteral("unknown or revoked token")));
        }
        const std::string id = who->id.toStdString();
        if (id != m_tokenId) {
            m_tokenLease.reset();
            m_tokenLease = m_core->leaseToken(id);
            if (!m_tokenLease) {
                m_caller.reset();
                m_tokenId.clear();
                return answer(lineErr(QStringLiteral("too_many_sessions"),
                                      QStringLiteral("this token has %1 open sessions already")
                                          .arg(m_core->config.maxSessionsPerToken)));
            }
        }
        m_tokenId = id;
        m_caller = Caller{who->name, who->role, m_remote, QStringLiteral("line")};
        m_rateKey = "token:" + who->id.toStdString();
        answer(lineOk(QStringLiteral("LOGIN"), who->name + u' ' + roleName(who->role)));
    }

    void write(const QByteArray &bytes) {
        if (m_closed)
            return;
        m_out.push_back(bytes.toStdString());
        m_outBytes += std::size_t(bytes.size());
        if (m_out.size() == 1)
            writeNext();
        if (m_outBytes > m_core->config.lineMaxOutputBytes)
            armStall();
    }

    // The last reply is queued: close when it is taken, or after the stall bound when it is not.
    void closeAfterWrites() {
        m_closeAfterWrite = true;
        armStall();
    }

    // The peer takes nothing while its replies pile up: it is gone or hostile. Close.
    void armStall() {
        if (m_stallArmed)
            return;
        m_stallArmed = true;
        m_stall.expires_after(std::chrono::milliseconds(m_core->config.lineStallTimeoutMs));
        m_stall.async_wait([self = shared_from_this()](boost::system::error_code ec) {
            if (ec || self->m_closed)
                return; // cancelled: whoever cancelled cleared m_stallArmed
            self->m_stallArmed = false;
            // Still paused (reading resumes only once the replies have drained to half the
            // bound), or still waiting to deliver its last reply: the peer took nothing.
            if (self->m_readPaused || self->m_outBytes > self->m_core->config.lineMaxOutputBytes ||
                self->m_closeAfterWrite) {
                self->m_core->metrics.lineClientsStalled++;
                self->closeNow();
            }
        });
    }

    void writeNext() {
        asio::async_write(m_socket, asio::buffer(m_out.front()),
                          [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                              if (ec || self->m_closed)
                                  return self->closeNow();
                              self->m_outBytes -= self->m_out.front().size();
                              self->m_out.pop_front();
                              if (self->m_readPaused &&
                                  self->m_outBytes <= self->m_core->config.lineMaxOutputBytes / 2) {
                                  self->m_readPaused = false;
                                  if (!self->m_closeAfterWrite) {
                                      self->m_stallArmed = false;
                                      self->m_stall.cancel();
                                  }
                                  asio::post(self->m_core->ioc, [self] { self->processNext(); });
                              }
                              if (!self->m_out.empty())
                                  return self->writeNext();
                              if (self->m_closeAfterWrite) {
                                  boost::system::error_code ignored;
                                  self->m_socket.shutdown(tcp::socket::shutdown_send, ignored);
                                  self->closeNow();
                              }
                          });
    }

    std::shared_ptr<ServerCore> m_core;
    tcp::socket m_socket;
    asio::steady_timer m_idle;
    LineFramer m_framer;
    std::array<char, 2048> m_in{};
    std::deque<QByteArray> m_lines;
    std::deque<std::string> m_out;
    std::size_t m_outBytes = 0;
    asio::steady_timer m_stall;
    bool m_stallArmed = false;
    bool m_readPaused = false;
    Lease m_addressLease;
    Lease m_tokenLease;
    std::string m_tokenId;
    std::optional<Caller> m_caller;
    std::string m_rateKey;
    std::string m_address;
    QString m_remote;
    bool m_busy = false;
    bool m_closed = false;
    bool m_closeAfterWrite = false;
};

void accept(const std::shared_ptr<ServerCore> &core, std::shared_ptr<tcp::acceptor> acceptor) {
    acceptor->async_accept(core->ioc, [core, acceptor](boost::system::error_code ec,
                                                       tcp::socket socket) {
        if (ec == asio::error::operation_aborted || !acceptor->is_open())
            return;
        if (!ec) {
            boost::system::error_code aec;
            const auto ep = socket.remote_endpoint(aec);
            Lease lease;
            if (core->metrics.lineClients.load() >= core->config.maxConnections ||
                !(lease = core->leaseAddress(aec ? std::string("unknown")
                                                 : ep.address().to_string()))) {
                core->metrics.connectionsRefused++;
                socket.close(ec);
            } else {
                auto s = std::make_shared<LineSession>(core, std::move(socket), std::move(lease));
                core->track(s);
                s->start();
            }
        }
        accept(core, acceptor);
    });
}

} // namespace

void runLineAcceptor(const std::shared_ptr<ServerCore> &core, asio::ip::tcp::acceptor acceptor) {
    auto a = std::make_shared<tcp::acceptor>(std::move(acceptor));
    core->ownAcceptor(a);
    accept(core, a);
}

} // namespace opswall::control::detail
