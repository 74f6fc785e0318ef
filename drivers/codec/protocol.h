#pragma once
// The seam between the link scheduler (I/O, timing) and a vendor protocol (pure). An adapter is
// stateless and const: per-connection state lives in Session, framing state in a Framer.
#include "bytes.h"
#include "command.h"
#include "profile.h"

#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace opswall::drivers {

// One wire request of a command (a tiling command may need several).
struct Step {
    Bytes bytes;
    bool expectReply = true;
};

struct Plan {
    std::vector<Step> steps;
    Status error = Status::Invalid; // Ok when steps are valid, otherwise why not
    std::string why;
    // Reads over several steps (NEC's three gains, a tiling read): the Result's values are
    // each step's parts (or its value when it has none), in step order.
    bool collect = false;
    bool ok() const { return error == Status::Ok; }
    static Plan of(std::vector<Step> s, bool collect = false) {
        Plan p;
        p.steps = std::move(s);
        p.error = Status::Ok;
        p.collect = collect;
        return p;
    }
    static Plan refuse(Status s, std::string why) {
        Plan p;
        p.error = s;
        p.why = std::move(why);
        return p;
    }
};

// SetRgbGain's red, green and blue checked against the model's 0..maxRgbGain: the refusal, or
// nullopt when they are fine (NEC and LG set three gains from one command).
std::optional<Plan> refuseRgbGain(const Command &c, int maxRgbGain);

// How one received frame relates to the request in flight.
struct Outcome {
    enum class Kind { Invalid = 0, Ok, Nak, Busy, Unsupported, Unrelated, Malformed, AuthFailed };
    Kind kind = Kind::Invalid;
    int value = -1;
    std::vector<int> values;
    std::vector<int> parts; // what this step adds to a collecting plan's values
    std::string text;
    std::string detail;
};

// Codec output for a stream of bytes: a complete frame, a request for more bytes, or garbage
// that was skipped (the framer resynchronises by itself).
struct NeedMore {};
struct Frame {
    Bytes bytes;
};
struct FrameError {
    std::string what;
};
using Decoded = std::variant<NeedMore, Frame, FrameError>;

class Framer {
public:
    virtual ~Framer() = default;
    virtual void push(const std::uint8_t *data, std::size_t size) = 0;
    void push(const Bytes &b) { push(b.data(), b.size()); }
    // Call repeatedly until NeedMore.
    virtual Decoded next() = 0;
    virtual void reset() = 0;
};

// The four protocols' framers: the bytes pushed are kept until next() cuts frames from them.
class BufferedFramer : public Framer {
public:
    using Framer::push;
    void push(const std::uint8_t *data, std::size_t size) final {
        m_buffer.insert(m_buffer.end(), data, data + size);
    }
    void reset() final { m_buffer.clear(); }

protected:
    Bytes m_buffer;
};

struct Timing {
    int gapMs = 0; // minimum time between the end of one exchange and the next send
    int replyTimeoutMs = 5000;
    int busyWindowMs = 15000; // after power/input changes, NAK/busy replies are retried this long
    int busyRetryMs = 1000;
};

// Per-connection state: PJLink's greeting and authentication prefix.
struct Session {
    bool greeted = false;
    std::string authPrefix; // sent in front of the first command, then cleared
};

struct Credentials {
    std::string password;
};

class Protocol {
public:
    virtual ~Protocol() = default;
    virtual std::string_view name() const = 0;
    virtual Timing defaultTiming() const = 0;
    virtual Plan plan(const Command &cmd, const Address &to) const = 0;
    virtual std::unique_ptr<Framer> makeFramer() const = 0;
    virtual Outcome interpret(const Command &cmd, const Address &to, const Step &step,
                              const Bytes &reply) const = 0;
    // Devices that greet on connect (PJLink) return true; the link then waits for the greeting
    // frame and hands it to onGreeting before sending anything.
    virtual bool greetsOnConnect() const { return false; }
    virtual Outcome onGreeting(const Bytes &, const Credentials &, Session &) const { return {}; }
    // Last touch before bytes go out (PJLink's digest prefix on the first command).
    virtual void beforeSend(Bytes &, Session &) const {}
};

// The display protocols' common part: the model's settings (ModelProfile) they plan and read with.
class ProfiledProtocol : public Protocol {
public:
    explicit ProfiledProtocol(ModelProfile profile)
        : m_profile(std::move(profile)) {}

protected:
    ModelProfile m_profile;
};

enum class ProtocolKind { Invalid = 0, Mdc, Nec, Lg, PjLink };
std::string_view protocolKindName(ProtocolKind k);
ProtocolKind protocolKindFromName(std::string_view name);
std::unique_ptr<Protocol> makeProtocol(ProtocolKind kind, ModelProfile profile);

} // namespace opswall::drivers
