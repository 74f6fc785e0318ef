// The wall's metric families (control/wallmetrics.h): every family declared once with HELP and
// TYPE, state sets with exactly one current state, no URI or secret in any label, values that
// follow the figures; the store's transaction timing and the audit's last check, on real SQLite.
// When Debian's promtool is there (PROMTOOL), it lints a rich exposition too.
#include "control/auditlog.h"
#include "control/controlservice.h"
#include "control/wallmetrics.h"
#include "store/database.h"

#include <QHash>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include <future>
#include <memory>

#include <cmath>

using namespace opswall::control;
using opswall::store::Database;

namespace {

struct Sample {
    QByteArray name;
    QHash<QByteArray, QString> labels;
    double value = 0;
};

// A small reader for the text format as we write it (the integration test uses Python's
// prometheus_client parser and promtool on the real wall): returns the samples and checks that
// every sample's family was declared by # HELP and # TYPE before it, once.
struct Parsed {
    QList<Sample> samples;
    QHash<QByteArray, QByteArray> types;
    QString error;
};

Parsed parse(const QByteArray &text) {
    Parsed p;
    QSet<QByteArray> helped;
    static const QRegularExpression sampleRe(
        QStringLiteral("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})? (\\S+)$"));
    static const QRegularExpression labelRe(
        QStringLiteral("([a-zA-Z_]\\w*)=\"((?:[^\"\\\\]|\\\\.)*)\""));
    for (const QByteArray &line : text.split('\n')) {
        if (line.isEmpty())
            continue;
        if (line.startsWith("# HELP ")) {
            const QByteArray name = line.mid(7).split(' ').value(0);
            if (helped.contains(name))
                p.error = QStringLiteral("HELP twice for ") + QString::fromUtf8(name);
            helped.insert(name);
            continue;
        }
        if (line.startsWith("# TYPE ")) {
            const QList<QByteArray> f = line.mid(7).split(' ');
            if (p.types.contains(f.value(0)))
                p.error = QStringLiteral("TYPE twice for ") + QString::fromUtf8(f.value(0));
            p.types.insert(f.value(0), f.value(1));
            continue;
        }
        const auto m = sampleRe.match(QString::fromUtf8(line));
        if (!m.hasMatch()) {
            p.error = QStringLiteral("not a sample: ") + QString::fromUtf8(line);
            continue;
        }
        Sample s;
        s.name = m.captured(1).toUtf8();
        auto it = labelRe.globalMatch(m.captured(3));
        while (it.hasNext()) {
            const auto l = it.next();
            s.labels.insert(l.captured(1).toUtf8(), l.captured(2));
        }
        bool ok = false;
        s.value = m.captured(4).toDouble(&ok);
        if (!ok && m.captured(4) != QLatin1String("+Inf") && m.captured(4) != QLatin1String("NaN"))
            p.error = QStringLiteral("bad value: ") + QString::fromUtf8(line);
        QByteArray family = s.name;
        for (const char *suffix : {"_bucket", "_sum", "_count"})
            if (!p.types.contains(family) && family.endsWith(suffix))
                family.chop(qsizetype(qstrlen(suffix)));
        if (!p.types.contains(family) || !helped.contains(family))
            p.error = QStringLiteral("no HELP/TYPE before ") + QString::fromUtf8(s.name);
        p.samples.append(s);
    }
    return p;
}

std::optional<double> value(const Parsed &p, const QByteArray &name,
                            const QHash<QByteArray, QString> &labels) {
    for (const Sample &s : p.samples) {
        if (s.name != name)
            continue;
        bool all = true;
        for (auto it = labels.begin(); it != labels.end(); ++it)
            all = all && s.labels.value(it.key()) == it.value();
        if (all)
            return s.value;
    }
    return std::nullopt;
}

WallFigures richWall() {
    WallFigures w;
    FeedFigures ok;
    ok.id = QStringLiteral("gso-monthly");
    ok.state = QStringLiteral("ok");
    ok.lastSuccessEpochSecs = 1'790'000'000;
    ok.lastAttemptEpochSecs = 1'790'000'000;
    ok.dataAgeSecs = 42;
    ok.intervalSecs = 300;
    ok.staleAfterSecs = 900;
    ok.pointsIngested = 1234;
    FeedFigures failing;
    failing.id = QStringLiteral("sim-procurement");
    failing.state = QStringLiteral("failing");
    failing.lastAttemptEpochSecs = 1'790'000'100;
    failing.consecutiveFailures = 3;
    failing.intervalSecs = 60;
    failing.staleAfterSecs = 180;
    w.feeds = {ok, failing};
    w.indicatorAlerts = {
        {QStringLiteral("CPI_YOY"), QStringLiteral("cpi-high"), QStringLiteral("warning"), true,
         false},
        {QStringLiteral("IIP_YOY"), QStringLiteral("iip-low"), QStringLiteral("critical"), true,
         true},
        {QStringLiteral("FDI"), QStringLiteral("fdi-plan"), QStringLiteral("info"), false, false}};
    DisplayFigures hot;
    hot.id = QStringLiteral("r2c3");
    hot.bound = true;
    hot.reachable = true;
    hot.power = QStringLiteral("on");
    hot.input = QStringLiteral("hdmi1");
    hot.temperatureCelsius = 58;
    hot.fan = QStringLiteral("ok");
    hot.scheduledOn = true;
    hot.lastSeenEpochSecs = 1'790'000'050;
    hot.commandFailures = 2;
    DisplayFigures off;
    off.id = QStringLiteral("r1c1");
    off.bound = true;
    off.power = QStringLiteral("off");
    off.scheduledOn = true;
    DisplayFigures unbound;
    unbound.id = QStringLiteral("r3c4 \"odd\"\\name");
    w.displays = {hot, off, unbound};
    StreamFigures vc;
    vc.key = QStringLiteral("demo-vc");
    vc.state = QStringLiteral("Playing");
    vc.fps = 30;
    vc.droppedFrames = 5;
    vc.reconnects = 40;
    vc.latencyMs = 36;
    vc.bitrateKbps = 4000;
    vc.codec = QStringLiteral("H.264");
    vc.decoder = QStringLiteral("avdec_h264");
    vc.width = 1280;
    vc.height = 720;
    StreamFigures adhoc = vc;
    adhoc.key = QStringLiteral("uri:rtsp://admin:s3cr3t@10.1.2.3:554/cam?token=abc");
    adhoc.state = QStringLiteral("Reconnecting");
    adhoc.latencyMs = -1;
    StreamFigures gl = vc;
    gl.key = QStringLiteral("gl:uri:srt://10.0.0.9:9000?passphrase=hunter22");
    w.streams = {vc, adhoc, gl};
    w.outputs = {{0, 30, 45}, {1, 0, -1}, {2, -1, -1}};
    return w;
}

} // namespace

