// DeviceService: the io thread (bindings built into links, polling, commands), started and
// stopped here; device.command and calibration's sequences sent through it. The bindings, the
// model, alerts and the power schedule: deviceservice_model.cpp.
#include "devices/deviceservice.h"

#include "core/engineservices.h"
#include "devices/devicecommand.h"
#include "store/writefence.h"
#include "wall/dispatcher.h"
#include "wall/wallstate.h"

#include "device/fanout.h"
#include "device/health.h"

#include <QDeadlineTimer>
#include <QJsonArray>
#include <QLoggingCategory>
#include <QPointer>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>

#include <map>
#include <mutex>

#include <pthread.h>

Q_LOGGING_CATEGORY(lcDevices, "opswall.devices")

namespace opswall::devices {

namespace asio = boost::asio;
using namespace drivers;

// Everything the io thread owns. The GUI thread only creates it, posts lambdas to it, and
// destroys it after the thread has ended.
namespace {

bool noAnswer(Status s) {
    return s == Status::Timeout || s == Status::Unreachable || s == Status::AuthFailed ||
           s == Status::Cancelled;
}

// One health poll of one display, like Display::health() but the input is asked only of a panel
// that is on: panels NAK input queries while off (MDC, NEC), and right after a power change the
// link retries NAKs for the whole busy window (15 s for MDC), which held every poll of a display
// that had just been switched off for 15 s. Temperature, fans and errors are answered when off.
void pollOne(const Display &display, std::function<void(Health)> done) {
    display.powerStatus([display, done = std::move(done)](Result power) {
        auto h = std::make_shared<Health>();
        h->power = std::move(power);
        if (noAnswer(h->power.status)) {
            h->input = h->temperature = h->fans = h->errors = h->power;
            done(*h);
            return;
        }
        const auto state = h->power.ok() ? PowerState(h->power.value) : PowerState::Invalid;
        const bool on = state == PowerState::On || state == PowerState::WarmingUp;
        auto left = std::make_shared<int>(on ? 4 : 3);
        auto collect = [h, left, done](Result Health::*field) {
            return [h, left, done, field](Result r) {
                (*h).*field = std::move(r);
                if (--*left == 0)
                    done(*h);
            };
        };
        if (on)
            display.input(collect(&Health::input));
        else
            h->input = Result::failure(Status::Unsupported, "not asked while the display is off");
        display.temperature(collect(&Health::temperature));
        display.fans(collect(&Health::fans));
        display.errorStatus(collect(&Health::errors));
    });
}

// One display's commands, one after the other; each callback holds the chain until the next.
struct CommandChain : std::enable_shared_from_this<CommandChain> {
    DeviceService::Io *io = nullptr;
    std::weak_ptr<DeviceService::Io> alive;
    std::optional<Display> display;
    std::vector<Command> commands;
    std::shared_ptr<std::vector<Result>> results; // aliases the sequence's per-display slot
    Display::Callback finished;
    void next(std::size_t n);
};
} // namespace

struct DeviceService::Io : std::enable_shared_from_this<DeviceService::Io> {
    asio::io_context io;
    asio::executor_work_guard<asio::io_context::executor_type> work{io.get_executor()};
    std::promise<void> finished;
    // io thread only:
    std::vector<Display> displays; // same order as DeviceService::m_bound
    std::vector<std::shared_ptr<Link>> links;
    // Health polling (HealthPoller's rules: every intervalMs, a display whose previous poll has
    // not finished is skipped that round, so a slow link never piles up requests).
    asio::steady_timer pollTimer{io};
    std::vector<bool> pollBusy;
    // A poll and a command never interleave on one display: a command waits for the display's
    // poll in flight (a few short exchanges), and polls skip a display while a command runs.
    // Otherwise a poll's queries queued behind a power-off meet the panel's NAKs, which the link
    // retries for the whole busy window after a power change (15 s for MDC).
    std::vector<int> commandsRunning;
    std::vector<std::vector<std::function<void()>>> waitingForPoll;
    std::map<std::string, std::size_t> indexOf; // display name (its display id) -> index
    int pollIntervalMs = 10000;
    std::function<void(std::size_t, const Health &)> onHealth;
    bool polling = false;

