#pragma once
// The console's briefings, only through the control API and its event stream (its own
// connection, beside WallSession's): the list of briefings, the running one (step, next step,
// notes, times, blank) with pictures of its current and next step drawn by the wall's renderer,
// stepping it, the control lock a presenter holds (with a warning before it runs out and a notice
// when it did), and the editor's load, save (against the revision it opened: someone else's save
// in between is a conflict, nothing is overwritten), create and delete.
//
//   BriefingSession { url: session.url; tokenFile: session.tokenFile }
//   events: briefing.* -> current (the event's state), list; lock.* -> lock
//
// Lock warning: while this user holds the lock, lockWarning turns true when the time left is at
// most min(kLockWarnSeconds, half of the lock's whole span), so a 30-minute lock warns 5 minutes
// ahead and a short one half-way; lockExpired is set when a lock this user held ran out (no
// release was seen) and cleared when the lock is taken again.

#include <QHash>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QObject>
#include <QQmlEngine>
#include <QTimer>
#include <QUrl>
#include <QVariantList>
#include <QVariantMap>
#include <QWebSocket>

#include <functional>

namespace opswall::console {

class BriefingSession : public QObject {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QString url READ url WRITE setUrl NOTIFY urlChanged)
    Q_PROPERTY(QString tokenFile READ tokenFile WRITE setTokenFile NOTIFY tokenFileChanged)
    Q_PROPERTY(bool online READ online NOTIFY onlineChanged)
    Q_PROPERTY(QString user READ user NOTIFY onlineChanged)
    Q_PROPERTY(QString role READ role NOTIFY onlineChanged)
    Q_PROPERTY(QVariantList briefings READ briefings NOTIFY briefingsChanged)
    // GET /briefings/current: {active, id, revision, step, stepCount, title, stepTitle, nextTitle,
    // blank, startedAt, stepShownAt, plannedSeconds, stepPlannedSeconds, document, ...}
    Q_PROPERTY(QVariantMap current READ current NOTIFY currentChanged)
    // Pictures as data: URLs (PNG), empty until they came.
    Q_PROPERTY(QString currentPicture READ currentPicture NOTIFY picturesChanged)
    Q_PROPERTY(QString nextPicture READ nextPicture NOTIFY picturesChanged)
    Q_PROPERTY(int picturesReceived READ picturesReceived NOTIFY picturesChanged)
    Q_PROPERTY(QVariantMap lock READ lock NOTIFY lockChanged) // GET /lock
    Q_PROPERTY(bool lockMine READ lockMine NOTIFY lockChanged)
    Q_PROPERTY(int lockSecondsLeft READ lockSecondsLeft NOTIFY lockTick)
    Q_PROPERTY(bool lockWarning READ lockWarning NOTIFY lockTick)
    Q_PROPERTY(bool lockExpired READ lockExpired NOTIFY lockTick)
    // Step pictures are asked of the wall (which draws them) only while this is true: the console
    // sets it while the presenter is shown.
    Q_PROPERTY(bool picturesWanted READ picturesWanted WRITE setPicturesWanted NOTIFY
                   picturesWantedChanged)
    // How long a lock taken here lasts (seconds).
    Q_PROPERTY(int lockSeconds READ lockSeconds WRITE setLockSeconds NOTIFY lockSecondsChanged)
    // The last refusal in words (empty after a success).
    Q_PROPERTY(QString message READ message NOTIFY messageChanged)

public:
    explicit BriefingSession(QObject *parent = nullptr);
    ~BriefingSession() override;

    static constexpr int kLockWarnSeconds = 300;
    static constexpr int kRequestTimeoutMs = 15000;
    static constexpr int kRetryMs = 2000;
    static constexpr int kMaxPictures = 48;