class TstControlWallMetrics : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void everyFamilyIsDeclaredAndTyped();
    void valuesFollowTheFigures();
    void stateSetsHaveOneCurrentState();
    void noUriOrSecretInAnyLabel();
    void labelValuesAreEscaped();
    void anEmptyWallShowsOnlyTheStore();
    void transactionsAreTimedOnRealSqlite();
    void auditRowsAndLastVerification();
    void promtoolAcceptsTheExposition();
};

void TstControlWallMetrics::everyFamilyIsDeclaredAndTyped() {
    StoreFigures store;
    store.databaseBytes = 4096;
    store.freeBytes = 1 << 30;
    const Parsed p = parse(formatWallMetrics(richWall(), store, {}));
    QVERIFY2(p.error.isEmpty(), qPrintable(p.error));
    QVERIFY(p.samples.size() > 50);
    // Counters end in _total; nothing else does.
    for (auto it = p.types.begin(); it != p.types.end(); ++it) {
        QVERIFY2(it.key().startsWith("opswall_"), it.key().constData());
        QCOMPARE(it.key().endsWith("_total"), it.value() == "counter");
        QVERIFY2(it.value() == "counter" || it.value() == "gauge" || it.value() == "histogram",
                 it.key().constData());
    }
    for (const char *family : {"opswall_feed_state",
                               "opswall_feed_last_success_timestamp_seconds",
                               "opswall_feed_last_attempt_timestamp_seconds",
                               "opswall_feed_consecutive_failures",
                               "opswall_feed_data_age_seconds",
                               "opswall_feed_points_ingested_total",
                               "opswall_indicator_alert_state",
                               "opswall_display_power_state",
                               "opswall_display_input_info",
                               "opswall_display_temperature_celsius",
                               "opswall_display_fan_state",
                               "opswall_display_last_seen_timestamp_seconds",
                               "opswall_display_command_failures_total",
                               "opswall_display_power_scheduled_on",
                               "opswall_stream_state",
                               "opswall_stream_fps",
                               "opswall_stream_dropped_frames_total",
                               "opswall_stream_reconnects_total",
                               "opswall_stream_latency_seconds",
                               "opswall_stream_bitrate_bytes_per_second",
                               "opswall_stream_info",
                               "opswall_output_fps",
                               "opswall_output_longest_frame_seconds",
                               "opswall_store_write_queue_depth",
                               "opswall_store_gui_thread_waits_total",
                               "opswall_store_transaction_duration_seconds",
                               "opswall_store_database_size_bytes",
                               "opswall_store_filesystem_free_bytes"})
        QVERIFY2(p.types.contains(family), family);
}

