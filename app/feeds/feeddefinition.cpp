#include "feeds/feeddefinition.h"

#include "feeds/schema.h"
#include "store/database.h"
#include "store/writefence.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

namespace opswall::feeds {

namespace {
QString pushName(PushKind k) {
    switch (k) {
    case PushKind::ServerSentEvents:
        return QStringLiteral("sse");
    case PushKind::WebSocket:
        return QStringLiteral("websocket");
    case PushKind::None:
        break;
    }
    return QStringLiteral("none");
}

std::optional<std::int64_t> readInt(const QJsonObject &o, const char *key, std::int64_t def,
                                    std::int64_t min, std::int64_t max, const QString &where,
                                    QString *error) {
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined())
        return def;
    const double d = v.toDouble(-1e300);
    if (!v.isDouble() || d != std::floor(d) || d < double(min) || d > double(max)) {
        *error = QStringLiteral("%1.%2: must be a whole number from %3 to %4")
                     .arg(where, QLatin1String(key))
                     .arg(min)
                     .arg(max);
        return std::nullopt;
    }
    return std::int64_t(d);
}
} // namespace

QString feedStateName(FeedState state) {
    switch (state) {
    case FeedState::Ok:
        return QStringLiteral("ok");
    case FeedState::Stale:
        return QStringLiteral("stale");
    case FeedState::Failing:
        return QStringLiteral("failing");
    case FeedState::Unknown:
        break;
    }
    return QStringLiteral("unknown");
}

QMap<QByteArray, QByteArray> FeedDefinition::requestHeaders() const {
    QMap<QByteArray, QByteArray> h;
    for (auto it = headers.begin(); it != headers.end(); ++it)
        h.insert(it.key().toLatin1(), it.value().toUtf8());
    const QString secret =
        auth.secretEnv.isEmpty() ? auth.secret : qEnvironmentVariable(qPrintable(auth.secretEnv));
    if (auth.type == FeedAuth::Type::Bearer)
        h.insert("Authorization", "Bearer " + secret.toUtf8());
    else if (auth.type == FeedAuth::Type::Basic)
        h.insert("Authorization",
                 "Basic " + (auth.user + QLatin1Char(':') + secret).toUtf8().toBase64());
    return h;
}

