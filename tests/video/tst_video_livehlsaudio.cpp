// Live HLS with sound, placed by the controller's anchor (livehlssync.h): the sound must move
// with the picture. Every sink of the stream's pipeline waits by the same total offset (the
// display's trim plus the anchor's), at build time and after each change, so the sound stays
// with the picture (lip sync) while the anchor moves the picture by seconds.
//
// The producer is real (gst-launch-1.0 … hlssink2 with H.264 video and AAC audio, served over
// HTTP by HttpTestServer) and so is the player (VideoStream on a shared clock). The audio sink is
// the one thing of the test's own: OPSWALL_AUDIO_SINK names an element registered here, a plain
// GstBaseSink that synchronises as an audio sink does (sync, ts-offset) and notes, for each
// buffer, when it was rendered, its PTS, its own ts-offset and the ts-offset of the stream's
// appsink (the picture's), read from the same pipeline at that moment.
#include "liveplaylist.h"
#include "video/gstsupport.h"
#include "video/livehlssync.h"
#include "video/netclock.h"
#include "video/videostream.h"

#include <gst/base/gstbasesink.h>

#include <QProcess>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cstdio>
#include <mutex>
#include <vector>

using namespace opswall::video;

namespace {

struct AudioRendered {
    qint64 atUs = 0; // g_get_monotonic_time() when the sink rendered the buffer
    qint64 ptsNs = -1;
    qint64 offsetNs = 0;      // the audio sink's ts-offset
    qint64 videoOffsetNs = 0; // the appsink's, in the same pipeline, at the same moment
    bool videoFound = false;
};

std::mutex g_renderedMutex;
std::vector<AudioRendered> g_rendered; // guarded by g_renderedMutex

// The stream's appsink (the picture's display sink) in the pipeline that holds `element`.
GstElement *appSinkBeside(GstElement *element) {
    GstObject *top = GST_OBJECT(element);
    while (GstObject *parent = gst_object_get_parent(top)) {
        if (top != GST_OBJECT(element))
            gst_object_unref(top);
        top = parent;
    }
    GstElement *found = nullptr;
    if (GST_IS_BIN(top)) {
        GstIterator *it = gst_bin_iterate_recurse(GST_BIN(top));
        GValue item = G_VALUE_INIT;
        while (!found && gst_iterator_next(it, &item) == GST_ITERATOR_OK) {
            auto *e = GST_ELEMENT(g_value_get_object(&item));
            GstElementFactory *factory = gst_element_get_factory(e);
            if (factory && g_str_equal(GST_OBJECT_NAME(factory), "appsink"))
                found = GST_ELEMENT(gst_object_ref(e));
            g_value_reset(&item);
        }
        g_value_unset(&item);
        gst_iterator_free(it);
    }
    if (top != GST_OBJECT(element))
        gst_object_unref(top);
    return found;
}

GstFlowReturn renderAudio(GstBaseSink *sink, GstBuffer *buffer) {
    AudioRendered r;
    r.atUs = g_get_monotonic_time();
    r.ptsNs = GST_BUFFER_PTS_IS_VALID(buffer) ? qint64(GST_BUFFER_PTS(buffer)) : -1;
    r.offsetNs = gst_base_sink_get_ts_offset(sink);
    if (GstElement *appSink = appSinkBeside(GST_ELEMENT(sink))) {
        gint64 offset = 0;
        g_object_get(appSink, "ts-offset", &offset, nullptr);
        r.videoOffsetNs = offset;
        r.videoFound = true;
        gst_object_unref(appSink);
    }
    const std::lock_guard lock(g_renderedMutex);
    g_rendered.push_back(r);
    return GST_FLOW_OK;
}

void initAudioSinkClass(gpointer klass, gpointer) {
    static GstStaticPadTemplate sinkTemplate =
        GST_STATIC_PAD_TEMPLATE("sink", GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);
    gst_element_class_add_static_pad_template(GST_ELEMENT_CLASS(klass), &sinkTemplate);
    gst_element_class_set_static_metadata(GST_ELEMENT_CLASS(klass), "OpsWall test audio sink",
                                          "Sink/Audio", "Notes when each buffer is rendered",
                                          "OpsWall tests");
    GST_BASE_SINK_CLASS(klass)->render = renderAudio;
}

void initAudioSink(GTypeInstance *instance, gpointer) {
    gst_base_sink_set_sync(GST_BASE_SINK(instance), TRUE);
}

bool registerAudioSink() {
    GTypeQuery parent;
    g_type_query(GST_TYPE_BASE_SINK, &parent);
    const GType type = g_type_register_static_simple(
        GST_TYPE_BASE_SINK, "OpsWallTestAudioSink", parent.class_size, initAudioSinkClass,
        parent.instance_size, initAudioSink, GTypeFlags(0));
    return gst_element_register(nullptr, "opswalltestaudiosink", GST_RANK_NONE, type);
}

std::vector<AudioRendered> renderedSince(qint64 fromUs) {
    const std::lock_guard lock(g_renderedMutex);
    std::vector<AudioRendered> out;
    for (const AudioRendered &r : g_rendered)
        if (r.atUs >= fromUs)
            out.push_back(r);
    return out;
}

double median(std::vector<double> v) {
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

} // namespace

class TestVideoLiveHlsAudio : public QObject {
    Q_OBJECT

