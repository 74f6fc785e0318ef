// Integration with a real gst-rtsp-server on loopback (opswall-rtsp-testserver, ephemeral ports):
// the picture reaches a VideoItem (pixels grabbed from the window), kill -9 and recovery,
// SIGSTOP caught by the frame watchdog, SRT, and clear messages for bad URL, unknown host and
// an unsupported codec. Runs under QT_QPA_PLATFORM=offscreen (software scene graph).
#include "picturecheck.h"
#include "testserver.h"
#include "video/videohub.h"
#include "video/videoitem.h"
#include "videotile.h"

#include <QElapsedTimer>
#include <QProcess>
#include <QQuickWindow>
#include <QSGRendererInterface>
#include <QTemporaryDir>
#include <QTest>

#include <gst/gst.h>

using namespace opswall::video;
using opswall::video::test::TestServer;
using opswall::video::test::verifyBars;

namespace {
QVariantMap uriBinding(const QString &uri) {
    return {{QStringLiteral("uri"), uri}};
}
} // namespace

class TestVideoStream : public QObject {
    Q_OBJECT
private:
    std::unique_ptr<VideoHub> m_hub;
    TestServer m_server;

    // A window with one VideoItem showing the binding.
    using Tile = test::VideoTile;
    Tile show(const QVariantMap &binding, QSize size = QSize(640, 360)) {
        return test::showVideoTile(m_hub.get(), binding, size);
    }

private Q_SLOTS:
    void initTestCase() {
        m_hub = test::makeUnlingeringHub();
        QVERIFY2(m_hub->available(), qPrintable(m_hub->startupMessage()));
        QVERIFY2(m_server.start({QStringLiteral("--width"), QStringLiteral("640"),
                                 QStringLiteral("--height"), QStringLiteral("360")}),
                 qPrintable(m_server.error()));
    }

    void cleanupTestCase() {
        QVERIFY(m_hub->shutdown()); // every pipeline reached NULL in time
        m_hub.reset();
    }

