// The source kinds that tst_video_stream does not cover, each played end to end against a real
// peer on loopback that the test starts, with the picture checked in a window grab:
//   HLS         hlssink2 (gst-launch) writes a live playlist, HttpTestServer serves it; also the
//               server dying and coming back
//   HTTP        a live progressive MPEG-TS (gst-launch → stdout) served by HttpTestServer
//   SRT         OpsWall listens, a gst-launch srtsink caller pushes to it (and comes back)
//   pipeline    the expert kind: a udpsrc RTP description fed by a gst-launch sender
//   RTSP/UDP    opswall-rtsp-testserver with the RTP over UDP transport
//   V4L2        no capture device exists here (no v4l2loopback in containers): a missing
//               /dev/videoN must be said clearly; live capture is not tested.
// Runs under QT_QPA_PLATFORM=offscreen (software scene graph).
#include "httptestserver.h"
#include "picturecheck.h"
#include "testserver.h"
#include "testsources.h"
#include "video/pipelinepolicy.h"
#include "video/videohub.h"
#include "video/videoitem.h"
#include "videotile.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QQuickWindow>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QUdpSocket>

#include <limits>

using namespace opswall::video;
using opswall::video::test::HttpTestServer;
using opswall::video::test::TestServer;
using opswall::video::test::verifyBars;

namespace {

// A gst-launch-1.0 peer (sender, caller or producer), killed when it goes out of scope.
class GstLaunch {
public:
    enum class Redial { Invalid = 0, No, Yes };
    GstLaunch() {
        // An encoder whose call fails (nobody listening yet) or ends calls again, as real ones do.
        QObject::connect(&m_process, &QProcess::finished, &m_process, [this] {
            if (m_redial == Redial::Yes)
                QTimer::singleShot(200, &m_process, [this] {
                    if (m_redial == Redial::Yes && m_process.state() == QProcess::NotRunning)
                        launch();
                });
        });
    }
    ~GstLaunch() { stop(); }
    bool start(const QString &description, Redial redial = Redial::No) {
        stop();
        m_description = description;
        m_redial = redial;
        launch();
        return m_process.waitForStarted(3000);
    }
    void stop() {
        m_redial = Redial::No;
        if (m_process.state() == QProcess::NotRunning)
            return;
        m_process.kill();
        m_process.waitForFinished(3000);
    }
    QString errors() { return QString::fromUtf8(m_process.readAllStandardError()); }
    QProcess &process() { return m_process; }

private:
    void launch() {
        m_process.start(QStringLiteral("gst-launch-1.0"),
                        QStringList{QStringLiteral("-q")} + QProcess::splitCommand(m_description));
    }
    QProcess m_process;
    QString m_description;
    Redial m_redial = Redial::No;
};

// H.264 of the SMPTE bars at 320x180, keyframe every half second (a joiner waits at most that).
const QString kH264 =
    QStringLiteral("videotestsrc is-live=true pattern=smpte ! "
                   "video/x-raw,width=320,height=180,framerate=30/1 ! "
                   "x264enc tune=zerolatency speed-preset=ultrafast key-int-max=15 ! "
                   "h264parse config-interval=-1");

// True while some socket holds the UDP port (an SRT listener has bound it).
bool udpPortTaken(int port) {
    QUdpSocket probe;
    return !probe.bind(QHostAddress::Any, quint16(port), QAbstractSocket::DontShareAddress);
}

QVariantMap sourceBinding(const QString &id) {
    return {{QStringLiteral("source"), id}};
}

// HLS as a live origin server does it: hlssink2 cuts 1 s segments into a folder (playlist of the
// last five), HttpTestServer serves that folder.
struct HlsOrigin {
    QTemporaryDir dir;
    GstLaunch producer;
    HttpTestServer http;

