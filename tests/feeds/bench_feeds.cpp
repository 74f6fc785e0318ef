// Benchmark (label bench): prints figures and ratios measured in the same run, asserts nothing
// about time.
//   1. parse time of METVNM.xml (980 KB, 17,206 observations) by our SDMX-ML adapter against
//      `xmllint --stream --noout` on the same file (ratio; skipped when xmllint is missing), and
//      the general QXmlStreamReader path the adapter falls back to, as the in-process baseline.
//   2. the same observations as SDMX-JSON (the feed service's SDMX-JSON view) and as long CSV:
//      our adapters against `jq empty` and python's json / csv modules on the same bytes.
//   3. series points ingested per second into SQLite (fresh file, then an unchanged re-ingest,
//      then a full revision of every value).
#include "../support/testfiles.h"
#include "core/cputime.h"
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
#include <sys/resource.h>

using namespace opswall::feeds;

namespace {
double median(QList<double> v) {
    std::sort(v.begin(), v.end());
    return v.isEmpty() ? 0.0 : v[v.size() / 2];
}

// Wall and CPU time of one run. Ours: this thread's CPU; a reference tool's: the child's user +
// system time (getrusage). The build machines are shared, so CPU is the steadier figure.
struct Cost {
    double wallMs = 0, cpuMs = 0;
};

using opswall::core::threadCpuMs;

double childrenCpuMs() {
    rusage u{};
    getrusage(RUSAGE_CHILDREN, &u);
    return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1e3 +
           double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e3;
}

// Medians of runs, wall and CPU each.
template<typename F>
Cost measure(int runs, F &&f, bool children = false) {
    QList<double> wall, cpu;
    for (int i = 0; i < runs; ++i) {
        QElapsedTimer t;
        const double c0 = children ? childrenCpuMs() : threadCpuMs();
        t.start();
        f();
        wall << double(t.nsecsElapsed()) / 1e6;
        cpu << (children ? childrenCpuMs() : threadCpuMs()) - c0;
    }
    return {median(wall), median(cpu)};
}

// A reference tool on the file, and its start-up alone (the same program with startArgs).
struct Reference {
    QString name;
    Cost run, start;
    bool ran = false;
};

Reference runReference(const QString &name, const QString &program, const QStringList &args,
                       const QStringList &startArgs, int runs) {
    Reference r{name, {}, {}, false};
    const QString exe = QStandardPaths::findExecutable(program);
    if (exe.isEmpty())
        return r;
    const auto run = [&](const QStringList &a) {
        QProcess p;
        p.start(exe, a);
        p.waitForFinished(30000);
        return p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
    };
    if (!run(args))
        return r;
    r.run = measure(
        runs, [&] { run(args); }, true);
    r.start = measure(
        runs, [&] { run(startArgs); }, true);
    r.ran = true;
    return r;
}

void printFormat(const char *what, qsizetype bytes, Cost ours, const QList<Reference> &refs) {
    std::printf("%-9s %8.2f ms wall, %8.2f ms CPU  %6.1f MB/s  (opswall adapter, %lld bytes)\n",
                what, ours.wallMs, ours.cpuMs, double(bytes) / 1e6 / (ours.wallMs / 1e3),
                qlonglong(bytes));
    for (const Reference &r : refs) {
        if (!r.ran) {
            std::printf("          %s not found: ratio skipped\n", qPrintable(r.name));
            continue;
        }
        std::printf("          %-26s %8.2f ms wall, %8.2f ms CPU (start-up alone %.2f / %.2f)\n"
                    "          ratio opswall / it: %.2f wall, %.2f CPU; start-up subtracted: %.2f "
                    "wall, %.2f CPU\n",
                    qPrintable(r.name), r.run.wallMs, r.run.cpuMs, r.start.wallMs, r.start.cpuMs,
                    ours.wallMs / r.run.wallMs, ours.cpuMs / std::max(0.01, r.run.cpuMs),
                    ours.wallMs / std::max(0.01, r.run.wallMs - r.start.wallMs),
                    ours.cpuMs / std::max(0.01, r.run.cpuMs - r.start.cpuMs));
    }
}

// The same observations as long CSV: indicator,freq,period,value.
QByteArray toCsv(const QList<Series> &all) {
    QByteArray out = "indicator,freq,period,value\n";
    for (const Series &s : all)
        for (const Observation &o : s.points)
            out += s.indicator.toUtf8() + ',' + s.dimension.toUtf8() + ',' +
                   o.period.toString().toUtf8() + ',' + QByteArray::number(o.value, 'g', 17) + '\n';
    return out;
}

bool writeFile(const QString &path, const QByteArray &bytes) {
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}
} // namespace

