#pragma once
// One physical link (a TCP connection or a serial line, possibly a daisy chain of displays)
// with exactly one request in flight. The link owns the transport and the framer; it enforces
// the protocol's gap between sends and reply timeout, retries NAK/busy replies inside the busy
// window that follows a power or input change, matches replies to the request by ID (frames for
// other panels on the chain are skipped), and reconnects as the ReconnectPolicy decides.
//
//   submit() -> queue -> [connect -> (greeting)] -> send step -> wait reply -> next step
//                                                       ^ retry busy/NAK     |-> Result -> gap
//
// All callbacks run on the io_context's thread; submit() must be called from it too.
#include "protocol.h"
#include "reconnect.h"
#include "transport.h"

#include <boost/asio/steady_timer.hpp>

#include <deque>
#include <map>
#include <optional>

namespace opswall::drivers {

enum class Connection { Invalid = 0, Persistent, PerCommand };

struct LinkSettings {
    Connection connection = Connection::Persistent;
    std::optional<Timing> timing; // the protocol's defaults when empty
    ReconnectPolicy reconnect;
    Credentials credentials;
};

struct LinkStats {
    int sent = 0;
    int retries = 0;
    int timeouts = 0;
    int reconnects = 0;
    int skippedFrames = 0; // garbage or frames for another panel
};

class Link : public std::enable_shared_from_this<Link> {
public:
    using Callback = std::function<void(Result)>;

    static std::shared_ptr<Link> create(boost::asio::io_context &io,
                                        std::shared_ptr<Transport> transport,
                                        std::shared_ptr<const Protocol> protocol,
                                        LinkSettings settings = {});
    ~Link();
    Link(const Link &) = delete;
    Link &operator=(const Link &) = delete;

    void submit(Command command, Address to, Callback done);
    // Fails everything queued with Cancelled and closes the transport. Idempotent.
    void stop();

    const Protocol &protocol() const { return *m_protocol; }
    const Timing &timing() const { return m_timing; }
    const LinkStats &stats() const { return m_stats; }
    std::size_t queued() const { return m_queue.size(); }
    std::string describe() const { return m_transport->describe(); }

private:
    Link(boost::asio::io_context &io, std::shared_ptr<Transport> transport,
         std::shared_ptr<const Protocol> protocol, LinkSettings settings);

    struct Job {
        Command command;
        Address to;
        Callback done;
        Plan plan;
        std::size_t step = 0;
        std::chrono::steady_clock::time_point busyRetryUntil{};
        bool busyRetried = false;
        Outcome last;
        std::vector<int> collected; // Plan::collect: the steps' parts so far
    };
    enum class State { Invalid = 0, Idle, Connecting, Greeting, Sending, Waiting, Pausing };

    void pump();
    void connect();
    void onConnected(const boost::system::error_code &ec);
    void onClosed(const boost::system::error_code &ec);
    void onData(const std::uint8_t *data, std::size_t size);
    void onFrame(const Bytes &frame);
    void sendStep();
    void onStepDone(const Outcome &outcome);
    void onReplyTimeout();
    void finish(Result result);
    void failHead(Status status, std::string why);
    void pauseThen(int delayMs, void (Link::*next)());
    void armDeadline(int ms);
    bool inBusyWindow(const Job &job) const;

    boost::asio::io_context &m_io;
    std::shared_ptr<Transport> m_transport;
    std::shared_ptr<const Protocol> m_protocol;
    LinkSettings m_settings;
    Timing m_timing;
    std::unique_ptr<Framer> m_framer;
    Session m_session;
    boost::asio::steady_timer m_deadline;
    boost::asio::steady_timer m_pause;
    std::deque<Job> m_queue;
    State m_state = State::Idle;
    int m_failures = 0;
    bool m_stopped = false;
    std::chrono::steady_clock::time_point m_nextSendAt{};
    // When each display last had its power or input changed: the start of its busy window.
    std::map<int, std::chrono::steady_clock::time_point> m_changedAt;
    LinkStats m_stats;
};

} // namespace opswall::drivers