    bool start(QString *error) {
        const QString desc =
            kH264 + QStringLiteral(" ! hlssink2 target-duration=1 playlist-length=5 max-files=8 "
                                   "location=%1/seg%05d.ts playlist-location=%1/index.m3u8")
                        .arg(dir.path());
        if (!dir.isValid() || !producer.start(desc)) {
            *error = QStringLiteral("hlssink2 producer did not start");
            return false;
        }
        http.setRoot(dir.path());
        if (!http.listen()) {
            *error = QStringLiteral("HTTP server cannot listen");
            return false;
        }
        return true;
    }
    // Started, and the playlist names two segments within timeoutMs.
    bool startAndWait(QString *error, int timeoutMs = 8000) {
        if (!start(error))
            return false;
        if (QTest::qWaitFor([this] { return segments() >= 2; }, timeoutMs))
            return true;
        *error = QStringLiteral("no HLS segments: ") + producer.errors();
        return false;
    }
    // How many segments the playlist names (the producer is up and cutting).
    int segments() const {
        QFile playlist(dir.filePath(QStringLiteral("index.m3u8")));
        if (!playlist.open(QIODevice::ReadOnly))
            return 0;
        return int(playlist.readAll().count("#EXTINF"));
    }
};

} // namespace

class TestVideoKinds : public QObject {
    Q_OBJECT
private:
    std::unique_ptr<VideoHub> m_hub;

    using Tile = test::VideoTile;
    Tile show(const QVariantMap &binding, QSize size = QSize(640, 360)) {
        return test::showVideoTile(m_hub.get(), binding, size);
    }
    static QByteArray describe(VideoStream *s) {
        return QStringLiteral("state %1, last error '%2'")
            .arg(s->stateName(), s->lastError())
            .toUtf8();
    }
    // The tile's stream reaches Playing within timeoutMs and shows the bars; false (and the test
    // has failed, saying why) otherwise.
    static bool playsBars(const Tile &t, int timeoutMs) {
        VideoStream *s = t.stream();
        if (!QTest::qWaitFor([s] { return s->state() == VideoStream::State::Playing; },
                             timeoutMs)) {
            QTest::qFail(describe(s).constData(), __FILE__, __LINE__);
            return false;
        }
        verifyBars(t.window.get(), t.item);
        return !QTest::currentTestFailed();
    }

private Q_SLOTS:
    void initTestCase() {
        m_hub = test::makeUnlingeringHub();
        QVERIFY2(m_hub->available(), qPrintable(m_hub->startupMessage()));
    }

    void cleanupTestCase() {
        QVERIFY(m_hub->shutdown()); // every pipeline reached NULL in time
        m_hub.reset();
    }

