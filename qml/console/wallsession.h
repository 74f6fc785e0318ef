#pragma once
// The console's view of one wall, only through the control API and its event stream: what the
// wall is (displays, outputs), what it shows (the live layout and its revision, pictures of the
// outputs), presets, alerts, feeds, sources, indicators, audio, the control lock, devices and what
// the token's role may do. Keeps up through /api/v1/events; a wrong URL, a refused token or a wall
// that goes away is a state and a banner, and it tries again with a bounded back-off.
//
//   connect ──GET /status──> 200: online ──> load everything, open the event stream
//              │ 401 ──> "unauthorized" (retry every kRetryMaxMs: the token file is read again)
//              └ network error ──> "unreachable" ──retry 1 s, 2 s, 4 s … 10 s──> connect
//   online ──event stream lost or a request fails on the network──> "lost" ──> connect

#include "stagedlayout.h"

#include <QHash>
#include <QImage>
#include <QJsonArray>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QObject>
#include <QQmlEngine>
#include <QSet>
#include <QTimer>
#include <QUrl>
#include <QVariantList>
#include <QVariantMap>
#include <QWebSocket>

#include <functional>

namespace opswall::console {

class WallSession : public QObject {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QString url READ url WRITE setUrl NOTIFY urlChanged)
    Q_PROPERTY(QString tokenFile READ tokenFile WRITE setTokenFile NOTIFY tokenFileChanged)
    Q_PROPERTY(QString state READ state NOTIFY stateChanged)     // connecting online unauthorized
                                                                 // unreachable lost
    Q_PROPERTY(QString problem READ problem NOTIFY stateChanged) // the error in words (English)
    Q_PROPERTY(int retryInSeconds READ retryInSeconds NOTIFY stateChanged)
    Q_PROPERTY(bool loaded READ loaded NOTIFY loadedChanged)
    Q_PROPERTY(QString user READ user NOTIFY stateChanged)
    Q_PROPERTY(QString role READ role NOTIFY stateChanged)
    Q_PROPERTY(QVariantMap wall READ wall NOTIFY wallChanged)
    Q_PROPERTY(QVariantMap live READ live NOTIFY liveChanged) // {revision, instance, layout}
    Q_PROPERTY(QVariantList presets READ presets NOTIFY presetsChanged)
    // Preset id (as a string) -> its layout, for thumbnails.
    Q_PROPERTY(QVariantMap presetLayouts READ presetLayouts NOTIFY presetLayoutsChanged)
    Q_PROPERTY(QVariantList alerts READ alerts NOTIFY alertsChanged)
    Q_PROPERTY(QVariantList feeds READ feeds NOTIFY feedsChanged)
    Q_PROPERTY(QVariantList sources READ sources NOTIFY sourcesChanged)
    Q_PROPERTY(QVariantList indicators READ indicators NOTIFY indicatorsChanged)
    Q_PROPERTY(QVariantList devices READ devices NOTIFY devicesChanged)
    Q_PROPERTY(QVariantMap audio READ audio NOTIFY audioChanged)
    Q_PROPERTY(QVariantMap lock READ lock NOTIFY lockChanged)
    Q_PROPERTY(QVariantMap health READ health NOTIFY healthChanged) // streams' states
    Q_PROPERTY(QVariantList permissions READ permissions NOTIFY permissionsChanged)
    // Pictures of the outputs are fetched about once a second while this is true (the console
    // sets it while the wall view is visible and the window is exposed).
    Q_PROPERTY(bool picturesWanted READ picturesWanted WRITE setPicturesWanted NOTIFY
                   picturesWantedChanged)
    Q_PROPERTY(int picturesReceived READ picturesReceived NOTIFY pictureChanged)
    Q_PROPERTY(int picturesFailed READ picturesFailed NOTIFY pictureChanged)
    Q_PROPERTY(int busy READ busy NOTIFY busyChanged) // requests in flight
    // Pictures of presets as the wall draws them (GET /presets/{id}/picture), fetched one at a
    // time once per preset content and kept on disk; how many came from the wall.
    Q_PROPERTY(int presetPicturesReceived READ presetPicturesReceived NOTIFY presetPictureChanged)
    // Every output has had a picture taken after the console loaded (or its pictures keep
    // failing): what --screenshot waits for.
    Q_PROPERTY(bool picturesSettled READ picturesSettled NOTIFY pictureChanged)
    // The operator's staged copy of the live layout (a StagedLayout), kept up with the wall and
    // the live layout by this session.
    Q_PROPERTY(QObject *staged READ stagedObject CONSTANT)

public:
    explicit WallSession(QObject *parent = nullptr);
    ~WallSession() override;

