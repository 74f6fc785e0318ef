#pragma once
// What the wall itself is doing, for GET /api/v1/metrics: feeds, indicator alert rules, displays,
// video streams, output windows, the store and the audit log, as plain values gathered on the GUI
// thread (ActionSink::figures() for the layers the control layer does not know, ControlService
// for the store and the audit), and their Prometheus text exposition (format 0.0.4).
//
// Labels are bounded and never carry a URI or a secret: feed ids ([a-z0-9_.-]+), display ids,
// stream ids (a source's id; an ad-hoc URI becomes "adhoc-" + a hash of it, see streamLabel),
// output indices, and small fixed vocabularies (states, inputs, codecs, decoders).

#include "store/database.h"

#include <QByteArray>
#include <QString>

#include <cstdint>
#include <optional>
#include <vector>

namespace opswall::control {

struct FeedFigures {
    QString id;
    QString state;                              // ok, stale, failing, unknown
    std::optional<double> lastSuccessEpochSecs; // never succeeded: none
    std::optional<double> lastAttemptEpochSecs; // never tried: none
    int consecutiveFailures = 0;
    std::optional<double> dataAgeSecs; // age of the newest value; none before one
    double intervalSecs = 0;           // pull interval (push feeds: their reconnect)
    double staleAfterSecs = 0;         // ok turns stale after this age
    std::uint64_t pointsIngested = 0;  // new + revised values stored since start
};

struct IndicatorAlertFigures {
    QString indicator; // the indicator code; for a feed-staleness rule, the feed id
    QString rule;      // rule id
    QString severity;  // info, warning, critical
    bool firing = false;
    bool acknowledged = false; // firing and acknowledged by an operator
};

struct DisplayFigures {
    QString id;
    bool bound = false;     // a device is configured for it
    bool reachable = false; // the last poll got an answer
    QString power;          // on, off, standby, warming-up, cooling-down; "" unknown
    QString input;          // hdmi1, dp1, ...; "" unknown
    std::optional<double> temperatureCelsius;
    QString fan;                     // ok, fault, n/a; "" unknown
    std::optional<bool> scheduledOn; // what the power schedule wants now; none: unscheduled
    std::optional<double> lastSeenEpochSecs;
    std::uint64_t commandFailures = 0; // per-display command results that failed, since start
};

struct StreamFigures {
    QString key; // VideoHub's stream key; exposed only through streamLabel()
    QString state;
    double fps = 0;
    std::uint64_t droppedFrames = 0;
    std::uint64_t reconnects = 0;
    double latencyMs = -1; // < 0: not measured yet
    double bitrateKbps = 0;
    QString codec;
    QString decoder;
    int width = 0;
    int height = 0;
};

struct OutputFigures {
    int index = 0;              // order the output windows were attached in
    double fps = -1;            // frames in the last full second; < 0 before one has passed
    double longestFrameMs = -1; // longest gap between two frames in that second
};

struct StoreFigures {
    std::int64_t databaseBytes = -1; // the file plus its WAL; < 0 unknown
    std::int64_t freeBytes = -1;     // available to this user on the database's file system
    store::Database::TransactionStats transactions; // both connections, merged
    std::int64_t writeQueueDepth = 0;               // jobs posted to the store thread, not done
    std::uint64_t guiThreadWaits = 0;               // store::guiThreadWaits()
};

struct AuditFigures {
    std::int64_t rows = -1; // < 0 unknown
    std::optional<bool> lastVerifyOk;
    std::optional<double> lastVerifyEpochSecs;
};

// What the layers behind the dispatcher report (ActionSink::figures()).
struct WallFigures {
    std::vector<FeedFigures> feeds;
    std::vector<IndicatorAlertFigures> indicatorAlerts;
    std::vector<DisplayFigures> displays;
    std::vector<StreamFigures> streams;
    std::vector<OutputFigures> outputs;
    bool feedsBuilt = false, devicesBuilt = false, videoBuilt = false, outputsKnown = false;
};

// A stream key as a label value: the source id for "<id>" and "gl:<id>"; "adhoc-" and 12 hex
// digits of SHA-256 for "uri:<uri>" (the URI may carry credentials); "failed-<n>" for a binding
// that never became a stream ("error:<n>").
QString streamLabel(const QString &key);

// The families of the wall, store and audit, each with # HELP and # TYPE.
QByteArray formatWallMetrics(const WallFigures &wall, const StoreFigures &store,
                             const AuditFigures &audit);

// Escapes a label value (backslash, double quote, line feed) for the text format.
QByteArray escapeLabelValue(const QString &value);

} // namespace opswall::control