    void hlsPlaysAtTheStreamsPace() {
        HlsOrigin origin;
        QString error;
        QVERIFY2(origin.startAndWait(&error), qPrintable(error));
        VideoSource hls = test::makeSource(QStringLiteral("hls"), SourceKind::Hls);
        hls.uri = origin.http.url(QStringLiteral("/index.m3u8"));
        QVERIFY(!m_hub->upsertSource(hls));
        Tile t = show(sourceBinding(hls.id));
        VideoStream *s = t.stream();
        if (!playsBars(t, 10000))
            return;
        QCOMPARE(s->codec(), QStringLiteral("H.264"));
        // Segments arrive whole, once a second: shown as they come they would be a burst of
        // 30 frames and a frozen second. Paced by the clock, each frame reaches the tiles when
        // its timestamp says: the time it got to the appsink (Frame::arrivalUs, on the streaming
        // thread) minus its PTS stays the same, frame after frame. Measured on the frames the
        // tile took, so that a GUI thread held up on a loaded machine (which skips frames, newest
        // wins) does not count as a gap of the stream; a burst moves that difference by up to a
        // segment's length.
        struct Seen {
            qint64 arrivalUs;
            qint64 ptsNs;
        };
        QList<Seen> seen;
        connect(s, &VideoStream::frameChanged, this, [&seen, s] {
            const Frame &f = s->frame();
            if (f.ptsNs >= 0)
                seen.append({f.arrivalUs, f.ptsNs});
        });
        // 2.5 s of the stream (75 frames at 30 fps) on its own timeline.
        const auto spanMs = [&seen] {
            return seen.size() < 2 ? 0 : (seen.last().ptsNs - seen.first().ptsNs) / 1000000;
        };
        QTRY_VERIFY_WITH_TIMEOUT(spanMs() >= 2500, 10000);
        disconnect(s, &VideoStream::frameChanged, this, nullptr);
        qint64 lowUs = std::numeric_limits<qint64>::max();
        qint64 highUs = std::numeric_limits<qint64>::min();
        qint64 longestGapMs = 0;
        for (qsizetype i = 0; i < seen.size(); ++i) {
            const qint64 lateUs = seen[i].arrivalUs - seen[i].ptsNs / 1000;
            lowUs = std::min(lowUs, lateUs);
            highUs = std::max(highUs, lateUs);
            if (i > 0)
                longestGapMs =
                    std::max(longestGapMs, (seen[i].arrivalUs - seen[i - 1].arrivalUs) / 1000);
        }
        const qint64 spreadMs = (highUs - lowUs) / 1000;
        qInfo("HLS: %lld frames taken over %lld ms of the stream; arrival minus PTS within "
              "%lld ms; longest gap between frames taken %lld ms",
              qint64(seen.size()), spanMs(), spreadMs, longestGapMs);
        QVERIFY2(spreadMs < 400, qPrintable(QString::number(spreadMs)));
        // Paced, each frame has a turn of its own, so the tile takes most of them even on a
        // loaded machine; a burst hands it about one per segment (8 in 3 s when the appsink did
        // not synchronise).
        QVERIFY2(seen.size() >= spanMs() / 33 / 3,
                 qPrintable(QStringLiteral("%1 frames taken").arg(seen.size())));
        QCOMPARE(s->state(), VideoStream::State::Playing);
    }

    void hlsServerDiesAndComesBack() {
        HlsOrigin origin;
        QString error;
        QVERIFY2(origin.startAndWait(&error), qPrintable(error));
        VideoSource hls = test::makeSource(QStringLiteral("hls-2"), SourceKind::Hls);
        hls.uri = origin.http.url(QStringLiteral("/index.m3u8"));
        QVERIFY(!m_hub->upsertSource(hls));
        Tile t = show(sourceBinding(hls.id));
        VideoStream *s = t.stream();
        QTRY_VERIFY2_WITH_TIMEOUT(s->state() == VideoStream::State::Playing, describe(s), 10000);

        const quint16 port = origin.http.port();
        origin.http.stop();
        QTRY_VERIFY2_WITH_TIMEOUT(s->state() == VideoStream::State::Reconnecting, describe(s),
                                  8000);
        QVERIFY(s->stale()); // the last frame stays, dimmed by the tile
        QVERIFY(origin.http.listen(port));
        QTRY_VERIFY2_WITH_TIMEOUT(s->state() == VideoStream::State::Playing, describe(s), 12000);
        QVERIFY(s->reconnects() >= 1);
        verifyBars(t.window.get(), t.item);
    }

    void httpProgressiveTsPlays() {
        GstLaunch producer;
        QVERIFY(producer.start(kH264 + QStringLiteral(" ! mpegtsmux ! fdsink fd=1")));
        HttpTestServer http;
        http.addLivePath(QStringLiteral("/live.ts"), &producer.process());
        QVERIFY(http.listen());
        VideoSource ts = test::makeSource(QStringLiteral("http-ts"), SourceKind::Http);
        ts.uri = http.url(QStringLiteral("/live.ts"));
        QVERIFY(!m_hub->upsertSource(ts));
        Tile t = show(sourceBinding(ts.id));
        VideoStream *s = t.stream();
        if (!playsBars(t, 8000))
            return;
        QCOMPARE(s->codec(), QStringLiteral("H.264"));
        QCOMPARE(s->resolution(), QSize(320, 180));
        QVERIFY(http.requests() >= 1);
    }

