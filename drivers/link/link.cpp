#include "link.h"

#include <boost/asio/post.hpp>

namespace opswall::drivers {

namespace asio = boost::asio;
using boost::system::error_code;
using Clock = std::chrono::steady_clock;

std::shared_ptr<Link> Link::create(asio::io_context &io, std::shared_ptr<Transport> transport,
                                   std::shared_ptr<const Protocol> protocol,
                                   LinkSettings settings) {
    std::shared_ptr<Link> link(
        new Link(io, std::move(transport), std::move(protocol), std::move(settings)));
    std::weak_ptr<Link> weak = link;
    link->m_transport->setReceiver(
        [weak](const std::uint8_t *data, std::size_t size) {
            if (auto self = weak.lock())
                self->onData(data, size);
        },
        [weak](const error_code &ec) {
            if (auto self = weak.lock())
                self->onClosed(ec);
        });
    return link;
}

Link::Link(asio::io_context &io, std::shared_ptr<Transport> transport,
           std::shared_ptr<const Protocol> protocol, LinkSettings settings)
    : m_io(io)
    , m_transport(std::move(transport))
    , m_protocol(std::move(protocol))
    , m_settings(std::move(settings))
    , m_timing(m_settings.timing.value_or(m_protocol->defaultTiming()))
    , m_framer(m_protocol->makeFramer())
    , m_deadline(io)
    , m_pause(io) {}

Link::~Link() {
    stop();
}

void Link::submit(Command command, Address to, Callback done) {
    if (m_stopped) {
        asio::post(m_io, [done] { done(Result::failure(Status::Cancelled, "link stopped")); });
        return;
    }
    Job job{std::move(command), to, std::move(done), {}, 0, {}, false, {}, {}};
    job.plan = m_protocol->plan(job.command, to);
    if (!job.plan.ok()) {
        asio::post(m_io, [job = std::move(job)] {
            job.done(Result::failure(job.plan.error, job.plan.why));
        });
        return;
    }
    m_queue.push_back(std::move(job));
    pump();
}

void Link::stop() {
    if (m_stopped)
        return;
    m_stopped = true;
    m_deadline.cancel();
    m_pause.cancel();
    m_transport->close();
    for (auto &job : m_queue)
        asio::post(m_io, [done = std::move(job.done)] {
            done(Result::failure(Status::Cancelled, "link stopped"));
        });
    m_queue.clear();
}

void Link::pump() {
    if (m_stopped || m_state != State::Idle)
        return;
    if (m_queue.empty()) {
        if (m_settings.connection == Connection::PerCommand && m_transport->isOpen()) {
            m_transport->close();
            m_session = {};
        }
        return;
    }
    const auto now = Clock::now();
    if (now < m_nextSendAt) {
        pauseThen(int(std::chrono::ceil<std::chrono::milliseconds>(m_nextSendAt - now).count()),
                  &Link::pump);
        return;
    }
    if (!m_transport->isOpen()) {
        connect();
        return;
    }
    sendStep();
}

void Link::pauseThen(int delayMs, void (Link::*next)()) {
    m_state = State::Pausing;
    m_pause.expires_after(std::chrono::milliseconds(delayMs));
    m_pause.async_wait([weak = weak_from_this(), next](const error_code &ec) {
        auto self = weak.lock();
        if (ec || !self || self->m_stopped)
            return;
        self->m_state = State::Idle;
        ((*self).*next)();
    });
}

void Link::armDeadline(int ms) {
    m_deadline.expires_after(std::chrono::milliseconds(ms));
    m_deadline.async_wait([weak = weak_from_this()](const error_code &ec) {
        auto self = weak.lock();
        if (!ec && self && !self->m_stopped)
            self->onReplyTimeout();
    });
}

void Link::connect() {
    m_state = State::Connecting;
    m_session = {};
    m_framer->reset();
    m_transport->open([weak = weak_from_this()](const error_code &ec) {
        if (auto self = weak.lock(); self && !self->m_stopped)
            self->onConnected(ec);
    });
}

void Link::onConnected(const error_code &ec) {
    if (ec) {
        const auto d = m_settings.reconnect.decide(LinkEvent::ConnectFailed, m_failures++);
        if (d.action == LinkAction::Reconnect) {
            ++m_stats.reconnects;
            pauseThen(d.delayMs, &Link::pump);
            return;
        }
        const int attempts = m_failures;
        m_failures = 0;
        m_state = State::Idle;
        failHead(Status::Unreachable, "cannot connect to " + describe() + ": " + ec.message() +
                                          " (" + std::to_string(attempts) + " attempts)");
        return;
    }
    if (m_protocol->greetsOnConnect()) {
        m_state = State::Greeting;
        armDeadline(m_timing.replyTimeoutMs);
        return;
    }
    m_state = State::Idle;
    pump();
}

void Link::onClosed(const error_code &ec) {
    if (m_stopped)
        return;
    m_session = {};
    m_framer->reset();
    const bool inFlight =
        m_state == State::Waiting || m_state == State::Greeting || m_state == State::Sending;
    if (!inFlight)
        return; // reconnect lazily when the next command comes
    m_deadline.cancel();
    const auto d = m_settings.reconnect.decide(LinkEvent::Closed, m_failures++);
    if (d.action == LinkAction::Reconnect) {
        ++m_stats.reconnects;
        pauseThen(d.delayMs, &Link::pump); // resends the step in hand on a new connection
        return;
    }
    m_failures = 0;
    m_state = State::Idle;
    failHead(Status::Unreachable, describe() + " closed the connection: " + ec.message());
}

void Link::onData(const std::uint8_t *data, std::size_t size) {
    auto keepAlive = shared_from_this();
    m_framer->push(data, size);
    while (!m_stopped) {
        auto d = m_framer->next();
        if (std::holds_alternative<NeedMore>(d))
            break;
        if (std::holds_alternative<FrameError>(d)) {
            ++m_stats.skippedFrames;
            continue;
        }
        onFrame(std::get<Frame>(d).bytes);
    }
}

void Link::onFrame(const Bytes &frame) {
    if (m_state == State::Greeting) {
        m_deadline.cancel();
        const auto o = m_protocol->onGreeting(frame, m_settings.credentials, m_session);
        if (o.kind != Outcome::Kind::Ok) {
            m_transport->close();
            m_state = State::Idle;
            failHead(o.kind == Outcome::Kind::AuthFailed ? Status::AuthFailed
                                                         : Status::ProtocolError,
                     o.detail);
            return;
        }
        m_state = State::Idle;
        pump();
        return;
    }
    if (m_state != State::Waiting || m_queue.empty()) {
        ++m_stats.skippedFrames; // unsolicited or late
        return;
    }
    const Job &job = m_queue.front();
    const auto o = m_protocol->interpret(job.command, job.to, job.plan.steps[job.step], frame);
    if (o.kind == Outcome::Kind::Unrelated) {
        ++m_stats.skippedFrames; // another panel's reply on the chain, or a stale one
        return;
    }
    m_deadline.cancel();
    onStepDone(o);
}

void Link::sendStep() {
    Job &job = m_queue.front();
    const Step &step = job.plan.steps[job.step];
    Bytes bytes = step.bytes;
    m_protocol->beforeSend(bytes, m_session);
    ++m_stats.sent;
    // Wait for the reply before the write completes: a fast peer may answer first.
    if (step.expectReply) {
        m_state = State::Waiting;
        armDeadline(m_timing.replyTimeoutMs);
    } else {
        m_state = State::Sending;
    }
    m_transport->write(std::move(bytes), [weak = weak_from_this(),
                                          expectReply = step.expectReply](const error_code &ec) {
        auto self = weak.lock();
        if (!self || self->m_stopped)
            return;
        if (ec) {
            self->onClosed(ec);
            return;
        }
        if (!expectReply && self->m_state == State::Sending) {
            Outcome ok;
            ok.kind = Outcome::Kind::Ok;
            self->onStepDone(ok);
        }
    });
}

bool Link::inBusyWindow(const Job &job) const {
    const auto now = Clock::now();
    const auto window = std::chrono::milliseconds(m_timing.busyWindowMs);
    for (int key : {job.to.id, -1}) {
        const auto it = m_changedAt.find(key);
        if (it != m_changedAt.end() && now < it->second + window)
            return true;
    }
    return false;
}

void Link::onStepDone(const Outcome &o) {
    Job &job = m_queue.front();
    switch (o.kind) {
    case Outcome::Kind::Ok:
        m_failures = 0;
        job.last = o;
        if (job.plan.collect) {
            if (o.parts.empty())
                job.collected.push_back(o.value);
            else
                job.collected.insert(job.collected.end(), o.parts.begin(), o.parts.end());
        }
        if (++job.step < job.plan.steps.size()) {
            m_state = State::Idle;
            m_nextSendAt = Clock::now() + std::chrono::milliseconds(m_timing.gapMs);
            pump();
            return;
        }
        {
            Result r;
            r.status = Status::Ok;
            r.value = o.value;
            r.values = job.plan.collect ? job.collected : o.values;
            r.text = o.text;
            finish(std::move(r));
        }
        return;
    case Outcome::Kind::Nak:
    case Outcome::Kind::Busy:
        // A panel that is booting or switching input answers NAK / null message / ERR3 for a
        // while; retry inside the busy window. Outside it, one retry for "busy" (NEC SDK).
        if (inBusyWindow(job) || (o.kind == Outcome::Kind::Busy && !job.busyRetried)) {
            job.busyRetried = true;
            ++m_stats.retries;
            m_state = State::Idle;
            m_nextSendAt = Clock::now() + std::chrono::milliseconds(m_timing.busyRetryMs);
            pump();
            return;
        }
        finish(
            Result::failure(o.kind == Outcome::Kind::Nak ? Status::Nak : Status::Busy, o.detail));
        return;
    case Outcome::Kind::Unsupported:
        finish(Result::failure(Status::Unsupported, o.detail));
        return;
    case Outcome::Kind::AuthFailed:
        m_transport->close();
        m_session = {};
        finish(Result::failure(Status::AuthFailed, o.detail));
        return;
    case Outcome::Kind::Malformed:
    case Outcome::Kind::Unrelated:
    case Outcome::Kind::Invalid:
        break;
    }
    finish(Result::failure(Status::ProtocolError, "unexpected reply: " + o.detail));
}

void Link::onReplyTimeout() {
    const bool greeting = m_state == State::Greeting;
    if (m_state != State::Waiting && !greeting)
        return;
    ++m_stats.timeouts;
    m_framer->reset();
    const auto d = m_settings.reconnect.decide(LinkEvent::ReplyTimeout, m_failures);
    if (greeting || d.action == LinkAction::Reconnect) {
        m_transport->close();
        m_session = {};
    }
    m_state = State::Idle;
    const Job &job = m_queue.front();
    failHead(Status::Timeout,
             std::string(greeting ? "no greeting" : "no reply") + " from " + describe() +
                 (job.to.kind == AddressKind::Unicast ? " id " + std::to_string(job.to.id) : "") +
                 " within " + std::to_string(m_timing.replyTimeoutMs) + " ms");
}

void Link::failHead(Status status, std::string why) {
    if (!m_queue.empty())
        finish(Result::failure(status, std::move(why)));
    else
        pump();
}

void Link::finish(Result result) {
    Job job = std::move(m_queue.front());
    m_queue.pop_front();
    m_state = State::Idle;
    m_nextSendAt = Clock::now() + std::chrono::milliseconds(m_timing.gapMs);
    if (result.ok() && job.command.changesPowerOrInput())
        m_changedAt[job.to.kind == AddressKind::Broadcast ? -1 : job.to.id] = Clock::now();
    if (m_settings.connection == Connection::PerCommand) {
        m_transport->close();
        m_session = {};
    }
    asio::post(m_io, [done = std::move(job.done), result = std::move(result)]() mutable {
        done(std::move(result));
    });
    pump();
}

} // namespace opswall::drivers
