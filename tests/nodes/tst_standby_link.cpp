// The standby link in one process, on real sockets and SQLite files (app/nodes/standbysource.h,
// standbyreplica.h): over TLS with the API's kind of certificate, a standby trusting it gets the
// snapshot and then a change committed by the store thread; a standby speaking plain TCP to it, or
// with a token the primary refuses, never gets in step; when the primary goes, the standby says
// so once (primaryLost), which is where it takes over. The primary's key files travel in the
// Welcome (written 0600 in a 0700 folder, a different one set aside), never to a standby whose
// token the primary refuses; a primary whose store is at a schema the standby cannot run is not
// followed; in both cases the standby's health says why.
#include "../control/testcert.h"
#include "nodes/standbyreplica.h"
#include "nodes/standbysource.h"
#include "nodes/standbystore.h"
#include "sqliterows.h"
#include "store/database.h"
#include "store/secrets.h"
#include "store/storethread.h"
#include "store/wallstore.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
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
        TESTCERT_MAKE_OR_SKIP(cert, key);

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

    // The key files of the primary reach the standby with the Welcome; a store at a schema the
    // standby cannot run is refused before anything of it is taken.
    void keysTravelAndAnUnknownSchemaIsRefused() {
        QTemporaryDir dir;
        const QString primaryDb = dir.filePath(QStringLiteral("p.db"));
        QJsonObject schema;
        int core = 0;
        {
            store::Database db(primaryDb);
            store::WallStore wall(db);
            schema = schemaOf(db);
            core = db.userVersion();
        }
        QVERIFY(core > 0);
        QCOMPARE(schema.value(QStringLiteral("core")).toInteger(), core);
        QString err;
        QJsonObject keys;
        for (const char *name : {"audit", "secrets"}) {
            const QString path =
                dir.filePath(QStringLiteral("pkeys/%1.key").arg(QLatin1String(name)));
            QVERIFY2(store::secrets::loadOrCreateKeyFile(path, 1, &err), qPrintable(err));
            QFile f(path);
            QVERIFY(f.open(QIODevice::ReadOnly));
            keys.insert(QLatin1String(name), QString::fromUtf8(f.readAll()));
        }
        // The standby had an audit key of its own from an earlier life: set aside, not lost.
        const QString folder = dir.filePath(QStringLiteral("standby/keys"));
        QVERIFY2(
            store::secrets::loadOrCreateKeyFile(folder + QStringLiteral("/audit.key"), 1, &err),
            qPrintable(err));
        QFile::setPermissions(folder, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner |
                                          QFile::ReadGroup | QFile::ExeGroup);

        auto writer = std::make_unique<store::StoreThread>(primaryDb);
        auto sourceWith = [&](const QJsonObject &schemaSent, bool acceptToken = true) {
            StandbySourceConfig config;
            config.id = QStringLiteral("primary");
            config.schema = schemaSent;
            config.keys = keys;
            auto source = std::make_unique<StandbySource>(
                config, *writer, [acceptToken](const QString &, QString *why) {
                    *why = QStringLiteral("token 't' has the role admin, not standby");
                    return acceptToken;
                });
            QString why;
            if (!source->start(&why))
                source.reset();
            return source;
        };
        auto replicaOf = [&](const StandbySource &source, const QString &name) {
            StandbyReplicaConfig c;
            c.host = QStringLiteral("127.0.0.1");
            c.port = quint16(source.address().section(u':', -1).toUInt());
            c.id = name;
            c.token = QStringLiteral("owt_good");
            c.dbPath = dir.filePath(QStringLiteral("standby/%1.db").arg(name));
            c.schema = schema; // this standby's build runs exactly the primary's schema
            c.takeKeys = [folder](const QJsonObject &k, QString *why) {
                for (const QString &key : k.keys()) {
                    QString aside;
                    if (!installKeyFile(folder + u'/' + key + QStringLiteral(".key"),
                                        k.value(key).toString().toUtf8(), &aside, why))
                        return false;
                }
                return true;
            };
            return std::make_unique<StandbyReplica>(c);
        };

        // A token the primary refuses (opswall's check, the role standby: tst_nodes_fence): no
        // Welcome, so no key file; the standby does not follow and its health says why.
        auto guarded = sourceWith(schema, false);
        QVERIFY(guarded);
        auto outsider = replicaOf(*guarded, QStringLiteral("o"));
        outsider->start();
        QTRY_VERIFY_WITH_TIMEOUT(!outsider->health()[QStringLiteral("refusal")].isNull(), 10000);
        QVERIFY2(outsider->health()[QStringLiteral("refusal")].toString().contains(
                     QLatin1String("not standby")),
                 qPrintable(outsider->health()[QStringLiteral("refusal")].toString()));
        QVERIFY(!outsider->hasReplica());
        QCOMPARE(guarded->health()[QStringLiteral("shippedSeq")].toInteger(), 0);
        QVERIFY(!QFileInfo::exists(folder + QStringLiteral("/secrets.key")));
        outsider.reset();
        guarded.reset();

        // A primary of a later version (a component this standby does not know, a newer core):
        // not followed, no key taken, and its health says why.
        QJsonObject later = schema;
        later.insert(QStringLiteral("later_component"), 1);
        later.insert(QStringLiteral("core"), core + 1);
        auto newer = sourceWith(later);
        QVERIFY(newer);
        auto refusing = replicaOf(*newer, QStringLiteral("r"));
        refusing->start();
        QTRY_VERIFY_WITH_TIMEOUT(!refusing->health()[QStringLiteral("refusal")].isNull(), 10000);
        const QString refusal = refusing->health()[QStringLiteral("refusal")].toString();
        QVERIFY2(refusal.contains(QLatin1String("later_component 1 (unknown here)")),
                 qPrintable(refusal));
        QVERIFY2(
            refusal.contains(QStringLiteral("core %1 (here at most %2)").arg(core + 1).arg(core)),
            qPrintable(refusal));
        QTest::qWait(1000);
        QVERIFY(!refusing->hasReplica());
        // Refused by the primary before any snapshot was taken (the standby says its schema).
        QCOMPARE(newer->health()[QStringLiteral("shippedSeq")].toInteger(), 0);
        QVERIFY(!refusing->health()[QStringLiteral("inSync")].toBool());
        QVERIFY(!QFileInfo::exists(folder + QStringLiteral("/secrets.key")));
        refusing.reset();
        newer.reset();

        // An older primary (its core below this build's) is followed: its store is migrated when
        // the standby takes over, as any upgrade is.
        QJsonObject older = schema;
        older.insert(QStringLiteral("core"), core - 1);
        QCOMPARE(schemaRefusal(older, schema), QString());

        auto source = sourceWith(schema);
        QVERIFY(source);
        auto standby = replicaOf(*source, QStringLiteral("s"));
        standby->start();
        QTRY_VERIFY_WITH_TIMEOUT(standby->health()[QStringLiteral("inSync")].toBool(), 10000);
        QVERIFY(standby->health()[QStringLiteral("refusal")].isNull());
        constexpr auto everyone = QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner |
                                  QFile::ReadGroup | QFile::WriteGroup | QFile::ExeGroup |
                                  QFile::ReadOther | QFile::WriteOther | QFile::ExeOther;
        QCOMPARE(QFile::permissions(folder) & everyone,
                 QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        for (const char *name : {"audit", "secrets"}) {
            const QString path = folder + QStringLiteral("/%1.key").arg(QLatin1String(name));
            QFile f(path);
            QVERIFY(f.open(QIODevice::ReadOnly));
            QCOMPARE(QString::fromUtf8(f.readAll()), keys.value(QLatin1String(name)).toString());
            QCOMPARE(f.permissions() & everyone, QFile::ReadOwner | QFile::WriteOwner);
            QVERIFY2(store::secrets::loadKeyFile(path, &err), qPrintable(err));
        }
        QCOMPARE(QDir(folder).entryList({QStringLiteral("audit.key.before-standby-*")}).size(), 1);
        // Linked again (the same keys): nothing more is set aside.
        standby.reset();
        standby = replicaOf(*source, QStringLiteral("s"));
        standby->start();
        QTRY_VERIFY_WITH_TIMEOUT(standby->health()[QStringLiteral("inSync")].toBool(), 10000);
        QCOMPARE(QDir(folder).entryList({QStringLiteral("*.before-standby-*")}).size(), 1);
        standby.reset();
        source.reset();
        writer.reset();
    }
};

QTEST_GUILESS_MAIN(TestStandbyLink)
#include "tst_standby_link.moc"
