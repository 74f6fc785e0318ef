#include "control/apiclient.h"

#include <QBuffer>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QTimer>
#include <QUrl>

namespace opswall::control {

namespace {
QString configPath() {
    QString base = qEnvironmentVariable("XDG_CONFIG_HOME");
    if (base.isEmpty())
        base = QDir::homePath() + QStringLiteral("/.config");
    return base + QStringLiteral("/opswall/wallctl.conf");
}

QString readFirstLine(const QString &path, QString *error) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read token file %1").arg(path);
        return {};
    }
    return QString::fromUtf8(f.readLine(4096)).trimmed();
}
} // namespace

bool resolveSettings(const QString &urlFlag, const QString &tokenFlag, ClientSettings *out,
                     QString *error) {
    QString url = urlFlag;
    QString token = tokenFlag;
    if (url.isEmpty())
        url = qEnvironmentVariable("WALLCTL_URL");
    if (token.isEmpty())
        token = qEnvironmentVariable("WALLCTL_TOKEN");
    if (url.isEmpty() || token.isEmpty()) {
        QFile f(configPath());
        if (f.open(QIODevice::ReadOnly)) {
            while (!f.atEnd()) {
                const QString line = QString::fromUtf8(f.readLine(8192)).trimmed();
                if (line.isEmpty() || line.startsWith(u'#'))
                    continue;
                const qsizetype eq = line.indexOf(u'=');
                if (eq < 0)
                    continue;
                const QString key = line.left(eq).trimmed();
                const QString value = line.mid(eq + 1).trimmed();
                if (key == QLatin1String("url") && url.isEmpty())
                    url = value;
                else if (key == QLatin1String("token") && token.isEmpty())
                    token = value;
                else if (key == QLatin1String("token-file") && token.isEmpty()) {
                    token = readFirstLine(QDir::cleanPath(value.startsWith(QLatin1String("~/"))
                                                              ? QDir::homePath() + value.mid(1)
                                                              : value),
                                          error);
                    if (token.isEmpty())
                        return false;
                }
            }
        }
    }
    if (!url.isEmpty())
        out->baseUrl = url;
    while (out->baseUrl.endsWith(u'/'))
        out->baseUrl.chop(1);
    const QUrl parsed(out->baseUrl, QUrl::StrictMode);
    if (!parsed.isValid() ||
        (parsed.scheme() != QLatin1String("http") && parsed.scheme() != QLatin1String("https")) ||
        parsed.host().isEmpty()) {
        *error = QStringLiteral("'%1' is not an http(s) URL").arg(out->baseUrl);
        return false;
    }
    out->token = token;
    return true;
}

ApiClient::ApiClient(ClientSettings settings)
    : m_settings(std::move(settings))
    , m_nam(std::make_unique<QNetworkAccessManager>()) {}

ApiClient::~ApiClient() = default;

ApiResponse ApiClient::request(const QByteArray &method, const QString &path,
                               const QJsonObject &body) {
    const bool hasBody = method == "POST" || method == "PATCH" || method == "PUT";
    return requestRaw(method, path,
                      hasBody ? QJsonDocument(body).toJson(QJsonDocument::Compact) : QByteArray());
}

ApiResponse ApiClient::requestRaw(const QByteArray &method, const QString &path,
                                  const QByteArray &body) {
    QNetworkRequest req(QUrl(m_settings.baseUrl + QStringLiteral("/api/v1") + path));
    req.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    req.setRawHeader("Accept", "application/json");
    if (!m_settings.token.isEmpty())
        req.setRawHeader("Authorization", "Bearer " + m_settings.token.toLatin1());
    if (req.url().scheme() == QLatin1String("https")) {
        QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
        if (!m_settings.caCertFile.isEmpty())
            ssl.addCaCertificates(m_settings.caCertFile);
        if (m_settings.insecure)
            ssl.setPeerVerifyMode(QSslSocket::VerifyNone);
        req.setSslConfiguration(ssl);
    }
    QNetworkReply *reply = m_nam->sendCustomRequest(req, method, body);
    QEventLoop loop;
    QTimer timer;
    timer.setSingleShot(true);
    QObject::connect(&timer, &QTimer::timeout, reply, &QNetworkReply::abort);
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    timer.start(m_settings.timeoutMs);
    if (!reply->isFinished())
        loop.exec();
    ApiResponse r;
    r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    r.body = reply->readAll();
    if (r.status == 0) {
        r.networkError = true;
        r.errorText = !timer.isActive() ? QStringLiteral("no answer from %1 within %2 s")
                                              .arg(m_settings.baseUrl)
                                              .arg(m_settings.timeoutMs / 1000.0)
                                        : QStringLiteral("cannot reach %1: %2")
                                              .arg(m_settings.baseUrl, reply->errorString());
    }
    reply->deleteLater();
    return r;
}

} // namespace opswall::control
