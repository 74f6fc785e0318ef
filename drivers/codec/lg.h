#pragma once
// LG signage RS-232C (also TCP 9761), PROTOCOLS.md §3. Pure.
//   send:  c1 c2 SP ID SP DATA CR        e.g. "ka 01 01\r"
//   reply: c2 SP ID SP (OK|NG) DATA x    e.g. "a 01 OK01x"   -- replies end with 'x', not CR
// ID is two hex digits; 00 addresses every set and is never acknowledged.
#include "protocol.h"

#include <optional>

namespace opswall::drivers::lg {

struct Request {
    std::string command; // two letters, e.g. "ka"
    int id = 0;
    std::string data; // hex digits or "FF" to read
};
struct Reply {
    char command = 0; // the second command letter
    int id = 0;
    bool ok = false;
    std::string data;
};

Bytes encodeRequest(const Request &r);
Bytes encodeReply(const Reply &r);
std::optional<Request> parseRequest(std::string_view line, std::string *why = nullptr);
std::optional<Reply> parseReply(std::string_view token, std::string *why = nullptr);

// Splits a byte stream on a delimiter ('x' for replies, CR for requests); strips leading
// whitespace and line ends; refuses over-long tokens (garbage without delimiter).
class LgFramer final : public BufferedFramer {
public:
    explicit LgFramer(std::uint8_t delimiter)
        : m_delimiter(delimiter) {}
    Decoded next() override;

private:
    std::uint8_t m_delimiter;
};

class LgProtocol final : public ProfiledProtocol {
public:
    using ProfiledProtocol::ProfiledProtocol;
    std::string_view name() const override { return "lg"; }
    // PlaceOS: 150 ms between sends; lg_control waits up to 5 s.
    Timing defaultTiming() const override { return Timing{150, 5000, 15000, 1000}; }
    Plan plan(const Command &cmd, const Address &to) const override;
    std::unique_ptr<Framer> makeFramer() const override { return std::make_unique<LgFramer>('x'); }
    Outcome interpret(const Command &cmd, const Address &to, const Step &step,
                      const Bytes &reply) const override;
};

} // namespace opswall::drivers::lg
