#include "store/storeconfig.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrl>

#include <cmath>

namespace opswall::store {

namespace {
bool intIn(const QJsonObject &o, const char *key, int lo, int hi, int *into, const QString &path,
           QString *error) {
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined())
        return true;
    const double d = v.toDouble(std::nan(""));
    if (!v.isDouble() || d != std::floor(d) || d < lo || d > hi) {
        *error = QStringLiteral("%1%2: must be a whole number from %3 to %4")
                     .arg(path, QLatin1String(key))
                     .arg(lo)
                     .arg(hi);
        return false;
    }
    *into = int(d);
    return true;
}

bool pathIn(const QJsonObject &o, const char *key, QString *into, const QString &path,
            QString *error) {
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined())
        return true;
    if (!v.isString() || v.toString().isEmpty() || v.toString().size() > 1024 ||
        !QFileInfo(v.toString()).isAbsolute()) {
        *error = QStringLiteral("%1%2: must be an absolute path").arg(path, QLatin1String(key));
        return false;
    }
    *into = v.toString();
    return true;
}

bool onlyKeys(const QJsonObject &o, const QStringList &known, const QString &path, QString *error) {
    for (auto it = o.begin(); it != o.end(); ++it)
        if (!known.contains(it.key())) {
            *error = QStringLiteral("%1%2: unknown key (expected one of: %3)")
                         .arg(path, it.key().left(64), known.join(QStringLiteral(", ")));
            return false;
        }
    return true;
}
} // namespace

