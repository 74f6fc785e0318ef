#include "briefingsession.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkReply>
#include <QNetworkRequest>

#include <algorithm>

namespace opswall::console {

namespace {
qint64 msOf(const QVariant &iso) {
    const QDateTime t = QDateTime::fromString(iso.toString(), Qt::ISODateWithMs);
    return t.isValid() ? t.toMSecsSinceEpoch() : 0;
}
} // namespace

BriefingSession::BriefingSession(QObject *parent)
    : QObject(parent) {
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, &BriefingSession::connectToWall);
    m_clock.setInterval(500);
    connect(&m_clock, &QTimer::timeout, this, &BriefingSession::tick);
    m_clock.start();
    connect(&m_events, &QWebSocket::textMessageReceived, this, [this](const QString &text) {
        onEvent(QJsonDocument::fromJson(text.toUtf8()).object());
    });
    connect(&m_events, &QWebSocket::disconnected, this, [this] {
        if (m_online) {
            m_online = false;
            Q_EMIT onlineChanged();
        }
        m_retry.start(kRetryMs);
    });
}

BriefingSession::~BriefingSession() {
    m_events.abort();
}

void BriefingSession::setUrl(const QString &url) {
    if (url == m_url)
        return;
    m_url = url;
    Q_EMIT urlChanged();
    m_retry.start(0);
}

void BriefingSession::setTokenFile(const QString &path) {
    if (path == m_tokenFile)
        return;
    m_tokenFile = path;
    Q_EMIT tokenFileChanged();
    m_retry.start(0);
}

void BriefingSession::setLockSeconds(int seconds) {
    seconds = std::clamp(seconds, 1, 8 * 3600);
    if (seconds == m_lockSeconds)
        return;
    m_lockSeconds = seconds;
    Q_EMIT lockSecondsChanged();
}

void BriefingSession::setPicturesWanted(bool on) {
    if (on == m_picturesWanted)
        return;
    m_picturesWanted = on;
    Q_EMIT picturesWantedChanged();
    if (on)
        fetchPictures();
}

QUrl BriefingSession::apiUrl(const QString &path) const {
    QString base = m_url.trimmed();
    while (base.endsWith(u'/'))
        base.chop(1);
    return QUrl(base + QStringLiteral("/api/v1") + path);
}

void BriefingSession::connectToWall() {
    ++m_generation;
    m_events.abort();
    m_token.clear();
    QFile f(m_tokenFile);
    if (f.open(QIODevice::ReadOnly))
        m_token = QString::fromUtf8(f.readLine(4096)).trimmed();
    const QUrl base = apiUrl(QStringLiteral("/events"));
    if (m_token.isEmpty() || !base.isValid() || base.host().isEmpty() ||
        (base.scheme() != QLatin1String("http") && base.scheme() != QLatin1String("https"))) {
        if (!m_url.isEmpty() && !m_tokenFile.isEmpty())
            m_retry.start(kRetryMs * 5); // the session's banner says why
        return;
    }
    QUrl u = base;
    u.setScheme(u.scheme() == QLatin1String("https") ? QStringLiteral("wss")
                                                     : QStringLiteral("ws"));
    QNetworkRequest req(u);
    req.setRawHeader("Authorization", "Bearer " + m_token.toUtf8());
    m_events.open(req);
}