int main(int argc, char **argv) {
    QCoreApplication app(argc, argv);
    const QString path = opswall::testsupport::indicatorFile(QStringLiteral("gso-sdmx/METVNM.xml"));
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        std::fprintf(stderr, "cannot read %s\n", qPrintable(path));
        return 1;
    }
    const QByteArray xml = f.readAll();
    const int runs = 9;

    // 1. SDMX-ML
    ParseResult parsed;
    const Cost ours = measure(runs, [&] { parsed = parseSdmxMl(xml, FeedMapping{}, {}); });
    if (!parsed.ok()) {
        std::fprintf(stderr, "parse failed: %s\n", qPrintable(parsed.error.toString()));
        return 1;
    }
    const bool fastPath = detail::parseSdmxMlFast(xml, FeedMapping{}, {}).has_value();
    const Cost reader = measure(runs, [&] { detail::parseSdmxMlReader(xml, FeedMapping{}, {}); });
    std::printf("METVNM.xml: %lld bytes, %lld observations in %lld series; medians of %d runs\n",
                qlonglong(xml.size()), qlonglong(parsed.pointCount()),
                qlonglong(parsed.series.size()), runs);
    const Reference lint =
        runReference(QStringLiteral("xmllint --stream --noout"), QStringLiteral("xmllint"),
                     {QStringLiteral("--stream"), QStringLiteral("--noout"), path},
                     {QStringLiteral("--version")}, runs);
    printFormat("SDMX-ML", xml.size(), ours, {lint});
    std::printf("          general QXmlStreamReader path (baseline, same run): %.2f ms wall, "
                "%.2f ms CPU = %.1f MB/s; fast path %s; speed-up %.2fx wall, %.2fx CPU\n",
                reader.wallMs, reader.cpuMs, double(xml.size()) / 1e6 / (reader.wallMs / 1e3),
                fastPath ? "taken" : "NOT taken", reader.wallMs / ours.wallMs,
                reader.cpuMs / ours.cpuMs);
    if (lint.ran)
        std::printf("SDMX-ML ratio opswall / xmllint: %.2f wall, %.2f CPU  [goal <= 1.5]\n",
                    ours.wallMs / lint.run.wallMs, ours.cpuMs / std::max(0.01, lint.run.cpuMs));

    // 2. SDMX-JSON and CSV of the same observations.
    QTemporaryDir work;
    const QByteArray json = toSdmxJson(parsed.series, {QStringLiteral("METVNM"), {}, {}});
    const QString jsonPath = work.filePath(QStringLiteral("METVNM.json"));
    ParseResult fromJson;
    const Cost oursJson = measure(runs, [&] { fromJson = parseSdmxJson(json, FeedMapping{}, {}); });
    if (!fromJson.ok() || fromJson.pointCount() != parsed.pointCount()) {
        std::fprintf(stderr, "SDMX-JSON parse: %s (%lld points)\n",
                     qPrintable(fromJson.error.toString()), qlonglong(fromJson.pointCount()));
        return 1;
    }
    // The system python (Debian's), not a version manager's shim in front of it on PATH.
    const QString py = QFile::exists(QStringLiteral("/usr/bin/python3"))
                           ? QStringLiteral("/usr/bin/python3")
                           : QStringLiteral("python3");
    if (writeFile(jsonPath, json))
        printFormat(
            "SDMX-JSON", json.size(), oursJson,
            {runReference(QStringLiteral("jq empty"), QStringLiteral("jq"),
                          {QStringLiteral("empty"), jsonPath},
                          {QStringLiteral("-n"), QStringLiteral("empty")}, runs),
             runReference(QStringLiteral("python3 json.load"), py,
                          {QStringLiteral("-c"),
                           QStringLiteral("import json,sys; json.load(open(sys.argv[1]))"),
                           jsonPath},
                          {QStringLiteral("-c"), QStringLiteral("import json,sys")}, runs)});
    const QByteArray csv = toCsv(parsed.series);
    const QString csvPath = work.filePath(QStringLiteral("METVNM.csv"));
    FeedMapping csvMapping;
    csvMapping.indicatorField = QStringLiteral("indicator");
    csvMapping.dimensionFields = {QStringLiteral("freq")};
    csvMapping.timeField = QStringLiteral("period");
    csvMapping.valueField = QStringLiteral("value");
    ParseResult fromCsv;
    const Cost oursCsv = measure(runs, [&] { fromCsv = parseCsv(csv, csvMapping, {}); });
    if (!fromCsv.ok() || fromCsv.pointCount() != parsed.pointCount()) {
        std::fprintf(stderr, "CSV parse: %s (%lld points)\n", qPrintable(fromCsv.error.toString()),
                     qlonglong(fromCsv.pointCount()));
        return 1;
    }
    if (writeFile(csvPath, csv))
        printFormat("CSV", csv.size(), oursCsv,
                    {runReference(QStringLiteral("python3 csv.reader"), py,
                                  {QStringLiteral("-c"),
                                   QStringLiteral("import csv,sys; "
                                                  "sum(1 for _ in csv.reader(open(sys.argv[1])))"),
                                   csvPath},
                                  {QStringLiteral("-c"), QStringLiteral("import csv,sys")}, runs)});

    // 3. ingest
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