    // When each frame of the picture and each buffer of the sound were handed over, minus their
    // PTS: the median of the sound's minus the picture's is how far the sound is from the
    // picture (positive: later).
    struct Window {
        std::vector<double> videoLateMs;
        std::vector<AudioRendered> audio;
        double audioBehindMs() const {
            std::vector<double> a;
            for (const AudioRendered &r : audio)
                if (r.ptsNs >= 0)
                    a.push_back(double(r.atUs) / 1000 - double(r.ptsNs) / 1e6);
            return median(a) - median(videoLateMs);
        }
    };

private Q_SLOTS:
    void initTestCase() {
        // Before the pipelines are built: their audio tails take this sink.
        qputenv("OPSWALL_AUDIO_SINK", "opswalltestaudiosink");
        QString error;
        QVERIFY2(initGStreamer(&error), qPrintable(error));
        QVERIFY(registerAudioSink());
        for (const char *element : {"hlssink2", "avenc_aac", "x264enc"})
            if (!gst_registry_check_feature_version(gst_registry_get(), element, 1, 0, 0))
                QSKIP(qPrintable(QStringLiteral("GStreamer element %1 is not installed")
                                     .arg(QLatin1String(element))));
    }

    // The display's trim is set before the pipeline is built; the anchor then moves the picture
    // by seconds; then the trim changes. Each time, the sound's sink waits by what the picture's
    // does, and the sound plays with the picture.
    void soundFollowsTheAnchoredPicture() {
        test::LivePlayers live;
        const QString why =
            live.start(QStringLiteral("videotestsrc is-live=true pattern=smpte ! "
                                      "video/x-raw,width=320,height=90,framerate=30/1 ! x264enc "
                                      "key-int-max=30 tune=zerolatency speed-preset=ultrafast ! "
                                      "h264parse ! hlssink2 name=hls target-duration=1 "
                                      "playlist-length=5 max-files=10 location=%1/seg%05d.ts "
                                      "playlist-location=%1/index.m3u8 audiotestsrc is-live=true "
                                      "wave=ticks ! audio/x-raw,rate=48000,channels=1 ! "
                                      "audioconvert ! avenc_aac ! aacparse ! hls.audio")
                           .arg(live.dir()));
        QVERIFY2(why.isEmpty(), qPrintable(why));
        VideoStream a(live.source().id, live.source(), {}, {}, live.reaper());
        a.setSharedClock(live.clock());
        constexpr qint64 kTrimNs = 40 * 1000000LL; // a render node's skew trim, before the build
        a.setDisplayOffset(kTrimNs);
        Window window;
        bool sampling = false;
        connect(&a, &VideoStream::frameChanged, this, [&] {
            const Frame &f = a.frame();
            if (sampling && f.ptsNs >= 0)
                window.videoLateMs.push_back(double(f.arrivalUs) / 1000 - double(f.ptsNs) / 1e6);
        });
        QTest::ignoreMessage(QtInfoMsg,
                             QRegularExpression(QStringLiteral("^video\\[live\\]: not on the "
                                                               "wall's timeline")));
        a.start();
        QVERIFY2(QTest::qWaitFor(
                     [&] {
                         const std::optional<SyncSample> s = a.syncSample();
                         return s && s->clockRate == 90000 && s->frames >= 10;
                     },
                     20000),
                 qPrintable(
                     QStringLiteral("no MPEG-TS PTS (%1: %2)").arg(a.stateName(), a.lastError())));
        QVERIFY2(QTest::qWaitFor([] { return !renderedSince(0).empty(); }, 10000),
                 "no sound reached the audio sink");

        // Measures a window of 3 s of both once the sinks wait by `wantNs` (or, with wantNs < 0,
        // by any offset the anchor gave): their offsets and how far the sound is from the
        // picture.
        const auto measure = [&](qint64 wantNs, const char *what, int settleMs) -> bool {
            const bool settled = QTest::qWaitFor(
                [&] {
                    const std::vector<AudioRendered> r =
                        renderedSince(g_get_monotonic_time() - 300000);
                    // The anchor's offset follows the PTS's rounding: within 1 ms.
                    return !r.empty() && r.back().videoFound &&
                           (wantNs >= 0 ? std::abs(r.back().videoOffsetNs - wantNs) <= 1000000
                                        : r.back().videoOffsetNs > kTrimNs + 1000000000LL);
                },
                15000);
            if (!settled) {
                QTest::qFail(qPrintable(QStringLiteral("%1: the picture's sink never waited by "
                                                       "the expected offset")
                                            .arg(QLatin1String(what))),
                             __FILE__, __LINE__);
                return false;
            }
            QTest::qWait(settleMs); // what was queued before the change has played
            window = {};
            const qint64 from = g_get_monotonic_time();
            sampling = true;
            QTest::qWait(3000);
            sampling = false;
            window.audio = renderedSince(from);
            if (window.audio.size() < 20 || window.videoLateMs.size() < 20) {
                QTest::qFail(qPrintable(QStringLiteral("%1: %2 sound buffers, %3 frames")
                                            .arg(QLatin1String(what))
                                            .arg(window.audio.size())
                                            .arg(window.videoLateMs.size())),
                             __FILE__, __LINE__);
                return false;
            }
            const AudioRendered &last = window.audio.back();
            std::printf("RESULT live HLS with sound, %s: picture's sink offset %.1f ms, sound's "
                        "%.1f ms; the sound %.1f ms after the picture (%zu buffers, %zu frames "
                        "over 3 s)\n",
                        what, double(last.videoOffsetNs) / 1e6, double(last.offsetNs) / 1e6,
                        window.audioBehindMs(), window.audio.size(), window.videoLateMs.size());
            std::fflush(stdout);
            // Every buffer of the window waited by the picture's offset.
            for (const AudioRendered &r : window.audio)
                if (r.offsetNs != r.videoOffsetNs) {
                    QTest::qFail(qPrintable(QStringLiteral("%1: the sound's sink waits %2 ms, the "
                                                           "picture's %3 ms")
                                                .arg(QLatin1String(what))
                                                .arg(double(r.offsetNs) / 1e6)
                                                .arg(double(r.videoOffsetNs) / 1e6)),
                                 __FILE__, __LINE__);
                    return false;
                }
            // Lip sync: within about a frame at 30 fps (an AAC buffer is 21 ms).
            if (std::abs(window.audioBehindMs()) > 45) {
                QTest::qFail(qPrintable(QStringLiteral("%1: the sound is %2 ms from the picture")
                                            .arg(QLatin1String(what))
                                            .arg(window.audioBehindMs())),
                             __FILE__, __LINE__);
                return false;
            }
            return true;
        };

        QVERIFY(measure(kTrimNs, "the trim set before the build", 500));
        // The controller's anchor (app/nodes/liveanchors.h): this player's report plus the
        // margin: its picture, and its sound, jump about 2 s later.
        const SyncSample first = *a.syncSample();
        a.setLiveAnchor(LiveAnchor{first.rtpTime, first.shownNs + kLiveAnchorMarginNs});
        // The jump holds the next frame (and sound) by the margin: measured after it.
        QVERIFY(measure(-1, "anchored", 500 + int(kLiveAnchorMarginNs / 1000000)));
        const qint64 anchoredNs = window.audio.back().videoOffsetNs - kTrimNs;
        // A new trim on the anchored stream: both sinks follow it.
        constexpr qint64 kNewTrimNs = 90 * 1000000LL;
        a.setDisplayOffset(kNewTrimNs);
        QVERIFY(measure(kNewTrimNs + anchoredNs, "anchored, trim changed", 500));
        QCOMPARE(a.pipelinesBuilt(), 1);
        a.stop();
        QVERIFY(live.reaper().drain(5000));
    }
};

QTEST_GUILESS_MAIN(TestVideoLiveHlsAudio)
#include "tst_video_livehlsaudio.moc"
