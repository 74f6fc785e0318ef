// The hot standby's pure parts (app/nodes/standbyprotocol.h, standbystore.h): frames read whole,
// split byte by byte and refused when garbage; the store's changes captured on one SQLite file
// (the wall's own schema) and applied to a copy made from a snapshot, compared row by row; a
// rolled-back transaction ships nothing; a replica that differs is reported, not silently kept.
#include "nodes/standbyprotocol.h"
#include "nodes/standbystore.h"
#include "store/database.h"
#include "store/wallstore.h"
#include "store/writefence.h"

#include <QTemporaryDir>
#include <QTest>

#include <sqlite3.h>

using namespace opswall;
using namespace opswall::nodes::standby;

namespace {

QStringList dump(store::Database &db, const char *sql) {
    QStringList out;
    store::Statement st = db.prepare(sql);
    while (st.step())
        out << st.text(0) + QLatin1Char('|') + st.text(1);
    return out;
}

} // namespace

class TestStandbyStore : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void framesRoundTripWholeAndSplit() {
        const QByteArray wire =
            encodeJson(FrameType::Hello,
                       helloJson({QStringLiteral("b"), QStringLiteral("owt_x"), 3, true, {}})) +
            encodeSeq(FrameType::Changes, 7, "abc") + encodeHeartbeat(9, 2) +
            encodeSeq(FrameType::Ack, 7);
        for (const int step : {int(wire.size()), 1, 3}) {
            FrameReader reader;
            QList<Frame> frames;
            QString why;
            for (qsizetype i = 0; i < wire.size(); i += step) {
                reader.append(wire.mid(i, step));
                Frame f;
                while (reader.next(&f, &why) == FrameReader::Status::Frame)
                    frames.append(f);
            }
            QCOMPARE(frames.size(), 4);
            const auto hello = parseHello(*jsonOf(frames[0].payload, &why), &why);
            QVERIFY(hello);
            QCOMPARE(hello->epoch, 3);
            QVERIFY(hello->active);
            QCOMPARE(frames[1].type, FrameType::Changes);
            QCOMPARE(*seqOf(frames[1].payload), quint64(7));
            QCOMPARE(frames[1].payload.mid(8), QByteArray("abc"));
            QCOMPARE(frames[2].type, FrameType::Heartbeat);
            QCOMPARE(*seqOf(frames[3].payload), quint64(7));
        }
    }

    void garbageIsRefused() {
        QString why;
        FrameReader unknown;
        unknown.append(QByteArray("\x00\x00\x00\x02Zx", 6));
        Frame f;
        QCOMPARE(unknown.next(&f, &why), FrameReader::Status::Error);
        QVERIFY(why.contains(QLatin1String("unknown type")));
        FrameReader tooLong; // an Ack of 1 MiB: beyond its bound, refused before it is read
        tooLong.append(QByteArray("\x00\x10\x00\x00"
                                  "A",
                                  5));
        QCOMPARE(tooLong.next(&f, &why), FrameReader::Status::Error);
        QVERIFY(!parseHello(
            QJsonObject{{"version", 1}, {"id", "bad id"}, {"token", "t"}, {"epoch", 1}}, &why));
        QVERIFY(!parseHello(QJsonObject{{"version", 1}, {"id", "b"}, {"token", "t"}}, &why));
        QVERIFY(!jsonOf("not json", &why));
    }

    void changesReachACopyMadeFromASnapshot() {
        QTemporaryDir dir;
        store::Database primary(dir.filePath(QStringLiteral("p.db")));
        store::WallStore walls(primary); // the wall's schema: presets, live layouts, settings
        setEpoch(primary, 4);
        ChangeCapture capture(primary.handle());
        QVERIFY2(capture.tablesWithoutKey().isEmpty(),
                 qPrintable(capture.tablesWithoutKey().join(QLatin1Char(','))));
        primary.exec("INSERT INTO settings(key, value) VALUES('before', 'snapshot')");
        capture.take(); // what the snapshot below already holds
        QString why;
        QVERIFY2(installSnapshot(dir.filePath(QStringLiteral("s.db")), snapshotOf(primary.handle()),
                                 &why),
                 qPrintable(why));
        store::Database standby(dir.filePath(QStringLiteral("s.db")));
        QCOMPARE(epochOf(standby), 4);

        primary.transaction([&] {
            primary.exec("INSERT INTO settings(key, value) VALUES('a', '1')");
            primary.exec("UPDATE settings SET value = 'after' WHERE key = 'before'");
        });
        const QByteArray one = capture.take();
        QVERIFY(!one.isEmpty());
        QVERIFY(capture.take().isEmpty()); // nothing since
        try {
            primary.transaction([&] {
                primary.exec("INSERT INTO settings(key, value) VALUES('rolled', 'back')");
                throw std::runtime_error("no");
            });
        } catch (const std::runtime_error &) {
        }
        QVERIFY(capture.take().isEmpty()); // a rolled-back transaction ships nothing
        primary.exec("DELETE FROM settings WHERE key = 'a'");
        primary.exec("INSERT INTO settings(key, value) VALUES('b', '2')");
        const QByteArray two = capture.take();

        for (const QByteArray &changes : {one, two}) {
            const ApplyResult r = applyChangeset(standby, changes);
            QVERIFY2(r.ok, qPrintable(r.error));
            QCOMPARE(r.conflicts, 0);
        }
        const char *all = "SELECT key, value FROM settings ORDER BY key";
        QCOMPARE(dump(standby, all), dump(primary, all));
        QVERIFY(dump(standby, all).contains(QStringLiteral("b|2")));

        // A replica changed behind the link's back: the next change meets it and says so.
        standby.exec("UPDATE settings SET value = 'local' WHERE key = 'b'");
        primary.exec("UPDATE settings SET value = '3' WHERE key = 'b'");
        const ApplyResult r = applyChangeset(standby, capture.take());
        QVERIFY(r.ok);
        QCOMPARE(r.conflicts, 1);
        QCOMPARE(dump(standby, all), dump(primary, all)); // the primary's row won
    }

    void fenceIsRememberedAndRefusesWrites() {
        QTemporaryDir dir;
        store::Database db(dir.filePath(QStringLiteral("f.db")));
        store::WallStore walls(db);
        QVERIFY(fencedBy(db).isEmpty());
        store::setWriteFence(QStringLiteral("this controller is fenced: test"));
        setFencedBy(db, QStringLiteral("'b' took over at epoch 2")); // written past the fence
        bool refused = false;
        try {
            db.transaction([&] { db.exec("INSERT INTO settings(key, value) VALUES('x', 'y')"); });
        } catch (const store::Error &e) {
            refused = QString::fromUtf8(e.what()).contains(QLatin1String("fenced")) &&
                      store::isUnavailable(e);
        }
        store::setWriteFence({});
        QVERIFY(refused);
        QCOMPARE(fencedBy(db), QStringLiteral("'b' took over at epoch 2"));
        setFencedBy(db, {});
        QVERIFY(fencedBy(db).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestStandbyStore)
#include "tst_standby_store.moc"