    void startPolling(int intervalMs, std::function<void(std::size_t, const Health &)> callback) {
        pollIntervalMs = intervalMs;
        onHealth = std::move(callback);
        pollBusy.assign(displays.size(), false);
        commandsRunning.assign(displays.size(), 0);
        waitingForPoll.assign(displays.size(), {});
        polling = true;
        pollRound();
    }
    void pollRound() {
        if (!polling)
            return;
        for (std::size_t i = 0; i < displays.size(); ++i) {
            if (pollBusy[i] || commandsRunning[i] > 0)
                continue;
            pollBusy[i] = true;
            pollOne(displays[i], [weak = weak_from_this(), i](Health h) {
                auto self = weak.lock();
                if (!self || !self->polling)
                    return;
                self->pollBusy[i] = false;
                self->onHealth(i, h);
                for (auto &run : std::exchange(self->waitingForPoll[i], {}))
                    run();
            });
        }
        pollTimer.expires_after(std::chrono::milliseconds(pollIntervalMs));
        pollTimer.async_wait([weak = weak_from_this()](const boost::system::error_code &ec) {
            if (auto self = weak.lock(); self && !ec)
                self->pollRound();
        });
    }

    // Results go to the GUI thread as queued calls on the service. After an abandoned stop the
    // service may be gone: the receiver is cleared under the lock and nothing is posted.
    std::mutex receiverMutex;
    QObject *receiver = nullptr;
    template<class F>
    void deliver(F &&f) {
        std::lock_guard lock(receiverMutex);
        if (receiver)
            QMetaObject::invokeMethod(receiver, std::forward<F>(f), Qt::QueuedConnection);
    }

    // io thread: one Link per transport address (a daisy chain shares it), one Display per binding.
    void build(const QList<DeviceBinding> &bindings) {
        std::map<QString, std::shared_ptr<Link>> byKey;
        for (const DeviceBinding &b : bindings) {
            std::shared_ptr<Link> &link = byKey[b.linkKey()];
            if (!link) {
                std::shared_ptr<Transport> transport;
                LinkSettings settings;
                settings.connection = b.connection;
                settings.credentials.password = b.password.toStdString();
                if (b.transport == TransportKind::Serial) {
                    transport = makeSerialTransport(io, SerialSettings{b.serialDevice.toStdString(),
                                                                       unsigned(b.baudRate), 8,
                                                                       b.parity, b.stopBits});
                    // One mute panel must not make the port close and reopen under the others.
                    settings.reconnect.reconnectOnReplyTimeout = false;
                } else {
                    transport = makeTcpTransport(io, TcpSettings{b.host.toStdString(), b.port});
                }
                std::shared_ptr<const Protocol> protocol = makeProtocol(b.protocol, b.profile());
                if (b.replyTimeoutMs > 0) {
                    Timing timing = protocol->defaultTiming();
                    timing.replyTimeoutMs = b.replyTimeoutMs;
                    settings.timing = timing;
                }
                link = Link::create(io, std::move(transport), protocol, settings);
                links.push_back(link);
            }
            indexOf[b.displayId.toStdString()] = displays.size();
            displays.emplace_back(link, Address::unicast(b.deviceId), b.displayId.toStdString());
        }
    }

    // io thread: runs command on display, after the display's poll in flight.
    void execute(const Display &display, Command command, Display::Callback done) {
        const auto it = indexOf.find(display.name());
        if (it == indexOf.end() || it->second >= pollBusy.size()) {
            display.execute(std::move(command), std::move(done));
            return;
        }
        const std::size_t i = it->second;
        auto run = [weak = weak_from_this(), display, command, done = std::move(done), i] {
            auto self = weak.lock();
            if (!self || !self->polling)
                return done(Result::failure(Status::Cancelled, "display control was stopped"));
            ++self->commandsRunning[i];
            display.execute(command, [weak, done, i](Result r) {
                if (auto again = weak.lock(); again && i < again->commandsRunning.size())
                    --again->commandsRunning[i];
                done(std::move(r));
            });
        };
        if (pollBusy[i])
            waitingForPoll[i].push_back(std::move(run));
        else
            run();
    }

