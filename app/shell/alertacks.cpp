#include "shell/alertacks.h"

#include <QDateTime>

#include <array>

namespace opswall::shell {

namespace {
constexpr std::array<store::Migration, 1> kMigrations = {{
    {1, "CREATE TABLE alert_acks ("
        "  id TEXT PRIMARY KEY,"
        "  by_user TEXT NOT NULL,"
        "  at_ms INTEGER NOT NULL,"
        "  note TEXT NOT NULL,"
        "  since_ms INTEGER NOT NULL)"},
}};
} // namespace

void setupAlertAcks(store::Database &db, wall::AlertBoard &board) {
    db.migrateComponent("alert_acks", kMigrations);
    QList<wall::AlertBoard::AckRecord> stored;
    auto st = db.prepare("SELECT id, by_user, at_ms, note, since_ms FROM alert_acks ORDER BY id");
    while (st.step())
        stored.append({st.text(0), st.text(1), QDateTime::fromMSecsSinceEpoch(st.int64(2), Qt::UTC),
                       st.text(3), QDateTime::fromMSecsSinceEpoch(st.int64(4), Qt::UTC)});
    board.restore(stored, QDateTime::currentDateTimeUtc());
    // Not joined to the alert.ack action's transaction: the store's own alert is acknowledged
    // while the store refuses writes, and that acknowledgement must stand (it is kept in memory;
    // that it could not be kept over a restart is logged).
    const auto logged = [](std::exception_ptr error) {
        if (error)
            qWarning("opswall: an alert acknowledgement was not stored: %s",
                     qPrintable(store::errorText(error)));
    };
    board.setPersistence(
        [&db, logged](const QString &id, const std::optional<wall::AlertBoard::AckRecord> &ack) {
            if (!ack) {
                db.write(
                    [id](store::Database &on) {
                        on.prepare("DELETE FROM alert_acks WHERE id = ?1").bind(1, id).run();
                    },
                    logged);
                return;
            }
            db.write(
                [a = *ack](store::Database &on) {
                    on.prepare("INSERT INTO alert_acks (id, by_user, at_ms, note, since_ms) "
                               "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(id) DO UPDATE SET "
                               "by_user = excluded.by_user, at_ms = excluded.at_ms, "
                               "note = excluded.note, since_ms = excluded.since_ms")
                        .bind(1, a.id)
                        .bind(2, a.by)
                        .bind(3, a.at.toMSecsSinceEpoch())
                        .bind(4, a.note)
                        .bind(5, a.since.toMSecsSinceEpoch())
                        .run();
                },
                logged);
        });
}

QString deviceAlertBoardId(const QString &deviceAlertId) {
    QString id = deviceAlertId;
    if (id.startsWith(QLatin1String("device/")))
        id.remove(0, 7);
    id.replace(u'/', u'.');
    return QStringLiteral("device.") + id;
}

} // namespace opswall::shell