void BriefingSession::onEvent(const QJsonObject &ev) {
    const QString type = ev.value(QStringLiteral("type")).toString();
    if (type == QLatin1String("hello")) {
        m_user = ev.value(QStringLiteral("user")).toString();
        m_role = ev.value(QStringLiteral("role")).toString();
        m_online = true;
        Q_EMIT onlineChanged();
        refresh();
        return;
    }
    if (type.startsWith(QLatin1String("briefing."))) {
        const QJsonValue state = ev.value(QStringLiteral("briefing"));
        if (state.isObject() && state.toObject().contains(QStringLiteral("active")) &&
            type != QLatin1String("briefing.save") && type != QLatin1String("briefing.delete")) {
            const QVariantMap s = state.toObject().toVariantMap();
            // The event carries the state without the document: keep the one we have when it is
            // the same revision, else read it.
            if (s.value(QStringLiteral("active")).toBool() &&
                (s.value(QStringLiteral("id")) != m_current.value(QStringLiteral("id")) ||
                 s.value(QStringLiteral("revision")) !=
                     m_current.value(QStringLiteral("revision")) ||
                 !m_current.contains(QStringLiteral("document"))))
                loadCurrent();
            else {
                QVariantMap merged = s;
                if (s.value(QStringLiteral("active")).toBool())
                    merged.insert(QStringLiteral("document"),
                                  m_current.value(QStringLiteral("document")));
                setCurrent(merged);
            }
        } else {
            loadCurrent();
        }
        if (type == QLatin1String("briefing.save") || type == QLatin1String("briefing.delete") ||
            type == QLatin1String("briefing.start") || type == QLatin1String("briefing.end"))
            loadList();
        if (type == QLatin1String("briefing.start") || type == QLatin1String("briefing.end"))
            loadLock(); // the runner takes and releases the lock
    }
    if (type.startsWith(QLatin1String("lock.")))
        loadLock();
}

void BriefingSession::refresh() {
    loadList();
    loadCurrent();
    loadLock();
}

void BriefingSession::loadList() {
    request("GET", QStringLiteral("/briefings"), {},
            [this](int status, const QJsonObject &body, const QByteArray &) {
                if (status != 200)
                    return;
                m_briefings = body.value(QStringLiteral("items")).toArray().toVariantList();
                Q_EMIT briefingsChanged();
            });
}

void BriefingSession::loadCurrent() {
    request("GET", QStringLiteral("/briefings/current"), {},
            [this](int status, const QJsonObject &body, const QByteArray &) {
                if (status == 200)
                    setCurrent(body.toVariantMap());
            });
}

void BriefingSession::loadLock() {
    request("GET", QStringLiteral("/lock"), {},
            [this](int status, const QJsonObject &body, const QByteArray &) {
                if (status == 200)
                    setLock(body.toVariantMap());
            });
}

void BriefingSession::setCurrent(const QVariantMap &state) {
    m_current = state;
    Q_EMIT currentChanged();
    fetchPictures();
}

void BriefingSession::setLock(const QVariantMap &lock) {
    m_lock = lock;
    if (lockMine()) {
        m_mineUntilMs = msOf(lock.value(QStringLiteral("until")));
        m_lockExpired = false;
    } else if (m_mineUntilMs != 0 && QDateTime::currentMSecsSinceEpoch() < m_mineUntilMs) {
        m_mineUntilMs = 0; // released (or taken over by an admin) before it ran out
    }
    if (lock.value(QStringLiteral("locked")).toBool())
        m_lockExpired = false; // someone holds it now: the page says who instead
    Q_EMIT lockChanged();
    tick();
}

void BriefingSession::setMessage(const QString &message) {
    if (message == m_message)
        return;
    m_message = message;
    Q_EMIT messageChanged();
}

bool BriefingSession::lockMine() const {
    return m_lock.value(QStringLiteral("locked")).toBool() && !m_user.isEmpty() &&
           m_lock.value(QStringLiteral("holder")).toString() == m_user &&
           QDateTime::currentMSecsSinceEpoch() < msOf(m_lock.value(QStringLiteral("until")));
}

int BriefingSession::lockSecondsLeft() const {
    if (!m_lock.value(QStringLiteral("locked")).toBool())
        return 0;
    const qint64 left =
        msOf(m_lock.value(QStringLiteral("until"))) - QDateTime::currentMSecsSinceEpoch();
    return left <= 0 ? 0 : int((left + 999) / 1000);
}

bool BriefingSession::lockWarning() const {
    if (!lockMine())
        return false;
    const qint64 span =
        msOf(m_lock.value(QStringLiteral("until"))) - msOf(m_lock.value(QStringLiteral("since")));
    const qint64 threshold = std::min<qint64>(kLockWarnSeconds, span / 2000);
    const int left = lockSecondsLeft();
    return left > 0 && left <= threshold;
}

void BriefingSession::tick() {
    if (m_mineUntilMs != 0 && QDateTime::currentMSecsSinceEpoch() >= m_mineUntilMs) {
        // The lock this user held ran out without a release: say so, and read the wall's view.
        m_mineUntilMs = 0;
        m_lockExpired = true;
        loadLock();
    }
    Q_EMIT lockTick();
}

