// GET /api/v1/metrics of the real opswall running the demo with its services (the feed service
// over HTTP, the RTSP test stream, twelve simulated MDC displays on TCP), all on free ports:
// - the text passes Debian's `promtool check metrics` (format and naming lint) and the
//   Prometheus project's own parser (python3-prometheus-client), and says what the wall does:
//   feeds pulled, displays polled, the video stream playing, outputs drawing, the store and the
//   audit log;
// - it stays behind the API's token;
// - the feed service taken down shows up as failing within one poll of the feed (the demo's
//   sim-procurement, polled every 5 s here, the definitions' minimum, instead of every minute:
//   the wall runs on a copy of the demo's assets, --assets).
#include "appundertest.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <csignal>
#include <optional>

using namespace apptest;

namespace {

struct Tool {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

// sim-procurement's interval in the wall's copy of the demo's feeds (the definitions' minimum).
constexpr int kPollSecs = 5;

// The demo's assets copied to `to`, with sim-procurement polled every kPollSecs.
bool copyAssets(const QString &to) {
    QProcess cp;
    cp.start(QStringLiteral("cp"),
             {QStringLiteral("-R"),
              qEnvironmentVariable("OPSWALL_SOURCE_DIR") + QStringLiteral("/assets"), to});
    if (!cp.waitForFinished(60000) || cp.exitCode() != 0)
        return false;
    QFile f(to + QStringLiteral("/demo/demo-feeds.json"));
    if (!f.open(QIODevice::ReadOnly))
        return false;
    QJsonObject doc = QJsonDocument::fromJson(f.readAll()).object();
    f.close();
    QJsonArray feeds = doc[QStringLiteral("feeds")].toArray();
    bool found = false;
    for (qsizetype i = 0; i < feeds.size(); ++i) {
        QJsonObject feed = feeds[i].toObject();
        if (feed[QStringLiteral("id")].toString() == QLatin1String("sim-procurement")) {
            feed[QStringLiteral("intervalSecs")] = kPollSecs;
            found = true;
        }
        feeds[i] = feed;
    }
    doc[QStringLiteral("feeds")] = feeds;
    return found && f.open(QIODevice::WriteOnly | QIODevice::Truncate) &&
           f.write(QJsonDocument(doc).toJson()) > 0;
}

Tool runTool(const QString &program, const QStringList &args, const QByteArray &input) {
    QProcess p;
    p.start(program, args);
    Tool t;
    if (!p.waitForStarted(5000))
        return t;
    p.write(input);
    p.closeWriteChannel();
    if (!p.waitForFinished(30000)) {
        p.kill();
        p.waitForFinished();
        return t;
    }
    t.exitCode = p.exitCode();
    t.out = p.readAllStandardOutput();
    t.err = p.readAllStandardError();
    return t;
}

// The metrics as the reference parser understood them.
struct Families {
    QJsonObject families;

    // The value of the first sample of `family` (the parser's family name: counters without
    // _total) whose labels include `labels`.
    std::optional<double> value(const QString &family, const QString &sample,
                                const QJsonObject &labels = {}) const {
        for (const QJsonValue &s : families.value(family)[QStringLiteral("samples")].toArray()) {
            if (s[QStringLiteral("name")].toString() != sample)
                continue;
            const QJsonObject have = s[QStringLiteral("labels")].toObject();
            bool all = true;
            for (auto it = labels.begin(); it != labels.end(); ++it)
                all = all && have.value(it.key()) == it.value();
            if (all)
                return s[QStringLiteral("value")].toDouble();
        }
        return std::nullopt;
    }
    QString type(const QString &family) const {
        return families.value(family)[QStringLiteral("type")].toString();
    }
    QJsonArray samples(const QString &family) const {
        return families.value(family)[QStringLiteral("samples")].toArray();
    }
};

// The process id of opswall's child running `program` (the demo services are its children).
qint64 childRunning(qint64 parent, const QByteArray &program) {
    const QStringList pids = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs);
    for (const QString &pid : pids) {
        bool isPid = false;
        pid.toLongLong(&isPid);
        if (!isPid)
            continue;
        QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
        if (!stat.open(QIODevice::ReadOnly))
            continue;
        const QByteArray line = stat.readAll();
        // pid (comm) state ppid ...; comm may hold spaces and parentheses: split at the last ")".
        const QList<QByteArray> after = line.mid(line.lastIndexOf(')') + 2).split(' ');
        if (after.size() < 2 || after[1].toLongLong() != parent)
            continue;
        const QString exe = QFile::symLinkTarget(QStringLiteral("/proc/%1/exe").arg(pid));
        if (exe.endsWith(QLatin1Char('/') + QString::fromLatin1(program)))
            return pid.toLongLong();
    }
    return 0;
}

} // namespace

