#pragma once
// Protocol simulators: the display side of MDC, NEC, LG and PJLink, speaking the real wire
// format. A responder is pure (frames in, frames out) over a SimBank; the server moves bytes.
#include "panel.h"

#include <memory>
#include <vector>

namespace opswall::drivers::sim {

struct SimReply {
    std::vector<Bytes> writes; // one write() each (npm pjlink needs whole replies per write)
    bool close = false;        // hang up after writing (PJLink ERRA)
};

class Responder {
public:
    virtual ~Responder() = default;
    virtual Bytes greeting() { return {}; }
    virtual std::unique_ptr<Framer> requestFramer() const = 0;
    virtual SimReply handle(const Bytes &request) = 0;
};

// One per connection: PJLink keeps its authentication state per session.
std::unique_ptr<Responder> makeResponder(SimBank &bank);

} // namespace opswall::drivers::sim
