// The QML tile (OpsWall.Video VideoTile) as the wall uses it: the VideoHub singleton comes from
// the engine (opswall::provide), the tile shows the picture (pixels), its state in words, the stale
// badge over the dimmed last frame while reconnecting, and the statistics overlay on demand.
#include "core/engineservices.h"
#include "testserver.h"
#include "video/videohub.h"

#include <QQmlComponent>
#include <QQmlEngine>
#include <QQuickItem>
#include <QQuickWindow>
#include <QTest>
#include <QtQml/QQmlExtensionPlugin>

Q_IMPORT_QML_PLUGIN(OpsWall_VideoPlugin)

using namespace opswall::video;
using opswall::video::test::TestServer;

class TestVideoTile : public QObject {
    Q_OBJECT
private:
    std::unique_ptr<VideoHub> m_hub;
    std::unique_ptr<QQmlEngine> m_engine;
    TestServer m_server;

    struct Shown {
        std::unique_ptr<QQuickWindow> window;
        std::unique_ptr<QQuickItem> tile;
    };
    Shown showTile(const QVariantMap &binding) {
        Shown s;
        QQmlComponent component(m_engine.get(),
                                QUrl(QStringLiteral("qrc:/OpsWall/Video/VideoTile.qml")));
        if (component.isError())
            qWarning() << component.errors();
        s.window = std::make_unique<QQuickWindow>();
        s.window->resize(480, 270);
        QObject *object =
            component.createWithInitialProperties({{QStringLiteral("binding"), binding}});
        s.tile.reset(qobject_cast<QQuickItem *>(object));
        if (s.tile) {
            s.tile->setParentItem(s.window->contentItem());
            s.tile->setSize(QSizeF(480, 270));
        }
        s.window->show();
        return s;
    }
    static QString text(QQuickItem *tile) { return tile->property("statusText").toString(); }
    static QQuickItem *child(QQuickItem *tile, const char *name) {
        return tile->findChild<QQuickItem *>(QLatin1String(name));
    }

private Q_SLOTS:
    void initTestCase() {
        StreamPolicy policy;
        policy.lingerMs = 0;
        m_hub = std::make_unique<VideoHub>(nullptr, policy);
        VideoSource bars;
        bars.id = QStringLiteral("bars");
        bars.kind = SourceKind::TestPattern;
        bars.size = QSize(640, 360);
        bars.site = QStringLiteral("Province of Kandal");
        bars.participant = QStringLiteral("Governor");
        QVERIFY(!m_hub->upsertSource(bars));
        m_engine = std::make_unique<QQmlEngine>();
        opswall::provide(m_engine.get(), m_hub.get());
        QVERIFY2(m_server.start({QStringLiteral("--width"), QStringLiteral("320"),
                                 QStringLiteral("--height"), QStringLiteral("180")}),
                 qPrintable(m_server.error()));
    }

    void cleanupTestCase() {
        m_engine.reset();
        QVERIFY(m_hub->shutdown());
    }

    void tileShowsPictureAndConferenceLabel() {
        Shown s = showTile({{QStringLiteral("source"), QStringLiteral("bars")}});
        QVERIFY(s.tile);
        QTRY_COMPARE_WITH_TIMEOUT(text(s.tile.get()), QString(), 3000);
        QTRY_VERIFY_WITH_TIMEOUT(s.tile->property("stream").value<VideoStream *>()->hasFrame(),
                                 3000);
        QTest::qWait(100);
        const QImage grab = s.window->grabWindow();
        // Blue bar (the 7th) at the right, yellow (2nd) at the left: the picture is there.
        const QRgb blue = grab.pixel(int(480 * 6.5 / 7), 80);
        const QRgb yellow = grab.pixel(int(480 * 1.5 / 7), 80);
        QVERIFY2(qBlue(blue) > 200 && qRed(blue) < 60, qPrintable(QString::number(blue, 16)));
        QVERIFY2(qRed(yellow) > 200 && qGreen(yellow) > 200 && qBlue(yellow) < 60,
                 qPrintable(QString::number(yellow, 16)));
        QVERIFY(!child(s.tile.get(), "staleBadge")->isVisible());
        QCOMPARE(s.tile->property("stream").value<VideoStream *>()->conferenceLabel(),
                 QStringLiteral("Province of Kandal — Governor"));
    }

    void badUrlIsSaidOnTheTile() {
        Shown s = showTile({{QStringLiteral("uri"), QStringLiteral("rtsp//10.0.0.5/stream")}});
        QVERIFY(s.tile);
        QVERIFY2(text(s.tile.get()).startsWith(QLatin1String("Failed: Invalid URL")),
                 qPrintable(text(s.tile.get())));
        QVERIFY(child(s.tile.get(), "stateText")->isVisible());
    }

    void reconnectingShowsCountdownAndStaleBadge() {
        Shown s = showTile({{QStringLiteral("uri"), m_server.url()}});
        QVERIFY(s.tile);
        auto *stream = s.tile->property("stream").value<VideoStream *>();
        QTRY_COMPARE_WITH_TIMEOUT(stream->state(), VideoStream::State::Playing, 5000);
        m_server.kill();
        QTRY_VERIFY_WITH_TIMEOUT(text(s.tile.get()).startsWith(QLatin1String("Reconnecting")),
                                 3000);
        QVERIFY(child(s.tile.get(), "staleBadge")->isVisible());
        QTRY_VERIFY_WITH_TIMEOUT(text(s.tile.get()).contains(QLatin1String(" s")), 3000);
        QVERIFY(m_server.restartSamePort());
        QTRY_COMPARE_WITH_TIMEOUT(text(s.tile.get()), QString(), 5000);
        QVERIFY(!child(s.tile.get(), "staleBadge")->isVisible());
    }

    void statsOverlayToggles() {
        Shown s = showTile({{QStringLiteral("source"), QStringLiteral("bars")}});
        QTRY_VERIFY_WITH_TIMEOUT(s.tile->property("stream").value<VideoStream *>()->fps() > 5,
                                 3000);
        QImage before = s.window->grabWindow();
        s.tile->setProperty("showStats", true);
        QTest::qWait(50);
        QImage after = s.window->grabWindow();
        // The overlay is drawn at the top left over the white bar: dark pixels appear there.
        QVERIFY(qGray(before.pixel(20, 60)) > 200);
        QVERIFY(qGray(after.pixel(20, 60)) < 120);
    }
};

QTEST_MAIN(TestVideoTile)
#include "tst_video_tile.moc"
