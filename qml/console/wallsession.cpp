#include "wallsession.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QStandardPaths>
#include <QUrlQuery>

#include <utility>

namespace opswall::console {

namespace {
QVariantList listOf(const QJsonObject &body) {
    return body.value(QStringLiteral("items")).toArray().toVariantList();
}
} // namespace

WallSession::WallSession(QObject *parent)
    : QObject(parent) {
    connect(this, &WallSession::wallChanged, this, [this] { m_staged.setWall(m_wall); });
    connect(this, &WallSession::liveChanged, this, [this] { m_staged.setLive(m_live); });
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, &WallSession::connectToWall);
    // Display health, feeds, streams and alerts also change without an event (polls, time):
    // read again every kSlowRefreshMs while online.
    m_slowRefresh.setInterval(kSlowRefreshMs);
    connect(&m_slowRefresh, &QTimer::timeout, this, [this] {
        if (m_state != QLatin1String("online"))
            return;
        for (const char *what : {"wall", "devices", "feeds", "health", "alerts", "indicators"})
            m_dirty.insert(QString::fromLatin1(what));
        m_debounce.start();
    });
    m_slowRefresh.start();
    m_pictureTimer.setInterval(kPictureIntervalMs);
    connect(&m_pictureTimer, &QTimer::timeout, this, &WallSession::fetchPictures);
    // Events arrive in bursts (a recall is several): load each resource once per burst.
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(50);
    connect(&m_debounce, &QTimer::timeout, this, [this] {
        const QSet<QString> dirty = std::exchange(m_dirty, {});
        for (const QString &what : dirty)
            load(what);
    });
    connect(&m_events, &QWebSocket::textMessageReceived, this, [this](const QString &text) {
        onEvent(QJsonDocument::fromJson(text.toUtf8()).object());
    });
    connect(&m_events, &QWebSocket::disconnected, this, [this] {
        if (m_state == QLatin1String("online")) {
            setState(QStringLiteral("lost"), m_events.closeReason().isEmpty()
                                                 ? QStringLiteral("the event stream closed")
                                                 : m_events.closeReason());
            scheduleRetry();
        }
    });
}

WallSession::~WallSession() {
    m_events.abort();
}

void WallSession::setUrl(const QString &url) {
    if (url == m_url)
        return;
    m_url = url;
    Q_EMIT urlChanged();
    m_retryMs = kRetryFirstMs;
    m_retry.start(0); // once, after every property of the declaration is set
}

void WallSession::setTokenFile(const QString &path) {
    if (path == m_tokenFile)
        return;
    m_tokenFile = path;
    Q_EMIT tokenFileChanged();
    m_retryMs = kRetryFirstMs;
    m_retry.start(0);
}

int WallSession::retryInSeconds() const {
    if (!m_retry.isActive())
        return 0;
    return (m_retry.remainingTime() + 999) / 1000;
}

void WallSession::setPicturesWanted(bool on) {
    if (on == m_picturesWanted)
        return;
    m_picturesWanted = on;
    Q_EMIT picturesWantedChanged();
    if (on && m_state == QLatin1String("online")) {
        fetchPictures();
        m_pictureTimer.start();
    } else {
        m_pictureTimer.stop();
    }
}

QUrl WallSession::apiUrl(const QString &path) const {
    QString base = m_url.trimmed();
    while (base.endsWith(u'/'))
        base.chop(1);
    return QUrl(base + QStringLiteral("/api/v1") + path);
}

void WallSession::readToken() {
    m_token.clear();
    if (m_tokenFile.isEmpty())
        return;
    QFile f(m_tokenFile);
    if (f.open(QIODevice::ReadOnly))
        m_token = QString::fromUtf8(f.readLine(4096)).trimmed();
}

void WallSession::setState(const QString &state, const QString &problem) {
    const bool changed = state != m_state || problem != m_problem;
    m_state = state;
    m_problem = problem;
    if (state != QLatin1String("online")) {
        m_pictureTimer.stop();
        if (m_loaded) {
            // What was loaded stays on screen (marked as not current by the banner).
        }
    }
    if (changed)
        Q_EMIT stateChanged();
}