class TstAppMetrics : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void metricsPassPromtoolAndTheReferenceParser();
    void metricsSayWhatTheWallDoes();
    void metricsStayBehindTheToken();
    void aFeedTakenDownIsFailingWithinOnePoll();
    void cleanupTestCase();

private:
    QByteArray scrape();
    Families parse(const QByteArray &text);
    // Scrapes until check() holds or timeoutMs pass; returns the last parse.
    Families waitFor(const std::function<bool(const Families &)> &check, int timeoutMs);

    Wall m_wall;
    QString m_promtool;
    QString m_python;
    QString m_parser;
};

void TstAppMetrics::initTestCase() {
    m_promtool = QStringLiteral(OPSWALL_PROMTOOL);
    m_python = QStringLiteral(OPSWALL_DEBIAN_PYTHON);
    m_parser = QStringLiteral(OPSWALL_PARSE_METRICS);
    if (m_promtool.isEmpty())
        QSKIP("promtool not found: install Debian's prometheus (tools/install-deps.sh)");
    if (m_python.isEmpty())
        QSKIP("/usr/bin/python3 with prometheus_client not found: install "
              "python3-prometheus-client (tools/install-deps.sh)");
    QVERIFY(!qEnvironmentVariable("OPSWALL_SOURCE_DIR").isEmpty());
    const QString assets = m_wall.dir.filePath(QStringLiteral("assets"));
    QVERIFY(copyAssets(assets));
    m_wall.demoServices = true;
    m_wall.extraArgs = {QStringLiteral("--assets"), assets};
    QString why;
    QVERIFY2(m_wall.start(&why), qPrintable(why));
    QVERIFY2(m_wall.makeRoleTokens(&why), qPrintable(why));
    // The demo is running once the first pulls, polls and the stream have reported (the stream
    // decoding: its fps, counted over a second, is 0 just after it says playing).
    const Families f = waitFor(
        [](const Families &m) {
            return m.value(QStringLiteral("opswall_feed_state"),
                           QStringLiteral("opswall_feed_state"),
                           {{QStringLiteral("feed"), QStringLiteral("sim-procurement")},
                            {QStringLiteral("state"), QStringLiteral("ok")}}) == 1.0 &&
                   m.value(QStringLiteral("opswall_display_reachable"),
                           QStringLiteral("opswall_display_reachable")) == 1.0 &&
                   m.value(QStringLiteral("opswall_stream_state"),
                           QStringLiteral("opswall_stream_state"),
                           {{QStringLiteral("stream"), QStringLiteral("demo-vc")},
                            {QStringLiteral("state"), QStringLiteral("playing")}}) == 1.0 &&
                   m.value(QStringLiteral("opswall_stream_fps"),
                           QStringLiteral("opswall_stream_fps"),
                           {{QStringLiteral("stream"), QStringLiteral("demo-vc")}})
                           .value_or(0) > 0 &&
                   m.value(QStringLiteral("opswall_output_fps"),
                           QStringLiteral("opswall_output_fps"))
                       .has_value();
        },
        60000);
    QVERIFY2(!f.families.isEmpty(), "no metrics");
}

QByteArray TstAppMetrics::scrape() {
    const ApiResponse r =
        m_wall.client(m_wall.tokens.value(Role::Viewer)).request("GET", QStringLiteral("/metrics"));
    if (r.status != 200)
        qWarning("GET /metrics: %d %s", r.status, r.body.constData());
    return r.status == 200 ? r.body : QByteArray();
}

Families TstAppMetrics::parse(const QByteArray &text) {
    const Tool t = runTool(m_python, {m_parser}, text);
    if (t.exitCode != 0)
        qWarning("parse_metrics.py: %s", t.err.constData());
    return {QJsonDocument::fromJson(t.out).object().value(QStringLiteral("families")).toObject()};
}

