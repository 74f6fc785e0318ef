// Files on the OpenGL display path (qml6glsink) on a wall's shared clock (issue #20), across two
// processes under Xvfb (OpenGL on llvmpipe): this test serves the clock (GstNetTimeProvider, as
// a controller does) and shows a looped clip through a VideoTile on the OpenGL path; a second
// process, this program started again with OPSWALL_GLSYNC_CHILD (as a render node does: it
// follows the clock with a GstNetClientClock), shows the same clip the same way and prints its
// stream's synchronisation sample (position in the clip, when on the shared clock its sinks were
// given that frame) five times a second. The two are compared with the controller's formula
// (app/nodes/videosync.h: the skew at the nearest loop). Both take the clip's start as a
// controller stamps it, by source id (VideoHub::setStreamStarts; the stream is "gl:clip"). Last,
// live HLS on this path placed by an anchor (livehlssync.h), in this process.
#include "../support/livehls.h"
#include "httptestserver.h"
#include "testsources.h"

#include "core/engineservices.h"
#include "core/mediatime.h"
#include "video/gstsupport.h"
#include "video/netclock.h"
#include "video/videohub.h"
#include "video/videoitem.h"

#include <QElapsedTimer>
#include <QFile>
#include <QGuiApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QQmlComponent>
#include <QQmlEngine>
#include <QQuickItem>
#include <QQuickWindow>
#include <QSGRendererInterface>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QtQml/QQmlExtensionPlugin>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <optional>

Q_IMPORT_QML_PLUGIN(OpsWall_VideoPlugin)

using namespace opswall::video;