void WallSession::reconnectNow() {
    m_retry.stop();
    m_retryMs = kRetryFirstMs;
    connectToWall();
}

void WallSession::scheduleRetry() {
    ++m_generation;
    m_events.abort();
    m_retry.start(m_retryMs);
    m_retryMs = std::min(m_retryMs * 2, kRetryMaxMs);
    Q_EMIT stateChanged();
}

void WallSession::connectToWall() {
    ++m_generation;
    m_events.abort();
    if (m_url.isEmpty())
        return setState(QStringLiteral("unreachable"), QStringLiteral("no wall address given"));
    const QUrl u = apiUrl(QStringLiteral("/status"));
    if (!u.isValid() ||
        (u.scheme() != QLatin1String("http") && u.scheme() != QLatin1String("https")) ||
        u.host().isEmpty()) {
        setState(QStringLiteral("unreachable"),
                 QStringLiteral("'%1' is not a wall address (http://host:port)").arg(m_url));
        return;
    }
    readToken();
    if (m_token.isEmpty()) {
        setState(QStringLiteral("unauthorized"),
                 QStringLiteral("no token in '%1'").arg(m_tokenFile));
        m_retryMs = kRetryMaxMs;
        scheduleRetry();
        return;
    }
    if (m_state != QLatin1String("lost") && m_state != QLatin1String("unreachable") &&
        m_state != QLatin1String("unauthorized"))
        setState(QStringLiteral("connecting"));
    request("GET", QStringLiteral("/status"), {},
            [this](int status, const QJsonObject &body, const QByteArray &) {
                if (status == 401) {
                    setState(QStringLiteral("unauthorized"),
                             body.value(QStringLiteral("message")).toString());
                    m_retryMs = kRetryMaxMs;
                    scheduleRetry();
                    return;
                }
                if (status != 200)
                    return; // the network error path already set the state
                m_retryMs = kRetryFirstMs;
                openEvents();
            });
}

void WallSession::openEvents() {
    QUrl u = apiUrl(QStringLiteral("/events"));
    u.setScheme(u.scheme() == QLatin1String("https") ? QStringLiteral("wss")
                                                     : QStringLiteral("ws"));
    QNetworkRequest req(u);
    req.setRawHeader("Authorization", "Bearer " + m_token.toUtf8());
    m_events.open(req);
}

void WallSession::onEvent(const QJsonObject &ev) {
    const QString type = ev.value(QStringLiteral("type")).toString();
    if (type == QLatin1String("hello")) {
        // The stream is open: the wall knows us. Everything is (re)loaded now, so nothing
        // changed while we were away goes unseen.
        m_user = ev.value(QStringLiteral("user")).toString();
        m_role = ev.value(QStringLiteral("role")).toString();
        setState(QStringLiteral("online"));
        Q_EMIT stateChanged();
        m_pictureRounds.clear();
        m_pictureFailures.clear();
        // Preset pictures asked for on an earlier connection are asked for again (their answers
        // are dropped with that connection).
        m_presetPictureInFlight = false;
        m_presetPictureQueue.clear();
        for (auto it = m_presetPictureKey.begin(); it != m_presetPictureKey.end();)
            it = m_presetPictureHave.value(it.key()) == it.value() ? std::next(it)
                                                                   : m_presetPictureKey.erase(it);
        loadAll();
        if (m_picturesWanted) {
            fetchPictures();
            m_pictureTimer.start();
        }
        return;
    }
    Q_EMIT wallEvent(type, ev.toVariantMap());
    auto dirty = [this](std::initializer_list<const char *> what) {
        for (const char *w : what)
            m_dirty.insert(QString::fromLatin1(w));
        m_debounce.start();
    };
    if (type.startsWith(QLatin1String("tile.")) || type.startsWith(QLatin1String("layout.")) ||
        type == QLatin1String("preset.recall") || type.startsWith(QLatin1String("briefing."))) {
        dirty({"layout"});
        if (ev.value(QStringLiteral("by")).toString() != m_user ||
            ev.value(QStringLiteral("via")).toString() != QLatin1String("api"))
            Q_EMIT liveChangedBy(ev.value(QStringLiteral("by")).toString(), type);
    }
    if (type.startsWith(QLatin1String("preset.")) || type == QLatin1String("layout.save"))
        dirty({"presets"});
    if (type.startsWith(QLatin1String("alert.")))
        dirty({"alerts"});
    if (type.startsWith(QLatin1String("lock.")))
        dirty({"lock"});
    if (type.startsWith(QLatin1String("audio.")))
        dirty({"audio"});
    if (type.startsWith(QLatin1String("source.")))
        dirty({"sources", "health"});
    if (type.startsWith(QLatin1String("device.")) || type.startsWith(QLatin1String("wall.")) ||
        type.startsWith(QLatin1String("calibration.")))
        dirty({"wall", "devices"});
    if (type.startsWith(QLatin1String("feed.")))
        dirty({"feeds", "indicators"});
}