Families TstAppMetrics::waitFor(const std::function<bool(const Families &)> &check, int timeoutMs) {
    QElapsedTimer clock;
    clock.start();
    Families f;
    do {
        f = parse(scrape());
        if (check(f))
            return f;
        QTest::qWait(500);
    } while (clock.elapsed() < timeoutMs);
    return f;
}

void TstAppMetrics::metricsPassPromtoolAndTheReferenceParser() {
    const QByteArray text = scrape();
    QVERIFY(!text.isEmpty());
    const Tool lint =
        runTool(m_promtool, {QStringLiteral("check"), QStringLiteral("metrics")}, text);
    QVERIFY2(lint.exitCode == 0, (lint.out + lint.err).constData());
    // promtool prints its lint findings (bad names, units, missing help) even where it exits 0.
    QVERIFY2((lint.out + lint.err).trimmed().isEmpty(), (lint.out + lint.err).constData());

    const Tool parsed = runTool(m_python, {m_parser}, text);
    QVERIFY2(parsed.exitCode == 0, parsed.err.constData());
    const QJsonObject families =
        QJsonDocument::fromJson(parsed.out).object().value(QStringLiteral("families")).toObject();
    QVERIFY(families.size() >= 40);
    for (auto it = families.begin(); it != families.end(); ++it) {
        const QJsonObject f = it->toObject();
        QVERIFY2(f.value(QStringLiteral("type")).toString() != QLatin1String("unknown"),
                 qPrintable(it.key() + QStringLiteral(": no # TYPE")));
        QVERIFY2(!f.value(QStringLiteral("help")).toString().isEmpty(),
                 qPrintable(it.key() + QStringLiteral(": no # HELP")));
    }
    // No URI or secret in any label: the demo's stream is an RTSP URL on loopback and the feeds
    // are HTTP URLs; neither appears anywhere in the text.
    QVERIFY(!text.contains("rtsp://"));
    QVERIFY(!text.contains("http://"));
    QVERIFY(!text.contains(m_wall.admin.toUtf8()));
}