    void srtListenerTakesACaller() {
        const int port = TestServer::freeUdpPort();
        VideoSource ingest = test::makeSource(QStringLiteral("ingest"), SourceKind::Srt);
        ingest.srtMode = SrtMode::Listener;
        ingest.uri = QStringLiteral("srt://:%1").arg(port);
        QVERIFY(!m_hub->upsertSource(ingest));
        Tile t = show(sourceBinding(ingest.id));
        VideoStream *s = t.stream();
        // A caller that finds nobody listening gives up after 3 s: call once OpsWall listens.
        QTRY_VERIFY_WITH_TIMEOUT(udpPortTaken(port), 5000);
        QCOMPARE(s->state(), VideoStream::State::Connecting);
        const QString caller =
            kH264 + QStringLiteral(" ! mpegtsmux alignment=7 ! "
                                   "srtsink uri=srt://127.0.0.1:%1?mode=caller latency=80")
                        .arg(port);
        GstLaunch encoder;
        QVERIFY(encoder.start(caller, GstLaunch::Redial::Yes));
        QTRY_VERIFY2_WITH_TIMEOUT(s->state() == VideoStream::State::Playing,
                                  describe(s) + ' ' + encoder.errors().toUtf8(), 8000);
        verifyBars(t.window.get(), t.item);
        if (QTest::currentTestFailed())
            return;

        // The encoder goes away and comes back: OpsWall listens again and takes the new call.
        // libsrt frees a closed listener's port only after a moment, so the first rebuilds may
        // find it taken; the encoder keeps calling until one listens.
        encoder.stop();
        QTRY_VERIFY2_WITH_TIMEOUT(s->state() != VideoStream::State::Playing, describe(s), 5000);
        QVERIFY(encoder.start(caller, GstLaunch::Redial::Yes));
        QTRY_VERIFY2_WITH_TIMEOUT(s->state() == VideoStream::State::Playing,
                                  describe(s) + ' ' + encoder.errors().toUtf8(), 10000);
        QVERIFY(s->reconnects() >= 1);
    }

    void customPipelinePlaysRtpFromUdp() {
        const int port = TestServer::freeUdpPort();
        GstLaunch sender;
        QVERIFY(sender.start(kH264 + QStringLiteral(" ! rtph264pay config-interval=-1 pt=96 ! "
                                                    "udpsink host=127.0.0.1 port=%1")
                                         .arg(port)));
        VideoSource expert = test::makeSource(QStringLiteral("expert"), SourceKind::Pipeline);
        expert.pipeline = QStringLiteral("udpsrc address=127.0.0.1 port=%1 ! "
                                         "application/x-rtp,media=video,clock-rate=90000,"
                                         "encoding-name=H264,payload=96 ! "
                                         "rtpjitterbuffer latency=50 ! rtph264depay ! h264parse")
                              .arg(port);
        QVERIFY(!m_hub->upsertSource(expert));
        Tile t = show(sourceBinding(expert.id));
        VideoStream *s = t.stream();
        if (!playsBars(t, 8000))
            return;
        QCOMPARE(s->codec(), QStringLiteral("H.264"));
    }

    void customPipelineThatDoesNotParseSaysSo() {
        VideoSource broken = test::makeSource(QStringLiteral("broken"), SourceKind::Pipeline);
        broken.pipeline = QStringLiteral("videotestsrc ! nosuchelement-opswall");
        // Parsed (and its elements checked) when it is saved: refused there, the element named.
        const auto refused = m_hub->upsertSource(broken);
        QVERIFY(refused);
        QCOMPARE(refused->field, QStringLiteral("pipeline"));
        QVERIFY2(refused->message.contains(QLatin1String("nosuchelement-opswall")),
                 qPrintable(refused->message));
    }

