#include "feeds/fetcher.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSslConfiguration>
#include <QTimer>

namespace opswall::feeds {

bool FetchResult::transient() const {
    switch (outcome) {
    case FetchOutcome::NetworkError:
    case FetchOutcome::Timeout:
        return true;
    case FetchOutcome::HttpError:
        return httpStatus >= 500 || httpStatus == 429 || httpStatus == 408;
    default:
        return false;
    }
}

namespace {

class FetchJob : public QObject {
public:
    FetchJob(QNetworkReply *reply, const FetchRequest &req,
             std::function<void(const FetchResult &)> done, QObject *parent)
        : QObject(parent)
        , m_reply(reply)
        , m_request(req)
        , m_done(std::move(done)) {
        m_reply->setParent(this);
        m_deadline.setSingleShot(true);
        connect(&m_deadline, &QTimer::timeout, this, [this] {
            finish(FetchOutcome::Timeout,
                   QStringLiteral("no complete answer within %1 s (server slow or stalled)")
                       .arg(m_request.timeoutMs / 1000.0, 0, 'f', 1));
        });
        m_deadline.start(m_request.timeoutMs);
        connect(m_reply, &QNetworkReply::metaDataChanged, this, [this] {
            const QVariant len = m_reply->header(QNetworkRequest::ContentLengthHeader);
            // Content-Length of a compressed body is the compressed size; still a fair early
            // refusal, and the running count below catches the inflated size.
            if (len.isValid() && len.toLongLong() > m_request.maxBytes && !isRedirect())
                tooLarge(len.toLongLong());
        });
        connect(m_reply, &QNetworkReply::readyRead, this, [this] {
            if (isRedirect())
                return;
            m_body += m_reply->readAll();
            if (m_body.size() > m_request.maxBytes)
                tooLarge(m_body.size());
        });
        connect(m_reply, &QNetworkReply::finished, this, [this] { onFinished(); });
    }

private:
    bool isRedirect() const {
        const int s = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        return s >= 300 && s < 400 && s != 304;
    }

    void tooLarge(std::int64_t n) {
        finish(FetchOutcome::TooLarge,
               QStringLiteral("body of %1 bytes or more is over the %2-byte limit")
                   .arg(n)
                   .arg(m_request.maxBytes));
    }

    void onFinished() {
        if (m_finished)
            return;
        m_body += m_reply->readAll();
        const int status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        m_result.httpStatus = status;
        m_result.finalUrl = m_reply->url();
        m_result.etag = m_reply->rawHeader("ETag");
        m_result.lastModified = m_reply->rawHeader("Last-Modified");
        m_result.contentType = m_reply->rawHeader("Content-Type");
        bool ok = false;
        const int retryAfter = m_reply->rawHeader("Retry-After").toInt(&ok);
        m_result.retryAfterMs = ok ? qBound(0, retryAfter, 24 * 3600) * 1000 : 0;
        if (m_body.size() > m_request.maxBytes)
            return tooLarge(m_body.size());
        const QNetworkReply::NetworkError err = m_reply->error();
        if (status == 304)
            return finish(FetchOutcome::NotModified, {});
        if (status >= 400) {
            const QString reason =
                m_reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString();
            return finish(FetchOutcome::HttpError,
                          QStringLiteral("server answered HTTP %1 %2").arg(status).arg(reason));
        }
        if (err == QNetworkReply::TooManyRedirectsError)
            return finish(FetchOutcome::NetworkError,
                          QStringLiteral("more than %1 redirects").arg(m_request.maxRedirects));
        if (err == QNetworkReply::InsecureRedirectError)
            return finish(FetchOutcome::NetworkError,
                          QStringLiteral("refused a redirect from https to http"));
        if (err != QNetworkReply::NoError)
            return finish(FetchOutcome::NetworkError, m_reply->errorString());
        if (status >= 300)
            return finish(FetchOutcome::HttpError,
                          QStringLiteral("unexpected HTTP %1").arg(status));
        if (status == 0)
            return finish(FetchOutcome::NetworkError, QStringLiteral("no HTTP status"));
        m_result.body = m_body;
        finish(FetchOutcome::Ok, {});
    }

    void finish(FetchOutcome outcome, const QString &error) {
        if (m_finished)
            return;
        m_finished = true;
        m_deadline.stop();
        m_result.outcome = outcome;
        m_result.error = error;
        if (outcome != FetchOutcome::Ok)
            m_result.body.clear();
        m_reply->disconnect(this);
        if (!m_reply->isFinished())
            m_reply->abort();
        auto done = std::move(m_done);
        const FetchResult result = std::move(m_result);
        deleteLater();
        done(result);
    }

    QNetworkReply *m_reply;
    FetchRequest m_request;
    std::function<void(const FetchResult &)> m_done;
    QTimer m_deadline;
    QByteArray m_body;
    FetchResult m_result;
    bool m_finished = false;
};

} // namespace

HttpFetcher::HttpFetcher(QNetworkAccessManager *nam, QObject *parent)
    : QObject(parent)
    , m_nam(nam) {}

QObject *HttpFetcher::fetch(const FetchRequest &req,
                            std::function<void(const FetchResult &)> done) {
    QNetworkRequest r(req.url);
    r.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                   QNetworkRequest::NoLessSafeRedirectPolicy);
    r.setMaximumRedirectsAllowed(req.maxRedirects);
    r.setTransferTimeout(req.timeoutMs);
    r.setHeader(QNetworkRequest::UserAgentHeader, QByteArrayLiteral("OpsWall-feeds/0.1"));
    // Bound what a small gzip body may inflate to (a "zip bomb"): Qt checks the ratio past this.
    r.setDecompressedSafetyCheckThreshold(qMin<std::int64_t>(req.maxBytes, 10 * 1024 * 1024));
    for (auto it = req.headers.begin(); it != req.headers.end(); ++it)
        r.setRawHeader(it.key(), it.value());
    if (!req.etag.isEmpty())
        r.setRawHeader("If-None-Match", req.etag);
    if (!req.lastModified.isEmpty())
        r.setRawHeader("If-Modified-Since", req.lastModified);
    if (!req.caCertificates.isEmpty()) {
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.addCaCertificates(req.caCertificates);
        r.setSslConfiguration(tls);
    }
    QNetworkReply *reply = m_nam->get(r);
    return new FetchJob(reply, req, std::move(done), this);
}

} // namespace opswall::feeds