void WallSession::loadAll() {
    m_pending = {
        QStringLiteral("wall"),       QStringLiteral("layout"),      QStringLiteral("presets"),
        QStringLiteral("alerts"),     QStringLiteral("feeds"),       QStringLiteral("sources"),
        QStringLiteral("indicators"), QStringLiteral("devices"),     QStringLiteral("audio"),
        QStringLiteral("lock"),       QStringLiteral("permissions"), QStringLiteral("health")};
    for (const QString &what : QSet<QString>(m_pending))
        load(what);
}

void WallSession::updateLoaded() {
    const bool now = m_pending.isEmpty();
    if (now != m_loaded) {
        m_loaded = now;
        Q_EMIT loadedChanged();
    }
}

void WallSession::load(const QString &what) {
    const QString path =
        what == QLatin1String("layout") ? QStringLiteral("/layout") : QLatin1Char('/') + what;
    request("GET", path, {}, [this, what](int status, const QJsonObject &body, const QByteArray &) {
        if (status == 200) {
            if (what == QLatin1String("wall")) {
                m_wall = body.toVariantMap();
                Q_EMIT wallChanged();
            } else if (what == QLatin1String("layout")) {
                m_live = body.toVariantMap();
                Q_EMIT liveChanged();
            } else if (what == QLatin1String("presets")) {
                m_presets = listOf(body);
                Q_EMIT presetsChanged();
                // Thumbnails: each preset's layout (a new revision replaces the old picture).
                for (const QVariant &p : std::as_const(m_presets)) {
                    const QString id = p.toMap().value(QStringLiteral("id")).toString();
                    request("GET", QStringLiteral("/presets/") + id, {},
                            [this, id](int st, const QJsonObject &preset, const QByteArray &) {
                                if (st != 200)
                                    return;
                                m_presetLayouts.insert(
                                    id, preset.value(QStringLiteral("layout")).toVariant());
                                Q_EMIT presetLayoutsChanged();
                                wantPresetPicture(
                                    id.toInt(), preset.value(QStringLiteral("layout")).toVariant());
                            });
                }
            } else if (what == QLatin1String("alerts")) {
                m_alerts = listOf(body);
                Q_EMIT alertsChanged();
            } else if (what == QLatin1String("feeds")) {
                m_feeds = listOf(body);
                Q_EMIT feedsChanged();
            } else if (what == QLatin1String("sources")) {
                m_sources = listOf(body);
                Q_EMIT sourcesChanged();
            } else if (what == QLatin1String("indicators")) {
                m_indicators = listOf(body);
                Q_EMIT indicatorsChanged();
            } else if (what == QLatin1String("devices")) {
                m_devices = listOf(body);
                Q_EMIT devicesChanged();
            } else if (what == QLatin1String("audio")) {
                m_audio = body.toVariantMap();
                Q_EMIT audioChanged();
            } else if (what == QLatin1String("lock")) {
                m_lock = body.toVariantMap();
                Q_EMIT lockChanged();
            } else if (what == QLatin1String("health")) {
                m_health = body.toVariantMap();
                Q_EMIT healthChanged();
            } else if (what == QLatin1String("permissions")) {
                m_permissions = listOf(body);
                Q_EMIT permissionsChanged();
            }
        }
        // A busy wall (too many requests from this token or address, or its store briefly
        // unavailable) is asked again shortly: the console does not show an empty wall as loaded.
        if (status == 429 || status == 503) {
            QTimer::singleShot(kBusyRetryMs, this, [this, what, generation = m_generation] {
                if (generation == m_generation && m_pending.contains(what))
                    load(what);
            });
            return;
        }
        // A resource this wall does not have (an older wall) does not hold the console back.
        if (status != 0) {
            m_pending.remove(what);
            updateLoaded();
        }
    });
}

