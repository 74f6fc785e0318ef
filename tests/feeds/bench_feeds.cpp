// Benchmark (label bench): prints figures and ratios measured in the same run, asserts nothing
// about time.
//   1. parse time of METVNM.xml (980 KB, 17,206 observations) by our SDMX-ML adapter against
//      `xmllint --stream --noout` on the same file (ratio; skipped when xmllint is missing).
//   2. series points ingested per second into SQLite (fresh file, then an unchanged re-ingest,
//      then a full revision of every value).
#include "feeds/adapters.h"
#include "feeds/seriesstore.h"
#include "store/database.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>

using namespace opswall::feeds;

namespace {
double median(QList<double> v) {
    std::sort(v.begin(), v.end());
    return v.isEmpty() ? 0.0 : v[v.size() / 2];
}
} // namespace

int main(int argc, char **argv) {
    QCoreApplication app(argc, argv);
    const QString path = qEnvironmentVariable("OPSWALL_SHARED_DIR") +
                         QStringLiteral("/data/indicators/gso-sdmx/METVNM.xml");
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        std::fprintf(stderr, "cannot read %s\n", qPrintable(path));
        return 1;
    }
    const QByteArray xml = f.readAll();
    const int runs = 9;

    // 1. parse
    QList<double> ours;
    ParseResult parsed;
    for (int i = 0; i < runs; ++i) {
        QElapsedTimer t;
        t.start();
        parsed = parseSdmxMl(xml, FeedMapping{}, {});
        ours << t.nsecsElapsed() / 1e6;
    }
    if (!parsed.ok()) {
        std::fprintf(stderr, "parse failed: %s\n", qPrintable(parsed.error.toString()));
        return 1;
    }
    std::printf("METVNM.xml: %lld bytes, %lld observations in %lld series\n", qlonglong(xml.size()),
                qlonglong(parsed.pointCount()), qlonglong(parsed.series.size()));
    std::printf("parse (opswall SDMX-ML adapter, median of %d): %.2f ms  (%.1f MB/s)\n", runs,
                median(ours), xml.size() / 1e6 / (median(ours) / 1e3));
    const QString xmllint = QStandardPaths::findExecutable(QStringLiteral("xmllint"));
    if (xmllint.isEmpty()) {
        std::printf("xmllint not found: ratio skipped (apt-get install libxml2-utils)\n");
    } else {
        QList<double> lint, start;
        for (int i = 0; i < runs; ++i) {
            QElapsedTimer t;
            t.start();
            QProcess p;
            p.start(xmllint, {QStringLiteral("--stream"), QStringLiteral("--noout"), path});
            p.waitForFinished(30000);
            lint << t.nsecsElapsed() / 1e6;
            // Process start-up alone, to report the parse share of xmllint's time.
            t.restart();
            QProcess v;
            v.start(xmllint, {QStringLiteral("--version")});
            v.waitForFinished(30000);
            start << t.nsecsElapsed() / 1e6;
        }
        const double lintParse = std::max(0.01, median(lint) - median(start));
        std::printf("xmllint --stream --noout (median of %d): %.2f ms wall, %.2f ms of it process "
                    "start-up\n",
                    runs, median(lint), median(start));
        std::printf("ratio opswall / xmllint: %.2f (wall)  %.2f (xmllint start-up subtracted)\n",
                    median(ours) / median(lint), median(ours) / lintParse);
    }

    // 2. ingest
    QTemporaryDir dir;
    opswall::store::Database db(dir.filePath(QStringLiteral("bench.sqlite")));
    SeriesStore store(db);
    const double points = double(parsed.pointCount());
    QElapsedTimer t;
    t.start();
    IngestStats st =
        store.ingest(QStringLiteral("met"), parsed.series, QDateTime::currentDateTimeUtc());
    const double freshMs = t.nsecsElapsed() / 1e6;
    t.restart();
    store.ingest(QStringLiteral("met"), parsed.series, QDateTime::currentDateTimeUtc());
    const double sameMs = t.nsecsElapsed() / 1e6;
    QList<Series> revised = parsed.series;
    for (Series &s : revised)
        for (Observation &o : s.points)
            o.value += 1.0;
    t.restart();
    const IngestStats rv =
        store.ingest(QStringLiteral("met"), revised, QDateTime::currentDateTimeUtc());
    const double revMs = t.nsecsElapsed() / 1e6;
    std::printf("ingest into SQLite (WAL, synchronous=FULL, one transaction):\n");
    std::printf("  new values:      %d points in %.1f ms = %.0f points/s\n", st.inserted, freshMs,
                points / (freshMs / 1e3));
    std::printf("  unchanged again: %.0f points in %.1f ms = %.0f points/s\n", points, sameMs,
                points / (sameMs / 1e3));
    std::printf("  all revised:     %d points in %.1f ms = %.0f points/s\n", rv.revised, revMs,
                points / (revMs / 1e3));
    t.restart();
    int found = 0;
    for (int i = 0; i < 1000; ++i)
        found += store.latest(QStringLiteral("TB_USD"), QStringLiteral("M")).has_value();
    std::printf("latest() query: %.1f us each (%d/1000 found)\n", t.nsecsElapsed() / 1e3 / 1000,
                found);
    return 0;
}
