// Sources: validation with the field at fault, JSON import (fixtures), SQLite round trip, the
// pure pipeline descriptions, bindings, codec names, error words, scaling and placement maths.
#include "store/database.h"
#include "testsources.h"
#include "video/gstsupport.h"
#include "video/pipelinebuilder.h"
#include "video/sourcestore.h"
#include "video/videoitem.h"
#include "video/videostream.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <gst/gst.h>

using namespace opswall::video;

namespace {
QByteArray fixture(const char *name) {
    QFile f(QStringLiteral("%1/tests/video/fixtures/%2")
                .arg(qEnvironmentVariable("OPSWALL_SOURCE_DIR"), QLatin1String(name)));
    if (!f.open(QIODevice::ReadOnly))
        qFatal("missing fixture %s", name);
    return f.readAll();
}
// JSON written with single quotes, for readability in C++.
QByteArray json(const char *text) {
    return QByteArray(text).replace('\'', '"');
}

VideoSource rtsp(const QString &uri) {
    return test::makeSource(QStringLiteral("cam"), SourceKind::Rtsp, uri);
}
} // namespace

class TestVideoSources : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void badUrlsAreRejectedWithTheReason_data() {
        QTest::addColumn<QString>("uri");
        QTest::addColumn<QString>("expected");
        QTest::newRow("no scheme") << "rtsp//10.0.0.5/x"
                                   << "no scheme";
        QTest::newRow("wrong scheme") << "http://10.0.0.5/x"
                                      << "needs rtsp://";
        QTest::newRow("no host") << "rtsp:///stream"
                                 << "no host";
        QTest::newRow("spaces") << "rtsp://cam 1/x"
                                << "spaces";
        QTest::newRow("bad port") << "rtsp://cam:99999/x"
                                  << "not a valid URL";
        QTest::newRow("empty") << ""
                               << "empty";
    }
    void badUrlsAreRejectedWithTheReason() {
        QFETCH(QString, uri);
        QFETCH(QString, expected);
        const auto bad = validateSource(rtsp(uri));
        QVERIFY(bad.has_value());
        QCOMPARE(bad->field, QStringLiteral("uri"));
        QVERIFY2(bad->message.contains(expected), qPrintable(bad->message));
    }

    void goodSourcesValidate() {
        QVERIFY(!validateSource(rtsp(QStringLiteral("rtsp://user:pw@10.0.0.5:554/s?a=1"))));
        VideoSource srt;
        srt.id = QStringLiteral("s");
        srt.kind = SourceKind::Srt;
        srt.srtMode = SrtMode::Listener;
        srt.uri = QStringLiteral("srt://:9000");
        QVERIFY(!validateSource(srt));
        srt.srtMode = SrtMode::Caller; // a caller must know whom to call
        QCOMPARE(validateSource(srt)->field, QStringLiteral("uri"));
    }

    void importFixtureHasEveryKind() {
        const SourceImport imported = importSources(fixture("sources-v1.json"));
        QVERIFY2(imported.ok(), imported.ok() ? "" : qPrintable(imported.errors.first().text()));
        QCOMPARE(imported.sources.size(), 10);
        const VideoSource &vc = imported.sources.at(1);
        QVERIFY(vc.isConference());
        QCOMPARE(vc.label(), QStringLiteral("Province of Kandal — Governor"));
        QCOMPARE(imported.sources.at(0).transport, RtspTransport::Udp);
        QCOMPARE(imported.sources.at(8).size, QSize(1920, 1080));
        // Every kind round-trips through its JSON form.
        for (const VideoSource &s : imported.sources) {
            const SourceParse again = sourceFromJson(s.toJson());
            QVERIFY(again.source.has_value());
            QCOMPARE(*again.source, s);
        }
    }

    void importNamesTheFieldAtFault() {
        SourceImport bad = importSources(fixture("sources-bad-uri.json"));
        QVERIFY(!bad.ok());
        QVERIFY(bad.sources.isEmpty()); // all or nothing
        QCOMPARE(bad.errors.first().field, QStringLiteral("sources[1].uri"));
        QVERIFY(bad.errors.first().text().contains(QLatin1String("no scheme")));

        bad = importSources(json("{'schemaVersion':1,'sources':[{'id':'a','kind':'webcam'}]}"));
        QCOMPARE(bad.errors.first().field, QStringLiteral("sources[0].kind"));
        bad = importSources(json("{'schemaVersion':1,'sources':[{'id':'a','kind':'rtsp','uri':'"
                                 "rtsp://h/x','latencyMs':'fast'}]}"));
        QCOMPARE(bad.errors.first().field, QStringLiteral("sources[0].latencyMs"));
        bad = importSources(json("{'schemaVersion':1,'sources':[{'id':'a','kind':'testpattern'},{'"
                                 "id':'a','kind':'testpattern'}]}"));
        QCOMPARE(bad.errors.first().field, QStringLiteral("sources[1].id"));
        bad = importSources(json("{'schemaVersion':2,'sources':[]}"));
        QCOMPARE(bad.errors.first().field, QStringLiteral("schemaVersion"));
        bad = importSources(json("{'sources':[}'"));
        QVERIFY(bad.errors.first().message.contains(QLatin1String("not valid JSON")));
        bad = importSources(json("{'schemaVersion':1,'sources':[{'id':'a','kind':'rtsp','uri':'"
                                 "rtsp://h/x','conference':'x'}]}"));
        QCOMPARE(bad.errors.first().field, QStringLiteral("sources[0].conference"));
    }

    void storeRoundTripsAndRejectsInvalid() {
        QTemporaryDir dir;
        opswall::store::Database db(dir.filePath(QStringLiteral("wall.db")));
        SourceStore store(db);
        QVERIFY(store.importJson(fixture("sources-v1.json")).isEmpty());
        QCOMPARE(store.list().size(), 10);
        QVERIFY(!store.importJson(fixture("sources-bad-uri.json")).isEmpty());
        QCOMPARE(store.list().size(), 10); // nothing written
        VideoSource changed = *store.find(QStringLiteral("cam-gate"));
        changed.latencyMs = 80;
        QVERIFY(!store.upsert(changed));
        QCOMPARE(store.find(QStringLiteral("cam-gate"))->latencyMs, 80);
        QVERIFY(store.upsert(rtsp(QStringLiteral("rtsp//x"))).has_value());
        store.remove(QStringLiteral("cam-gate"));
        QVERIFY(!store.find(QStringLiteral("cam-gate")));
        SourceStore reopened(db); // migrations are idempotent
        QCOMPARE(reopened.list().size(), 9);
    }

    void pipelinesForEachKind() {
        const SourceImport imported = importSources(fixture("sources-v1.json"));
        QHash<QString, PipelinePlan> plans;
        for (const VideoSource &s : imported.sources) {
            const PlanResult r = buildPlan(s);
            QVERIFY2(r.plan.has_value(), qPrintable(r.error));
            QVERIFY(r.plan->front.contains(QLatin1String("name=dec")));
            plans.insert(s.id, *r.plan);
        }
        const PipelinePlan &cam = plans.value(QStringLiteral("cam-gate"));
        QCOMPARE(cam.front,
                 QStringLiteral("uridecodebin name=dec uri=\"rtsp://10.0.0.5:554/stream1\""));
        QVERIFY(cam.sourceProperties.contains({"protocols", QStringLiteral("udp")}));
        QVERIFY(cam.sourceProperties.contains({"latency", QStringLiteral("150")}));
        QVERIFY(plans.value(QStringLiteral("vc-kandal"))
                    .front.contains(
                        QLatin1String("srt://vc.example.gov:9000?mode=caller&latency=200")));
        QVERIFY(
            plans.value(QStringLiteral("ingest")).front.contains(QLatin1String("mode=listener")));
        QVERIFY(plans.value(QStringLiteral("vc-kandal")).tuneTsDemux);
        QVERIFY(plans.value(QStringLiteral("loop")).loop);
        QVERIFY(plans.value(QStringLiteral("loop"))
                    .front.contains(QLatin1String("file:///var/lib/opswall/intro.mp4")));
        QVERIFY(plans.value(QStringLiteral("rtp-1"))
                    .front.contains(QLatin1String("%SDP_PATH% ! sdpdemux")));
        QVERIFY(plans.value(QStringLiteral("capture"))
                    .front.startsWith(QLatin1String("v4l2src device=\"/dev/video0\"")));
        QVERIFY(plans.value(QStringLiteral("bars"))
                    .front.contains(QLatin1String("width=1920,height=1080,framerate=25/1")));
        QVERIFY(plans.value(QStringLiteral("expert"))
                    .front.endsWith(QLatin1String("! decodebin name=dec")));
        QCOMPARE(gstQuote(QStringLiteral("a\"b\\c")), QStringLiteral("\"a\\\"b\\\\c\""));
        // Every description parses in GStreamer itself.
        gst_init(nullptr, nullptr);
        for (const QString &id : {QStringLiteral("cam-gate"), QStringLiteral("vc-kandal"),
                                  QStringLiteral("bars"), QStringLiteral("expert")}) {
            GError *error = nullptr;
            GstElement *e = gst_parse_launch(plans.value(id).front.toUtf8().constData(), &error);
            QVERIFY2(e && !error, error ? error->message : "");
            gst_object_unref(e);
        }
    }

    void bindings() {
        QCOMPARE(
            parseBinding(QVariantMap{{QStringLiteral("source"), QStringLiteral("cam-1")}}).key(),
            QStringLiteral("cam-1"));
        const BindingRef uri = parseBinding(
            QVariantMap{{QStringLiteral("uri"), QStringLiteral("rtspu://10.0.0.1/x")}});
        QVERIFY(uri.adhoc.has_value());
        QCOMPARE(uri.adhoc->transport, RtspTransport::Udp);
        QCOMPARE(uri.key(), QStringLiteral("uri:rtspu://10.0.0.1/x"));
        QVERIFY(parseBinding(QVariantMap{{QStringLiteral("uri"), QStringLiteral("rtsp//x")}})
                    .error.contains(QLatin1String("Invalid URL")));
        QVERIFY(parseBinding(QVariantMap{{QStringLiteral("uri"), QStringLiteral("gopher://x/")}})
                    .error.contains(QLatin1String("unsupported scheme 'gopher'")));
        QVERIFY(!parseBinding(QVariant()).error.isEmpty());
    }

    void wordsForPeople() {
        QCOMPARE(codecName(QStringLiteral("video/x-h264")), QStringLiteral("H.264"));
        QCOMPARE(codecName(QStringLiteral("video/x-foo")), QStringLiteral("video/x-foo"));
        gst_init(nullptr, nullptr);
        ErrorClass c = classifyError(GST_STREAM_ERROR, GST_STREAM_ERROR_CODEC_NOT_FOUND,
                                     QStringLiteral("missing"), {}, {});
        QVERIFY(c.fatal);
        c = classifyError(GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_OPEN_READ_WRITE,
                          QStringLiteral("Could not open resource for reading and writing."),
                          QStringLiteral("Failed to connect. (Error resolving 'x.invalid': Name or "
                                         "service not known)"),
                          QStringLiteral("x.invalid"));
        QVERIFY(!c.fatal);
        QCOMPARE(c.text, QStringLiteral("Unknown host 'x.invalid'"));
        const PluginCheck check = checkPlugins();
        QVERIFY2(check.ok(), qPrintable(check.message()));
    }

    void scalingFollowsTheLargestViewer() {
        using N = VideoStream::ScaleNeed;
        const QSize hd(1920, 1080);
        QCOMPARE(VideoStream::scaledSize(hd, {{QSize(480, 270), N::Contain}}), QSize(480, 270));
        // A second, bigger tile on the same source raises the size for both.
        QCOMPARE(VideoStream::scaledSize(
                     hd, {{QSize(480, 270), N::Contain}, {QSize(960, 540), N::Contain}}),
                 QSize(960, 540));
        // Fill a tall tile: cover the height.
        QCOMPARE(VideoStream::scaledSize(hd, {{QSize(270, 540), N::Cover}}), QSize(960, 540));
        // Never up, and near-full size means no scaling at all.
        QVERIFY(VideoStream::scaledSize(hd, {{QSize(3840, 2160), N::Contain}}).isEmpty());
        QVERIFY(VideoStream::scaledSize(hd, {{QSize(1800, 1000), N::Contain}}).isEmpty());
    }

    void placementFitFillStretch() {
        using F = VideoItem::FillMode;
        const QSizeF item(400, 400);
        const QSize image(1600, 900);
        auto p = VideoItem::place(item, image, F::Fit);
        QCOMPARE(p.target, QRectF(0, 87.5, 400, 225));
        QCOMPARE(p.source, QRectF(0, 0, 1600, 900));
        p = VideoItem::place(item, image, F::Fill);
        QCOMPARE(p.target, QRectF(0, 0, 400, 400));
        QCOMPARE(p.source, QRectF(350, 0, 900, 900));
        p = VideoItem::place(item, image, F::Stretch);
        QCOMPARE(p.target, QRectF(0, 0, 400, 400));
        QCOMPARE(p.source, QRectF(0, 0, 1600, 900));
    }
};

QTEST_GUILESS_MAIN(TestVideoSources)
#include "tst_video_sources.moc"