void WallSession::refreshAll() {
    if (m_state == QLatin1String("online"))
        loadAll();
}

bool WallSession::picturesSettled() const {
    // Two pictures per output: the first may have been taken while the wall was still drawing.
    const qsizetype outputs = m_wall.value(QStringLiteral("outputs")).toList().size();
    for (int i = 0; i < outputs; ++i)
        if (m_pictureRounds.value(i) < 2 && m_pictureFailures.value(i) < 3)
            return false;
    return m_loaded;
}

void WallSession::wantPresetPicture(int id, const QVariant &layout) {
    // The picture shows the preset's content on this wall: keyed by both.
    QCryptographicHash hash(QCryptographicHash::Sha1);
    hash.addData(QJsonDocument::fromVariant(layout).toJson(QJsonDocument::Compact));
    hash.addData(QJsonDocument::fromVariant(m_wall.value(QStringLiteral("displays")))
                     .toJson(QJsonDocument::Compact));
    const QByteArray key = hash.result().toHex();
    if (m_presetPictureKey.value(id) == key)
        return;
    m_presetPictureKey.insert(id, key);
    QImage cached;
    if (cached.load(presetPictureCacheDir() + u'/' + QString::fromLatin1(key) +
                        QStringLiteral(".jpg"),
                    "JPEG")) {
        m_presetPictures.insert(id, cached);
        m_presetPictureHave.insert(id, key);
        Q_EMIT presetPictureChanged(id);
        return;
    }
    m_presetPictureQueue.append({id, key});
    fetchNextPresetPicture();
}

void WallSession::fetchNextPresetPicture() {
    // One at a time: the wall draws them one after the other anyway.
    if (m_presetPictureInFlight || m_presetPictureQueue.isEmpty() ||
        m_state != QLatin1String("online"))
        return;
    const auto [id, key] = m_presetPictureQueue.takeFirst();
    if (m_presetPictureKey.value(id) != key)
        return fetchNextPresetPicture(); // changed again meanwhile: a newer entry is queued
    m_presetPictureInFlight = true;
    request(
        "GET", QStringLiteral("/presets/%1/picture?width=%2").arg(id).arg(kPresetPictureWidthPx),
        {},
        [this, id, key](int status, const QJsonObject &, const QByteArray &raw) {
            m_presetPictureInFlight = false;
            QImage image;
            if (status == 200 && image.loadFromData(raw, "JPEG") &&
                m_presetPictureKey.value(id) == key) {
                m_presetPictures.insert(id, image);
                m_presetPictureHave.insert(id, key);
                ++m_presetPicturesReceived;
                const QString dir = presetPictureCacheDir();
                if (QDir().mkpath(dir)) {
                    QFile f(dir + u'/' + QString::fromLatin1(key) + QStringLiteral(".jpg"));
                    if (f.open(QIODevice::WriteOnly))
                        f.write(raw);
                }
                Q_EMIT presetPictureChanged(id);
            } else if (m_presetPictureKey.value(id) == key) {
                m_presetPictureKey.remove(id); // tried again with the next preset list
            }
            fetchNextPresetPicture();
        },
        true);
}

