// Fuzzes the pure request router: "<method>\n<target>\n<body>" -> route(). Must never crash,
// and every refusal must carry a status and a code.
#include "control/router.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    const QByteArray in(reinterpret_cast<const char *>(data), qsizetype(size));
    const qsizetype a = in.indexOf('\n');
    const qsizetype b = a < 0 ? -1 : in.indexOf('\n', a + 1);
    const QByteArray method = a < 0 ? in : in.left(a);
    const QByteArray target =
        a < 0 ? QByteArray("/api/v1/") : in.mid(a + 1, b < 0 ? -1 : b - a - 1);
    const QByteArray body = b < 0 ? QByteArray() : in.mid(b + 1);
    const opswall::control::Route r = opswall::control::route(method, target, body);
    if (r.kind == opswall::control::RouteKind::Error &&
        (r.error.status < 400 || r.error.code.isEmpty()))
        std::abort();
    return 0;
}