    // io thread: stops everything; queued commands fail with Cancelled; run() returns.
    void teardown() {
        polling = false;
        pollTimer.cancel();
        waitingForPoll.clear();
        for (auto &link : links)
            link->stop();
        displays.clear();
        links.clear();
        work.reset();
        io.stop(); // a fan-out's deadline timer must not keep the thread alive
    }
};

namespace {

void CommandChain::next(std::size_t n) {
    if (alive.expired())
        return;
    if (n >= commands.size()) {
        Result ok;
        ok.status = Status::Ok;
        finished(ok);
        return;
    }
    io->execute(*display, commands[n], [self = shared_from_this(), n](Result r) {
        self->results->push_back(std::move(r));
        self->next(n + 1);
    });
}

} // namespace

DeviceService::DeviceService(wall::WallState &state, wall::Dispatcher &dispatcher, QObject *parent)
    : QObject(parent)
    , m_state(state)
    , m_dispatcher(dispatcher)
    , m_clock([] { return QDateTime::currentDateTime(); }) {
    m_scheduleTimer.setInterval(kScheduleCheckMs);
    connect(&m_scheduleTimer, &QTimer::timeout, this, &DeviceService::checkSchedule);
    m_reconcileTimer.setSingleShot(true);
    m_reconcileTimer.setInterval(kReconcileGatherMs);
    connect(&m_reconcileTimer, &QTimer::timeout, this, &DeviceService::sendReconcile);
    connect(this, &DeviceService::commandFinished, this,
            [this](quint64 requestId) { reconcileFinished(requestId); });
    connect(&m_state, &wall::WallState::wallChanged, this, &DeviceService::rebuildRows);
    QPointer<DeviceService> self(this);
    m_dispatcher.addHandler(
        QStringLiteral("device."), [self](const Action &action, const Caller &caller) {
            if (!self)
                return ActionResult::failure(QStringLiteral("unavailable"),
                                             QStringLiteral("display control is not available"));
            return self->handleAction(action, caller);
        });
    rebuildRows();
}

DeviceService *DeviceService::create(QQmlEngine *engine, QJSEngine *) {
    return opswall::lookup<DeviceService>(engine);
}

DeviceService::~DeviceService() {
    stop(kDefaultStopTimeoutMs);
}

void DeviceService::start() {
    if (m_io)
        return;
    ++m_generation;
    auto io = std::make_shared<Io>();
    io->receiver = this;
    m_finished = io->finished.get_future();
    m_thread = std::thread([io] {
        pthread_setname_np(pthread_self(), "opswall-devio");
        for (;;) {
            try {
                io->io.run();
                break;
            } catch (const std::exception &e) {
                // A throwing handler must not end the thread while the rest keeps running.
                qCWarning(lcDevices) << "device io handler failed:" << e.what();
            }
        }
        io->finished.set_value();
    });
    m_io = io;

    QList<DeviceBinding> bindings = m_config.displays;
    QStringList ids = m_bound;
    const int intervalMs = m_config.pollIntervalMs;
    const quint64 generation = m_generation;
    asio::post(io->io, [this, io, bindings, ids, intervalMs, generation] {
        io->build(bindings);
        if (io->displays.empty())
            return;
        // Io::onHealth runs on the io thread and is owned by io: it must not hold io itself.
        Io *raw = io.get();
        io->startPolling(intervalMs,
                         [this, raw, ids, generation](std::size_t index, const Health &health) {
                             raw->deliver([this, generation, id = ids.at(qsizetype(index)),
                                           health] { onHealth(generation, id, health); });
                         });
    });
    startSchedule();
    // Every scheduled display is brought to the schedule's state at its first answered poll.
    m_reconcileDue.clear();
    for (auto it = m_schedules.constBegin(); it != m_schedules.constEnd(); ++it)
        m_reconcileDue.insert(it.key(), QStringLiteral("start"));
    Q_EMIT runningChanged();
}

void DeviceService::Sequence::cancel() const {
    SequenceResults cancelled;
    for (const auto &[id, count] : displays)
        cancelled.insert(
            id, std::vector<Result>(
                    count, Result::failure(Status::Cancelled, "display control was stopped")));
    done(cancelled);
}

QJsonObject DeviceService::cancelled(const QStringList &displays) {
    QJsonObject perDisplay;
    for (const QString &id : displays)
        perDisplay.insert(id, QJsonObject{{QStringLiteral("ok"), false},
                                          {QStringLiteral("status"), QStringLiteral("cancelled")},
                                          {QStringLiteral("error"),
                                           QStringLiteral("display control was stopped")}});
    return perDisplay;
}

bool DeviceService::stop(int timeoutMs) {
    if (!m_io)
        return true;
    m_scheduleTimer.stop();
    ++m_generation; // results still queued from this run are ignored
    auto io = m_io;
    m_io.reset();
    const QDeadlineTimer deadline(timeoutMs);
    asio::post(io->io, [io] { io->teardown(); });
    bool joined = false;
    if (m_finished.wait_for(std::chrono::milliseconds(deadline.remainingTime())) ==
        std::future_status::ready) {
        m_thread.join();
        joined = true;
    } else {
        // A handler is stuck (it should never be): do not hang the app's shutdown on it.
        qCWarning(lcDevices) << "device io thread did not stop within" << timeoutMs
                             << "ms; leaving it behind";
        io->io.stop();
        {
            std::lock_guard lock(io->receiverMutex);
            io->receiver = nullptr;
        }
        m_thread.detach();
    }
    // Requests in flight end now, as cancelled, so every requestId gets its commandFinished.
    const auto pending = std::exchange(m_pending, {});
    for (auto it = pending.begin(); it != pending.end(); ++it)
        Q_EMIT commandFinished(it.key(), cancelled(it.value()));
    const auto sequences = std::exchange(m_sequences, {});
    for (const Sequence &seq : sequences)
        seq.cancel();
    m_reconcileTimer.stop();
    m_reconcileDue.clear();
    m_reconcileGathered.clear();
    m_reconciling.clear();
    m_reconcileRequests.clear();
    Q_EMIT runningChanged();
    return joined;
}

ActionResult DeviceService::handleAction(const Action &action, const Caller &caller) {
    if (action.type != QLatin1String("device.command"))
        return ActionResult::failure(
            QStringLiteral("unknown_action"),
            QStringLiteral("\"%1\" is not a device action").arg(action.type),
            QStringLiteral("type"));
    // A controller fenced by its hot standby (app/nodes/README.md) drives no display: refused
    // here with the fence's reason (its transaction would be refused too; nothing is sent).
    // Checked first: the fence stops display control, and the fence is the reason to give.
    if (const QString fence = store::writeFence(); !fence.isEmpty())
        return ActionResult::failure(QStringLiteral("unavailable"), fence);
    if (!m_io)
        return ActionResult::failure(QStringLiteral("unavailable"),
                                     QStringLiteral("display control is not running"));
    QStringList wallIds;
    for (const wall::Display &d : m_state.wall().displays)
        wallIds.append(d.id);
    auto parsed = parseDeviceCommand(action.params, wallIds, m_bound);
    if (auto *failure = std::get_if<ActionResult>(&parsed))
        return *failure;
    const CommandRequest request = std::get<CommandRequest>(std::move(parsed));
    const quint64 requestId = ++m_nextRequestId;
    const Caller schedule = scheduleCaller();
    const bool byOperator = request.command == QLatin1String("power") &&
                            (caller.user != schedule.user || caller.via != schedule.via);
    // Sent once the action's transaction (its audit row) is committed: a write the store refuses
    // refuses the action (store_unavailable) and nothing reaches a display.
    m_dispatcher.afterCommit([self = QPointer<DeviceService>(this), request, requestId,
                              generation = m_generation, byOperator] {
        if (self)
            self->send(request, requestId, generation, byOperator);
    });
    return ActionResult::success(
        {{QStringLiteral("accepted"), true},
         {QStringLiteral("requestId"), qint64(requestId)},
         {QStringLiteral("command"), request.command},
         {QStringLiteral("displays"), QJsonArray::fromStringList(request.displays)}});
}

void DeviceService::send(const CommandRequest &request, quint64 requestId, quint64 generation,
                         bool byOperator) {
    std::vector<std::size_t> indices;
    for (const QString &id : request.displays)
        if (const qsizetype i = m_bound.indexOf(id); i >= 0)
            indices.push_back(std::size_t(i));
    if (generation != m_generation || !m_io ||
        indices.size() != std::size_t(request.displays.size())) {
        // Stopped (or restarted) since the action was taken: the request ends as cancelled.
        Q_EMIT commandFinished(requestId, cancelled(request.displays));
        return;
    }
    m_pending.insert(requestId, request.displays);
    if (byOperator) // stands against reconciling until the schedule's next transition
        for (const QString &id : request.displays)
            m_manualPowerAt.insert(id, m_clock());

    auto io = m_io;
    asio::post(io->io, [this, io, indices, ids = request.displays, command = request.driverCommand,
                        timeoutMs = request.timeoutMs, generation, requestId] {
        std::vector<Display> targets;
        for (std::size_t i : indices)
            if (i < io->displays.size())
                targets.push_back(io->displays[i]);
        if (targets.size() != indices.size())
            return; // torn down meanwhile: stop() reports the request as cancelled
        std::weak_ptr<Io> weak = io;
        Io *raw = io.get(); // the operation is owned by fanOut, which io outlives
        DisplayOperation operation = [raw, command](const Display &d, Display::Callback done) {
            raw->execute(d, command, std::move(done));
        };
        fanOut(io->io, std::move(targets), operation, std::chrono::milliseconds(timeoutMs),
               [this, weak, ids, generation, requestId](std::vector<Result> results) {
                   QJsonObject perDisplay;
                   for (std::size_t i = 0; i < results.size(); ++i)
                       perDisplay.insert(ids.at(qsizetype(i)), resultToJson(results[i]));
                   if (auto strong = weak.lock())
                       strong->deliver([this, generation, requestId, perDisplay] {
                           onCommandDone(generation, requestId, perDisplay);
                       });
               });
    });
}

bool DeviceService::runSequences(
    const QList<QPair<QString, std::vector<drivers::Command>>> &perDisplay, int timeoutMs,
    SequenceDone done, QString *why) {
    if (!m_io) {
        if (why)
            *why = QStringLiteral("display control is not running");
        return false;
    }
    std::vector<std::size_t> indices;
    Sequence seq;
    std::vector<std::vector<Command>> commands;
    for (const auto &[id, cmds] : perDisplay) {
        const qsizetype i = m_bound.indexOf(id);
        if (i < 0) {
            if (why)
                *why = QStringLiteral("display \"%1\" has no device binding").arg(id);
            return false;
        }
        indices.push_back(std::size_t(i));
        seq.displays.append({id, cmds.size()});
        commands.push_back(cmds);
    }
    seq.done = std::move(done);
    // Sent once the action's transaction is committed, like a device.command (handleAction): a
    // write the store refuses refuses the action, and nothing reaches a display.
    m_dispatcher.afterCommit([self = QPointer<DeviceService>(this), indices, seq, commands,
                              timeoutMs, generation = m_generation] {
        if (self)
            self->sendSequences(indices, seq, commands, timeoutMs, generation);
    });
    return true;
}

void DeviceService::sendSequences(const std::vector<std::size_t> &indices, const Sequence &seq,
                                  const std::vector<std::vector<drivers::Command>> &commands,
                                  int timeoutMs, quint64 generation) {
    if (generation != m_generation || !m_io) {
        seq.cancel(); // stopped (or restarted) since the action was taken
        return;
    }
    const quint64 requestId = ++m_nextRequestId;
    m_sequences.insert(requestId, seq);
    auto io = m_io;
    QStringList ids;
    for (const auto &[id, count] : seq.displays)
        ids.append(id);
    asio::post(io->io, [this, io, indices, ids, commands, timeoutMs, generation, requestId] {
        std::vector<Display> targets;
        for (std::size_t i : indices)
            if (i < io->displays.size())
                targets.push_back(io->displays[i]);
        if (targets.size() != indices.size())
            return; // torn down meanwhile: stop() reports the sequences as cancelled
        // Per display, the results so far (io thread only; outlives a deadline cut-off).
        auto results = std::make_shared<std::vector<std::vector<Result>>>(targets.size());
        auto index = std::make_shared<std::map<std::string, std::size_t>>();
        for (std::size_t i = 0; i < targets.size(); ++i)
            (*index)[targets[i].name()] = i;
        Io *raw = io.get();
        std::weak_ptr<Io> weak = io;
        DisplayOperation operation = [raw, weak, commands, results,
                                      index](const Display &d, Display::Callback finished) {
            const std::size_t at = index->at(d.name());
            auto chain = std::make_shared<CommandChain>();
            chain->io = raw;
            chain->alive = weak;
            chain->display = d;
            chain->commands = commands[at];
            chain->results = std::shared_ptr<std::vector<Result>>(results, &(*results)[at]);
            chain->finished = std::move(finished);
            chain->next(0);
        };
        fanOut(io->io, std::move(targets), operation, std::chrono::milliseconds(timeoutMs),
               [this, weak, ids, commands, results, generation,
                requestId](std::vector<Result> overall) {
                   SequenceResults byDisplay;
                   for (std::size_t i = 0; i < overall.size(); ++i) {
                       std::vector<Result> got = (*results)[i];
                       while (got.size() < commands[i].size())
                           got.push_back(overall[i].ok()
                                             ? Result::failure(Status::Timeout, "not run")
                                             : overall[i]);
                       byDisplay.insert(ids.at(qsizetype(i)), got);
                   }
                   if (auto strong = weak.lock())
                       strong->deliver([this, generation, requestId, byDisplay] {
                           onSequenceDone(generation, requestId, byDisplay);
                       });
               });
    });
}

void DeviceService::onSequenceDone(quint64 generation, quint64 requestId,
                                   const SequenceResults &results) {
    if (generation != m_generation)
        return;
    const auto it = m_sequences.find(requestId);
    if (it == m_sequences.end())
        return;
    const SequenceDone done = it->done;
    m_sequences.erase(it);
    done(results);
}

void DeviceService::onCommandDone(quint64 generation, quint64 requestId,
                                  const QJsonObject &perDisplay) {
    if (generation != m_generation || !m_pending.remove(requestId))
        return;
    Q_EMIT commandFinished(requestId, perDisplay);
}

} // namespace opswall::devices