std::optional<FeedDefinition> FeedDefinition::fromJson(const QJsonObject &o, const QString &where,
                                                       QString *error) {
    static const QStringList known = {
        QStringLiteral("id"),        QStringLiteral("name"),     QStringLiteral("url"),
        QStringLiteral("format"),    QStringLiteral("mapping"),  QStringLiteral("intervalSecs"),
        QStringLiteral("timeoutMs"), QStringLiteral("maxBytes"), QStringLiteral("staleAfterSecs"),
        QStringLiteral("maxPages"),  QStringLiteral("headers"),  QStringLiteral("auth"),
        QStringLiteral("caFile"),    QStringLiteral("push"),     QStringLiteral("simulated"),
        QStringLiteral("source")};
    for (auto it = o.begin(); it != o.end(); ++it)
        if (!known.contains(it.key())) {
            *error = QStringLiteral("%1.%2: unknown field").arg(where, it.key());
            return std::nullopt;
        }
    FeedDefinition d;
    static const QRegularExpression idRe(QStringLiteral("^[a-z0-9_.-]{1,64}$"));
    d.id = o.value(QLatin1String("id")).toString();
    if (!idRe.match(d.id).hasMatch()) {
        *error = QStringLiteral("%1.id: must be 1-64 characters of a-z 0-9 _ . -").arg(where);
        return std::nullopt;
    }
    d.name = o.value(QLatin1String("name")).toString(d.id);
    d.source = o.value(QLatin1String("source")).toString();
    d.url = QUrl(o.value(QLatin1String("url")).toString(), QUrl::StrictMode);
    const QString scheme = d.url.scheme();
    const QString pushText = o.value(QLatin1String("push")).toString(QStringLiteral("none"));
    if (pushText == QLatin1String("sse"))
        d.push = PushKind::ServerSentEvents;
    else if (pushText == QLatin1String("websocket"))
        d.push = PushKind::WebSocket;
    else if (pushText != QLatin1String("none")) {
        *error = QStringLiteral("%1.push: must be none, sse or websocket").arg(where);
        return std::nullopt;
    }
    const bool wsScheme = scheme == QLatin1String("ws") || scheme == QLatin1String("wss");
    const bool httpScheme = scheme == QLatin1String("http") || scheme == QLatin1String("https");
    if (!d.url.isValid() || d.url.host().isEmpty() ||
        !(httpScheme || (d.push == PushKind::WebSocket && wsScheme))) {
        *error = QStringLiteral("%1.url: must be an http or https URL (ws/wss for push: websocket)")
                     .arg(where);
        return std::nullopt;
    }
    d.format = formatFromName(o.value(QLatin1String("format")).toString());
    if (d.format == Format::Invalid && d.push == PushKind::None) {
        *error =
            QStringLiteral("%1.format: must be one of json, csv, sdmx-ml, sdmx-json, worldbank")
                .arg(where);
        return std::nullopt;
    }
    if (o.contains(QLatin1String("mapping"))) {
        if (!o.value(QLatin1String("mapping")).isObject()) {
            *error = QStringLiteral("%1.mapping: must be an object").arg(where);
            return std::nullopt;
        }
        QString err;
        d.mapping = FeedMapping::fromJson(o.value(QLatin1String("mapping")).toObject(), &err);
        if (!err.isEmpty()) {
            *error = where + QLatin1Char('.') + err;
            return std::nullopt;
        }
    }
    if ((d.format == Format::Json || d.format == Format::Csv) && d.mapping.valueField.isEmpty() &&
        d.mapping.valueColumns.isEmpty()) {
        *error = QStringLiteral("%1.mapping: json and csv feeds need valueField or valueColumns")
                     .arg(where);
        return std::nullopt;
    }
    const auto interval = readInt(o, "intervalSecs", 3600, 5, 31 * 86400, where, error);
    const auto timeout = readInt(o, "timeoutMs", 20000, 100, 600000, where, error);
    const auto maxBytes = readInt(o, "maxBytes", 16 << 20, 1024, 512LL << 20, where, error);
    const auto stale = readInt(o, "staleAfterSecs", 0, 0, 366 * 86400, where, error);
    const auto pages = readInt(o, "maxPages", 20, 1, 1000, where, error);
    if (!interval || !timeout || !maxBytes || !stale || !pages)
        return std::nullopt;
    d.intervalSecs = int(*interval);
    d.timeoutMs = int(*timeout);
    d.maxBytes = *maxBytes;
    d.staleAfterSecs = int(*stale);
    d.maxPages = int(*pages);
    const QJsonValue ca = o.value(QLatin1String("caFile"));
    if (!ca.isUndefined()) {
        if (!ca.isString() || ca.toString().isEmpty()) {
            *error = where + QStringLiteral(".caFile: must be the path of a PEM file");
            return std::nullopt;
        }
        d.caFile = ca.toString();
    }
    const QJsonValue headers = o.value(QLatin1String("headers"));
    if (!headers.isUndefined()) {
        if (!headers.isObject()) {
            *error = QStringLiteral("%1.headers: must be an object of strings").arg(where);
            return std::nullopt;
        }
        const QJsonObject h = headers.toObject();
        for (auto it = h.begin(); it != h.end(); ++it) {
            if (!it.value().isString() || it.key().isEmpty()) {
                *error = QStringLiteral("%1.headers.%2: must be a string").arg(where, it.key());
                return std::nullopt;
            }
            d.headers.insert(it.key(), it.value().toString());
        }
    }
    const QJsonValue auth = o.value(QLatin1String("auth"));
    if (!auth.isUndefined()) {
        const QJsonObject a = auth.toObject();
        const QString type = a.value(QLatin1String("type")).toString();
        if (type == QLatin1String("bearer"))
            d.auth.type = FeedAuth::Type::Bearer;
        else if (type == QLatin1String("basic"))
            d.auth.type = FeedAuth::Type::Basic;
        else {
            *error = QStringLiteral("%1.auth.type: must be bearer or basic").arg(where);
            return std::nullopt;
        }
        d.auth.user = a.value(QLatin1String("user")).toString();
        d.auth.secret = a.value(QLatin1String("secret")).toString();
        d.auth.secretEnv = a.value(QLatin1String("secretEnv")).toString();
        if (d.auth.secret.isEmpty() == d.auth.secretEnv.isEmpty()) {
            *error = QStringLiteral("%1.auth: give exactly one of secret or secretEnv").arg(where);
            return std::nullopt;
        }
    }
    const QJsonValue sim = o.value(QLatin1String("simulated"));
    if (!sim.isUndefined() && !sim.isBool()) {
        *error = QStringLiteral("%1.simulated: must be true or false").arg(where);
        return std::nullopt;
    }
    d.simulated = sim.toBool(false);
    return d;
}

