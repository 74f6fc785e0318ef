// A live HLS playlist for a test: gst-launch-1.0 writes it into a folder of its own while the test
// runs, and a real HTTP server serves it. start() returns once three segments are there.
#pragma once

#include "httptestserver.h"
#include "testsources.h"

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

namespace opswall::video::test {

class LivePlaylist {
public:
    ~LivePlaylist() {
        m_producer.kill();
        m_producer.waitForFinished(3000);
    }

    // Where the producer writes: `location=DIR/seg%05d.ts playlist-location=DIR/index.m3u8`.
    QString dir() const { return m_dir.path(); }

    // Starts `pipeline` (gst-launch-1.0's syntax) and serves the folder; an empty string when
    // three segments are listed within 30 s, otherwise why not.
    QString start(const QString &pipeline) {
        m_producer.start(QStringLiteral("gst-launch-1.0"),
                         QStringList{QStringLiteral("-q")} + QProcess::splitCommand(pipeline));
        if (!QTest::qWaitFor([&] { return playlist().count(".ts") >= 3; }, 30000))
            return QStringLiteral("no live playlist: ") +
                   QString::fromLocal8Bit(m_producer.readAllStandardError());
        m_http.setRoot(m_dir.path());
        if (!m_http.listen())
            return QStringLiteral("the playlist's HTTP server could not listen");
        return {};
    }

    VideoSource source() const {
        return makeSource(QStringLiteral("live"), SourceKind::Hls,
                          m_http.url(QStringLiteral("/index.m3u8")));
    }

private:
    QByteArray playlist() const {
        QFile file(m_dir.filePath(QStringLiteral("index.m3u8")));
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }

    QTemporaryDir m_dir;
    QProcess m_producer;
    HttpTestServer m_http;
};

} // namespace opswall::video::test
