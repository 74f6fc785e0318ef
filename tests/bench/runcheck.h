#pragma once
// Checks that a benchmark run measured what it says it measured (the tiles were updated, they
// drew, they repainted). These are assertions about the run, not about performance: a figure of
// an idle window would be a wrong figure, so a failed check fails the run. Each check has a name
// and prints its expression and both values, passed or failed, to stderr:
//   check updates_arrived: n >= seconds - 1 (9 >= 9) ok
//   check charts_drew: frames >= n (3 >= 9) FAILED
// Performance is never asserted here: the figures are printed next to their baselines.

#include <QString>
#include <QStringList>

#include <cstdio>

namespace opswall::bench {

class RunChecks {
public:
    // Records and prints one check; returns `ok`.
    bool record(bool ok, const char *name, const char *expression, const QString &values) {
        std::fprintf(stderr, "check %s: %s (%s) %s\n", name, expression, qPrintable(values),
                     ok ? "ok" : "FAILED");
        if (!ok)
            m_failed.append(QStringLiteral("check %1 failed: %2 (%3)")
                                .arg(QLatin1String(name), QLatin1String(expression), values));
        return ok;
    }
    bool passed() const { return m_failed.isEmpty(); }
    // The failed checks, one per line; empty when every check passed.
    QString failures() const { return m_failed.join(QLatin1Char('\n')); }

private:
    QStringList m_failed;
};

} // namespace opswall::bench

// RUN_CHECK(checks, name, a, op, b): checks `a op b` (op: a comparison operator) and records it
// under `name` with the expression as written and the values of a and b.
#define RUN_CHECK(checks, name, a, op, b)                                                          \
    (checks).record((a)op(b), name, #a " " #op " " #b,                                             \
                    QStringLiteral("%1 " #op " %2").arg(a).arg(b))