QJsonObject FeedDefinition::toJson() const {
    QJsonObject o{{QStringLiteral("id"), id},
                  {QStringLiteral("name"), name},
                  {QStringLiteral("url"), url.toString()},
                  {QStringLiteral("intervalSecs"), intervalSecs},
                  {QStringLiteral("timeoutMs"), timeoutMs},
                  {QStringLiteral("maxBytes"), double(maxBytes)},
                  {QStringLiteral("maxPages"), maxPages}};
    if (format != Format::Invalid)
        o.insert(QStringLiteral("format"), formatName(format));
    const QJsonObject m = mapping.toJson();
    if (!m.isEmpty())
        o.insert(QStringLiteral("mapping"), m);
    if (staleAfterSecs > 0)
        o.insert(QStringLiteral("staleAfterSecs"), staleAfterSecs);
    if (!caFile.isEmpty())
        o.insert(QStringLiteral("caFile"), caFile);
    if (!headers.isEmpty()) {
        QJsonObject h;
        for (auto it = headers.begin(); it != headers.end(); ++it)
            h.insert(it.key(), it.value());
        o.insert(QStringLiteral("headers"), h);
    }
    if (auth.type != FeedAuth::Type::None) {
        QJsonObject a{{QStringLiteral("type"), auth.type == FeedAuth::Type::Bearer
                                                   ? QStringLiteral("bearer")
                                                   : QStringLiteral("basic")}};
        if (!auth.user.isEmpty())
            a.insert(QStringLiteral("user"), auth.user);
        if (!auth.secretEnv.isEmpty())
            a.insert(QStringLiteral("secretEnv"), auth.secretEnv);
        else
            a.insert(QStringLiteral("secret"), auth.secret);
        o.insert(QStringLiteral("auth"), a);
    }
    if (push != PushKind::None)
        o.insert(QStringLiteral("push"), pushName(push));
    if (simulated)
        o.insert(QStringLiteral("simulated"), true);
    if (!source.isEmpty())
        o.insert(QStringLiteral("source"), source);
    return o;
}

std::optional<QJsonObject> readSchemaOneDocument(const QByteArray &json, QString *error) {
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &pe);
    if (pe.error != QJsonParseError::NoError) {
        *error =
            QStringLiteral("malformed JSON at byte %1: %2").arg(pe.offset).arg(pe.errorString());
        return std::nullopt;
    }
    QJsonObject root = doc.object();
    if (root.value(QLatin1String("schemaVersion")).toInt() != 1) {
        *error = QStringLiteral("schemaVersion: must be 1");
        return std::nullopt;
    }
    return root;
}