    QString url() const { return m_url; }
    void setUrl(const QString &url);
    QString tokenFile() const { return m_tokenFile; }
    void setTokenFile(const QString &path);
    bool online() const { return m_online; }
    QString user() const { return m_user; }
    QString role() const { return m_role; }
    QVariantList briefings() const { return m_briefings; }
    QVariantMap current() const { return m_current; }
    QString currentPicture() const { return m_currentPicture; }
    QString nextPicture() const { return m_nextPicture; }
    int picturesReceived() const { return m_picturesReceived; }
    QVariantMap lock() const { return m_lock; }
    bool lockMine() const;
    int lockSecondsLeft() const;
    bool lockWarning() const;
    bool lockExpired() const { return m_lockExpired; }
    int lockSeconds() const { return m_lockSeconds; }
    bool picturesWanted() const { return m_picturesWanted; }
    void setPicturesWanted(bool on);
    void setLockSeconds(int seconds);
    QString message() const { return m_message; }

    // Running. Each answers with actionFinished(tag, ok, code, message, field).
    Q_INVOKABLE void start(int id, int step = 1);
    Q_INVOKABLE void next() { step(QStringLiteral("next")); }
    Q_INVOKABLE void previous() { step(QStringLiteral("previous")); }
    Q_INVOKABLE void goTo(int step);
    Q_INVOKABLE void blank() { step(QStringLiteral("blank")); }
    Q_INVOKABLE void unblank() { step(QStringLiteral("unblank")); }
    Q_INVOKABLE void end() { step(QStringLiteral("end")); }
    Q_INVOKABLE void takeLock();
    Q_INVOKABLE void releaseLock();

    // Editing. load answers with loaded(id, revision, document); save, create and remove with
    // actionFinished("save" | "create" | "delete", ...) and, on success, saved(id, revision).
    Q_INVOKABLE void load(int id);
    Q_INVOKABLE void save(int id, const QVariantMap &document, int baseRevision);
    Q_INVOKABLE void create(const QVariantMap &document);
    Q_INVOKABLE void remove(int id);
    Q_INVOKABLE void refresh();

Q_SIGNALS:
    void urlChanged();
    void tokenFileChanged();
    void onlineChanged();
    void briefingsChanged();
    void currentChanged();
    void picturesChanged();
    void lockChanged();
    void lockTick();
    void lockSecondsChanged();
    void picturesWantedChanged();
    void messageChanged();
    void loaded(int id, int revision, const QVariantMap &document);
    void saved(int id, int revision);
    void actionFinished(const QString &tag, bool ok, const QString &code, const QString &message,
                        const QString &field);

private:
    using Handler = std::function<void(int status, const QJsonObject &body, const QByteArray &raw)>;
    void request(const QByteArray &method, const QString &path, const QJsonObject &body,
                 Handler done);
    void step(const QString &verb, const QJsonObject &body = {});
    void finished(const QString &tag, int status, const QJsonObject &answer);
    void connectToWall();
    void onEvent(const QJsonObject &ev);
    void loadList();
    void loadCurrent();
    void loadLock();
    void setCurrent(const QVariantMap &state);
    void setLock(const QVariantMap &lock);
    void setMessage(const QString &message);
    void fetchPictures();
    void fetchPicture(int id, int revision, int step, bool blank, bool isCurrent);
    void tick();
    QUrl apiUrl(const QString &path) const;

    QNetworkAccessManager m_nam;
    QWebSocket m_events;
    QTimer m_retry;
    QTimer m_clock;
    QString m_url, m_tokenFile, m_token;
    bool m_online = false;
    int m_generation = 0;
    QString m_user, m_role;
    QVariantList m_briefings;
    QVariantMap m_current;
    QVariantMap m_lock;
    int m_lockSeconds = 1800;
    bool m_picturesWanted = true;
    qint64 m_mineUntilMs = 0; // the end of the lock this user holds, 0 when none
    bool m_lockExpired = false;
    QString m_message;
    QHash<QString, QString> m_pictures; // "id:revision:step[:blank]" -> data URL
    QString m_currentPicture, m_nextPicture;
    QString m_wantCurrent, m_wantNext; // the keys the pictures should show
    int m_picturesReceived = 0;
};

} // namespace opswall::console