void BriefingSession::fetchPictures() {
    if (!m_current.value(QStringLiteral("active")).toBool()) {
        m_wantCurrent.clear();
        m_wantNext.clear();
        if (!m_currentPicture.isEmpty() || !m_nextPicture.isEmpty()) {
            m_currentPicture.clear();
            m_nextPicture.clear();
            Q_EMIT picturesChanged();
        }
        return;
    }
    if (!m_picturesWanted)
        return; // asked again when the presenter is shown
    const int id = m_current.value(QStringLiteral("id")).toInt();
    const int revision = m_current.value(QStringLiteral("revision")).toInt();
    const int stepNo = m_current.value(QStringLiteral("step")).toInt();
    const int count = m_current.value(QStringLiteral("stepCount")).toInt();
    const bool isBlank = m_current.value(QStringLiteral("blank")).toBool();
    fetchPicture(id, revision, stepNo, isBlank, true);
    if (stepNo < count) {
        fetchPicture(id, revision, stepNo + 1, false, false);
    } else {
        m_wantNext.clear();
        if (!m_nextPicture.isEmpty()) {
            m_nextPicture.clear();
            Q_EMIT picturesChanged();
        }
    }
}

void BriefingSession::fetchPicture(int id, int revision, int stepNo, bool isBlank, bool isCurrent) {
    const QString key = QStringLiteral("%1:%2:%3%4")
                            .arg(id)
                            .arg(revision)
                            .arg(stepNo)
                            .arg(isBlank ? QStringLiteral(":blank") : QString());
    (isCurrent ? m_wantCurrent : m_wantNext) = key;
    auto show = [this, key](const QString &data) {
        bool changed = false;
        if (m_wantCurrent == key && m_currentPicture != data) {
            m_currentPicture = data;
            changed = true;
        }
        if (m_wantNext == key && m_nextPicture != data) {
            m_nextPicture = data;
            changed = true;
        }
        if (changed)
            Q_EMIT picturesChanged();
    };
    if (const auto it = m_pictures.constFind(key); it != m_pictures.constEnd())
        return show(*it);
    // Until the wall has drawn it, no picture rather than another step's.
    show(QString());
    request("GET",
            QStringLiteral("/briefings/%1/steps/%2/picture%3")
                .arg(id)
                .arg(stepNo)
                .arg(isBlank ? QStringLiteral("?blank=1") : QString()),
            {}, [this, key, show](int status, const QJsonObject &, const QByteArray &raw) {
                if (status != 200 || !raw.startsWith("\x89PNG"))
                    return;
                if (m_pictures.size() >= kMaxPictures)
                    m_pictures.clear();
                const QString data =
                    QStringLiteral("data:image/png;base64,") + QString::fromLatin1(raw.toBase64());
                m_pictures.insert(key, data);
                ++m_picturesReceived;
                show(data);
                Q_EMIT picturesChanged();
            });
}

void BriefingSession::request(const QByteArray &method, const QString &path,
                              const QJsonObject &body, Handler done) {
    QNetworkRequest req(apiUrl(path));
    req.setRawHeader("Authorization", "Bearer " + m_token.toUtf8());
    req.setTransferTimeout(kRequestTimeoutMs);
    QByteArray payload;
    if (method != "GET" && method != "DELETE") {
        req.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        payload = QJsonDocument(body).toJson(QJsonDocument::Compact);
    }
    QNetworkReply *reply = m_nam.sendCustomRequest(req, method, payload);
    const int generation = m_generation;
    connect(reply, &QNetworkReply::finished, this, [this, reply, done, generation] {
        reply->deleteLater();
        if (generation != m_generation)
            return;
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray raw = reply->readAll();
        done(status, QJsonDocument::fromJson(raw).object(), raw);
    });
}

void BriefingSession::finished(const QString &tag, int status, const QJsonObject &answer) {
    const bool ok = status >= 200 && status < 300;
    const QString message = ok ? QString()
                               : (status == 0 ? QStringLiteral("the wall did not answer")
                                              : answer.value(QStringLiteral("message")).toString());
    setMessage(message);
    Q_EMIT actionFinished(tag, ok, ok ? QString() : answer.value(QStringLiteral("code")).toString(),
                          message, answer.value(QStringLiteral("field")).toString());
}