QString WallSession::presetPictureCacheDir() {
    return QStandardPaths::writableLocation(QStandardPaths::CacheLocation) +
           QStringLiteral("/preset-pictures");
}

void WallSession::fetchPictures() {
    if (m_state != QLatin1String("online"))
        return;
    const QVariantList outputs = m_wall.value(QStringLiteral("outputs")).toList();
    for (int i = 0; i < outputs.size(); ++i) {
        if (m_pictureInFlight.contains(i))
            continue; // a slow wall gets at most one request per output at a time
        m_pictureInFlight.insert(i);
        request("GET", QStringLiteral("/outputs/%1/snapshot?width=%2").arg(i).arg(kPictureWidthPx),
                {}, [this, i](int status, const QJsonObject &, const QByteArray &raw) {
                    m_pictureInFlight.remove(i);
                    QImage image;
                    if (status == 200 && image.loadFromData(raw, "JPEG")) {
                        m_pictures.insert(i, image);
                        ++m_picturesReceived;
                        m_pictureRounds[i] += 1;
                        m_pictureFailures.remove(i);
                    } else {
                        ++m_picturesFailed;
                        m_pictureFailures[i] += 1;
                    }
                    Q_EMIT pictureChanged(i);
                });
    }
}

void WallSession::request(const QByteArray &method, const QString &path, const QJsonObject &body,
                          Handler done, bool background) {
    QNetworkRequest req(apiUrl(path));
    req.setRawHeader("Authorization", "Bearer " + m_token.toUtf8());
    req.setTransferTimeout(background ? kBackgroundTimeoutMs : kRequestTimeoutMs);
    QByteArray payload;
    if (method != "GET" && method != "DELETE") {
        req.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        payload = QJsonDocument(body).toJson(QJsonDocument::Compact);
    }
    QNetworkReply *reply = m_nam.sendCustomRequest(req, method, payload);
    ++m_busy;
    Q_EMIT busyChanged();
    const int generation = m_generation;
    connect(reply, &QNetworkReply::finished, this, [this, reply, done, generation, background] {
        reply->deleteLater();
        --m_busy;
        Q_EMIT busyChanged();
        if (generation != m_generation)
            return; // an answer to an earlier connection
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray raw = reply->readAll();
        if (status == 0 && background) {
            done(0, {}, {});
            return;
        }
        if (status == 0) {
            const QString why = reply->error() == QNetworkReply::OperationCanceledError
                                    ? QStringLiteral("the wall did not answer in time")
                                    : reply->errorString();
            setState(m_state == QLatin1String("online") ? QStringLiteral("lost")
                                                        : QStringLiteral("unreachable"),
                     why);
            scheduleRetry();
            done(0, {}, {});
            return;
        }
        done(status, QJsonDocument::fromJson(raw).object(), raw);
    });
}

void WallSession::submit(const QString &tag, const QByteArray &method, const QString &path,
                         const QJsonObject &body) {
    request(method, path, body,
            [this, tag](int status, const QJsonObject &answer, const QByteArray &) {
                const bool ok = status >= 200 && status < 300;
                Q_EMIT actionFinished(
                    tag, ok, ok ? QString() : answer.value(QStringLiteral("code")).toString(),
                    ok ? QString()
                       : (status == 0 ? QStringLiteral("the wall did not answer")
                                      : answer.value(QStringLiteral("message")).toString()),
                    answer.value(QStringLiteral("field")).toString(),
                    answer.value(QStringLiteral("details")).toObject().toVariantMap());
            });
}