void TstAppMetrics::metricsSayWhatTheWallDoes() {
    const Families m = parse(scrape());
    using L = QJsonObject;
    const QString feed = QStringLiteral("feed");
    // Feeds: pulled, values stored, fresh.
    QCOMPARE(m.type(QStringLiteral("opswall_feed_points_ingested")), QStringLiteral("counter"));
    QVERIFY(m.value(QStringLiteral("opswall_feed_points_ingested"),
                    QStringLiteral("opswall_feed_points_ingested_total"),
                    L{{feed, QStringLiteral("gso-monthly")}})
                .value_or(0) > 0);
    const double now = double(QDateTime::currentSecsSinceEpoch());
    const auto lastSuccess = m.value(QStringLiteral("opswall_feed_last_success_timestamp_seconds"),
                                     QStringLiteral("opswall_feed_last_success_timestamp_seconds"),
                                     L{{feed, QStringLiteral("sim-procurement")}});
    QVERIFY(lastSuccess && now - *lastSuccess < 120 && now - *lastSuccess > -5);
    QCOMPARE(m.value(QStringLiteral("opswall_feed_consecutive_failures"),
                     QStringLiteral("opswall_feed_consecutive_failures"),
                     L{{feed, QStringLiteral("sim-procurement")}}),
             0.0);
    QCOMPARE(m.value(QStringLiteral("opswall_feed_interval_seconds"),
                     QStringLiteral("opswall_feed_interval_seconds"),
                     L{{feed, QStringLiteral("sim-procurement")}}),
             double(kPollSecs));
    // Every demo indicator rule has a state.
    QVERIFY(m.samples(QStringLiteral("opswall_indicator_alert_state")).size() >= 3);
    // Displays: the twelve simulated panels answer, report power, input and temperature.
    int displays = 0;
    for (const QJsonValue &s : m.samples(QStringLiteral("opswall_display_reachable"))) {
        ++displays;
        QCOMPARE(s[QStringLiteral("value")].toDouble(), 1.0);
    }
    QCOMPARE(displays, 12);
    QCOMPARE(m.samples(QStringLiteral("opswall_display_temperature_celsius")).size(), 12);
    // The demo panels start off and are switched on at start in working hours (their schedule);
    // a panel switched on reports its input too.
    const ApiResponse on =
        m_wall.client(m_wall.tokens.value(Role::Technician))
            .request("POST", QStringLiteral("/devices/r1c1/commands"),
                     {{QStringLiteral("command"), QStringLiteral("power")},
                      {QStringLiteral("args"),
                       QJsonObject{{QStringLiteral("value"), QStringLiteral("on")}}}});
    QVERIFY2(on.status == 202, on.body.constData());
    const L r1c1{{QStringLiteral("display"), QStringLiteral("r1c1")}};
    const Families powered = waitFor(
        [&](const Families &f) {
            return f.value(QStringLiteral("opswall_display_power_state"),
                           QStringLiteral("opswall_display_power_state"),
                           {{QStringLiteral("display"), QStringLiteral("r1c1")},
                            {QStringLiteral("state"), QStringLiteral("on")}}) == 1.0 &&
                   f.value(QStringLiteral("opswall_display_input_info"),
                           QStringLiteral("opswall_display_input_info"), r1c1)
                       .has_value();
        },
        30000);
    QCOMPARE(powered.value(QStringLiteral("opswall_display_input_info"),
                           QStringLiteral("opswall_display_input_info"), r1c1),
             1.0);
    QCOMPARE(powered.value(QStringLiteral("opswall_display_command_failures"),
                           QStringLiteral("opswall_display_command_failures_total"), r1c1),
             0.0);
    QCOMPARE(m.type(QStringLiteral("opswall_display_command_failures")), QStringLiteral("counter"));
    double powerSum = 0;
    for (const QJsonValue &s : m.samples(QStringLiteral("opswall_display_power_state")))
        powerSum += s[QStringLiteral("value")].toDouble();
    QCOMPARE(powerSum, 12.0); // one current state per display
    // The video stream: playing, decoding, with its decoder named on the info gauge.
    const L vc{{QStringLiteral("stream"), QStringLiteral("demo-vc")}};
    QVERIFY(m.value(QStringLiteral("opswall_stream_fps"), QStringLiteral("opswall_stream_fps"), vc)
                .value_or(0) > 0);
    bool decoderNamed = false;
    for (const QJsonValue &s : m.samples(QStringLiteral("opswall_stream_info")))
        decoderNamed =
            decoderNamed ||
            (s[QStringLiteral("labels")][QStringLiteral("stream")] == QStringLiteral("demo-vc") &&
             !s[QStringLiteral("labels")][QStringLiteral("decoder")].toString().isEmpty());
    QVERIFY(decoderNamed);
    QCOMPARE(m.type(QStringLiteral("opswall_stream_reconnects")), QStringLiteral("counter"));
    // Outputs, store, audit.
    QVERIFY(!m.samples(QStringLiteral("opswall_output_fps")).isEmpty());
    QCOMPARE(m.value(QStringLiteral("opswall_store_write_queue_depth"),
                     QStringLiteral("opswall_store_write_queue_depth")),
             0.0);
    QCOMPARE(m.type(QStringLiteral("opswall_store_transaction_duration_seconds")),
             QStringLiteral("histogram"));
    QVERIFY(m.value(QStringLiteral("opswall_store_transaction_duration_seconds"),
                    QStringLiteral("opswall_store_transaction_duration_seconds_count"))
                .value_or(0) > 0);
    QVERIFY(m.value(QStringLiteral("opswall_store_database_size_bytes"),
                    QStringLiteral("opswall_store_database_size_bytes"))
                .value_or(0) > 0);
    QVERIFY(m.value(QStringLiteral("opswall_store_filesystem_free_bytes"),
                    QStringLiteral("opswall_store_filesystem_free_bytes"))
                .value_or(0) > 0);
    // The token creation above was audited; a check of the chain shows up as its last result.
    QVERIFY(m.value(QStringLiteral("opswall_audit_rows"), QStringLiteral("opswall_audit_rows"))
                .value_or(0) >= 5);
    QCOMPARE(m_wall.api("GET", QStringLiteral("/audit/verify")).status, 200);
    const Families after = parse(scrape());
    QCOMPARE(after.value(QStringLiteral("opswall_audit_last_verify_ok"),
                         QStringLiteral("opswall_audit_last_verify_ok")),
             1.0);
}