std::optional<QList<FeedDefinition>> parseFeedDefinitions(const QByteArray &json, QString *error) {
    const std::optional<QJsonObject> document = readSchemaOneDocument(json, error);
    if (!document)
        return std::nullopt;
    const QJsonObject &root = *document;
    if (!root.value(QLatin1String("feeds")).isArray()) {
        *error = QStringLiteral("feeds: must be a list");
        return std::nullopt;
    }
    const QJsonArray feeds = root.value(QLatin1String("feeds")).toArray();
    QList<FeedDefinition> out;
    QStringList ids;
    for (qsizetype i = 0; i < feeds.size(); ++i) {
        const QString where = QStringLiteral("feeds[%1]").arg(i);
        if (!feeds[i].isObject()) {
            *error = where + QStringLiteral(": must be an object");
            return std::nullopt;
        }
        auto d = FeedDefinition::fromJson(feeds[i].toObject(), where, error);
        if (!d)
            return std::nullopt;
        if (ids.contains(d->id)) {
            *error = QStringLiteral("%1.id: '%2' is used twice").arg(where, d->id);
            return std::nullopt;
        }
        ids << d->id;
        out << *d;
    }
    error->clear();
    return out;
}

FeedDefinitionStore::FeedDefinitionStore(store::Database &db)
    : m_db(db)
    , m_keeps(true) {
    migrateFeedsSchema(m_db);
    kept(); // start-up: read once, answered from memory from now on
}

QList<FeedDefinition> FeedDefinitionStore::readAll() const {
    auto q = m_db.prepare("SELECT id, definition FROM feed_definitions ORDER BY id");
    QList<FeedDefinition> out;
    while (q.step()) {
        QString err;
        // Rows were validated on the way in; a row that no longer validates is skipped.
        if (auto d = FeedDefinition::fromJson(QJsonDocument::fromJson(q.blob(1)).object(),
                                              q.text(0), &err))
            out << *d;
        else
            qWarning("feeds: stored definition %s is invalid: %s", qPrintable(q.text(0)),
                     qPrintable(err));
    }
    return out;
}

const QList<FeedDefinition> *FeedDefinitionStore::kept() const {
    if (!m_keeps || !store::writeFence().isEmpty()) {
        m_kept->reset(); // read again once the fence goes (a standby that took over)
        return nullptr;
    }
    if (!*m_kept)
        *m_kept = readAll();
    return &**m_kept;
}

QList<FeedDefinition> FeedDefinitionStore::all() const {
    if (const QList<FeedDefinition> *defs = kept())
        return *defs;
    return readAll();
}

std::optional<FeedDefinition> FeedDefinitionStore::find(const QString &id) const {
    for (const FeedDefinition &d : all())
        if (d.id == id)
            return d;
    return std::nullopt;
}

void FeedDefinitionStore::upsert(const FeedDefinition &def) {
    m_kept->reset();
    auto q = m_db.prepare("INSERT INTO feed_definitions(id, definition, updated_at) VALUES(?,?,?) "
                          "ON CONFLICT(id) DO UPDATE SET definition = excluded.definition, "
                          "updated_at = excluded.updated_at");
    q.bind(1, def.id)
        .bind(2, QJsonDocument(def.toJson()).toJson(QJsonDocument::Compact))
        .bind(3, QDateTime::currentSecsSinceEpoch());
    q.run();
}

bool FeedDefinitionStore::remove(const QString &id) {
    m_kept->reset();
    auto q = m_db.prepare("DELETE FROM feed_definitions WHERE id = ?");
    q.bind(1, id);
    q.run();
    return m_db.changes() > 0;
}

bool FeedDefinitionStore::isEmpty() const {
    if (const QList<FeedDefinition> *defs = kept())
        return defs->isEmpty();
    auto q = m_db.prepare("SELECT COUNT(*) FROM feed_definitions");
    q.step();
    return q.int64(0) == 0;
}

