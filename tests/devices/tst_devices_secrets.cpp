// Device passwords at rest: DeviceConfigStore keeps a PJLink password sealed (AES-256-GCM, key
// outside the database); the bytes of the database file and its WAL never hold it in clear, it
// comes back on load, and without the key it is neither stored in clear nor silently lost.
#include "devices/configstore.h"
#include "store/database.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace opswall;

namespace {
const QByteArray kPassword = "Pj-Secret-4352-xyz";

devices::DeviceConfig pjlinkConfig() {
    const auto parsed = devices::parseDeviceConfig(
        QByteArray(R"({"kind": "opswall.devices", "schemaVersion": 1, "displays": {
            "r1c1": {"protocol": "pjlink", "tcp": "127.0.0.1:4352", "password": ")") +
        kPassword + R"("}}})");
    return *parsed.config;
}

QByteArray everyByteOf(const QString &dir) {
    QByteArray all;
    for (const QString &f : QDir(dir).entryList(QDir::Files)) {
        QFile file(QDir(dir).filePath(f));
        if (file.open(QIODevice::ReadOnly))
            all += file.readAll();
    }
    return all;
}
} // namespace

class TstDevicesSecrets : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void passwordIsNeverInTheDatabaseFile();
    void withoutTheKeyNothingIsStoredInClear();
    void anotherKeyDropsThePasswordWithAnIssue();
};

void TstDevicesSecrets::passwordIsNeverInTheDatabaseFile() {
    QTemporaryDir dir;
    const QByteArray key(32, '\x42');
    const devices::DeviceConfig config = pjlinkConfig();
    QCOMPARE(config.binding(QStringLiteral("r1c1"))->password, QString::fromLatin1(kPassword));
    {
        store::Database db(dir.filePath(QStringLiteral("wall.db")));
        devices::DeviceConfigStore(db, key).save(config);
        // While open (the WAL holds the newest pages) and after closing (checkpointed).
        QVERIFY(!everyByteOf(dir.path()).contains(kPassword));
        const devices::ParsedConfig back = devices::DeviceConfigStore(db, key).load();
        QVERIFY(back.config);
        QCOMPARE(back.config->binding(QStringLiteral("r1c1"))->password,
                 QString::fromLatin1(kPassword));
    }
    QVERIFY(!everyByteOf(dir.path()).contains(kPassword));
    QVERIFY(everyByteOf(dir.path()).contains("sealed:v1:"));
}

void TstDevicesSecrets::withoutTheKeyNothingIsStoredInClear() {
    QTemporaryDir dir;
    store::Database db(dir.filePath(QStringLiteral("wall.db")));
    devices::DeviceConfigStore store(db);
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, store.save(pjlinkConfig()));
    QVERIFY(!everyByteOf(dir.path()).contains(kPassword));
}

void TstDevicesSecrets::anotherKeyDropsThePasswordWithAnIssue() {
    QTemporaryDir dir;
    store::Database db(dir.filePath(QStringLiteral("wall.db")));
    devices::DeviceConfigStore(db, QByteArray(32, '\x01')).save(pjlinkConfig());
    const devices::ParsedConfig back =
        devices::DeviceConfigStore(db, QByteArray(32, '\x02')).load();
    QVERIFY(!back.issues.isEmpty());
    QCOMPARE(back.issues.last().path, QStringLiteral("displays.r1c1.password"));
}

QTEST_GUILESS_MAIN(TstDevicesSecrets)
#include "tst_devices_secrets.moc"