namespace {

constexpr qint64 kMs = 1000000;
constexpr int kClipFrames = 60; // 2 s at 30 fps: four loops in the 8 s sampled

// A window with one VideoTile of `binding`, 320×180.
struct Shown {
    std::unique_ptr<QQuickWindow> window;
    std::unique_ptr<QQuickItem> tile;
};
Shown showTile(QQmlEngine *engine, const QVariantMap &binding) {
    Shown s;
    QQmlComponent component(engine, QUrl(QStringLiteral("qrc:/OpsWall/Video/VideoTile.qml")));
    if (component.isError())
        qWarning() << component.errors();
    s.window = std::make_unique<QQuickWindow>();
    s.window->resize(320, 180);
    s.tile.reset(qobject_cast<QQuickItem *>(
        component.createWithInitialProperties({{QStringLiteral("binding"), binding}})));
    if (s.tile) {
        s.tile->setParentItem(s.window->contentItem());
        s.tile->setSize(QSizeF(320, 180));
    }
    s.window->show();
    return s;
}

VideoStream *streamOf(const Shown &s) {
    auto *item = s.tile ? s.tile->findChild<VideoItem *>() : nullptr;
    return item ? item->stream() : nullptr;
}

bool onOpenGl(const Shown &s) {
    auto *item = s.tile ? s.tile->findChild<VideoItem *>() : nullptr;
    return item && item->effectiveDisplayPath() == VideoItem::DisplayPath::OpenGl;
}

VideoSource clipSource(const QString &path) {
    return test::makeSource(QStringLiteral("clip"), SourceKind::File, path);
}

const QVariantMap kGlBinding{{QStringLiteral("source"), QStringLiteral("clip")},
                             {QStringLiteral("displayPath"), QStringLiteral("opengl")}};

// What one process says about its stream at one moment.
struct Report {
    SyncSample sample;
    quint64 frames = 0; // frames that reached the OpenGL branches so far (this pipeline's count)
    bool playing = false;
};

QByteArray reportLine(const VideoStream *stream) {
    const std::optional<SyncSample> s = stream ? stream->syncSample() : std::nullopt;
    if (!s)
        return QByteArrayLiteral("NOSYNC\n");
    return QByteArrayLiteral("SYNC ") + QByteArray::number(s->rtpTime) + ' ' +
           QByteArray::number(s->clockRate) + ' ' + QByteArray::number(s->shownNs) + ' ' +
           QByteArray::number(s->loopTicks) + ' ' + QByteArray::number(s->frames) + ' ' +
           QByteArray::number(stream->frame().sequence) + ' ' +
           QByteArray::number(int(stream->state() == VideoStream::State::Playing)) + '\n';
}

std::optional<Report> parseReport(const QByteArray &line) {
    const QList<QByteArray> f = line.trimmed().split(' ');
    if (f.size() != 8 || f[0] != "SYNC")
        return std::nullopt;
    Report r;
    r.sample.rtpTime = f[1].toUInt();
    r.sample.clockRate = f[2].toInt();
    r.sample.shownNs = f[3].toLongLong();
    r.sample.loopTicks = f[4].toUInt();
    r.sample.frames = f[5].toInt();
    r.frames = f[6].toULongLong();
    r.playing = f[7] == "1";
    return r;
}

qint64 positionNs(const SyncSample &s) {
    return qint64(s.rtpTime) * 1000000000LL / s.clockRate;
}
qint64 loopNs(const SyncSample &s) {
    return qint64(s.loopTicks) * 1000000000LL / s.clockRate;
}

double medianOf(QList<double> v) {
    std::sort(v.begin(), v.end());
    return v.isEmpty() ? 0 : v[v.size() / 2];
}

// The second process: follows the clock announced in OPSWALL_GLSYNC_CHILD, shows the clip on the
// OpenGL path and prints reportLine() every 200 ms until it is killed.
int childMain(int argc, char **argv) {
    QGuiApplication app(argc, argv);
    const QJsonObject config = QJsonDocument::fromJson(qgetenv("OPSWALL_GLSYNC_CHILD")).object();
    QString why;
    const std::optional<SyncSettings> settings =
        SyncSettings::fromJson(config.value(QStringLiteral("clock")).toObject(), &why);
    if (!settings) {
        std::fprintf(stderr, "child: %s\n", qPrintable(why));
        return 2;
    }
    const auto clock = SharedClock::follow(QStringLiteral("127.0.0.1"), *settings, &why);
    if (!clock || !clock->waitForSync(5000)) {
        std::fprintf(stderr, "child: the clock is not followed: %s\n", qPrintable(why));
        return 2;
    }
    VideoHub hub(nullptr);
    hub.setSharedClock(clock);
    if (hub.upsertSource(clipSource(config.value(QStringLiteral("clip")).toString()))) {
        std::fprintf(stderr, "child: the clip is refused\n");
        return 2;
    }
    // A render node's skew trim, as a node applies the controller's (nodesync.cpp): by the
    // stream's key, the OpenGL path's "gl:<source>".
    if (const qint64 trimMs = config.value(QStringLiteral("trimMs")).toInteger(); trimMs != 0)
        hub.setStreamTrims({{QStringLiteral("gl:clip"), trimMs * kMs}});
    // The clip's start as the controller stamps it, by source id (a node's nodesync.cpp).
    hub.setStreamStarts(
        {{QStringLiteral("clip"), config.value(QStringLiteral("startNs")).toInteger()}});
    QQmlEngine engine;
    opswall::provide(&engine, &hub);
    Shown shown = showTile(&engine, kGlBinding);
    QTimer report;
    QObject::connect(&report, &QTimer::timeout, &app, [&] {
        const QByteArray line = onOpenGl(shown) ? reportLine(streamOf(shown)) : "NOTGL\n";
        std::fwrite(line.constData(), 1, size_t(line.size()), stdout);
        std::fflush(stdout);
    });
    report.start(200);
    return app.exec();
}

} // namespace

class TestVideoGlSync : public QObject {
    Q_OBJECT
    std::unique_ptr<VideoHub> m_hub;
    std::unique_ptr<QQmlEngine> m_engine;
    QTemporaryDir m_dir;
    QString m_clip;

    static QString glPathUnavailable() {
        if (QGuiApplication::platformName() == QLatin1String("offscreen") ||
            QQuickWindow::graphicsApi() != QSGRendererInterface::OpenGL)
            return QStringLiteral("the OpenGL display path needs the OpenGL scene graph (Xvfb)");
        QString missing;
        return loadGlDisplayPath(&missing) ? QString()
                                           : QStringLiteral("OpenGL display path: %1").arg(missing);
    }

private Q_SLOTS:
    void initTestCase() {
        m_hub = std::make_unique<VideoHub>(nullptr); // GStreamer starts here
        if (const QString why = glPathUnavailable(); !why.isEmpty())
            QSKIP(qPrintable(why));
        m_engine = std::make_unique<QQmlEngine>();
        opswall::provide(m_engine.get(), m_hub.get());
        // A 2 s clip, H.264 at 30 fps with a keyframe each second, in Matroska.
        m_clip = m_dir.filePath(QStringLiteral("clip.mkv"));
        QCOMPARE(
            QProcess::execute(
                QStringLiteral("gst-launch-1.0"),
                {QStringLiteral("-q"), QStringLiteral("videotestsrc"),
                 QStringLiteral("num-buffers=%1").arg(kClipFrames), QStringLiteral("!"),
                 QStringLiteral("video/x-raw,width=320,height=180,framerate=30/1"),
                 QStringLiteral("!"), QStringLiteral("x264enc"), QStringLiteral("key-int-max=30"),
                 QStringLiteral("!"), QStringLiteral("matroskamux"), QStringLiteral("!"),
                 QStringLiteral("filesink"), QStringLiteral("location=") + m_clip}),
            0);
        QVERIFY(!m_hub->upsertSource(clipSource(m_clip)));
    }

