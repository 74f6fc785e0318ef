#include "control/wallmetrics.h"

#include <QCryptographicHash>
#include <QStringList>

#include <cmath>
#include <utility>
#include <vector>

namespace opswall::control {

QByteArray escapeLabelValue(const QString &value) {
    QByteArray out;
    const QByteArray utf8 = value.toUtf8();
    out.reserve(utf8.size());
    for (const char c : utf8) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '"')
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

QString streamLabel(const QString &key) {
    if (key.startsWith(QLatin1String("gl:")))
        return streamLabel(key.mid(3));
    if (key.startsWith(QLatin1String("uri:")))
        return QStringLiteral("adhoc-") +
               QString::fromLatin1(
                   QCryptographicHash::hash(key.mid(4).toUtf8(), QCryptographicHash::Sha256)
                       .toHex()
                       .left(12));
    if (key.startsWith(QLatin1String("error:")))
        return QStringLiteral("failed-") + key.mid(6);
    // A source id ([A-Za-z0-9_.-], checked by sourceFromJson). Anything else that looks like an
    // address is hashed rather than shown.
    if (key.contains(QLatin1Char(':')) || key.contains(QLatin1Char('/')) ||
        key.contains(QLatin1Char('@')))
        return streamLabel(QStringLiteral("uri:") + key);
    return key;
}

namespace {

QByteArray number(double v) {
    if (std::isnan(v))
        return "NaN";
    if (std::isinf(v))
        return v > 0 ? "+Inf" : "-Inf";
    return QByteArray::number(v, 'g', 15);
}

using Labels = std::vector<std::pair<const char *, QString>>;

// One metric family: # HELP, # TYPE and its samples, written only when it has samples (a
// family of feeds on a wall without feeds is left out rather than shown empty).
class Family {
public:
    Family(const char *name, const char *type, const char *help)
        : m_name(name)
        , m_type(type)
        , m_help(help) {}

    void add(const Labels &labels, double value) {
        m_samples += m_name;
        if (!labels.empty()) {
            m_samples += '{';
            bool first = true;
            for (const auto &[k, v] : labels) {
                if (!first)
                    m_samples += ',';
                first = false;
                m_samples += k;
                m_samples += "=\"";
                m_samples += escapeLabelValue(v);
                m_samples += '"';
            }
            m_samples += '}';
        }
        m_samples += ' ';
        m_samples += number(value);
        m_samples += '\n';
    }

