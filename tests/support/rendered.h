#pragma once
// Waits until the wall says every tile of its layout is drawn (WallApplication::whenRendered).
// The wait only guards a test's starting point (the tests check pixels, not time), so it is
// generous: llvmpipe's first frame under Xvfb took 20 s on a loaded two-core machine.
#include "shell/wallapplication.h"

#include <QTest>

namespace opswall::testsupport {

inline bool waitRendered(shell::WallApplication &app, int tilesMs = 10000, int totalMs = 60000) {
    bool rendered = false, done = false;
    app.whenRendered(tilesMs, [&](bool allOk, const QStringList &) {
        rendered = allOk;
        done = true;
    });
    return QTest::qWaitFor([&] { return done; }, totalMs) && rendered;
}

} // namespace opswall::testsupport