void WallSession::call(const QString &tag, const QString &method, const QString &path,
                       const QVariantMap &body) {
    request(method.toLatin1(), path, QJsonObject::fromVariantMap(body),
            [this, tag](int status, const QJsonObject &answer, const QByteArray &) {
                const bool ok = status >= 200 && status < 300;
                Q_EMIT answered(tag, ok, status,
                                ok ? QString()
                                   : (status == 0
                                          ? QStringLiteral("the wall did not answer")
                                          : answer.value(QStringLiteral("message")).toString()),
                                ok ? QString() : answer.value(QStringLiteral("field")).toString(),
                                answer.toVariantMap());
            });
}

bool WallSession::can(const QString &action) const {
    for (const QVariant &p : m_permissions) {
        const QVariantMap m = p.toMap();
        if (m.value(QStringLiteral("action")).toString() == action)
            return m.value(QStringLiteral("roles")).toStringList().contains(m_role);
    }
    return false;
}

QString WallSession::rolesFor(const QString &action) const {
    for (const QVariant &p : m_permissions) {
        const QVariantMap m = p.toMap();
        if (m.value(QStringLiteral("action")).toString() == action)
            return m.value(QStringLiteral("roles")).toStringList().join(QStringLiteral(", "));
    }
    return {};
}

void WallSession::recallPreset(int id) {
    submit(QStringLiteral("recall"), "POST", QStringLiteral("/presets/%1/recall").arg(id));
}

void WallSession::savePresetFromLive(const QString &name, bool forLeaders) {
    submit(QStringLiteral("savePreset"), "POST", QStringLiteral("/presets"),
           {{QStringLiteral("name"), name}, {QStringLiteral("forLeaders"), forLeaders}});
}

void WallSession::savePresetFromLayout(const QString &name, const QVariantMap &layout) {
    submit(QStringLiteral("savePreset"), "POST", QStringLiteral("/layouts"),
           {{QStringLiteral("name"), name},
            {QStringLiteral("layout"), QJsonObject::fromVariantMap(layout)}});
}

void WallSession::updatePreset(int id, const QString &name, bool forLeaders) {
    submit(QStringLiteral("updatePreset"), "PATCH", QStringLiteral("/presets/%1").arg(id),
           {{QStringLiteral("name"), name}, {QStringLiteral("forLeaders"), forLeaders}});
}

void WallSession::deletePreset(int id) {
    submit(QStringLiteral("deletePreset"), "DELETE", QStringLiteral("/presets/%1").arg(id));
}

void WallSession::publish(const QVariantMap &layout, double baseRevision,
                          const QString &baseInstance) {
    submit(QStringLiteral("publish"), "PUT", QStringLiteral("/layout"),
           {{QStringLiteral("layout"), QJsonObject::fromVariantMap(layout)},
            {QStringLiteral("baseRevision"), baseRevision},
            {QStringLiteral("baseInstance"), baseInstance}});
}

void WallSession::acknowledgeAlert(const QString &id) {
    submit(QStringLiteral("ack"), "POST", QStringLiteral("/alerts/%1/ack").arg(id));
}

void WallSession::takeLock(const QString &reason) {
    QJsonObject body{{QStringLiteral("ttlSeconds"), 1800}};
    if (!reason.isEmpty())
        body.insert(QStringLiteral("reason"), reason);
    submit(QStringLiteral("lock"), "POST", QStringLiteral("/lock"), body);
}

void WallSession::releaseLock() {
    submit(QStringLiteral("unlock"), "DELETE", QStringLiteral("/lock"));
}

void WallSession::setAudio(const QString &source, double volume) {
    submit(QStringLiteral("audio"), "POST", QStringLiteral("/audio"),
           {{QStringLiteral("source"), source}, {QStringLiteral("volume"), volume}});
}

void WallSession::powerDisplay(const QString &displayId, bool on) {
    submit(QStringLiteral("power"), "POST", QStringLiteral("/devices/%1/commands").arg(displayId),
           {{QStringLiteral("command"), QStringLiteral("power")},
            {QStringLiteral("args"),
             QJsonObject{
                 {QStringLiteral("value"), on ? QStringLiteral("on") : QStringLiteral("off")}}}});
}

} // namespace opswall::console
