#pragma once
// The one alert model: device, indicator and store alerts alike, each with a path-safe id
// ("<source>.<its id>"), acknowledgeable over the API (alert.ack, through the dispatcher: role
// check, audit and event there). Each layer registers a source: how to list its open alerts and,
// when it keeps acknowledgements itself (indicator alerts are persisted with their feed), how to
// acknowledge one. Acknowledgements of the other sources are kept here, per alert and raise time
// (a condition raised again needs a new acknowledgement). GUI thread only.

#include "core/action.h"
#include "wall/wallvalue.h"

#include <QHash>
#include <QList>

#include <functional>
#include <optional>

namespace opswall::wall {

class AlertBoard {
public:
    struct Source {
        QString name;                           // "device", "indicator", "store": the id's prefix
        std::function<QList<WallAlert>()> list; // the open alerts, ids without the prefix
        // Acknowledges the alert of this source with the id (without the prefix): false when
        // there is no such open alert or it was acknowledged already. Empty: the board keeps it.
        std::function<bool(const QString &id, const Caller &caller, const QString &note)> ack;
    };
    void addSource(Source source);

    // Every open alert of every source, ids with their source's prefix, newest first.
    QList<WallAlert> alerts() const;
    // alert.ack {"id", "note"?}: "<source>.<id>", or a bare number for an indicator alert (as
    // the API numbered them before). Success data: the alert as it is now.
    ActionResult acknowledge(const QJsonObject &params, const Caller &caller);

    // Acknowledgements the board keeps (sources without their own ack) outlive a restart: each
    // one is handed to the persistence hook when made and when its alert clears (nullopt: forget
    // it), and the stored ones are restored at start. A restored acknowledgement stands for its
    // alert while that alert is still (or again) open in the first kRestoreWindowSecs after the
    // start: the condition outlived the restart (its raise time is then the one seen after the
    // restart). An alert that clears forgets its acknowledgement, so a later raise needs a new one.
    struct AckRecord {
        QString id; // full id, "device.r1c1.unreachable"
        QString by;
        QDateTime at;
        QString note;
        QDateTime since; // the raise it acknowledged
    };
    using Persist = std::function<void(const QString &id, const std::optional<AckRecord> &)>;
    void setPersistence(Persist persist) { m_persist = std::move(persist); }
    void restore(const QList<AckRecord> &acks, const QDateTime &startedAt);
    // The alert with this full id cleared: its acknowledgement (if the board keeps one) goes.
    void cleared(const QString &id);
    static constexpr int kRestoreWindowSecs = 120;

private:
    struct Ack {
        QString by;
        QDateTime at;
        QString note;
        QDateTime since;       // the raise it acknowledged
        bool restored = false; // from before the restart, not matched to a raise yet
    };
    QList<Source> m_sources;
    // full id -> acknowledgement (sources without their own ack); a restored one is bound to the
    // raise seen after the restart when it is first listed.
    mutable QHash<QString, Ack> m_acks;
    Persist m_persist;
    QDateTime m_startedAt;
};

} // namespace opswall::wall
