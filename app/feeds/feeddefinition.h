#pragma once
// A feed: where to pull from, how to read it, how often, and its bounds. Stored in SQLite and
// importable as a JSON document { "schemaVersion": 1, "feeds": [ {...}, ... ] }; validation errors
// name the field at fault ("feeds[2].url: must be an http or https URL").

#include "feeds/mapping.h"

#include <QByteArray>
#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QMap>
#include <QUrl>

#include <exception>
#include <functional>
#include <memory>
#include <optional>

namespace opswall::store {
class Database;
}

namespace opswall::feeds {

enum class PushKind { None = 1, ServerSentEvents, WebSocket };

struct FeedAuth {
    enum class Type { None = 1, Bearer, Basic };
    Type type = Type::None;
    QString user;
    QString secret;    // token (bearer) or password (basic), when given inline
    QString secretEnv; // or the name of an environment variable holding it (preferred)
};

struct FeedDefinition {
    QString id;   // [a-z0-9_.-]+, unique
    QString name; // for operators
    QUrl url;
    Format format = Format::Invalid;
    FeedMapping mapping;
    int intervalSecs = 3600;
    int timeoutMs = 20000;
    std::int64_t maxBytes = 16 * 1024 * 1024;
    int staleAfterSecs = 0; // 0 = 3 x interval
    int maxPages = 20;      // World Bank paging bound
    QMap<QString, QString> headers;
    FeedAuth auth;
    PushKind push = PushKind::None; // a live source: the URL is an SSE or WebSocket endpoint
    bool simulated = false;         // values are simulated: tiles must say so
    QString source;                 // attribution shown on the tile ("Nguồn: Cục Thống kê")
    QString caFile; // PEM file of certificate authorities to trust besides the system's

    int effectiveStaleAfterSecs() const {
        return staleAfterSecs > 0 ? staleAfterSecs : 3 * intervalSecs;
    }
    // Headers to send, including Authorization from auth (secretEnv read now).
    QMap<QByteArray, QByteArray> requestHeaders() const;

    static std::optional<FeedDefinition> fromJson(const QJsonObject &o, const QString &where,
                                                  QString *error);
    QJsonObject toJson() const;
};

// The root object of a configuration document of schema version 1 (feeds, indicators); on
// malformed JSON or another version fills *error and returns nullopt.
std::optional<QJsonObject> readSchemaOneDocument(const QByteArray &json, QString *error);
// Parses a feed-definition document; on error returns nullopt and names the field.
std::optional<QList<FeedDefinition>> parseFeedDefinitions(const QByteArray &json, QString *error);

enum class FeedState { Unknown = 1, Ok, Stale, Failing };
QString feedStateName(FeedState state);

struct FeedStatus {
    QString feedId;
    FeedState state = FeedState::Unknown;
    QString lastError; // in words, for operators; empty when the last attempt succeeded
    QDateTime lastAttempt;
    QDateTime lastSuccess;
    int consecutiveFailures = 0;
    QByteArray etag;
    QByteArray lastModified;

    // Age of the data in seconds at `now` (-1 if never fetched).
    std::int64_t ageSecs(const QDateTime &now) const {
        return lastSuccess.isValid() ? lastSuccess.secsTo(now) : -1;
    }
};

// The feed definitions and statuses in SQLite. The store that migrated (the GUI thread's, the
// scheduler's) keeps the definitions in memory: read once when it is made (start-up), then
// changed by what importJson committed (read back in the import's own transaction, on the store
// thread), so the scheduler's start after the first start's import reads no table. A direct
// write on it (upsert, remove: tests and tools, without a store thread) drops what it keeps: the
// next read reads the table. Nothing is kept while the process's writes are fenced (a standby:
// another process writes the file); the table is read then, and again once the fence goes. The
// other stores (the jobs' on the writer connection: AlreadyMigrated) read the table.
class FeedDefinitionStore {
public:
    explicit FeedDefinitionStore(store::Database &db); // migrates
    struct AlreadyMigrated {};
    FeedDefinitionStore(store::Database &db, AlreadyMigrated)
        : m_db(db) {}

    QList<FeedDefinition> all() const;
    std::optional<FeedDefinition> find(const QString &id) const;
    void upsert(const FeedDefinition &def);
    bool remove(const QString &id);
    bool isEmpty() const;
    // Validates the whole document first; imports all feeds or none, in one transaction on the
    // store thread when the database has one (start-up does not wait for it; without one, here).
    // Returns the count or -1. done (may be empty: a failure is logged) gets the outcome on this
    // thread once the write ran; what this store keeps is the table as committed by then.
    int importJson(const QByteArray &json, QString *error,
                   std::function<void(std::exception_ptr)> done = {});

    std::optional<FeedStatus> status(const QString &feedId) const;
    // Every stored status, by feed id (FeedScheduler keeps them: read once at start-up).
    QHash<QString, FeedStatus> statuses() const;
    void saveStatus(const FeedStatus &status);

private:
    QList<FeedDefinition> readAll() const; // from the table
    // What is kept, read now when it is not held; null when nothing is kept (a job's store, or
    // while writes are fenced).
    const QList<FeedDefinition> *kept() const;

    store::Database &m_db;
    bool m_keeps = false;
    // Shared with an import's completion, which may come after this store is gone.
    std::shared_ptr<std::optional<QList<FeedDefinition>>> m_kept =
        std::make_shared<std::optional<QList<FeedDefinition>>>();
};

} // namespace opswall::feeds