bool StoreConfig::applyJson(const QByteArray &json, QString *error) {
    if (json.size() > 64 * 1024) {
        *error = QStringLiteral("the store configuration is larger than 64 KiB");
        return false;
    }
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &pe);
    if (pe.error != QJsonParseError::NoError || !doc.isObject()) {
        *error =
            pe.error != QJsonParseError::NoError
                ? QStringLiteral("not JSON: %1 at byte %2").arg(pe.errorString()).arg(pe.offset)
                : QStringLiteral("must be a JSON object");
        return false;
    }
    StoreConfig c = *this;
    const QJsonObject o = doc.object();
    if (!onlyKeys(o,
                  {QStringLiteral("busyTimeoutMs"), QStringLiteral("minFreeMb"),
                   QStringLiteral("retention"), QStringLiteral("auditExportDir"),
                   QStringLiteral("auditKeyFile"), QStringLiteral("secretsKeyFile"),
                   QStringLiteral("auditAnchorFile"), QStringLiteral("auditAnchorIntervalSeconds"),
                   QStringLiteral("media")},
                  QString(), error))
        return false;
    int minFreeMb = int(c.minFreeBytes / (1024 * 1024));
    if (!intIn(o, "busyTimeoutMs", 0, 1000, &c.busyTimeoutMs, {}, error) ||
        !intIn(o, "minFreeMb", 0, 1024 * 1024, &minFreeMb, {}, error) ||
        !intIn(o, "auditAnchorIntervalSeconds", 1, 86400, &c.auditAnchorIntervalSeconds, {},
               error) ||
        !pathIn(o, "auditExportDir", &c.auditExportDir, {}, error) ||
        !pathIn(o, "auditKeyFile", &c.auditKeyFile, {}, error) ||
        !pathIn(o, "secretsKeyFile", &c.secretsKeyFile, {}, error) ||
        !pathIn(o, "auditAnchorFile", &c.auditAnchorFile, {}, error))
        return false;
    c.minFreeBytes = qint64(minFreeMb) * 1024 * 1024;
    if (o.contains(QStringLiteral("retention"))) {
        const QJsonValue rv = o.value(QStringLiteral("retention"));
        const QString p = QStringLiteral("retention.");
        if (!rv.isObject()) {
            *error = QStringLiteral("retention: must be an object");
            return false;
        }
        const QJsonObject r = rv.toObject();
        RetentionConfig &t = c.retention;
        if (!onlyKeys(r,
                      {QStringLiteral("layoutHistoryDays"), QStringLiteral("layoutHistoryMaxRows"),
                       QStringLiteral("presetRevisionsKeep"), QStringLiteral("seriesRevisionsDays"),
                       QStringLiteral("seriesPeriodsYears"), QStringLiteral("auditDays"),
                       QStringLiteral("intervalMinutes")},
                      p, error) ||
            !intIn(r, "layoutHistoryDays", 0, 36500, &t.layoutHistoryDays, p, error) ||
            !intIn(r, "layoutHistoryMaxRows", 0, 100000000, &t.layoutHistoryMaxRows, p, error) ||
            !intIn(r, "presetRevisionsKeep", 0, 100000, &t.presetRevisionsKeep, p, error) ||
            !intIn(r, "seriesRevisionsDays", 1, 36500, &t.seriesRevisionsDays, p, error) ||
            !intIn(r, "seriesPeriodsYears", 1, 1000, &t.seriesPeriodsYears, p, error) ||
            !intIn(r, "auditDays", 0, 36500, &t.auditDays, p, error) ||
            !intIn(r, "intervalMinutes", 1, 10080, &t.intervalMinutes, p, error))
            return false;
    }
    if (o.contains(QStringLiteral("media"))) {
        const QJsonValue mv = o.value(QStringLiteral("media"));
        if (!mv.isObject()) {
            *error = QStringLiteral("media: must be an object");
            return false;
        }
        const QJsonObject m = mv.toObject();
        const QString p = QStringLiteral("media.");
        if (!onlyKeys(m, {QStringLiteral("folder"), QStringLiteral("allowedImageUrls")}, p,
                      error) ||
            !pathIn(m, "folder", &c.mediaFolder, p, error))
            return false;
        if (m.contains(QStringLiteral("allowedImageUrls"))) {
            const QJsonValue av = m.value(QStringLiteral("allowedImageUrls"));
            if (!av.isArray() || av.toArray().size() > 256) {
                *error = QStringLiteral("media.allowedImageUrls: must be a list of at most 256 "
                                        "http(s) URL prefixes");
                return false;
            }
            QStringList urls;
            const QJsonArray a = av.toArray();
            for (qsizetype i = 0; i < a.size(); ++i) {
                const QUrl u(a[i].toString(), QUrl::StrictMode);
                const QString scheme = u.scheme();
                if (!a[i].isString() || !u.isValid() || u.host().isEmpty() ||
                    (scheme != QLatin1String("http") && scheme != QLatin1String("https")) ||
                    !u.userInfo().isEmpty()) {
                    *error = QStringLiteral("media.allowedImageUrls[%1]: must be an http(s) URL "
                                            "prefix with a host and no user or password")
                                 .arg(i);
                    return false;
                }
                urls << a[i].toString();
            }
            c.allowedImageUrls = urls;
        }
    }
    *this = c;
    return true;
}

void StoreConfig::resolveDefaults(const QString &dbPath) {
    const QString dir = QFileInfo(dbPath).absolutePath();
    if (auditExportDir.isEmpty())
        auditExportDir = dir + QStringLiteral("/audit-export");
    if (auditKeyFile.isEmpty())
        auditKeyFile = dir + QStringLiteral("/keys/audit.key");
    if (secretsKeyFile.isEmpty())
        secretsKeyFile = dir + QStringLiteral("/keys/secrets.key");
    if (auditAnchorFile.isEmpty()) {
        // systemd's LogsDirectory= (packaging/systemd/opswall.service): another path than the
        // state directory, so wiping one does not wipe the other.
        const QString logs = qEnvironmentVariable("LOGS_DIRECTORY").section(u':', 0, 0);
        auditAnchorFile = (logs.isEmpty() ? dir : logs) + QStringLiteral("/audit-anchor.jsonl");
    }
}

} // namespace opswall::store
