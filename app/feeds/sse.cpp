#include "feeds/sse.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>

namespace opswall::feeds {

QList<SseEvent> SseParser::feed(QByteArrayView bytes) {
    QList<SseEvent> out;
    m_buffer.append(bytes);
    qsizetype start = 0;
    for (;;) {
        qsizetype nl = -1;
        for (qsizetype i = start; i < m_buffer.size(); ++i)
            if (m_buffer[i] == '\n' || m_buffer[i] == '\r') {
                nl = i;
                break;
            }
        if (nl < 0)
            break;
        // A lone CR at the end of the buffer may be the first half of CRLF: wait for more.
        if (m_buffer[nl] == '\r' && nl + 1 == m_buffer.size())
            break;
        line(QByteArrayView(m_buffer).sliced(start, nl - start), out);
        start = nl + ((m_buffer[nl] == '\r' && m_buffer[nl + 1] == '\n') ? 2 : 1);
    }
    m_buffer.remove(0, start);
    if (m_buffer.size() > m_max) { // a line longer than any event we accept
        m_buffer.clear();
        m_overflow = true;
    }
    return out;
}

void SseParser::line(QByteArrayView l, QList<SseEvent> &out) {
    if (l.isEmpty()) { // dispatch
        if (m_hasData && !m_overflow) {
            SseEvent e;
            if (!m_type.isEmpty())
                e.type = m_type;
            e.data = m_data;
            e.id = m_lastId;
            out << e;
        } else if (m_overflow) {
            ++m_dropped;
        }
        m_type.clear();
        m_data.clear();
        m_hasData = false;
        m_overflow = false;
        return;
    }
    if (l.startsWith(':'))
        return; // comment / keep-alive
    const qsizetype colon = l.indexOf(':');
    const QByteArrayView field = colon < 0 ? l : l.first(colon);
    QByteArrayView value = colon < 0 ? QByteArrayView() : l.sliced(colon + 1);
    if (value.startsWith(' '))
        value = value.sliced(1);
    if (field == "data") {
        if (m_data.size() + value.size() > m_max) {
            m_overflow = true;
            return;
        }
        if (m_hasData)
            m_data += QLatin1Char('\n');
        m_data += QString::fromUtf8(value);
        m_hasData = true;
    } else if (field == "event") {
        m_type = QString::fromUtf8(value);
    } else if (field == "id") {
        if (!value.contains('\0'))
            m_lastId = QString::fromUtf8(value);
    } else if (field == "retry") {
        bool ok = false;
        const int ms = value.toByteArray().toInt(&ok);
        if (ok && ms >= 0)
            m_retryMs = qMin(ms, 10 * 60 * 1000);
    }
}

SseClient::SseClient(QNetworkAccessManager *nam, const QUrl &url,
                     QMap<QByteArray, QByteArray> headers, QObject *parent)
    : PushClient(90 * 1000, QStringLiteral("no data or keep-alive"), parent)
    , m_nam(nam)
    , m_url(url)
    , m_headers(std::move(headers)) {}

SseClient::~SseClient() {
    stop();
}

void SseClient::open() {
    if (!isRunning())
        return;
    QNetworkRequest r(m_url);
    r.setRawHeader("Accept", "text/event-stream");
    r.setRawHeader("Cache-Control", "no-cache");
    if (!m_parser.lastEventId().isEmpty())
        r.setRawHeader("Last-Event-ID", m_parser.lastEventId().toUtf8());
    for (auto it = m_headers.begin(); it != m_headers.end(); ++it)
        r.setRawHeader(it.key(), it.value());
    m_parser = SseParser();
    m_reply = m_nam->get(r);
    restartIdle();
    connect(m_reply, &QNetworkReply::metaDataChanged, this, [this] {
        const int status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (status == 200 && !isConnected())
            onConnected();
    });
    connect(m_reply, &QNetworkReply::readyRead, this, [this] {
        restartIdle();
        for (const SseEvent &e : m_parser.feed(m_reply->readAll()))
            Q_EMIT event(e);
    });
    connect(m_reply, &QNetworkReply::finished, this, [this] {
        const int status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        onBroken(m_reply->error() != QNetworkReply::NoError ? m_reply->errorString()
                 : status != 200                            ? QStringLiteral("HTTP %1").arg(status)
                                 : QStringLiteral("server closed the event stream"));
    });
}

void SseClient::dropTransport(Drop) {
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
        m_reply->deleteLater();
    }
}

} // namespace opswall::feeds