    void cleanupTestCase() {
        m_engine.reset();
        if (m_hub)
            QVERIFY(m_hub->shutdown());
    }

    // Two processes show the clip on the OpenGL path on one shared clock: both on the wall's
    // timeline (base time + latency + position, at some loop), within a frame at 30 fps of
    // each other, and both keep playing across the loops (frames in every second, the position
    // back at the clip's start at least twice). With a skew trim in the second (a render node's,
    // app/nodes/videosync.h), it shows the clip that much later: its sinks' ts-offset.
    void clipInStepAcrossProcesses_data() {
        QTest::addColumn<int>("childTrimMs");
        QTest::newRow("untrimmed") << 0;
        QTest::newRow("child trimmed +100 ms") << 100;
    }
    void clipInStepAcrossProcesses() {
        QFETCH(int, childTrimMs);
        QString error;
        const auto clock = SharedClock::serve(QStringLiteral("127.0.0.1"), 400, &error);
        QVERIFY2(clock, qPrintable(error));
        m_hub->setSharedClock(clock);
        const SharedClock &shared = *clock;
        const SyncSettings &set = clock->settings();
        // The clip's start, as a controller stamps a source a layout brings on screen (by source
        // id; the OpenGL path's stream is "gl:clip"): 1.5 s ahead, then moved to half a loop
        // from where the timeline's epoch would put the clip's beginning, so a process that
        // ignored the start would be a second off.
        const qint64 clipNs = kClipFrames * 100 * kMs / 3;
        qint64 startNs = shared.nowNs() + 1500 * kMs;
        const qint64 epochPlace =
            ((startNs - set.baseTimeNs - set.latencyMs * kMs) % clipNs + clipNs) % clipNs;
        startNs += ((clipNs / 2 - epochPlace) % clipNs + clipNs) % clipNs;
        m_hub->setStreamStarts({{QStringLiteral("clip"), startNs}});
        const auto unshared = qScopeGuard([this] {
            m_hub->setStreamStarts({});
            m_hub->setSharedClock(nullptr);
        });
        Shown shown = showTile(m_engine.get(), kGlBinding);
        QVERIFY(shown.tile);

        QProcess child;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(
            QStringLiteral("OPSWALL_GLSYNC_CHILD"),
            QString::fromUtf8(QJsonDocument(QJsonObject{{"clock", clock->settings().toJson()},
                                                        {"clip", m_clip},
                                                        {"trimMs", childTrimMs},
                                                        {"startNs", startNs}})
                                  .toJson(QJsonDocument::Compact)));
        child.setProcessEnvironment(env);
        child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        std::optional<Report> theirs;
        QByteArray pending;
        QByteArray lastLine;
        connect(&child, &QProcess::readyReadStandardOutput, this, [&] {
            pending += child.readAllStandardOutput();
            qsizetype end = 0;
            while ((end = pending.indexOf('\n')) >= 0) {
                lastLine = pending.left(end);
                pending.remove(0, end + 1);
                if (const auto r = parseReport(lastLine))
                    theirs = r;
            }
        });
        child.start(QCoreApplication::applicationFilePath(), {});
        const auto stopChild = qScopeGuard([&] {
            child.kill();
            child.waitForFinished(5000);
        });
        QVERIFY2(child.waitForStarted(10000), qPrintable(child.errorString()));

        const auto ours = [&]() -> std::optional<Report> {
            VideoStream *s = streamOf(shown);
            if (!s || !s->syncSample())
                return std::nullopt;
            return Report{*s->syncSample(), s->frame().sequence,
                          s->state() == VideoStream::State::Playing};
        };
        // Snapshots come about once a second: three of each side first.
        QVERIFY2(QTest::qWaitFor(
                     [&] {
                         return onOpenGl(shown) && ours() && ours()->sample.frames >= 3 && theirs &&
                                theirs->sample.frames >= 3;
                     },
                     40000),
                 qPrintable(QStringLiteral("ours: %1 on OpenGL %2; theirs: %3")
                                .arg(ours() ? ours()->sample.frames : -1)
                                .arg(onOpenGl(shown))
                                .arg(QString::fromUtf8(lastLine))));
        QCOMPARE(ours()->sample.loopTicks, theirs->sample.loopTicks);
        // The OpenGL path's stream took the source's start (it used to be looked up by the
        // stream's key, "gl:clip", and found none).
        QCOMPARE(streamOf(shown)->key(), QStringLiteral("gl:clip"));
        QCOMPARE(streamOf(shown)->timelineStart(), startNs);
        QVERIFY2(std::abs(loopNs(ours()->sample) - kClipFrames * 100 * kMs / 3) <= 67 * kMs,
                 qPrintable(QString::number(loopNs(ours()->sample))));

        QList<double> skews;
        QList<double> offTimeline;
        int wrapsOurs = 0;
        int wrapsTheirs = 0;
        qint64 lastOurs = -1;
        qint64 lastTheirs = -1;
        quint64 framesOurs = ours()->frames;
        quint64 framesTheirs = theirs->frames;
        int secondsWithoutFrames = 0;
        bool allPlaying = true;
        QElapsedTimer t;
        t.start();
        qint64 nextSecond = 1000;
        while (t.elapsed() < 8000) {
            QTest::qWait(250);
            const std::optional<Report> a = ours();
            const std::optional<Report> b = theirs;
            if (!a || !b)
                continue;
            allPlaying = allPlaying && a->playing && b->playing;
            const qint64 loop = loopNs(a->sample);
            skews.append(double(opswall::core::nearestLoop(
                             (a->sample.shownNs - b->sample.shownNs) -
                                 (positionNs(a->sample) - positionNs(b->sample)),
                             loop)) /
                         1e6);
            // On the wall's timeline from the stamped start: position (shown − start) mod loop.
            offTimeline.append(double(opswall::core::nearestLoop(
                                   a->sample.shownNs - startNs - positionNs(a->sample), loop)) /
                               1e6);
            // A position smaller than the last one seen: the clip started again.
            const qint64 pa = positionNs(a->sample);
            const qint64 pb = positionNs(b->sample);
            wrapsOurs += lastOurs >= 0 && pa < lastOurs;
            wrapsTheirs += lastTheirs >= 0 && pb < lastTheirs;
            lastOurs = pa;
            lastTheirs = pb;
            if (t.elapsed() >= nextSecond) {
                nextSecond += 1000;
                secondsWithoutFrames += a->frames == framesOurs || b->frames == framesTheirs;
                framesOurs = a->frames;
                framesTheirs = b->frames;
            }
        }
        QVERIFY(skews.size() >= 10);
        const double skew = medianOf(skews);
        const double off = medianOf(offTimeline);
        const auto largest = [](const QList<double> &v) {
            return *std::max_element(v.cbegin(), v.cend(),
                                     [](double x, double y) { return std::abs(x) < std::abs(y); });
        };
        std::printf("RESULT OpenGL display path (qml6glsink, llvmpipe under Xvfb), a 2 s clip in "
                    "two processes on one shared clock, the second trimmed %d ms, %lld samples "
                    "over 8 s: median skew %.1f ms (largest %.1f), shown after its place from the "
                    "stamped start "
                    "by a median %.1f ms; loops seen %d and %d, seconds without frames %d\n",
                    childTrimMs, qlonglong(skews.size()), skew, largest(skews), off, wrapsOurs,
                    wrapsTheirs, secondsWithoutFrames);
        QVERIFY2(allPlaying, "a stream left Playing");
        QCOMPARE(secondsWithoutFrames, 0);
        QVERIFY2(wrapsOurs >= 2 && wrapsTheirs >= 2,
                 qPrintable(QStringLiteral("%1 %2").arg(wrapsOurs).arg(wrapsTheirs)));
        // The second shows each frame childTrimMs later: the skew is that much negative.
        QVERIFY2(std::abs(skew + childTrimMs) <= 33, qPrintable(QString::number(skew)));
        QVERIFY2(std::abs(off) <= 33, qPrintable(QString::number(off)));
    }

