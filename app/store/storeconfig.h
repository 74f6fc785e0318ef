#pragma once
// The store's settings (`opswall --store-config FILE`, JSON): how long history is kept, the
// free-space guard, where the keys and the audit anchor live, and which folders and URLs image
// tiles may show. Every key is optional; unknown keys and wrong types are refused by name.
//
//   {
//     "busyTimeoutMs": 10,                // the GUI thread's wait for a lock held elsewhere
//     "minFreeMb": 64,                    // below this, writes are refused (503) and alerted
//     "retention": {
//       "layoutHistoryDays": 90,          // live layout history rows older than this go
//       "layoutHistoryMaxRows": 100000,   // and any beyond the newest N
//       "presetRevisionsKeep": 50,        // per preset, the newest N revisions stay
//       "seriesRevisionsDays": 400,       // superseded feed values
//       "seriesPeriodsYears": 30,         // feed periods older than this
//       "auditDays": 730,                 // audit rows older than this: exported, then pruned
//       "intervalMinutes": 60             // how often retention runs
//     },
//     "auditExportDir": "/var/lib/opswall/audit-export",
//     "auditKeyFile": "/var/lib/opswall/keys/audit.key",
//     "secretsKeyFile": "/var/lib/opswall/keys/secrets.key",
//     "auditAnchorFile": "/var/log/opswall/audit-anchor.jsonl",
//     "auditAnchorIntervalSeconds": 300,
//     "media": {"folder": "/srv/opswall/media", "allowedImageUrls": ["https://cdn.example/"]}
//   }
//
// Values of 0 for a retention limit mean "keep for ever". Paths left out default to files next
// to the database (README "Store"), the anchor to $LOGS_DIRECTORY when systemd gives one.

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace opswall::store {

struct RetentionConfig {
    int layoutHistoryDays = 90;
    int layoutHistoryMaxRows = 100000;
    int presetRevisionsKeep = 50;
    int seriesRevisionsDays = 400;
    int seriesPeriodsYears = 30;
    int auditDays = 730;
    int intervalMinutes = 60;
};

struct StoreConfig {
    int busyTimeoutMs = 10;
    qint64 minFreeBytes = 64LL * 1024 * 1024;
    RetentionConfig retention;
    QString auditExportDir;
    QString auditKeyFile;
    QString secretsKeyFile;
    QString auditAnchorFile;
    int auditAnchorIntervalSeconds = 300;
    QString mediaFolder;
    QStringList allowedImageUrls; // prefixes: "https://host/path/"

    // Overlays the keys present in json (at most 64 KiB); false with *error naming the key.
    bool applyJson(const QByteArray &json, QString *error);
    // Fills the empty paths with their defaults next to dbPath (and $LOGS_DIRECTORY).
    void resolveDefaults(const QString &dbPath);
};

} // namespace opswall::store