void BriefingSession::step(const QString &verb, const QJsonObject &body) {
    request("POST", QStringLiteral("/briefings/current/") + verb, body,
            [this, verb](int status, const QJsonObject &answer, const QByteArray &) {
                if (status == 200 && answer.value(QStringLiteral("briefing")).isObject()) {
                    QVariantMap s =
                        answer.value(QStringLiteral("briefing")).toObject().toVariantMap();
                    if (s.value(QStringLiteral("active")).toBool() &&
                        s.value(QStringLiteral("id")) == m_current.value(QStringLiteral("id")) &&
                        s.value(QStringLiteral("revision")) ==
                            m_current.value(QStringLiteral("revision")))
                        s.insert(QStringLiteral("document"),
                                 m_current.value(QStringLiteral("document")));
                    setCurrent(s);
                }
                if (verb == QLatin1String("end"))
                    loadLock();
                finished(verb, status, answer);
            });
}

void BriefingSession::start(int id, int stepNo) {
    request("POST", QStringLiteral("/briefings/%1/start").arg(id),
            {{QStringLiteral("step"), stepNo}},
            [this](int status, const QJsonObject &answer, const QByteArray &) {
                if (status == 200) {
                    loadCurrent();
                    loadLock();
                }
                finished(QStringLiteral("start"), status, answer);
            });
}

void BriefingSession::goTo(int stepNo) {
    step(QStringLiteral("goto"), {{QStringLiteral("step"), stepNo}});
}

void BriefingSession::takeLock() {
    request("POST", QStringLiteral("/lock"),
            {{QStringLiteral("ttlSeconds"), m_lockSeconds},
             {QStringLiteral("reason"), QStringLiteral("briefing presenter")}},
            [this](int status, const QJsonObject &answer, const QByteArray &) {
                loadLock();
                finished(QStringLiteral("lock"), status, answer);
            });
}

void BriefingSession::releaseLock() {
    request("DELETE", QStringLiteral("/lock"), {},
            [this](int status, const QJsonObject &answer, const QByteArray &) {
                if (status == 200)
                    m_mineUntilMs = 0;
                loadLock();
                finished(QStringLiteral("unlock"), status, answer);
            });
}

void BriefingSession::load(int id) {
    request("GET", QStringLiteral("/briefings/%1").arg(id), {},
            [this, id](int status, const QJsonObject &body, const QByteArray &) {
                if (status != 200)
                    return finished(QStringLiteral("load"), status, body);
                Q_EMIT loaded(id, body.value(QStringLiteral("revision")).toInt(),
                              body.value(QStringLiteral("briefing")).toObject().toVariantMap());
            });
}

void BriefingSession::save(int id, const QVariantMap &document, int baseRevision) {
    request("PUT", QStringLiteral("/briefings/%1").arg(id),
            {{QStringLiteral("briefing"), QJsonObject::fromVariantMap(document)},
             {QStringLiteral("baseRevision"), baseRevision}},
            [this, id](int status, const QJsonObject &answer, const QByteArray &) {
                finished(QStringLiteral("save"), status, answer);
                if (status == 200) {
                    loadList();
                    Q_EMIT saved(id, answer.value(QStringLiteral("revision")).toInt());
                }
            });
}

void BriefingSession::create(const QVariantMap &document) {
    request("POST", QStringLiteral("/briefings"),
            {{QStringLiteral("briefing"), QJsonObject::fromVariantMap(document)}},
            [this](int status, const QJsonObject &answer, const QByteArray &) {
                finished(QStringLiteral("create"), status, answer);
                if (status == 201 || status == 200) {
                    loadList();
                    Q_EMIT saved(answer.value(QStringLiteral("id")).toInt(),
                                 answer.value(QStringLiteral("revision")).toInt());
                }
            });
}

void BriefingSession::remove(int id) {
    request("DELETE", QStringLiteral("/briefings/%1").arg(id), {},
            [this](int status, const QJsonObject &answer, const QByteArray &) {
                finished(QStringLiteral("delete"), status, answer);
                if (status == 200)
                    loadList();
            });
}

} // namespace opswall::console