void TstAppMetrics::metricsStayBehindTheToken() {
    QCOMPARE(m_wall.client(QString()).request("GET", QStringLiteral("/metrics")).status, 401);
    QCOMPARE(m_wall.client(QStringLiteral("owt_not-a-token"))
                 .request("GET", QStringLiteral("/metrics"))
                 .status,
             401);
}

void TstAppMetrics::aFeedTakenDownIsFailingWithinOnePoll() {
    const QString feed = QStringLiteral("sim-procurement");
    const Families before = parse(scrape());
    const auto lastAttempt =
        before.value(QStringLiteral("opswall_feed_last_attempt_timestamp_seconds"),
                     QStringLiteral("opswall_feed_last_attempt_timestamp_seconds"),
                     {{QStringLiteral("feed"), feed}});
    const auto interval = before.value(QStringLiteral("opswall_feed_interval_seconds"),
                                       QStringLiteral("opswall_feed_interval_seconds"),
                                       {{QStringLiteral("feed"), feed}});
    QVERIFY(lastAttempt && interval);
    const qint64 service =
        childRunning(m_wall.process.processId(), QByteArrayLiteral("opswall-feedservice"));
    QVERIFY2(service > 0, "the demo feed service is not a child of opswall");
    QCOMPARE(::kill(pid_t(service), SIGTERM), 0);
    // The feed's next pull after the take-down fails: due at lastAttempt + interval. Allow the
    // scrape period and a little for a loaded machine, not a second interval.
    const double deadline = *lastAttempt + *interval + 10;
    const int waitMs =
        int(std::max(0.0, deadline - double(QDateTime::currentSecsSinceEpoch())) * 1000);
    const Families after = waitFor(
        [&](const Families &m) {
            return m.value(QStringLiteral("opswall_feed_state"),
                           QStringLiteral("opswall_feed_state"),
                           {{QStringLiteral("feed"), feed},
                            {QStringLiteral("state"), QStringLiteral("failing")}}) == 1.0;
        },
        waitMs);
    QCOMPARE(after.value(QStringLiteral("opswall_feed_state"), QStringLiteral("opswall_feed_state"),
                         {{QStringLiteral("feed"), feed},
                          {QStringLiteral("state"), QStringLiteral("failing")}}),
             1.0);
    QVERIFY(after
                .value(QStringLiteral("opswall_feed_consecutive_failures"),
                       QStringLiteral("opswall_feed_consecutive_failures"),
                       {{QStringLiteral("feed"), feed}})
                .value_or(0) >= 1);
    QVERIFY(after
                .value(QStringLiteral("opswall_feed_last_attempt_timestamp_seconds"),
                       QStringLiteral("opswall_feed_last_attempt_timestamp_seconds"),
                       {{QStringLiteral("feed"), feed}})
                .value_or(0) > *lastAttempt);
    // The live counter's connection is a feed too: it fails at once.
    QCOMPARE(after.value(QStringLiteral("opswall_feed_state"), QStringLiteral("opswall_feed_state"),
                         {{QStringLiteral("feed"), QStringLiteral("live-new-enterprises")},
                          {QStringLiteral("state"), QStringLiteral("failing")}}),
             1.0);
    // The last good values are kept: the success time did not move.
    QCOMPARE(after.value(QStringLiteral("opswall_feed_last_success_timestamp_seconds"),
                         QStringLiteral("opswall_feed_last_success_timestamp_seconds"),
                         {{QStringLiteral("feed"), feed}}),
             before.value(QStringLiteral("opswall_feed_last_success_timestamp_seconds"),
                          QStringLiteral("opswall_feed_last_success_timestamp_seconds"),
                          {{QStringLiteral("feed"), feed}}));
}

void TstAppMetrics::cleanupTestCase() {
    if (m_wall.process.state() != QProcess::NotRunning)
        QVERIFY(m_wall.stop());
}

QTEST_GUILESS_MAIN(TstAppMetrics)
#include "tst_app_metrics.moc"