void TstControlWallMetrics::valuesFollowTheFigures() {
    const Parsed p = parse(formatWallMetrics(richWall(), {}, {}));
    QCOMPARE(value(p, "opswall_feed_consecutive_failures", {{"feed", "sim-procurement"}}), 3.0);
    QCOMPARE(value(p, "opswall_feed_points_ingested_total", {{"feed", "gso-monthly"}}), 1234.0);
    QCOMPARE(value(p, "opswall_feed_data_age_seconds", {{"feed", "gso-monthly"}}), 42.0);
    // Never succeeded: no last-success sample rather than a made-up 0.
    QVERIFY(
        !value(p, "opswall_feed_last_success_timestamp_seconds", {{"feed", "sim-procurement"}}));
    QCOMPARE(value(p, "opswall_display_temperature_celsius", {{"display", "r2c3"}}), 58.0);
    QCOMPARE(value(p, "opswall_display_input_info", {{"display", "r2c3"}, {"input", "hdmi1"}}),
             1.0);
    QCOMPARE(value(p, "opswall_display_command_failures_total", {{"display", "r2c3"}}), 2.0);
    QCOMPARE(value(p, "opswall_display_power_scheduled_on", {{"display", "r1c1"}}), 1.0);
    QCOMPARE(value(p, "opswall_display_power_state", {{"display", "r1c1"}, {"state", "off"}}), 1.0);
    QCOMPARE(value(p, "opswall_stream_reconnects_total", {{"stream", "demo-vc"}}), 40.0);
    QCOMPARE(value(p, "opswall_stream_latency_seconds", {{"stream", "demo-vc"}}), 0.036);
    QCOMPARE(value(p, "opswall_stream_bitrate_bytes_per_second", {{"stream", "demo-vc"}}),
             500000.0);
    QCOMPARE(value(p, "opswall_stream_info",
                   {{"stream", "demo-vc"}, {"codec", "H.264"}, {"decoder", "avdec_h264"}}),
             1.0);
    QCOMPARE(value(p, "opswall_output_fps", {{"output", "1"}}), 0.0);
    QCOMPARE(value(p, "opswall_output_longest_frame_seconds", {{"output", "0"}}), 0.045);
    // An output that has not finished its first second is left out.
    QVERIFY(!value(p, "opswall_output_fps", {{"output", "2"}}));
    QCOMPARE(value(p, "opswall_store_write_queue_depth", {}), 0.0);
}

void TstControlWallMetrics::stateSetsHaveOneCurrentState() {
    const Parsed p = parse(formatWallMetrics(richWall(), {}, {}));
    // (family, id label) -> sum over the states: exactly 1 per feed/display/stream/rule.
    QHash<QString, double> sums;
    QHash<QString, QString> current;
    for (const Sample &s : p.samples) {
        if (!s.labels.contains("state"))
            continue;
        // name|values of the other labels, in the order they were written
        QString key = QString::fromUtf8(s.name);
        for (const char *label : {"feed", "display", "stream", "indicator", "rule", "severity"})
            if (s.labels.contains(label))
                key += QLatin1Char('|') + s.labels.value(label);
        sums[key] += s.value;
        if (s.value == 1)
            current[key] = s.labels.value("state");
    }
    QVERIFY(sums.size() >= 10);
    for (auto it = sums.begin(); it != sums.end(); ++it)
        QVERIFY2(it.value() == 1.0, qPrintable(it.key()));
    QCOMPARE(current.value(QStringLiteral("opswall_feed_state|sim-procurement")),
             QStringLiteral("failing"));
    QCOMPARE(
        current.value(QStringLiteral("opswall_indicator_alert_state|CPI_YOY|cpi-high|warning")),
        QStringLiteral("firing"));
    QCOMPARE(
        current.value(QStringLiteral("opswall_indicator_alert_state|IIP_YOY|iip-low|critical")),
        QStringLiteral("acknowledged"));
    QCOMPARE(current.value(QStringLiteral("opswall_indicator_alert_state|FDI|fdi-plan|info")),
             QStringLiteral("ok"));
    QCOMPARE(current.value(QStringLiteral("opswall_stream_state|demo-vc")),
             QStringLiteral("playing"));
    // A display that never reported its fan is "unknown", not "ok".
    QCOMPARE(current.value(QStringLiteral("opswall_display_fan_state|r1c1")),
             QStringLiteral("unknown"));
}