    QString url() const { return m_url; }
    void setUrl(const QString &url);
    QString tokenFile() const { return m_tokenFile; }
    void setTokenFile(const QString &path);
    QString state() const { return m_state; }
    QString problem() const { return m_problem; }
    int retryInSeconds() const;
    bool loaded() const { return m_loaded; }
    QString user() const { return m_user; }
    QString role() const { return m_role; }
    QVariantMap wall() const { return m_wall; }
    QVariantMap live() const { return m_live; }
    QVariantList presets() const { return m_presets; }
    QVariantMap presetLayouts() const { return m_presetLayouts; }
    QVariantList alerts() const { return m_alerts; }
    QVariantList feeds() const { return m_feeds; }
    QVariantList sources() const { return m_sources; }
    QVariantList indicators() const { return m_indicators; }
    QVariantList devices() const { return m_devices; }
    QVariantMap audio() const { return m_audio; }
    QVariantMap lock() const { return m_lock; }
    QVariantMap health() const { return m_health; }
    QVariantList permissions() const { return m_permissions; }
    bool picturesWanted() const { return m_picturesWanted; }
    void setPicturesWanted(bool on);
    int picturesReceived() const { return m_picturesReceived; }
    int picturesFailed() const { return m_picturesFailed; }
    int busy() const { return m_busy; }
    int presetPicturesReceived() const { return m_presetPicturesReceived; }
    bool picturesSettled() const;
    QImage presetPicture(int id) const { return m_presetPictures.value(id); }

    QObject *stagedObject() { return &m_staged; }
    StagedLayout &staged() { return m_staged; }

    // The latest picture of output index (null until one came).
    QImage picture(int index) const { return m_pictures.value(index); }

    // Whether the token's role may submit action (the wall's permission table), and why not.
    Q_INVOKABLE bool can(const QString &action) const;
    Q_INVOKABLE QString rolesFor(const QString &action) const; // "operator, admin"

    // Actions. Each answers with actionFinished(tag, ok, code, message, field, details).
    Q_INVOKABLE void recallPreset(int id);
    Q_INVOKABLE void savePresetFromLive(const QString &name, bool forLeaders);
    Q_INVOKABLE void savePresetFromLayout(const QString &name, const QVariantMap &layout);
    Q_INVOKABLE void updatePreset(int id, const QString &name, bool forLeaders);
    Q_INVOKABLE void deletePreset(int id);
    Q_INVOKABLE void publish(const QVariantMap &layout, double baseRevision,
                             const QString &baseInstance);
    Q_INVOKABLE void acknowledgeAlert(const QString &id);
    Q_INVOKABLE void takeLock(const QString &reason);
    Q_INVOKABLE void releaseLock();
    Q_INVOKABLE void setAudio(const QString &source, double volume);
    Q_INVOKABLE void powerDisplay(const QString &displayId, bool on);
    Q_INVOKABLE void refreshAll();
    Q_INVOKABLE void reloadLive() { load(QStringLiteral("layout")); }
    Q_INVOKABLE void reconnectNow();
    // Any other request of the control API (the technician page's calibration routes): the
    // answer comes as answered(tag, ...), with the body as sent back (an error's code, message
    // and refused field too). path is under /api/v1 ("/calibration/pattern").
    Q_INVOKABLE void call(const QString &tag, const QString &method, const QString &path,
                          const QVariantMap &body = {});

