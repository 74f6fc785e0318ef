// Device bindings (validation naming the field at fault, SQLite round trip, demo bindings),
// device.command parameters, alert tracking and the state model - no I/O.
#include "devices/alerttracker.h"
#include "devices/bindings.h"
#include "devices/configstore.h"
#include "devices/devicecommand.h"
#include "devices/devicestatemodel.h"
#include "store/database.h"

#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QtTest>

using namespace opswall;
using namespace opswall::devices;

namespace {

QJsonObject document(const QJsonObject &displays, const QJsonObject &extra = {}) {
    QJsonObject doc{{"kind", "opswall.devices"}, {"schemaVersion", 1}, {"displays", displays}};
    for (auto it = extra.begin(); it != extra.end(); ++it)
        doc.insert(it.key(), it.value());
    return doc;
}

QJsonObject mdcTcp(const QString &address, int id = 1) {
    return {{"protocol", "mdc"}, {"tcp", address}, {"id", id}};
}

QJsonObject mdcSerial(const QString &device, int id, int baud = 9600) {
    return {{"protocol", "mdc"},
            {"serial", QJsonObject{{"device", device}, {"baud", baud}}},
            {"id", id}};
}

// The first issue's field path, or "" when the document is valid.
QString firstFault(const QJsonObject &doc, const QStringList &known = {}) {
    const ParsedConfig parsed = parseDeviceConfig(doc, known);
    if (parsed.issues.isEmpty())
        return {};
    return parsed.issues.first().path;
}

drivers::Result ok(int value, std::string text = {}) {
    drivers::Result r;
    r.status = drivers::Status::Ok;
    r.value = value;
    r.text = std::move(text);
    return r;
}

drivers::Health healthy(int temperatureC, int fan = 0) {
    drivers::Health h;
    h.power = ok(int(drivers::PowerState::On));
    h.input = ok(0x21, "hdmi1");
    h.temperature = ok(temperatureC);
    h.fans = ok(fan);
    h.errors = ok(0);
    return h;
}

drivers::Health silent() {
    drivers::Health h;
    h.power = drivers::Result::failure(drivers::Status::Unreachable, "connection refused");
    h.input = h.temperature = h.fans = h.errors = h.power;
    return h;
}

} // namespace

