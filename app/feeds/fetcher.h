#pragma once
// One bounded HTTP GET with Qt Network: conditional (ETag / Last-Modified -> 304), compressed
// (Qt negotiates gzip/deflate and inflates), redirects (bounded, never https -> http), TLS
// (system CAs), a size limit (aborted as soon as the body passes it, announced or not) and a total
// deadline (which also catches a server that drips a byte a second: Qt's transfer timeout alone
// would not).

#include <QByteArray>
#include <QMap>
#include <QObject>
#include <QPointer>
#include <QSslCertificate>
#include <QUrl>

#include <functional>

class QNetworkAccessManager;
class QNetworkReply;
class QTimer;

namespace opswall::feeds {

struct FetchRequest {
    QUrl url;
    QMap<QByteArray, QByteArray> headers;
    int timeoutMs = 20000;
    std::int64_t maxBytes = 16 * 1024 * 1024;
    int maxRedirects = 5;
    QByteArray etag;         // sent as If-None-Match
    QByteArray lastModified; // sent as If-Modified-Since
    // Certificate authorities trusted besides the system's (a ministry's private CA).
    QList<QSslCertificate> caCertificates;
};

enum class FetchOutcome {
    Invalid = 0,
    Ok,
    NotModified,
    HttpError,
    NetworkError,
    Timeout,
    TooLarge
};

struct FetchResult {
    FetchOutcome outcome = FetchOutcome::Invalid;
    int httpStatus = 0;
    QByteArray body;
    QByteArray contentType;
    QByteArray etag;
    QByteArray lastModified;
    int retryAfterMs = 0;
    QUrl finalUrl;
    QString error; // in words, for operators; empty on Ok / NotModified

    bool ok() const { return outcome == FetchOutcome::Ok || outcome == FetchOutcome::NotModified; }
    // Worth retrying soon (network, timeout, 5xx, 429) rather than at the regular interval.
    bool transient() const;
};

// Runs one request; `done` is called exactly once, on the fetcher's thread, unless the fetcher
// (or the returned job) is destroyed first. Destroying the job aborts the request.
class HttpFetcher : public QObject {
    Q_OBJECT
public:
    explicit HttpFetcher(QNetworkAccessManager *nam, QObject *parent = nullptr);
    QObject *fetch(const FetchRequest &request, std::function<void(const FetchResult &)> done);

private:
    QNetworkAccessManager *m_nam;
};

} // namespace opswall::feeds
