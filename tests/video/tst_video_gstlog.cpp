// GST_DEBUG's log lines go through the same redaction as the wall's own log (core/redact.h): a
// debug session on a control-room machine must not write a camera's password to a file or the
// journal. GStreamer's logging is set up by gst_init, so this test sets GST_DEBUG and
// GST_DEBUG_FILE before starting it and reads the file back.
#include "video/gstsupport.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <gst/gst.h>

class TestVideoGstLog : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void debugLinesCarryNoPassword();
    void realRtspSourceLogsItsLocationRedacted();

private:
    QByteArray logText() const;
    QTemporaryDir m_dir;
    QString m_logFile;
};

void TestVideoGstLog::initTestCase() {
    QVERIFY(m_dir.isValid());
    m_logFile = m_dir.filePath(QStringLiteral("gst.log"));
    qputenv("GST_DEBUG", "opswall-test:6,rtspsrc:6");
    qputenv("GST_DEBUG_FILE", m_logFile.toLocal8Bit());
    QString error;
    QVERIFY2(opswall::video::initGStreamer(&error), qPrintable(error));
}

QByteArray TestVideoGstLog::logText() const {
    QFile f(m_logFile);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

void TestVideoGstLog::debugLinesCarryNoPassword() {
    GstDebugCategory *category = nullptr;
    GST_DEBUG_CATEGORY_INIT(category, "opswall-test", 0, "the log redaction test");
    GST_CAT_WARNING(category, "cannot open rtsp://cam-user:Hunter2Secret@10.0.0.5/live: refused");
    GST_CAT_INFO(category, "a line with nothing secret in it, marker-7d1");
    const QByteArray log = logText();
    QVERIFY2(log.contains("marker-7d1"), log.constData()); // the handler writes where it should
    QVERIFY2(log.contains("rtsp://cam-user:***@10.0.0.5/live"), log.constData());
    QVERIFY2(!log.contains("Hunter2Secret"), log.constData());
}

void TestVideoGstLog::realRtspSourceLogsItsLocationRedacted() {
    // rtspsrc at level 6 logs its location as it is set and as it connects (port 9: nothing
    // listens, so it fails at once).
    GstElement *src = gst_element_factory_make("rtspsrc", nullptr);
    QVERIFY2(src, "rtspsrc (gstreamer1.0-plugins-good)");
    g_object_set(src, "location", "rtsp://cam-user:Hunter2Secret@127.0.0.1:9/live", nullptr);
    gst_element_set_state(src, GST_STATE_PAUSED);
    QTest::qWait(300);
    gst_element_set_state(src, GST_STATE_NULL);
    gst_object_unref(src);
    const QByteArray log = logText();
    QVERIFY2(log.contains("rtsp://cam-user:***@127.0.0.1:9/live"), log.constData());
    QVERIFY2(!log.contains("Hunter2Secret"), log.constData());
}

QTEST_GUILESS_MAIN(TestVideoGstLog)
#include "tst_video_gstlog.moc"
