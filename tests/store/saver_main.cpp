// Helper for tst_killsave: saves presets in a loop until it is killed.
//
//   opswall_killsave_saver DB MODE FIRST_N
//
// MODE "revision": every save is a new revision of the one preset named "kill";
// MODE "new":      every save is a new preset named "save-<n>".
// Each layout has kTiles text tiles whose text is "n=<n>" (a few KB per save). Before a save it
// prints "BEGIN n", after savePreset returned "ACK n", each line flushed at once, so the test
// knows which saves were acknowledged and whether a kill landed while a save was in flight.
// Any exception ends it with exit code 3 and the message on stderr.

#include "store/wallstore.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>

namespace {

constexpr int kTiles = 24;

opswall::wall::Layout layoutFor(long long n, const QString &name) {
    opswall::wall::Layout l;
    l.name = name;
    const QString text = QStringLiteral("n=%1").arg(n);
    for (int i = 0; i < kTiles; ++i) {
        opswall::wall::Tile t;
        t.id = QStringLiteral("tile-%1").arg(i);
        t.kind = QStringLiteral("text");
        t.title =
            QStringLiteral("Ô số %1 — lần lưu %2 (bản ghi thử nghiệm khi bị giết)").arg(i).arg(n);
        t.rectMm = QRectF(10 + (i % 6) * 800, 10 + (i / 6) * 500, 780, 480);
        t.z = i;
        t.binding = {{QStringLiteral("text"), text},
                     {QStringLiteral("align"), QStringLiteral("center")}};
        l.tiles.append(t);
    }
    return l;
}

void say(const char *what, long long n) {
    std::printf("%s %lld\n", what, n);
    std::fflush(stdout);
}

} // namespace

int main(int argc, char **argv) {
    if (argc != 4 || (std::strcmp(argv[2], "revision") != 0 && std::strcmp(argv[2], "new") != 0)) {
        std::fprintf(stderr, "usage: %s DB revision|new FIRST_N\n", argv[0]);
        return 2;
    }
    const bool revisions = std::strcmp(argv[2], "revision") == 0;
    long long n = std::atoll(argv[3]);
    try {
        opswall::store::Database db(QString::fromLocal8Bit(argv[1]));
        opswall::store::WallStore store(db);
        std::optional<int> id;
        if (revisions)
            if (const auto existing = store.presetByName(QStringLiteral("kill")))
                id = existing->info.id;
        for (;; ++n) {
            const QString name =
                revisions ? QStringLiteral("kill") : QStringLiteral("save-%1").arg(n);
            say("BEGIN", n);
            const int saved =
                store.savePreset(revisions ? id : std::nullopt, name, layoutFor(n, name), false);
            if (revisions)
                id = saved;
            say("ACK", n);
        }
    } catch (const std::exception &e) {
        std::fprintf(stderr, "saver: %s\n", e.what());
        return 3;
    }
}