void TstControlWallMetrics::noUriOrSecretInAnyLabel() {
    const QByteArray text = formatWallMetrics(richWall(), {}, {});
    for (const char *secret : {"s3cr3t", "admin:", "10.1.2.3", "rtsp://", "srt://", "hunter22",
                               "token=abc", "passphrase", "uri:", "gl:"})
        QVERIFY2(!text.contains(secret), secret);
    // The hashed label is stable (the same stream keeps its series) and distinct per URI.
    const QString a = streamLabel(QStringLiteral("uri:rtsp://admin:s3cr3t@10.1.2.3:554/cam"));
    QCOMPARE(a, streamLabel(QStringLiteral("uri:rtsp://admin:s3cr3t@10.1.2.3:554/cam")));
    QVERIFY(a.startsWith(QLatin1String("adhoc-")));
    QCOMPARE(a.size(), 6 + 12);
    QVERIFY(a != streamLabel(QStringLiteral("uri:rtsp://admin:other@10.1.2.3:554/cam")));
    QCOMPARE(streamLabel(QStringLiteral("gl:demo-vc")), QStringLiteral("demo-vc"));
    QCOMPARE(streamLabel(QStringLiteral("error:7")), QStringLiteral("failed-7"));
    // Something that looks like an address without the uri: prefix is hashed too.
    QVERIFY(streamLabel(QStringLiteral("rtsp://cam/1")).startsWith(QLatin1String("adhoc-")));
}

void TstControlWallMetrics::labelValuesAreEscaped() {
    const QByteArray text = formatWallMetrics(richWall(), {}, {});
    QVERIFY(text.contains("opswall_display_bound{display=\"r3c4 \\\"odd\\\"\\\\name\"} 0"));
    QCOMPARE(escapeLabelValue(QStringLiteral("a\nb")), QByteArray("a\\nb"));
    QCOMPARE(escapeLabelValue(QStringLiteral("Hà Nội")), QStringLiteral("Hà Nội").toUtf8());
}

void TstControlWallMetrics::anEmptyWallShowsOnlyTheStore() {
    const Parsed p = parse(formatWallMetrics({}, {}, {}));
    QVERIFY2(p.error.isEmpty(), qPrintable(p.error));
    for (auto it = p.types.begin(); it != p.types.end(); ++it)
        QVERIFY2(it.key().startsWith("opswall_store_"), it.key().constData());
    QCOMPARE(value(p, "opswall_store_transaction_duration_seconds_count", {}), 0.0);
}

void TstControlWallMetrics::transactionsAreTimedOnRealSqlite() {
    QTemporaryDir dir;
    Database db(dir.filePath(QStringLiteral("t.db")));
    db.exec("CREATE TABLE t(x INTEGER)");
    for (int i = 0; i < 5; ++i)
        db.transaction([&] { db.prepare("INSERT INTO t VALUES(?)").bind(1, i).run(); });
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, db.transaction([&] {
        db.prepare("INSERT INTO t VALUES(1)").run();
        throw std::runtime_error("refused");
    }));
    const Database::TransactionStats &tx = db.transactionStats();
    QCOMPARE(tx.count, std::uint64_t(6));
    QCOMPARE(tx.rolledBack, std::uint64_t(1));
    std::uint64_t inBuckets = 0;
    for (std::uint64_t b : tx.buckets)
        inBuckets += b;
    QCOMPARE(inBuckets, tx.count);
    QVERIFY(tx.sumSecs > 0 && tx.maxSecs > 0 && tx.maxSecs <= tx.sumSecs);
    StoreFigures store;
    store.transactions = tx;
    const Parsed p = parse(formatWallMetrics({}, store, {}));
    QCOMPARE(value(p, "opswall_store_transaction_duration_seconds_count", {}), 6.0);
    QCOMPARE(value(p, "opswall_store_transaction_duration_seconds_bucket", {{"le", "+Inf"}}), 6.0);
    QCOMPARE(value(p, "opswall_store_transactions_rolled_back_total", {}), 1.0);
    // Buckets are cumulative.
    double previous = 0;
    for (const Sample &s : p.samples)
        if (s.name == "opswall_store_transaction_duration_seconds_bucket") {
            QVERIFY(s.value >= previous);
            previous = s.value;
        }
}