    void rtspShowsTheTestPattern() {
        Tile t = show(uriBinding(m_server.url()));
        VideoStream *s = t.item->stream();
        QVERIFY(s);
        QTRY_COMPARE_WITH_TIMEOUT(s->state(), VideoStream::State::Playing, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(s->hasFrame(), 1000);
        verifyBars(t.window.get(), t.item);
        if (QTest::currentTestFailed())
            return;
        QTRY_VERIFY2_WITH_TIMEOUT(s->fps() > 10, qPrintable(QString::number(s->fps())),
                                  3000); // stats follow the stream
        QCOMPARE(s->codec(), QStringLiteral("H.264"));
        QVERIFY2(!s->decoder().isEmpty(), "decoder element named");
        QCOMPARE(s->resolution(), QSize(640, 360));
        QVERIFY(s->bitrateKbps() > 10);
        QVERIFY(s->muted()); // muted by default
    }

    void oneDecoderForTwoTiles() {
        Tile a = show(uriBinding(m_server.url()), QSize(320, 180));
        Tile b = show(uriBinding(m_server.url()), QSize(160, 90));
        QCOMPARE(a.item->stream(), b.item->stream());
        QCOMPARE(m_hub->activeStreams(), 1);
        QTRY_COMPARE_WITH_TIMEOUT(a.item->stream()->state(), VideoStream::State::Playing, 5000);
        // Scaled in GStreamer to the bigger tile (never the full 640x360 for 320x180 tiles).
        QTRY_COMPARE_WITH_TIMEOUT(a.item->stream()->frame().size(), QSize(320, 180), 3000);
        verifyBars(b.window.get(), b.item);
        if (QTest::currentTestFailed())
            return;
    }

    // On the software scene graph the tile converts the frame's I420 picture straight into the
    // window: placed on whole pixels at an odd offset, the window holds exactly the stream's
    // frame converted to RGB32 (the same pixels the texture path shows), and nothing outside.
    void pictureNodeWritesTheFrameIntoTheWindow() {
        auto window = std::make_unique<QQuickWindow>();
        window->resize(700, 400);
        window->setColor(Qt::black);
        auto *item = new VideoItem(window->contentItem());
        item->setPosition(QPointF(13, 7));
        item->setSize(QSizeF(640, 360));
        item->setHub(m_hub.get());
        item->setBinding(uriBinding(m_server.url()));
        window->show();
        QCOMPARE(window->rendererInterface()->graphicsApi(), QSGRendererInterface::Software);
        QTRY_VERIFY_WITH_TIMEOUT(item->stream() && item->stream()->hasFrame(), 5000);
        QVERIFY(item->stream()->frame().yuv);
        QTRY_VERIFY_WITH_TIMEOUT(item->textureSequence() > 0, 2000);
        // No event is handled between the grab and picture(): both are the same frame.
        const QImage grab = window->grabWindow();
        const QImage frame = item->stream()->picture();
        QCOMPARE(frame.size(), QSize(640, 360));
        QCOMPARE(grab.copy(13, 7, 640, 360).convertToFormat(QImage::Format_RGB32), frame);
        QCOMPARE(grab.pixel(12, 100), qRgb(0, 0, 0));
        QCOMPARE(grab.pixel(13 + 640, 100), qRgb(0, 0, 0));
        QCOMPARE(grab.pixel(100, 6), qRgb(0, 0, 0));
        QCOMPARE(grab.pixel(100, 7 + 360), qRgb(0, 0, 0));
    }

    // kill -9 of the server: the tile keeps the last frame, dimmed, while the stream retries on
    // its bounded back-off; once the server is back, the next retry connects (no attempt after
    // the server's return fails) and that attempt plays within 1 s of its start. The wait before
    // that retry is the back-off the policy chose while the server was away (the server's
    // restart takes longer on a loaded machine, so more retries failed and the wait is longer):
    // it is checked against the policy, not against a fixed second.
    void killNineReconnectsAndRecoversWithinOneSecond() {
        Tile t = show(uriBinding(m_server.url()));
        VideoStream *s = t.item->stream();
        QTRY_COMPARE_WITH_TIMEOUT(s->state(), VideoStream::State::Playing, 5000);
        m_server.kill();
        QTRY_COMPARE_WITH_TIMEOUT(s->state(), VideoStream::State::Reconnecting, 3000);
        QVERIFY(s->stale()); // last frame kept, dimmed by the tile
        QVERIFY(s->hasFrame());
        QVERIFY2(m_server.restartSamePort(), qPrintable(m_server.error()));
        QElapsedTimer back;
        back.start();
        // The retry that finds the server: each attempt builds a pipeline (on this thread, so a
        // change of pipelinesBuilt() is seen within a few ms of the build).
        const int builtAtReturn = s->pipelinesBuilt();
        const int retryInS = s->retryInSeconds(); // the pending back-off, rounded up; 0: building
        qint64 attemptMs = -1; // the last attempt's start after the server's return
        int built = builtAtReturn;
        const StreamPolicy &policy = s->policy();
        const qint64 deadlineMs = policy.maxBackoffMs + policy.connectTimeoutMs + 2000;
        while (s->state() != VideoStream::State::Playing && back.elapsed() < deadlineMs) {
            QTest::qWait(2);
            if (s->pipelinesBuilt() != built) {
                built = s->pipelinesBuilt();
                attemptMs = back.elapsed();
            }
        }
        const qint64 recoveredMs = back.elapsed();
        QCOMPARE(s->state(), VideoStream::State::Playing);
        // No attempt (re)started: the one under way when the server came back connected.
        const qint64 connectMs = attemptMs < 0 ? recoveredMs : recoveredMs - attemptMs;
        qInfo("recovered %lld ms after the server was back: the retry came %lld ms after it "
              "(back-off pending: %d s), its attempt played in %lld ms",
              recoveredMs, std::max<qint64>(attemptMs, 0), retryInS, connectMs);
        // At most the attempt under way at the return (refused just before it) and the next one.
        QVERIFY2(s->pipelinesBuilt() - builtAtReturn <= 1,
                 qPrintable(QStringLiteral("%1 attempts after the server was back")
                                .arg(s->pipelinesBuilt() - builtAtReturn)));
        // The retry came when the back-off said (bounded by maxBackoffMs), not later; a timer on a
        // loaded machine fires late by its slack and a turn of the event loop.
        const qint64 pendingMs = retryInS > 0 ? retryInS * 1000 : policy.maxBackoffMs;
        QVERIFY2(attemptMs <= pendingMs + 500,
                 qPrintable(QStringLiteral("retry %1 ms after the return, back-off %2 ms")
                                .arg(attemptMs)
                                .arg(pendingMs)));
        QVERIFY2(connectMs <= 1000, qPrintable(QStringLiteral("the reconnecting attempt took %1 ms "
                                                              "to its first frame")
                                                   .arg(connectMs)));
        QVERIFY(s->reconnects() >= 1);
    }

    void sigstopIsCaughtByTheWatchdog() {
        Tile t = show(uriBinding(m_server.url()));
        VideoStream *s = t.item->stream();
        QTRY_COMPARE_WITH_TIMEOUT(s->state(), VideoStream::State::Playing, 5000);
        m_server.freeze();
        QElapsedTimer frozen;
        frozen.start();
        QTRY_COMPARE_WITH_TIMEOUT(s->state(), VideoStream::State::Stalled, 4000);
        qInfo("stall detected %lld ms after SIGSTOP", frozen.elapsed());
        QVERIFY2(frozen.elapsed() <= 2000, "watchdog within 2 s");
        QVERIFY(s->lastError().contains(QLatin1String("No video")));
        m_server.thaw();
        QTRY_COMPARE_WITH_TIMEOUT(s->state(), VideoStream::State::Playing, 10000);
    }

    void srtOnLoopbackPlays() {
        const int srtPort = TestServer::freeUdpPort();
        TestServer srt;
        QVERIFY2(srt.start({QStringLiteral("--width"), QStringLiteral("640"),
                            QStringLiteral("--height"), QStringLiteral("360"),
                            QStringLiteral("--srt-port"), QString::number(srtPort)}),
                 qPrintable(srt.error()));
        Tile t = show(uriBinding(QStringLiteral("srt://127.0.0.1:%1").arg(srtPort)));
        VideoStream *s = t.item->stream();
        QTRY_COMPARE_WITH_TIMEOUT(s->state(), VideoStream::State::Playing, 8000);
        verifyBars(t.window.get(), t.item);
        if (QTest::currentTestFailed())
            return;
    }

    void localFileLoops() {
        // A 0.5 s clip: playing for longer than that proves the loop.
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("clip.mkv"));
        const int rc = QProcess::execute(
            QStringLiteral("gst-launch-1.0"),
            {QStringLiteral("-q"), QStringLiteral("videotestsrc"), QStringLiteral("num-buffers=15"),
             QStringLiteral("!"), QStringLiteral("video/x-raw,width=320,height=180,framerate=30/1"),
             QStringLiteral("!"), QStringLiteral("x264enc"), QStringLiteral("!"),
             QStringLiteral("matroskamux"), QStringLiteral("!"), QStringLiteral("filesink"),
             QStringLiteral("location=") + path});
        QCOMPARE(rc, 0);
        VideoSource file;
        file.id = QStringLiteral("clip");
        file.kind = SourceKind::File;
        file.uri = path;
        QVERIFY(!m_hub->upsertSource(file));
        Tile t = show({{QStringLiteral("source"), QStringLiteral("clip")}});
        VideoStream *s = t.item->stream();
        QTRY_COMPARE_WITH_TIMEOUT(s->state(), VideoStream::State::Playing, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(s->frame().sequence > 30, 5000); // twice the clip's 15 frames
        QCOMPARE(s->state(), VideoStream::State::Playing);
        QCOMPARE(s->reconnects(), 0); // looped by seeking, not by reconnecting
        // Paced by the clock at the clip's 30 fps, not as fast as it decodes.
        QTRY_VERIFY2_WITH_TIMEOUT(s->fps() > 15 && s->fps() < 45,
                                  qPrintable(QString::number(s->fps())), 4000);
    }

    void rtpWithSdpPlays() {
        const int port = TestServer::freeUdpPort();
        QProcess sender;
        sender.start(
            QStringLiteral("gst-launch-1.0"),
            {QStringLiteral("-q"), QStringLiteral("videotestsrc"), QStringLiteral("is-live=true"),
             QStringLiteral("!"), QStringLiteral("video/x-raw,width=320,height=180,framerate=30/1"),
             QStringLiteral("!"), QStringLiteral("x264enc"), QStringLiteral("tune=zerolatency"),
             QStringLiteral("key-int-max=15"), QStringLiteral("!"), QStringLiteral("rtph264pay"),
             QStringLiteral("config-interval=-1"), QStringLiteral("pt=96"), QStringLiteral("!"),
             QStringLiteral("udpsink"), QStringLiteral("host=127.0.0.1"),
             QStringLiteral("port=%1").arg(port)});
        QVERIFY(sender.waitForStarted(3000));
        VideoSource rtp;
        rtp.id = QStringLiteral("rtp");
        rtp.kind = SourceKind::RtpUdp;
        rtp.sdp =
            QStringLiteral("v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=test\r\nc=IN IP4 127.0.0.1\r\n"
                           "t=0 0\r\nm=video %1 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n")
                .arg(port);
        QVERIFY(!m_hub->upsertSource(rtp));
        Tile t = show({{QStringLiteral("source"), QStringLiteral("rtp")}});
        QTRY_COMPARE_WITH_TIMEOUT(t.item->stream()->state(), VideoStream::State::Playing, 8000);
        QCOMPARE(t.item->stream()->codec(), QStringLiteral("H.264"));
        sender.kill();
        sender.waitForFinished(3000);
    }

    void oneAudibleSourceAtATime() {
        Tile a = show(uriBinding(m_server.url()), QSize(160, 90));
        VideoSource bars;
        bars.id = QStringLiteral("bars");
        bars.kind = SourceKind::TestPattern;
        QVERIFY(!m_hub->upsertSource(bars));
        Tile b = show({{QStringLiteral("source"), QStringLiteral("bars")}}, QSize(160, 90));
        VideoStream *sa = a.item->stream();
        VideoStream *sb = b.item->stream();
        QVERIFY(sa->muted() && sb->muted()); // muted by default
        m_hub->setAudible(sa->key());
        QVERIFY(!sa->muted());
        QVERIFY(sb->muted());
        m_hub->setAudible(sb->key());
        QVERIFY(sa->muted());
        QVERIFY(!sb->muted());
        m_hub->setVolume(0.4);
        QCOMPARE(sb->volume(), 0.4);
        m_hub->setAudible(QString());
        QVERIFY(sa->muted() && sb->muted());
    }

    void malformedUrlSaysSo() {
        Tile t = show(uriBinding(QStringLiteral("rtsp//10.0.0.5/stream")));
        VideoStream *s = t.item->stream();
        QCOMPARE(s->state(), VideoStream::State::Failed);
        QVERIFY2(s->lastError().contains(QLatin1String("Invalid URL")), qPrintable(s->lastError()));
        Tile u = show(uriBinding(QStringLiteral("rtsp://cam:99999/x")));
        QCOMPARE(u.item->stream()->state(), VideoStream::State::Failed);
        QVERIFY2(u.item->stream()->lastError().contains(QLatin1String("port")) ||
                     u.item->stream()->lastError().contains(QLatin1String("not a valid URL")),
                 qPrintable(u.item->stream()->lastError()));
    }

    void unknownHostSaysSo() {
        Tile t = show(uriBinding(QStringLiteral("rtsp://nohost.invalid:8554/test")));
        VideoStream *s = t.item->stream();
        QTRY_VERIFY_WITH_TIMEOUT(
            s->lastError().contains(QLatin1String("Unknown host 'nohost.invalid'")), 5000);
        QCOMPARE(s->state(), VideoStream::State::Reconnecting); // DNS may come back: keep trying
    }

    void unknownSourceIdSaysSo() {
        Tile t = show({{QStringLiteral("source"), QStringLiteral("no-such-camera")}});
        QCOMPARE(t.item->stream()->state(), VideoStream::State::Failed);
        QVERIFY(t.item->stream()->lastError().contains(QLatin1String("no-such-camera")));
    }

    // The hub itself opens the stream it gave out for a source id it did not know yet, once the
    // source is saved: no tile asks again
    // (tst_video_tile::tileWaitingForItsSourcePlaysOnceItIsSaved shows the tile side). The same
    // stream object goes from Failed to Playing.
    void hubOpensTheStreamOfASourceSavedLater() {
        const QVariantMap binding{{QStringLiteral("source"), QStringLiteral("saved-later")}};
        VideoStream *s = m_hub->acquire(binding);
        QCOMPARE(s->state(), VideoStream::State::Failed);
        QVERIFY2(s->lastError().contains(QLatin1String("saved-later")), qPrintable(s->lastError()));
        QCOMPARE(m_hub->acquire(binding), s); // one waiting stream per source id
        VideoSource later;
        later.id = QStringLiteral("saved-later");
        later.kind = SourceKind::Rtsp;
        later.uri = m_server.url();
        QVERIFY(!m_hub->upsertSource(later));
        QTRY_COMPARE_WITH_TIMEOUT(s->state(), VideoStream::State::Playing, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(s->hasFrame(), 1000);
        QCOMPARE(s->label(), later.label());
        QCOMPARE(m_hub->streamKeyOfSource(later.id), s->key());
        m_hub->release(s);
        m_hub->release(s);
        QVERIFY(m_hub->removeSource(later.id));
    }

    void unsupportedCodecSaysSo() {
        // The situation of a machine without an H.264 decoder: every H.264 decoder ranked out.
        QList<QPair<GstPluginFeature *, guint>> demoted;
        GList *decoders =
            gst_element_factory_list_get_elements(GST_ELEMENT_FACTORY_TYPE_DECODER, GST_RANK_NONE);
        GstCaps *h264 = gst_caps_from_string("video/x-h264");
        for (GList *l = decoders; l; l = l->next) {
            auto *factory = GST_ELEMENT_FACTORY(l->data);
            if (gst_element_factory_can_sink_any_caps(factory, h264)) {
                demoted.append({GST_PLUGIN_FEATURE(gst_object_ref(factory)),
                                gst_plugin_feature_get_rank(GST_PLUGIN_FEATURE(factory))});
                gst_plugin_feature_set_rank(GST_PLUGIN_FEATURE(factory), GST_RANK_NONE);
            }
        }
        gst_caps_unref(h264);
        gst_plugin_feature_list_free(decoders);
        QVERIFY(!demoted.isEmpty());
        Tile t = show(uriBinding(m_server.url()));
        VideoStream *s = t.item->stream();
        QTRY_COMPARE_WITH_TIMEOUT(s->state(), VideoStream::State::Failed, 5000);
        QVERIFY2(s->lastError().contains(QLatin1String("Unsupported codec: H.264")),
                 qPrintable(s->lastError()));
        for (const auto &[feature, rank] : demoted) {
            gst_plugin_feature_set_rank(feature, rank);
            gst_object_unref(feature);
        }
    }
};

QTEST_MAIN(TestVideoStream)
#include "tst_video_stream.moc"