    static constexpr int kRetryFirstMs = 1000;
    static constexpr int kRetryMaxMs = 10000;
    static constexpr int kPictureIntervalMs = 1000;
    static constexpr int kPictureWidthPx = 960;
    static constexpr int kPresetPictureWidthPx = 480;
    static constexpr int kRequestTimeoutMs = 8000;
    static constexpr int kBackgroundTimeoutMs = 30000;
    static constexpr int kBusyRetryMs = 1000; // after 429 or 503 on a load
    static constexpr int kSlowRefreshMs = 10000;

Q_SIGNALS:
    void urlChanged();
    void tokenFileChanged();
    void stateChanged();
    void loadedChanged();
    void wallChanged();
    void liveChanged();
    void presetsChanged();
    void presetLayoutsChanged();
    void alertsChanged();
    void feedsChanged();
    void sourcesChanged();
    void indicatorsChanged();
    void devicesChanged();
    void audioChanged();
    void lockChanged();
    void healthChanged();
    void permissionsChanged();
    void picturesWantedChanged();
    void pictureChanged(int index);
    void busyChanged();
    void presetPictureChanged(int id);
    // Another client changed the live layout (the event's "by", "type").
    void liveChangedBy(const QString &by, const QString &type);
    void actionFinished(const QString &tag, bool ok, const QString &code, const QString &message,
                        const QString &field, const QVariantMap &details);
    // The answer to call(): status 0 when the wall did not answer.
    void answered(const QString &tag, bool ok, int status, const QString &message,
                  const QString &field, const QVariantMap &body);
    // Every event of the wall's stream, as it came ({"type", ...}).
    void wallEvent(const QString &type, const QVariantMap &event);

private:
    using Handler = std::function<void(int status, const QJsonObject &body, const QByteArray &raw)>;
    // background: a slow extra (a preset's picture): a longer deadline, and no answer is not a
    // lost wall.
    void request(const QByteArray &method, const QString &path, const QJsonObject &body,
                 Handler done, bool background = false);
    void submit(const QString &tag, const QByteArray &method, const QString &path,
                const QJsonObject &body = {});
    void connectToWall();
    void setState(const QString &state, const QString &problem = {});
    void scheduleRetry();
    void load(const QString &what);
    void loadAll();
    void openEvents();
    void onEvent(const QJsonObject &ev);
    void fetchPictures();
    void readToken();
    void wantPresetPicture(int id, const QVariant &layout);
    void fetchNextPresetPicture();
    static QString presetPictureCacheDir();
    void updateLoaded();
    QUrl apiUrl(const QString &path) const;

    StagedLayout m_staged;
    QNetworkAccessManager m_nam;
    QWebSocket m_events;
    QTimer m_retry;
    QTimer m_pictureTimer;
    QTimer m_slowRefresh;
    QTimer m_debounce;
    QSet<QString> m_dirty; // resources to load again (events coalesced)
    QString m_url;
    QString m_tokenFile;
    QString m_token;
    QString m_state = QStringLiteral("connecting");
    QString m_problem;
    int m_retryMs = kRetryFirstMs;
    int m_generation = 0; // answers of an older connection attempt are dropped
    bool m_loaded = false;
    QSet<QString> m_pending; // first load: resources still to come
    QString m_user, m_role;
    QVariantMap m_wall, m_live, m_audio, m_lock, m_health, m_presetLayouts;
    QVariantList m_presets, m_alerts, m_feeds, m_sources, m_indicators, m_devices, m_permissions;
    bool m_picturesWanted = false;
    QHash<int, QImage> m_pictures;
    QSet<int> m_pictureInFlight;
    int m_picturesReceived = 0;
    int m_picturesFailed = 0;
    int m_busy = 0;
    QHash<int, int> m_pictureRounds;   // output -> pictures received since the last (re)load
    QHash<int, int> m_pictureFailures; // output -> failures in a row
    QHash<int, QImage> m_presetPictures;
    QHash<int, QByteArray> m_presetPictureKey;  // preset -> the content wanted
    QHash<int, QByteArray> m_presetPictureHave; // preset -> the content of the picture held
    QList<QPair<int, QByteArray>> m_presetPictureQueue;
    bool m_presetPictureInFlight = false;
    int m_presetPicturesReceived = 0;
};

} // namespace opswall::console
