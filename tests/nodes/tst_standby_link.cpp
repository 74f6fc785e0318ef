// The standby link in one process, on real sockets and SQLite files (app/nodes/standbysource.h,
// standbyreplica.h): over TLS with the API's kind of certificate, a standby trusting it gets the
// snapshot and then a change committed by the store thread; a standby speaking plain TCP to it, or
// with a token the primary refuses, never gets in step; when the primary goes, the standby says
// so once (primaryLost), which is where it takes over.
#include "nodes/standbyreplica.h"
#include "nodes/standbysource.h"
#include "sqliterows.h"
#include "store/database.h"
#include "store/storethread.h"
#include "store/wallstore.h"
#include "testcert.h"

#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace opswall;
using namespace opswall::nodes::standby;

class TestStandbyLink : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void tlsLinkReplicatesAndReportsTheLoss() {
        QTemporaryDir dir;
        const QString cert = dir.filePath(QStringLiteral("api.crt"));
        const QString key = dir.filePath(QStringLiteral("api.key"));
        const nodetest::CertResult made = nodetest::makeTestCertificate(cert, key);
        if (made == nodetest::CertResult::NoOpenssl)
            QSKIP("openssl command not found: cannot make a test certificate");
        QCOMPARE(made, nodetest::CertResult::Made);

        const QString primaryDb = dir.filePath(QStringLiteral("p.db"));
        {
            store::Database db(primaryDb);
            store::WallStore schema(db); // the wall's tables, settings among them
        }
        auto writer = std::make_unique<store::StoreThread>(primaryDb);
        StandbySourceConfig config;
        config.id = QStringLiteral("primary");
        config.tlsCertFile = cert;
        config.tlsKeyFile = key;
        auto source = std::make_unique<StandbySource>(config, *writer,
                                                      [](const QString &token, QString *why) {
                                                          *why = QStringLiteral("unknown token");
                                                          return token == QLatin1String("owt_good");
                                                      });
        QString err;
        QVERIFY2(source->start(&err), qPrintable(err));
        const quint16 port = quint16(source->address().section(u':', -1).toUInt());

        auto replicaOf = [&](const QString &name, const QString &token, const QString &ca) {
            StandbyReplicaConfig c;
            c.host = QStringLiteral("127.0.0.1");
            c.port = port;
            c.id = name;
            c.token = token;
            c.dbPath = dir.filePath(name + QStringLiteral(".db"));
            c.caFile = ca;
            return std::make_unique<StandbyReplica>(c);
        };
        // Plain TCP to a TLS link, or a token the primary refuses: never in step, never "lost"
        // (and no other standby is linked yet, so that is why).
        auto plain = replicaOf(QStringLiteral("plain"), QStringLiteral("owt_good"), {});
        auto refused = replicaOf(QStringLiteral("refused"), QStringLiteral("owt_bad"), cert);
        QSignalSpy plainLost(plain.get(), &StandbyReplica::primaryLost);
        plain->start();
        refused->start();
        QTest::qWait(1500);
        QVERIFY(!plain->health()[QStringLiteral("inSync")].toBool());
        QVERIFY(!refused->health()[QStringLiteral("inSync")].toBool());
        QVERIFY(!refused->hasReplica());
        QVERIFY(plainLost.isEmpty());

        auto standby = replicaOf(QStringLiteral("s"), QStringLiteral("owt_good"), cert);
        QSignalSpy lost(standby.get(), &StandbyReplica::primaryLost);
        standby->start();
        QTRY_VERIFY_WITH_TIMEOUT(standby->health()[QStringLiteral("inSync")].toBool(), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(source->health()[QStringLiteral("inSync")].toBool(), 10000);

        writer->post(
            [](store::Database &db) {
                db.exec("INSERT INTO settings(key, value) VALUES('shipped', 'yes')");
            },
            nullptr, {});
        QTRY_COMPARE_WITH_TIMEOUT(nodetest::rows(dir.filePath(QStringLiteral("s.db")),
                                                 "SELECT value FROM settings WHERE key = "
                                                 "'shipped'"),
                                  QStringList{QStringLiteral("yes")}, 10000);

        // The primary goes: the standby in step says so, once.
        source.reset();
        writer.reset();
        QTRY_COMPARE_WITH_TIMEOUT(lost.size(), 1, 5000);
        QTest::qWait(700);
        QCOMPARE(lost.size(), 1);
        QVERIFY(plainLost.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestStandbyLink)
#include "tst_standby_link.moc"