class TestDevicesUnits : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void validDocumentRoundTrips() {
        const QJsonObject doc = document(
            {{"r1c1", mdcTcp("10.0.0.21:1515", 1)},
             {"r2c1", mdcSerial("/dev/ttyUSB0", 1)},
             {"r2c2", mdcSerial("/dev/ttyUSB0", 2)},
             {"r1c2", QJsonObject{{"protocol", "lg"},
                                  {"tcp", "10.0.0.22:9761"},
                                  {"id", 1},
                                  {"model", QJsonObject{{"lgFamily", "multivision"}}}}},
             {"r3c1", QJsonObject{{"protocol", "pjlink"},
                                  {"tcp", "10.0.0.40:4352"},
                                  {"password", "secret"},
                                  {"powerSchedule", ""},
                                  {"model", QJsonObject{{"name", "EB-L1500U"},
                                                        {"inputCodes", QJsonObject{{"HDMI1", 32}}},
                                                        {"connection", "perCommand"},
                                                        {"replyTimeoutMs", 3000}}}}}},
            {{"powerSchedule", "on 07:00 mon-fri; off 19:00 mon-fri"}, {"pollIntervalMs", 5000}});
        const ParsedConfig parsed = parseDeviceConfig(doc);
        QVERIFY2(parsed.issues.isEmpty(), qPrintable(parsed.issues.value(0).toString()));
        const DeviceConfig &c = *parsed.config;
        QCOMPARE(c.displays.size(), 5);
        // An LG multi-vision monitor: its white-balance letters and gain range (profile.h).
        QCOMPARE(c.binding("r1c2")->profile().lgFamily, drivers::LgFamily::Multivision);
        QCOMPARE(c.binding("r1c2")->profile().maxRgbGain, 100);
        QCOMPARE(c.binding("r1c1")->profile().lgFamily, drivers::LgFamily::Signage);
        QCOMPARE(c.binding("r2c1")->linkKey(), c.binding("r2c2")->linkKey()); // daisy chain
        QVERIFY(c.binding("r1c1")->linkKey() != c.binding("r2c1")->linkKey());
        QCOMPARE(c.binding("r3c1")->profile().inputCode("hdmi1"), std::optional<int>(32));
        QCOMPARE(c.binding("r3c1")->connection, drivers::Connection::PerCommand);
        QCOMPARE(c.scheduleFor("r1c1"), QStringLiteral("on 07:00 mon-fri; off 19:00 mon-fri"));
        QCOMPARE(c.scheduleFor("r3c1"), QString()); // left out of the schedule on purpose
        const ParsedConfig again = parseDeviceConfig(toJson(c));
        QVERIFY(again.config);
        QCOMPARE(*again.config, c);
    }

    void faultsNameTheField_data() {
        QTest::addColumn<QJsonObject>("doc");
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("words");
        QTest::newRow("bad protocol")
            << document({{"r1c1", QJsonObject{{"protocol", "sony"}, {"tcp", "10.0.0.1:1515"}}}})
            << "displays.r1c1.protocol"
            << "mdc, nec, lg, pjlink";
        QTest::newRow("tcp without port")
            << document({{"r1c1", mdcTcp("10.0.0.21")}}) << "displays.r1c1.tcp"
            << "HOST:PORT";
        QTest::newRow("tcp port out of range")
            << document({{"r1c1", mdcTcp("10.0.0.21:70000")}}) << "displays.r1c1.tcp"
            << "70000";
        QTest::newRow("no address")
            << document({{"r1c1", QJsonObject{{"protocol", "nec"}}}}) << "displays.r1c1"
            << "needs an address";
        QTest::newRow("both addresses")
            << document({{"r1c1", QJsonObject{{"protocol", "nec"},
                                              {"tcp", "10.0.0.1:7142"},
                                              {"serial", QJsonObject{{"device", "/dev/ttyS0"}}}}}})
            << "displays.r1c1"
            << "both";
        QTest::newRow("relative serial device")
            << document({{"r1c1", mdcSerial("ttyUSB0", 1)}}) << "displays.r1c1.serial.device"
            << "/dev/";
        QTest::newRow("odd baud") << document({{"r1c1", mdcSerial("/dev/ttyUSB0", 1, 12345)}})
                                  << "displays.r1c1.serial.baud"
                                  << "12345";
        QTest::newRow("nec id 0") << document({{"r1c1", QJsonObject{{"protocol", "nec"},
                                                                    {"tcp", "10.0.0.1:7142"},
                                                                    {"id", 0}}}})
                                  << "displays.r1c1.id"
                                  << "1-100";
        QTest::newRow("password on mdc") << document({{"r1c1", QJsonObject{{"protocol", "mdc"},
                                                                           {"tcp", "10.0.0.1:1515"},
                                                                           {"password", "x"}}}})
                                         << "displays.r1c1.password"
                                         << "only PJLink";
        QTest::newRow("typo in a key")
            << document({{"r1c1",
                          QJsonObject{{"protocol", "mdc"}, {"tcp", "10.0.0.1:1515"}, {"idd", 1}}}})
            << "displays.r1c1.idd"
            << "";
        QTest::newRow("serial line speed conflict")
            << document({{"r1c1", mdcSerial("/dev/ttyUSB0", 1, 9600)},
                         {"r1c2", mdcSerial("/dev/ttyUSB0", 2, 19200)}})
            << "displays.r1c2.serial"
            << "19200 baud here, 9600 there";
        QTest::newRow("serial duplicate id") << document({{"r1c1", mdcSerial("/dev/ttyUSB0", 3)},
                                                          {"r1c2", mdcSerial("/dev/ttyUSB0", 3)}})
                                             << "displays.r1c2.id"
                                             << "r1c1 already uses id 3";
        QTest::newRow("serial protocol conflict")
            << document({{"r1c1", mdcSerial("/dev/ttyUSB0", 1)},
                         {"r1c2", QJsonObject{{"protocol", "nec"},
                                              {"serial", QJsonObject{{"device", "/dev/ttyUSB0"}}},
                                              {"id", 2}}}})
            << "displays.r1c2.protocol"
            << "one line speaks one protocol";
        QTest::newRow("bad schedule")
            << document({{"r1c1", mdcTcp("10.0.0.1:1515")}}, {{"powerSchedule", "on 7am daily"}})
            << "powerSchedule"
            << "HH:MM";
        QTest::newRow("bad display schedule")
            << document({{"r1c1", QJsonObject{{"protocol", "mdc"},
                                              {"tcp", "10.0.0.1:1515"},
                                              {"powerSchedule", "on 07:00 someday"}}}})
            << "displays.r1c1.powerSchedule"
            << "days";
        QTest::newRow("critical below warning")
            << document({}, {{"temperature", QJsonObject{{"warnC", 60}, {"criticalC", 50}}}})
            << "temperature.criticalC"
            << "above warnC";
        QTest::newRow("unknown lg family")
            << document({{"r1c1", QJsonObject{{"protocol", "lg"},
                                              {"tcp", "10.0.0.1:9761"},
                                              {"model", QJsonObject{{"lgFamily", "webos"}}}}}})
            << "displays.r1c1.model.lgFamily"
            << "signage or multivision";
        QTest::newRow("lg family on mdc")
            << document({{"r1c1", QJsonObject{{"protocol", "mdc"},
                                              {"tcp", "10.0.0.1:1515"},
                                              {"model", QJsonObject{{"lgFamily", "signage"}}}}}})
            << "displays.r1c1.model.lgFamily"
            << "LG displays only";
        QTest::newRow("newer schema") << QJsonObject{{"kind", "opswall.devices"},
                                                     {"schemaVersion", 2},
                                                     {"displays", QJsonObject{}}}
                                      << "schemaVersion"
                                      << "newer";
        QTest::newRow("wrong kind") << QJsonObject{{"kind", "opswall.wall"},
                                                   {"schemaVersion", 1},
                                                   {"displays", QJsonObject{}}}
                                    << "kind"
                                    << "opswall.devices";
    }
    void faultsNameTheField() {
        QFETCH(QJsonObject, doc);
        QFETCH(QString, field);
        QFETCH(QString, words);
        const ParsedConfig parsed = parseDeviceConfig(doc);
        QVERIFY(!parsed.config);
        QVERIFY(!parsed.issues.isEmpty());
        QCOMPARE(parsed.issues.first().path, field);
        QVERIFY2(parsed.issues.first().message.contains(words),
                 qPrintable(parsed.issues.first().toString()));
    }

    // Fixtures of every shipped schema version keep loading; known-bad files keep failing at
    // the same field.
    void fixtures() {
        const QString dir = qEnvironmentVariable("OPSWALL_FIXTURES_DIR");
        if (dir.isEmpty())
            QSKIP("OPSWALL_FIXTURES_DIR is not set");
        auto read = [&](const QString &name) {
            QFile f(dir + "/" + name);
            return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
        };
        const ParsedConfig v1 = parseDeviceConfig(read("devices-v1.json"), demoDisplayIds());
        QVERIFY2(v1.config, qPrintable(v1.issues.value(0).toString()));
        QCOMPARE(v1.config->displays.size(), 7);
        QCOMPARE(v1.config->binding("r2c3")->linkKey(), v1.config->binding("r2c1")->linkKey());
        QCOMPARE(v1.config->binding("r2c3")->profile().mdcWallNibbles,
                 drivers::MdcWallNibbles::RowsHigh);
        const ParsedConfig bad = parseDeviceConfig(read("bad-serial-conflict.json"));
        QVERIFY(!bad.config);
        QCOMPARE(bad.issues.first().path, QStringLiteral("displays.r2c2.serial"));
    }

    void unknownDisplayIsRefused() {
        const QJsonObject doc =
            document({{"r1c1", mdcTcp("10.0.0.1:1515")}, {"r9c9", mdcTcp("10.0.0.2:1515")}});
        QCOMPARE(firstFault(doc, {"r1c1", "r1c2"}), QStringLiteral("displays.r9c9"));
        QCOMPARE(firstFault(doc), QString()); // wall not known: not checked
    }

    void brokenJsonIsAnIssueNotACrash() {
        const ParsedConfig p = parseDeviceConfig(QByteArray("{\"kind\": \"opswall.devices\", "));
        QVERIFY(!p.config);
        QVERIFY(p.issues.first().message.contains("not valid JSON"));
        QVERIFY(!parseDeviceConfig(QByteArray("[1,2]")).config);
    }

    void storeRoundTrip() {
        QTemporaryDir dir;
        store::Database db(dir.filePath("wall.db"));
        DeviceConfigStore store(db);
        ParsedConfig empty = store.load();
        QVERIFY(empty.config && empty.config->displays.isEmpty());
        const DeviceConfig demo = demoDeviceConfig(
            {5001, 5002, 5003, 5004, 5005, 5006, 5007, 5008, 5009, 5010, 5011, 5012});
        store.save(demo);
        store.save(demo);               // replaces, does not add
        DeviceConfigStore reopened(db); // migrations are idempotent
        const ParsedConfig loaded = reopened.load(demoDisplayIds());
        QVERIFY(loaded.config);
        QCOMPARE(*loaded.config, demo);
        // Bindings for displays the wall no longer has are reported on load.
        const ParsedConfig stale = reopened.load({"r1c1"});
        QVERIFY(!stale.config);
        QCOMPARE(stale.issues.first().path, QStringLiteral("displays.r1c2"));
    }

    void demoBindingsFromSimulatorOutput() {
        QByteArray out;
        for (int i = 0; i < 12; ++i)
            out += "ready tcp 127.0.0.1:" + QByteArray::number(40000 + i) + "\n";
        out += "ready udp 4352\n";
        const QList<quint16> ports = parseSimulatorPorts(out);
        QCOMPARE(ports.size(), 12);
        QCOMPARE(ports.last(), quint16(40011));
        const DeviceConfig c = demoDeviceConfig(ports);
        QCOMPARE(c.displays.size(), 12);
        QCOMPARE(c.displays.first().displayId, QStringLiteral("r1c1"));
        QCOMPARE(c.displays.at(4).displayId, QStringLiteral("r2c1")); // row-major, 4 columns
        QCOMPARE(c.displays.last().displayId, QStringLiteral("r3c4"));
        QCOMPARE(c.binding("r3c4")->port, quint16(40011));
        QVERIFY(parseDeviceConfig(toJson(c), demoDisplayIds()).config);
    }

    void commandParameters() {
        const QStringList wall = demoDisplayIds();
        const QStringList bound = wall.mid(0, 11); // r3c4 has no device
        auto parse = [&](const QJsonObject &p) { return parseDeviceCommand(p, wall, bound); };
        auto all = parse({{"displays", "all"}, {"command", "power"}, {"value", "off"}});
        QVERIFY(std::holds_alternative<CommandRequest>(all));
        QCOMPARE(std::get<CommandRequest>(all).displays, bound);
        QCOMPARE(std::get<CommandRequest>(all).driverCommand.op, drivers::Op::PowerOff);
        QCOMPARE(std::get<CommandRequest>(all).timeoutMs, kDefaultCommandTimeoutMs);

        auto some = parse({{"displays", QJsonArray{"r1c2", "r1c1", "r1c2"}},
                           {"command", "brightness"},
                           {"value", 40},
                           {"timeoutMs", 2000}});
        const auto req = std::get<CommandRequest>(some);
        QCOMPARE(req.displays, QStringList({"r1c2", "r1c1"}));
        QCOMPARE(req.driverCommand.value, 40);
        QCOMPARE(req.timeoutMs, 2000);

        auto field = [&](const QJsonObject &p) {
            auto r = parse(p);
            return std::holds_alternative<ActionResult>(r) ? std::get<ActionResult>(r).field
                                                           : QStringLiteral("<accepted>");
        };
        QCOMPARE(
            field({{"displays", QJsonArray{"r1c1", "x"}}, {"command", "power"}, {"value", "on"}}),
            QStringLiteral("displays[1]"));
        QCOMPARE(field({{"displays", QJsonArray{"r3c4"}}, {"command", "power"}, {"value", "on"}}),
                 QStringLiteral("displays[0]"));
        QCOMPARE(field({{"displays", "some"}, {"command", "power"}, {"value", "on"}}),
                 QStringLiteral("displays"));
        QCOMPARE(field({{"displays", "all"}, {"command", "explode"}}), QStringLiteral("command"));
        QCOMPARE(field({{"displays", "all"}, {"command", "power"}, {"value", "maybe"}}),
                 QStringLiteral("value"));
        QCOMPARE(field({{"displays", "all"}, {"command", "brightness"}, {"value", 101}}),
                 QStringLiteral("value"));
        QCOMPARE(field({{"displays", "all"},
                        {"command", "tiling"},
                        {"value", QJsonObject{{"columns", 2}, {"rows", 2}, {"position", 5}}}}),
                 QStringLiteral("value"));
        QCOMPARE(field({{"displays", "all"}, {"command", "input"}, {"value", "HDMI2"}}),
                 QStringLiteral("<accepted>"));
        QCOMPARE(
            field({{"displays", "all"}, {"command", "power"}, {"value", "on"}, {"timeoutMs", 5}}),
            QStringLiteral("timeoutMs"));
        auto none = parseDeviceCommand({{"displays", "all"}, {"command", "power"}, {"value", "on"}},
                                       wall, {});
        QCOMPARE(std::get<ActionResult>(none).code, QStringLiteral("unavailable"));
    }

    void alertsRaiseOnceAndClear() {
        AlertTracker tracker;
        AlertTracker::Context ctx;
        ctx.displayId = "r1c1";
        ctx.address = "mdc tcp 127.0.0.1:5000 id 1";
        ctx.missesBeforeUnreachable = 2;
        const QDateTime now = QDateTime::currentDateTimeUtc();

        auto c = tracker.assess(ctx, healthy(40), now);
        QVERIFY(c.raised.isEmpty() && c.cleared.isEmpty());

        c = tracker.assess(ctx, healthy(62), now);
        QCOMPARE(c.raised.size(), 1);
        QCOMPARE(c.raised.first().kind, QStringLiteral("overheat"));
        QCOMPARE(c.raised.first().severity, QStringLiteral("warning"));
        QVERIFY2(c.raised.first().message.contains("Display r1c1 is too hot"),
                 qPrintable(c.raised.first().message));
        QVERIFY(tracker.assess(ctx, healthy(63), now).raised.isEmpty()); // no churn per degree
        c = tracker.assess(ctx, healthy(75), now);
        QCOMPARE(c.raised.size(), 1); // escalated: raised again, same id
        QCOMPARE(c.raised.first().severity, QStringLiteral("critical"));
        QCOMPARE(c.raised.first().id, QStringLiteral("device/r1c1/overheat"));
        QCOMPARE(tracker.worstSeverity("r1c1"), QStringLiteral("critical"));

        c = tracker.assess(ctx, healthy(40, 1), now);
        QCOMPARE(c.cleared.size(), 1);
        QCOMPARE(c.cleared.first().kind, QStringLiteral("overheat"));
        QCOMPARE(c.raised.first().kind, QStringLiteral("fan-fault"));

        // One missed poll is not an alarm (nor "not answering": no reconnection after it); the
        // second is.
        c = tracker.assess(ctx, silent(), now);
        QVERIFY(c.raised.isEmpty() && c.cleared.isEmpty());
        QVERIFY(!tracker.unreachable("r1c1"));
        c = tracker.assess(ctx, silent(), now);
        QVERIFY(tracker.unreachable("r1c1"));
        QCOMPARE(c.raised.size(), 1);
        QCOMPARE(c.raised.first().kind, QStringLiteral("unreachable"));
        QCOMPARE(c.raised.first().severity, QStringLiteral("critical"));
        QVERIFY(c.raised.first().message.contains("does not answer (mdc tcp 127.0.0.1:5000 id 1)"));
        QCOMPARE(c.cleared.size(), 1); // the fan state is no longer known

        c = tracker.assess(ctx, healthy(40), now);
        QCOMPARE(c.cleared.size(), 1);
        QCOMPARE(c.cleared.first().kind, QStringLiteral("unreachable"));
        QVERIFY(tracker.active().isEmpty());
        QVERIFY(!tracker.unreachable("r1c1"));

        // Should be on by the schedule but is off.
        ctx.expect.power = drivers::Power::On;
        drivers::Health off = healthy(40);
        off.power = ok(int(drivers::PowerState::Off));
        c = tracker.assess(ctx, off, now);
        QCOMPARE(c.raised.size(), 1);
        QCOMPARE(c.raised.first().kind, QStringLiteral("power-mismatch"));
        QVERIFY(c.raised.first().message.contains(
            "is not as its power schedule says: it should be on but is off"));
        QCOMPARE(tracker.forget("r1c1").cleared.size(), 1);
    }

    void modelRowsAreStable() {
        DeviceStateModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QList<DisplayHealth> rows;
        for (const QString &id : demoDisplayIds()) {
            DisplayHealth r;
            r.displayId = id;
            r.label = id;
            r.bound = true;
            rows.append(r);
        }
        model.reset(rows);
        QCOMPARE(model.rowCount(), 12);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        DisplayHealth r = *model.row("r2c3");
        applyHealth(r, healthy(41), QDateTime::currentDateTimeUtc());
        QVERIFY(model.update(r));
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed.first().first().toModelIndex().row(), 6);
        const QModelIndex at = model.index(6);
        QCOMPARE(at.data(DeviceStateModel::PowerRole).toString(), QStringLiteral("on"));
        QCOMPARE(at.data(DeviceStateModel::InputRole).toString(), QStringLiteral("hdmi1"));
        QCOMPARE(at.data(DeviceStateModel::TemperatureRole).toInt(), 41);
        QCOMPARE(at.data(DeviceStateModel::FanRole).toString(), QStringLiteral("ok"));
        QVERIFY(at.data(DeviceStateModel::ReachableRole).toBool());
        QVERIFY(!model.index(0).data(DeviceStateModel::TemperatureRole).isValid());
        QVERIFY(model.update(r)); // same values: no signal
        QCOMPARE(changed.size(), 1);

        // Unreachable: keeps the last known values, marked unreachable.
        applyHealth(r, silent(), QDateTime::currentDateTimeUtc());
        model.update(r);
        QVERIFY(!at.data(DeviceStateModel::ReachableRole).toBool());
        QCOMPARE(at.data(DeviceStateModel::PowerRole).toString(), QStringLiteral("on"));
        QCOMPARE(at.data(DeviceStateModel::LastErrorRole).toString(),
                 QStringLiteral("connection refused"));

        const QJsonArray snap = model.snapshot();
        QCOMPARE(snap.size(), 12);
        QCOMPARE(snap.at(6)[QStringLiteral("display")].toString(), QStringLiteral("r2c3"));
        QCOMPARE(snap.at(6)[QStringLiteral("temperatureC")].toInt(), 41);
        QVERIFY(snap.at(0)[QStringLiteral("temperatureC")].isNull());
        QVERIFY(!model.update(DisplayHealth{})); // no such display
        QVERIFY(model.roleNames().values().contains("temperatureC"));
    }
};

QTEST_GUILESS_MAIN(TestDevicesUnits)
#include "tst_devices_units.moc"
