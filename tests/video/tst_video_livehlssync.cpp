// Live HLS in step (livehlssync.h): reading the MPEG-TS PTS of each video PES from the bytes a
// live playlist's segments bring, in chunks of any size; the 90 kHz times' wrap.
#include "video/livehlssync.h"

#include <QTest>

#include <vector>

using namespace opswall::video;

namespace {
// One 188-byte TS packet of a PID; a PES start with a PTS when pts >= 0 (streamId 0xE0 video,
// 0xC0 audio), else a continuation full of payload; with an adaptation field of afLength bytes.
QByteArray packet(int pid, qint64 pts, quint8 streamId = 0xe0, int afLength = -1) {
    QByteArray p(188, char(0xff));
    p[0] = char(0x47);
    p[1] = char((pts >= 0 ? 0x40 : 0) | (pid >> 8 & 0x1f));
    p[2] = char(pid & 0xff);
    int at = 4;
    if (afLength >= 0) {
        p[3] = char(0x30);
        p[4] = char(afLength);
        at = 5 + afLength;
    } else {
        p[3] = char(0x10);
    }
    if (pts < 0)
        return p;
    const char pes[] = {0, 0, 1, char(streamId), 0, 0, char(0x80), char(0x80), 5};
    for (int i = 0; i < 9; ++i)
        p[at + i] = pes[i];
    p[at + 9] = char(0x21 | (pts >> 29 & 0x0e));
    p[at + 10] = char(pts >> 22 & 0xff);
    p[at + 11] = char(0x01 | (pts >> 14 & 0xfe));
    p[at + 12] = char(pts >> 7 & 0xff);
    p[at + 13] = char(0x01 | (pts << 1 & 0xfe));
    return p;
}
} // namespace

class TestVideoLiveHlsSync : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void readsEachVideoPesPtsInAnyChunks_data() {
        QTest::addColumn<int>("chunk");
        QTest::newRow("whole") << 100000;
        QTest::newRow("one byte at a time") << 1;
        QTest::newRow("uneven (souphttpsrc)") << 1000;
        QTest::newRow("a packet and a bit") << 190;
    }
    void readsEachVideoPesPtsInAnyChunks() {
        QFETCH(int, chunk);
        const qint64 big = (qint64(1) << 33) - 1; // the largest PTS: all 33 bits read
        QByteArray ts = packet(0, -1) + packet(0x100, 3000, 0xc0) + packet(0x41, 328668225) +
                        packet(0x41, -1) + packet(0x41, big, 0xe0, 7) + packet(0x42, 5, 0xe1) +
                        packet(0x41, 0);
        MpegTsPtsReader reader;
        QList<qint64> pts;
        for (qsizetype i = 0; i < ts.size(); i += chunk)
            reader.feed(reinterpret_cast<const quint8 *>(ts.constData()) + i,
                        std::min<qsizetype>(chunk, ts.size() - i), &pts);
        // The audio PES is not video, and the second video PID is not the first one's.
        QCOMPARE(pts, (QList<qint64>{328668225, big, 0}));
        QCOMPARE(reader.videoPid(), 0x41);
    }
    void skipsBytesOutOfStep() {
        // Garbage before a packet and a cut packet: read again from the next sync byte.
        const QByteArray ts =
            QByteArray("xyz") + packet(0x41, 90000).left(100) + packet(0x41, 180000);
        MpegTsPtsReader reader;
        QList<qint64> pts;
        reader.feed(reinterpret_cast<const quint8 *>(ts.constData()), ts.size(), &pts);
        QCOMPARE(pts, (QList<qint64>{180000}));
    }
    void ninetyKilohertzTimesWrap() {
        QCOMPARE(ticksApartNs(90000, 0), 1000000000LL);
        QCOMPARE(ticksApartNs(0, 90000), -1000000000LL);
        // 0x00000010 comes 32 ticks after 0xfffffff0 (the wrap of 32 bits).
        QCOMPARE(ticksApartNs(0x10, 0xfffffff0u), 32LL * 1000000000LL / 90000);
    }
};

QTEST_GUILESS_MAIN(TestVideoLiveHlsSync)
#include "tst_video_livehlssync.moc"
