#pragma once
// Server-Sent Events (WHATWG HTML "9.2 Server-sent events"): a pure incremental parser (bytes in,
// events out, bounded line and event size) and a client that keeps one event stream open with
// Qt Network and reconnects through the BackoffPolicy.

#include "feeds/pushclient.h"

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QObject>
#include <QPointer>
#include <QUrl>

class QNetworkAccessManager;
class QNetworkReply;

namespace opswall::feeds {

struct SseEvent {
    QString type = QStringLiteral("message");
    QString data;
    QString id;
};

class SseParser {
public:
    explicit SseParser(qsizetype maxEventBytes = 64 * 1024)
        : m_max(maxEventBytes) {}
    // Appends bytes and returns the events they complete. An over-long line or event is dropped
    // (and counted), never buffered without bound.
    QList<SseEvent> feed(QByteArrayView bytes);
    int retryMs() const { return m_retryMs; } // 0 unless the server sent "retry:"
    const QString &lastEventId() const { return m_lastId; }
    int droppedEvents() const { return m_dropped; }

private:
    void line(QByteArrayView l, QList<SseEvent> &out);

    qsizetype m_max;
    QByteArray m_buffer;
    QString m_type;
    QString m_data;
    bool m_hasData = false;
    bool m_overflow = false;
    QString m_lastId;
    int m_retryMs = 0;
    int m_dropped = 0;
};

// One event stream kept open (start/stop, reconnects, the idle bound: PushClient). No byte, not
// even a keep-alive comment, for 90 s: the stream is dead.
class SseClient : public PushClient {
    Q_OBJECT
public:
    SseClient(QNetworkAccessManager *nam, const QUrl &url, QMap<QByteArray, QByteArray> headers,
              QObject *parent = nullptr);
    ~SseClient() override;

Q_SIGNALS:
    void event(const opswall::feeds::SseEvent &event);

private:
    void open() override;
    void dropTransport(Drop why) override;
    int serverRetryMs() const override { return m_parser.retryMs(); }

    QNetworkAccessManager *m_nam;
    QUrl m_url;
    QMap<QByteArray, QByteArray> m_headers;
    QPointer<QNetworkReply> m_reply;
    SseParser m_parser;
};

} // namespace opswall::feeds