namespace {
// The wall's metrics text: made on a worker thread (the audit rows are read there).
QByteArray metricsOf(ControlService &control) {
    auto text = std::make_shared<std::promise<QByteArray>>();
    std::future<QByteArray> got = text->get_future();
    control.wallMetricsAsync([text](const QByteArray &m) { text->set_value(m); });
    return got.get();
}
} // namespace

void TstControlWallMetrics::auditRowsAndLastVerification() {
    QTemporaryDir dir;
    Database db(dir.filePath(QStringLiteral("wall.db")));
    ControlService control(db, nullptr);
    const opswall::Caller who{QStringLiteral("op"), opswall::Role::Operator,
                              QStringLiteral("127.0.0.1"), QStringLiteral("api")};
    for (int i = 0; i < 3; ++i)
        control.audit().append(who, opswall::Action{QStringLiteral("preset.recall"), {}},
                               opswall::ActionResult::success({}));
    Parsed p = parse(metricsOf(control));
    QVERIFY2(p.error.isEmpty(), qPrintable(p.error));
    QCOMPARE(value(p, "opswall_audit_rows", {}), 3.0);
    QVERIFY(!value(p, "opswall_audit_last_verify_ok", {})); // none ran yet
    QVERIFY(value(p, "opswall_store_database_size_bytes", {}).value_or(0) > 0);
    QVERIFY(value(p, "opswall_store_filesystem_free_bytes", {}).value_or(0) > 0);
    QVERIFY(value(p, "opswall_store_transaction_duration_seconds_count", {}).value_or(0) >= 3);
    // With no store thread the rows were written here, on the application's thread: counted.
    QVERIFY(value(p, "opswall_store_gui_thread_waits_total", {}).value_or(0) >= 3);
    QVERIFY(control.audit().verify().ok);
    p = parse(metricsOf(control));
    QCOMPARE(value(p, "opswall_audit_last_verify_ok", {}), 1.0);
    // A row edited behind the log's back: the next check says so in the metrics.
    db.exec("UPDATE control_audit SET user='someone else' WHERE id=2");
    QVERIFY(!control.audit().verify().ok);
    p = parse(metricsOf(control));
    QCOMPARE(value(p, "opswall_audit_last_verify_ok", {}), 0.0);
    QVERIFY(std::abs(*value(p, "opswall_audit_last_verify_timestamp_seconds", {}) -
                     double(QDateTime::currentSecsSinceEpoch())) < 60);
}

void TstControlWallMetrics::promtoolAcceptsTheExposition() {
    const QString promtool = qEnvironmentVariable("PROMTOOL");
    if (promtool.isEmpty())
        QSKIP("promtool not found (Debian package prometheus)");
    StoreFigures store;
    store.databaseBytes = 4096;
    store.freeBytes = 1 << 30;
    AuditFigures audit;
    audit.rows = 10;
    audit.lastVerifyOk = false;
    audit.lastVerifyEpochSecs = 1'790'000'000;
    QProcess p;
    p.start(promtool, {QStringLiteral("check"), QStringLiteral("metrics")});
    QVERIFY(p.waitForStarted(5000));
    p.write(formatWallMetrics(richWall(), store, audit));
    p.closeWriteChannel();
    QVERIFY(p.waitForFinished(20000));
    const QByteArray said = p.readAllStandardOutput() + p.readAllStandardError();
    QVERIFY2(p.exitCode() == 0, said.constData());
    QVERIFY2(said.trimmed().isEmpty(), said.constData()); // no lint remarks either
}

QTEST_GUILESS_MAIN(TstControlWallMetrics)
#include "tst_control_wallmetrics.moc"
