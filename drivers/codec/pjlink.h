#pragma once
// PJLink class 1 and 2, PROTOCOLS.md §4. Pure, apart from MD5 (OpenSSL's EVP digest).
//   greeting: "PJLINK 0\r" (no auth) | "PJLINK 1 <8-char random>\r" | "PJLINK ERRA\r"
//   command:  "%1POWR 1\r"   reply: "%1POWR=OK\r" | "%1POWR=ERR3\r"
// With auth the first command carries md5hex(random + password) in front, no separator.
#include "protocol.h"

#include <optional>

namespace opswall::drivers::pjlink {

constexpr std::size_t kMaxLine = 136; // PJLINK_MAX_PACKET
constexpr int kPort = 4352;

struct Line {
    char pjClass = '1';
    std::string command;  // four letters, upper case
    char separator = ' '; // ' ' in commands, '=' in replies and notifications
    std::string parameter;
};
Bytes encode(const Line &l);
// Accepts lower-case command letters (some devices answer so); nullopt with a reason otherwise.
std::optional<Line> parse(std::string_view line, std::string *why = nullptr);

struct Greeting {
    bool authRequired = false;
    bool authFailed = false; // "PJLINK ERRA"
    std::string random;
};
std::optional<Greeting> parseGreeting(std::string_view line);
std::string md5Hex(std::string_view data);
std::string authDigest(std::string_view random, std::string_view password);

// "ERR1".."ERR4" -> 1..4; 0 for anything else.
int errorCode(std::string_view parameter);

// Cuts CR (or LF) terminated lines. With Resync::Yes (the controller side) noise in front of a
// line's "%" or "PJLINK" is skipped; the device side keeps lines whole (they may start with the
// authentication digest).
enum class Resync { Invalid = 0, Yes, No };
class LineFramer final : public BufferedFramer {
public:
    explicit LineFramer(Resync resync = Resync::Yes)
        : m_resync(resync) {}
    Decoded next() override;

private:
    Resync m_resync;
};

class PjLinkProtocol final : public ProfiledProtocol {
public:
    using ProfiledProtocol::ProfiledProtocol;
    std::string_view name() const override { return "pjlink"; }
    // Replies within ~4-5 s; ERR3 during warm-up/cool-down, which takes up to a minute or so.
    Timing defaultTiming() const override { return Timing{0, 5000, 60000, 2000}; }
    Plan plan(const Command &cmd, const Address &to) const override;
    std::unique_ptr<Framer> makeFramer() const override { return std::make_unique<LineFramer>(); }
    Outcome interpret(const Command &cmd, const Address &to, const Step &step,
                      const Bytes &reply) const override;
    bool greetsOnConnect() const override { return true; }
    Outcome onGreeting(const Bytes &line, const Credentials &credentials,
                       Session &session) const override;
    void beforeSend(Bytes &bytes, Session &session) const override;
};

// Class 2 over UDP 4352: "%2SRCH\r" broadcast, answered "%2ACKN=<MAC>\r"; devices push
// "%2LKUP=<MAC>", "%2POWR=<s>", "%2ERST=..." and "%2INPT=..." notifications.
struct Notification {
    std::string command;
    std::string parameter;
};
std::optional<Notification> parseNotification(const Bytes &datagram);
Bytes searchDatagram();

} // namespace opswall::drivers::pjlink
