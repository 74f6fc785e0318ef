// A live HLS playlist for a test: gst-launch-1.0 writes it into a folder of its own while the test
// runs, and a real HTTP server serves it. start() returns once three segments are there.
// LivePlayers: the playlist with what its players run on (a shared clock, a pipeline reaper).
#pragma once

#include "httptestserver.h"
#include "testsources.h"
#include "video/netclock.h"
#include "video/pipeline.h"

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

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

// A live playlist and what its players (VideoStream(source().id, source(), {}, {}, reaper()),
// declared after it) run on: a shared clock served on loopback as a controller serves it (400 ms
// of latency), and the reaper of their pipelines (tst_video_livehls, tst_video_livehlsaudio).
class LivePlayers {
public:
    QString dir() const { return m_live.dir(); }
    // Starts the playlist (LivePlaylist::start) and serves the clock; an empty string, or why not.
    QString start(const QString &pipeline) {
        if (QString why = m_live.start(pipeline); !why.isEmpty())
            return why;
        m_source = m_live.source();
        QString error;
        m_clock = SharedClock::serve(QStringLiteral("127.0.0.1"), 400, &error);
        return m_clock ? QString() : QStringLiteral("no shared clock: ") + error;
    }
    const VideoSource &source() const { return m_source; }
    const std::shared_ptr<SharedClock> &clock() const { return m_clock; }
    PipelineReaper &reaper() { return m_reaper; }

private:
    LivePlaylist m_live;
    VideoSource m_source;
    std::shared_ptr<SharedClock> m_clock;
    PipelineReaper m_reaper;
};

} // namespace opswall::video::test