    void customPipelineWithAForbiddenElementIsRefusedWhenSavedAndWhenPlayed() {
        VideoSource bad = test::makeSource(QStringLiteral("bad"), SourceKind::Pipeline);
        const QString target = QDir::temp().filePath(
            QStringLiteral("opswall-policy-%1").arg(QCoreApplication::applicationPid()));
        bad.pipeline = QStringLiteral("videotestsrc ! tee name=t ! queue ! filesink location=%1 "
                                      "t. ! queue")
                           .arg(target);
        const auto refused = m_hub->upsertSource(bad);
        QVERIFY(refused);
        QVERIFY2(refused->message.contains(QLatin1String("'filesink'")) &&
                     refused->message.contains(QLatin1String("'tee'")),
                 qPrintable(refused->message));
        // A row written before the check existed (or by hand) is refused when it is played.
        const PlanResult plan = buildPlan(bad);
        QVERIFY(plan.plan && plan.plan->custom);
        QString error;
        QVERIFY(!PipelineInstance::create(*plan.plan, nullptr, {}, &error));
        QVERIFY2(error.startsWith(QLatin1String("Refused pipeline")) &&
                     error.contains(QLatin1String("filesink")),
                 qPrintable(error));
        QVERIFY(!QFile::exists(target));
        // The allow-list itself, by factory and class.
        QVERIFY(customPipelineElementAllowed(QStringLiteral("avdec_h264"),
                                             QStringLiteral("Codec/Decoder/Video")));
        QVERIFY(customPipelineElementAllowed(QStringLiteral("rtspsrc"),
                                             QStringLiteral("Source/Network")));
        QVERIFY(!customPipelineElementAllowed(QStringLiteral("tcpclientsink"),
                                              QStringLiteral("Sink/Network")));
        QVERIFY(!customPipelineElementAllowed(QStringLiteral("x264enc"),
                                              QStringLiteral("Codec/Encoder/Video")));
        QVERIFY(!customPipelineElementAllowed(QStringLiteral("splitmuxsrc"),
                                              QStringLiteral("Generic/Source")));
        QVERIFY(
            !customPipelineElementAllowed(QStringLiteral("identity"), QStringLiteral("Generic")));
    }

    void rtspOverUdpPlays() {
        TestServer server;
        QVERIFY2(server.start({QStringLiteral("--width"), QStringLiteral("640"),
                               QStringLiteral("--height"), QStringLiteral("360")}),
                 qPrintable(server.error()));
        // protocols=udp only: rtspsrc does not fall back to TCP, so Playing means RTP over UDP.
        VideoSource cam = test::makeSource(QStringLiteral("cam-udp"), SourceKind::Rtsp);
        cam.uri = server.url();
        cam.transport = RtspTransport::Udp;
        QVERIFY(!m_hub->upsertSource(cam));
        Tile t = show(sourceBinding(cam.id));
        VideoStream *s = t.stream();
        if (!playsBars(t, 8000))
            return;
        QCOMPARE(s->resolution(), QSize(640, 360));
    }

    void v4l2MissingDeviceSaysSo() {
        const QString device = QStringLiteral("/dev/video63");
        if (QFileInfo::exists(device))
            QSKIP("/dev/video63 exists on this machine");
        VideoSource capture = test::makeSource(QStringLiteral("capture"), SourceKind::V4l2);
        capture.device = device;
        QVERIFY(!m_hub->upsertSource(capture));
        Tile t = show(sourceBinding(capture.id));
        VideoStream *s = t.stream();
        const QString expected = QStringLiteral("Capture device '/dev/video63' is not present");
        QTRY_VERIFY2_WITH_TIMEOUT(s->lastError() == expected, describe(s), 3000);
        // A USB capture device may be plugged in later: keep trying (bounded backoff), say why.
        QCOMPARE(s->state(), VideoStream::State::Reconnecting);
        QVERIFY(!s->hasFrame());
        QSignalSpy attempts(s, &VideoStream::stateChanged); // one per failed attempt
        QTRY_VERIFY_WITH_TIMEOUT(attempts.count() >= 2, 5000);
        QCOMPARE(s->lastError(), expected);
        QCOMPARE(s->state(), VideoStream::State::Reconnecting);
    }
};

QTEST_MAIN(TestVideoKinds)
#include "tst_video_kinds.moc"