    // Live HLS on the OpenGL path placed by the controller's anchor (livehlssync.h): the picture
    // of MPEG-TS PTS P shows at T on the shared clock, every other at its distance from P. The
    // anchor is put a second after where the stream showed its pictures on its own timeline; the
    // snapshots (released with the items' sinks) must then be within a frame of it. Before, the
    // anchor applied to the appsink path only: no MPEG-TS PTS, nothing placed.
    void liveHlsAnchoredOnTheOpenGlPath() {
        QTemporaryDir hlsDir;
        QProcess producer;
        producer.start(QStringLiteral("gst-launch-1.0"),
                       opswall::testsupport::liveHlsProducerArgs(hlsDir.path()));
        const auto stopProducer = qScopeGuard([&] {
            producer.kill();
            producer.waitForFinished(3000);
        });
        QVERIFY2(QTest::qWaitFor(
                     [&] {
                         QFile playlist(hlsDir.filePath(QStringLiteral("index.m3u8")));
                         return playlist.open(QIODevice::ReadOnly) &&
                                playlist.readAll().count(".ts") >= 3;
                     },
                     30000),
                 producer.readAllStandardError().constData());
        test::HttpTestServer http;
        http.setRoot(hlsDir.path());
        QVERIFY(http.listen());
        const VideoSource live = test::makeSource(QStringLiteral("live"), SourceKind::Hls,
                                                  http.url(QStringLiteral("/index.m3u8")));
        QVERIFY(!m_hub->upsertSource(live));

        QString error;
        const auto clock = SharedClock::serve(QStringLiteral("127.0.0.1"), 400, &error);
        QVERIFY2(clock, qPrintable(error));
        m_hub->setSharedClock(clock);
        const auto unshared = qScopeGuard([this] {
            m_hub->setLiveAnchors({});
            m_hub->setSharedClock(nullptr);
        });
        Shown shown =
            showTile(m_engine.get(), {{QStringLiteral("source"), QStringLiteral("live")},
                                      {QStringLiteral("displayPath"), QStringLiteral("opengl")}});
        QVERIFY(shown.tile);
        // A snapshot with its MPEG-TS PTS (90 kHz) and when the sinks were given it.
        const auto snapshot = [&]() -> std::optional<Frame> {
            VideoStream *s = streamOf(shown);
            if (!s || s->snapshot().rtpClockRate != 90000 || s->snapshot().shownNs < 0)
                return std::nullopt;
            return s->snapshot();
        };
        QVERIFY2(QTest::qWaitFor([&] { return onOpenGl(shown) && snapshot(); }, 40000),
                 "no snapshot with an MPEG-TS PTS on the OpenGL path");
        QCOMPARE(streamOf(shown)->key(), QStringLiteral("gl:live"));
        const Frame first = *snapshot();
        const LiveAnchor anchor{first.rtpTime, first.shownNs + 1000 * kMs};
        m_hub->setLiveAnchors({{QStringLiteral("live"), anchor}});
        QCOMPARE(streamOf(shown)->liveAnchor(), std::optional<LiveAnchor>(anchor));
        // Past the jump (a second) and the branches' queued frames.
        QTest::qWait(3000);
        QList<double> late;
        quint64 lastSequence = 0;
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < 8000) {
            QTest::qWait(200);
            const std::optional<Frame> f = snapshot();
            if (!f || f->sequence == lastSequence)
                continue;
            lastSequence = f->sequence;
            late.append(double(f->shownNs - anchor.shownNs - ticksApartNs(f->rtpTime, anchor.pts)) /
                        1e6);
        }
        QVERIFY2(late.size() >= 4, qPrintable(QString::number(late.size())));
        const double median = medianOf(late);
        std::printf("RESULT OpenGL display path, live HLS (hlssink2, 1 s segments) anchored a "
                    "second after its own timeline: %lld snapshots over 8 s shown a median %.1f "
                    "ms after the anchor's time (from %.1f to %.1f)\n",
                    qlonglong(late.size()), median, *std::min_element(late.cbegin(), late.cend()),
                    *std::max_element(late.cbegin(), late.cend()));
        QVERIFY2(std::abs(median) <= 33, qPrintable(QString::number(median)));
        QVERIFY2(streamOf(shown)->state() == VideoStream::State::Playing,
                 qPrintable(streamOf(shown)->stateName()));
    }
};

int main(int argc, char **argv) {
    if (qEnvironmentVariableIsSet("OPSWALL_GLSYNC_CHILD"))
        return childMain(argc, argv);
    QGuiApplication app(argc, argv);
    TestVideoGlSync test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_video_glsync.moc"
