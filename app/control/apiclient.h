#pragma once
// A small synchronous client of the control API for wallctl, tests and the benchmark (QtNetwork,
// QtCore only). request() runs a local event loop until the answer or the timeout, so it keeps the
// calling thread's other events (e.g. an in-process server's GUI hops) flowing.

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <memory>

class QNetworkAccessManager;

namespace opswall::control {

struct ClientSettings {
    QString baseUrl = QStringLiteral("http://127.0.0.1:8470");
    QString token;
    QString caCertFile;
    bool insecure = false;
    int timeoutMs = 10'000;
};

// --url/--token flags first, then WALLCTL_URL / WALLCTL_TOKEN, then the config file
// ($XDG_CONFIG_HOME or ~/.config)/opswall/wallctl.conf with "url = ...", "token = ..." or
// "token-file = PATH" lines. False + error on a malformed URL or unreadable token file.
bool resolveSettings(const QString &urlFlag, const QString &tokenFlag, ClientSettings *out,
                     QString *error);

struct ApiResponse {
    int status = 0;
    QByteArray body;
    bool networkError = false; // could not connect, TLS failure or timeout
    QString errorText;
};

class ApiClient {
public:
    explicit ApiClient(ClientSettings settings);
    ~ApiClient();
    // path is relative to /api/v1, e.g. "/presets/3/recall".
    ApiResponse request(const QByteArray &method, const QString &path,
                        const QJsonObject &body = {});
    ApiResponse requestRaw(const QByteArray &method, const QString &path, const QByteArray &body);
    const ClientSettings &settings() const { return m_settings; }

private:
    ClientSettings m_settings;
    std::unique_ptr<QNetworkAccessManager> m_nam;
};

} // namespace opswall::control