    void writeTo(QByteArray &out) const {
        if (m_samples.isEmpty())
            return;
        out += "# HELP ";
        out += m_name;
        out += ' ';
        out += m_help;
        out += "\n# TYPE ";
        out += m_name;
        out += ' ';
        out += m_type;
        out += '\n';
        out += m_samples;
    }

private:
    QByteArray m_name;
    const char *m_type;
    const char *m_help;
    QByteArray m_samples;
};

// A state set: one series per possible state, 1 for the current one (Prometheus' convention for
// enumerations, so that a rule can say state="failing" and a graph can stack them).
void stateSet(Family &f, const Labels &base, QStringList states, const QString &current) {
    const QString now = current.isEmpty() ? QStringLiteral("unknown") : current.toLower();
    if (!states.contains(now))
        states.append(now);
    for (const QString &s : states) {
        Labels labels = base;
        labels.emplace_back("state", s);
        f.add(labels, s == now ? 1 : 0);
    }
}

} // namespace

QByteArray formatWallMetrics(const WallFigures &wall, const StoreFigures &store,
                             const AuditFigures &audit) {
    QByteArray out;

    // Feeds
    Family feedState("opswall_feed_state", "gauge",
                     "Feed state (1 for the current one): ok, stale (no fresh data for its stale "
                     "time), failing (the last pull or connection failed), unknown (not tried).");
    Family lastSuccess("opswall_feed_last_success_timestamp_seconds", "gauge",
                       "When the feed last delivered a document or value (Unix time).");
    Family lastAttempt("opswall_feed_last_attempt_timestamp_seconds", "gauge",
                       "When the feed was last pulled or connected to (Unix time).");
    Family failures("opswall_feed_consecutive_failures", "gauge",
                    "Failed pulls or connections since the last success.");
    Family age("opswall_feed_data_age_seconds", "gauge",
               "Age of the newest value the feed delivered.");
    Family interval("opswall_feed_interval_seconds", "gauge", "How often the feed is pulled.");
    Family staleAfter("opswall_feed_stale_after_seconds", "gauge",
                      "Data age at which the feed is marked stale.");
    Family points("opswall_feed_points_ingested_total", "counter",
                  "Values stored from the feed (new and revised) since the wall started.");
    const QStringList feedStates{QStringLiteral("unknown"), QStringLiteral("ok"),
                                 QStringLiteral("stale"), QStringLiteral("failing")};
    for (const FeedFigures &f : wall.feeds) {
        stateSet(feedState, {{"feed", f.id}}, feedStates, f.state);
        if (f.lastSuccessEpochSecs)
            lastSuccess.add({{"feed", f.id}}, *f.lastSuccessEpochSecs);
        if (f.lastAttemptEpochSecs)
            lastAttempt.add({{"feed", f.id}}, *f.lastAttemptEpochSecs);
        failures.add({{"feed", f.id}}, f.consecutiveFailures);
        if (f.dataAgeSecs)
            age.add({{"feed", f.id}}, *f.dataAgeSecs);
        interval.add({{"feed", f.id}}, f.intervalSecs);
        staleAfter.add({{"feed", f.id}}, f.staleAfterSecs);
        points.add({{"feed", f.id}}, double(f.pointsIngested));
    }
    for (const Family *f :
         {&feedState, &lastSuccess, &lastAttempt, &failures, &age, &interval, &staleAfter, &points})
        f->writeTo(out);

    // Indicator alert rules
    Family alertState("opswall_indicator_alert_state", "gauge",
                      "Alert rule state (1 for the current one): ok, firing (raised, not "
                      "acknowledged), acknowledged (raised and acknowledged by an operator).");
    const QStringList alertStates{QStringLiteral("ok"), QStringLiteral("firing"),
                                  QStringLiteral("acknowledged")};
    for (const IndicatorAlertFigures &a : wall.indicatorAlerts)
        stateSet(alertState,
                 {{"indicator", a.indicator}, {"rule", a.rule}, {"severity", a.severity}},
                 alertStates,
                 !a.firing        ? QStringLiteral("ok")
                 : a.acknowledged ? QStringLiteral("acknowledged")
                                  : QStringLiteral("firing"));
    alertState.writeTo(out);

    // Displays
    Family bound("opswall_display_bound", "gauge",
                 "1 when a controllable device is configured for the display.");
    Family reachable("opswall_display_reachable", "gauge",
                     "1 when the display answered its last health poll.");
    Family power("opswall_display_power_state", "gauge",
                 "Power state the display last reported (1 for the current one).");
    Family scheduled("opswall_display_power_scheduled_on", "gauge",
                     "What the power schedule wants now: 1 on, 0 off (absent: unscheduled).");
    Family input("opswall_display_input_info", "gauge",
                 "The input the display last reported (value always 1).");
    Family temperature("opswall_display_temperature_celsius", "gauge",
                       "Temperature the display last reported.");
    Family fan("opswall_display_fan_state", "gauge",
               "Fan state the display last reported (1 for the current one).");
    Family lastSeen("opswall_display_last_seen_timestamp_seconds", "gauge",
                    "When the display last answered (Unix time).");
    Family commandFailures("opswall_display_command_failures_total", "counter",
                           "Commands to the display that failed or timed out since the wall "
                           "started.");
    const QStringList powerStates{QStringLiteral("on"),           QStringLiteral("off"),
                                  QStringLiteral("standby"),      QStringLiteral("warming-up"),
                                  QStringLiteral("cooling-down"), QStringLiteral("unknown")};
    const QStringList fanStates{QStringLiteral("ok"), QStringLiteral("fault"),
                                QStringLiteral("n/a"), QStringLiteral("unknown")};
    for (const DisplayFigures &d : wall.displays) {
        bound.add({{"display", d.id}}, d.bound ? 1 : 0);
        if (!d.bound)
            continue;
        reachable.add({{"display", d.id}}, d.reachable ? 1 : 0);
        stateSet(power, {{"display", d.id}}, powerStates, d.power);
        if (d.scheduledOn)
            scheduled.add({{"display", d.id}}, *d.scheduledOn ? 1 : 0);
        if (!d.input.isEmpty())
            input.add({{"display", d.id}, {"input", d.input}}, 1);
        if (d.temperatureCelsius)
            temperature.add({{"display", d.id}}, *d.temperatureCelsius);
        stateSet(fan, {{"display", d.id}}, fanStates, d.fan);
        if (d.lastSeenEpochSecs)
            lastSeen.add({{"display", d.id}}, *d.lastSeenEpochSecs);
        commandFailures.add({{"display", d.id}}, double(d.commandFailures));
    }
    for (const Family *f : {&bound, &reachable, &power, &scheduled, &input, &temperature, &fan,
                            &lastSeen, &commandFailures})
        f->writeTo(out);

    // Video streams
    Family streamState("opswall_stream_state", "gauge",
                       "Video stream state (1 for the current one).");
    Family streamFps("opswall_stream_fps", "gauge", "Frames per second decoded.");
    Family dropped("opswall_stream_dropped_frames_total", "counter",
                   "Frames dropped (late or corrupt) since the stream opened.");
    Family reconnects("opswall_stream_reconnects_total", "counter",
                      "Reconnects since the stream opened.");
    Family latency("opswall_stream_latency_seconds", "gauge",
                   "Capture-to-decoded latency, where the stream reports it.");
    Family bitrate("opswall_stream_bitrate_bytes_per_second", "gauge",
                   "Received bitrate of the stream.");
    Family streamInfo("opswall_stream_info", "gauge",
                      "Codec and decoder of the stream (value always 1).");
    Family width("opswall_stream_width_pixels", "gauge", "Width of the decoded picture.");
    Family height("opswall_stream_height_pixels", "gauge", "Height of the decoded picture.");
    const QStringList streamStates{QStringLiteral("idle"),         QStringLiteral("connecting"),
                                   QStringLiteral("playing"),      QStringLiteral("stalled"),
                                   QStringLiteral("reconnecting"), QStringLiteral("failed")};
    for (const StreamFigures &s : wall.streams) {
        const QString id = streamLabel(s.key);
        stateSet(streamState, {{"stream", id}}, streamStates, s.state);
        streamFps.add({{"stream", id}}, s.fps);
        dropped.add({{"stream", id}}, double(s.droppedFrames));
        reconnects.add({{"stream", id}}, double(s.reconnects));
        if (s.latencyMs >= 0)
            latency.add({{"stream", id}}, s.latencyMs / 1000.0);
        bitrate.add({{"stream", id}}, s.bitrateKbps * 1000.0 / 8.0);
        streamInfo.add({{"stream", id},
                        {"codec", s.codec.isEmpty() ? QStringLiteral("unknown") : s.codec},
                        {"decoder", s.decoder.isEmpty() ? QStringLiteral("unknown") : s.decoder}},
                       1);
        if (s.width > 0 && s.height > 0) {
            width.add({{"stream", id}}, s.width);
            height.add({{"stream", id}}, s.height);
        }
    }
    for (const Family *f : {&streamState, &streamFps, &dropped, &reconnects, &latency, &bitrate,
                            &streamInfo, &width, &height})
        f->writeTo(out);

    // Output windows
    Family outputFps("opswall_output_fps", "gauge",
                     "Frames the output window drew in the last second (0: nothing changed).");
    Family longest("opswall_output_longest_frame_seconds", "gauge",
                   "Longest time between two frames of the output window in the last second.");
    for (const OutputFigures &o : wall.outputs) {
        if (o.fps < 0)
            continue;
        outputFps.add({{"output", QString::number(o.index)}}, o.fps);
        if (o.longestFrameMs >= 0)
            longest.add({{"output", QString::number(o.index)}}, o.longestFrameMs / 1000.0);
    }
    outputFps.writeTo(out);
    longest.writeTo(out);

    // Store
    Family queue("opswall_store_write_queue_depth", "gauge",
                 "Writes posted to the store thread's writer connection and not finished yet.");
    queue.add({}, double(store.writeQueueDepth));
    queue.writeTo(out);
    Family onGui("opswall_store_gui_thread_waits_total", "counter",
                 "Times the GUI thread waited on the disk (an SQL statement, a store-thread job) "
                 "since start; only start-up counts while nothing waits there.");
    onGui.add({}, double(store.guiThreadWaits));
    onGui.writeTo(out);
    const store::Database::TransactionStats &tx = store.transactions;
    out += "# HELP opswall_store_transaction_duration_seconds Time from BEGIN to COMMIT of a "
           "write transaction on the wall's database.\n"
           "# TYPE opswall_store_transaction_duration_seconds histogram\n";
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i <= tx.kBucketsSecs.size(); ++i) {
        cumulative += tx.buckets[i];
        const QByteArray le =
            i < tx.kBucketsSecs.size() ? number(tx.kBucketsSecs[i]) : QByteArray("+Inf");
        out += "opswall_store_transaction_duration_seconds_bucket{le=\"" + le + "\"} " +
               QByteArray::number(cumulative) + '\n';
    }
    out += "opswall_store_transaction_duration_seconds_sum " + number(tx.sumSecs) + '\n';
    out +=
        "opswall_store_transaction_duration_seconds_count " + QByteArray::number(tx.count) + '\n';
    Family longestTx("opswall_store_transaction_longest_seconds", "gauge",
                     "The longest write transaction since the wall started.");
    longestTx.add({}, tx.maxSecs);
    Family rolledBack("opswall_store_transactions_rolled_back_total", "counter",
                      "Write transactions that failed and were rolled back.");
    rolledBack.add({}, double(tx.rolledBack));
    Family dbSize("opswall_store_database_size_bytes", "gauge",
                  "Size of the wall's database file and its write-ahead log.");
    if (store.databaseBytes >= 0)
        dbSize.add({}, double(store.databaseBytes));
    Family free("opswall_store_filesystem_free_bytes", "gauge",
                "Space left to the wall on the file system of its database.");
    if (store.freeBytes >= 0)
        free.add({}, double(store.freeBytes));
    for (const Family *f : {&longestTx, &rolledBack, &dbSize, &free})
        f->writeTo(out);

    // Audit
    Family rows("opswall_audit_rows", "gauge",
                "Rows in the audit log (its highest row id: ids are never reused).");
    if (audit.rows >= 0)
        rows.add({}, double(audit.rows));
    Family verifyOk("opswall_audit_last_verify_ok", "gauge",
                    "Result of the last hash-chain check of the audit log: 1 intact, 0 broken "
                    "(absent until one ran since the wall started).");
    if (audit.lastVerifyOk)
        verifyOk.add({}, *audit.lastVerifyOk ? 1 : 0);
    Family verifyTime("opswall_audit_last_verify_timestamp_seconds", "gauge",
                      "When the audit log was last checked (Unix time).");
    if (audit.lastVerifyEpochSecs)
        verifyTime.add({}, *audit.lastVerifyEpochSecs);
    for (const Family *f : {&rows, &verifyOk, &verifyTime})
        f->writeTo(out);
    return out;
}

} // namespace opswall::control