int FeedDefinitionStore::importJson(const QByteArray &json, QString *error,
                                    std::function<void(std::exception_ptr)> done) {
    const auto defs = parseFeedDefinitions(json, error);
    if (!defs)
        return -1;
    // The table as this transaction leaves it (the feeds defined before too), read back on the
    // writer connection and kept once it committed.
    auto committed = std::make_shared<QList<FeedDefinition>>();
    store::Database::WriteJob job = [defs = *defs, committed](store::Database &db) {
        FeedDefinitionStore on(db, AlreadyMigrated{});
        for (const FeedDefinition &d : defs)
            on.upsert(d);
        *committed = on.readAll();
    };
    if (!done && m_db.collecting()) { // part of the action being applied
        m_db.writeThen(std::move(job), [keeps = m_keeps, kept = std::weak_ptr(m_kept), committed] {
            if (const auto held = kept.lock(); held && keeps && store::writeFence().isEmpty())
                *held = std::move(*committed);
        });
        return int(defs->size());
    }
    m_db.write(std::move(job), [keeps = m_keeps, kept = std::weak_ptr(m_kept), committed,
                                done = std::move(done)](std::exception_ptr failed) {
        if (const auto held = kept.lock(); held && keeps) {
            if (!failed && store::writeFence().isEmpty())
                *held = std::move(*committed);
            else
                held->reset(); // the table is read again when next asked
        }
        if (done)
            done(failed);
        else if (failed)
            qWarning("feeds: the imported feed definitions were not stored: %s",
                     qPrintable(store::errorText(failed)));
    });
    return int(defs->size());
}

namespace {
// A feed_status row read from column `first` on: state, last_error, last_attempt, last_success,
// failures, etag, last_modified.
FeedStatus statusOf(const QString &feedId, const store::Statement &q, int first) {
    FeedStatus s;
    s.feedId = feedId;
    s.state = FeedState(qBound<int>(1, int(q.int64(first)), 4));
    s.lastError = q.text(first + 1);
    if (!q.isNull(first + 2))
        s.lastAttempt = QDateTime::fromSecsSinceEpoch(q.int64(first + 2), Qt::UTC);
    if (!q.isNull(first + 3))
        s.lastSuccess = QDateTime::fromSecsSinceEpoch(q.int64(first + 3), Qt::UTC);
    s.consecutiveFailures = int(q.int64(first + 4));
    s.etag = q.text(first + 5).toLatin1();
    s.lastModified = q.text(first + 6).toLatin1();
    return s;
}
} // namespace

std::optional<FeedStatus> FeedDefinitionStore::status(const QString &feedId) const {
    auto q = m_db.prepare("SELECT state, last_error, last_attempt, last_success, failures, etag, "
                          "last_modified FROM feed_status WHERE feed_id = ?");
    q.bind(1, feedId);
    if (!q.step())
        return std::nullopt;
    return statusOf(feedId, q, 0);
}

QHash<QString, FeedStatus> FeedDefinitionStore::statuses() const {
    QHash<QString, FeedStatus> out;
    auto q = m_db.prepare("SELECT feed_id, state, last_error, last_attempt, last_success, "
                          "failures, etag, last_modified FROM feed_status");
    while (q.step())
        out.insert(q.text(0), statusOf(q.text(0), q, 1));
    return out;
}

void FeedDefinitionStore::saveStatus(const FeedStatus &s) {
    auto q = m_db.prepare(
        "INSERT INTO feed_status(feed_id, state, last_error, last_attempt, last_success, failures, "
        "etag, last_modified) VALUES(?,?,?,?,?,?,?,?) ON CONFLICT(feed_id) DO UPDATE SET "
        "state = excluded.state, last_error = excluded.last_error, last_attempt = "
        "excluded.last_attempt, last_success = excluded.last_success, failures = "
        "excluded.failures, etag = excluded.etag, last_modified = excluded.last_modified");
    q.bind(1, s.feedId).bind(2, int(s.state)).bind(3, s.lastError);
    if (s.lastAttempt.isValid())
        q.bind(4, s.lastAttempt.toSecsSinceEpoch());
    else
        q.bindNull(4);
    if (s.lastSuccess.isValid())
        q.bind(5, s.lastSuccess.toSecsSinceEpoch());
    else
        q.bindNull(5);
    q.bind(6, s.consecutiveFailures)
        .bind(7, QString::fromLatin1(s.etag))
        .bind(8, QString::fromLatin1(s.lastModified));
    q.run();
}

} // namespace opswall::feeds
