// CalibrationService with a real DeviceService, WallState, Dispatcher and SQLite store, against
// real opswall-display-sim processes: a 2x3 wall whose top row is three MDC panels on TCP (the
// middle one refuses to set its backlight: --refuse 2:58) and whose bottom row is an NEC daisy
// chain (IDs 1-3) on a socat pseudo-terminal. A whole-wall profile is applied: the refusing panel
// says which setting it refused and keeps the others; every other panel ends in step with its
// profile. Read-back, drift, history, export/import, roles and the uniformity workflow's gates.
#include "calibrationrig.h"
#include "store/guithreadwaits.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QStandardPaths>

using namespace opswall;
using namespace opswall::calibration;
using namespace opswall::calibration::test;
using namespace opswall::devices;

namespace {
const Caller kOperator{"op1", Role::Operator, "local", "test"};
const Caller kViewer{"view1", Role::Viewer, "local", "test"};
const QStringList kTop{"r1c1", "r1c2", "r1c3"};
const QStringList kBottom{"r2c1", "r2c2", "r2c3"};
} // namespace

class TestCalibrationService : public QObject, public CalibrationRig {
    Q_OBJECT

    QProcess m_tcpSims;
    QProcess m_socat;
    QProcess m_serialSim;
    QList<QPair<QString, ActionResult>> m_audit;

private Q_SLOTS:
    void initTestCase() {
        const QString sim = qEnvironmentVariable("OPSWALL_DISPLAY_SIM");
        if (sim.isEmpty() || !QFileInfo(sim).isExecutable())
            QSKIP("OPSWALL_DISPLAY_SIM does not name the opswall-display-sim program");
        if (QStandardPaths::findExecutable("socat").isEmpty())
            QSKIP("socat is not installed (apt-get install socat)");
        QVERIFY(m_dir.isValid());
        // Top row: three MDC panels on TCP; the second refuses to set its backlight (MDC 0x58).
        m_tcpSims.start(sim,
                        {"--protocol", "mdc", "--tcp", "0", "--count", "3", "--refuse", "2:58"});
        QVERIFY(m_tcpSims.waitForStarted());
        const QList<quint16> ports = readyPorts(m_tcpSims, 3);
        QCOMPARE(ports.size(), 3);
        // Bottom row: an NEC daisy chain on a pseudo-terminal pair.
        const QString drv = m_dir.filePath("drv"), emu = m_dir.filePath("emu");
        m_socat.start("socat", {"pty,raw,echo=0,link=" + drv, "pty,raw,echo=0,link=" + emu});
        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(drv) && QFileInfo::exists(emu), 5000);
        m_serialSim.start(sim, {"--protocol", "nec", "--serial", emu, "--ids", "1,2,3"});
        QVERIFY(m_serialSim.waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(m_serialSim.peek(256).contains("ready serial"), 5000);

        DeviceConfig config;
        config.pollIntervalMs = 2000;
        for (int i = 0; i < 3; ++i)
            config.displays.append(tcpPanel(kTop[i], drivers::ProtocolKind::Mdc, ports[i]));
        for (int i = 0; i < 3; ++i) {
            DeviceBinding b;
            b.displayId = kBottom[i];
            b.protocol = drivers::ProtocolKind::Nec;
            b.transport = TransportKind::Serial;
            b.serialDevice = drv;
            b.deviceId = i + 1;
            config.displays.append(b);
        }
        const QString issue = startRig(panelGrid(2, 3, "calibration"), config);
        QVERIFY2(issue.isEmpty(), qPrintable(issue));
        m_dispatcher->setAuditHook([this](const Caller &, const Action &a, const ActionResult &r) {
            m_audit.append({a.type, r});
        });
        const QString off = powerOnAll(6);
        QVERIFY2(off.isEmpty(), qPrintable(off));
    }

    void cleanupTestCase() { stopRig({&m_tcpSims, &m_serialSim, &m_socat}); }

    void rolesAreRefusedWithTheReason() {
        for (const QString type :
             {"calibration.set", "calibration.apply", "calibration.read", "calibration.pattern",
              "calibration.import", "calibration.uniformity"}) {
            for (const Caller &c : {kOperator, kViewer}) {
                const ActionResult r = dispatch(type, {{"settings", QJsonObject{}}}, c);
                QVERIFY2(!r.ok, qPrintable(type));
                QCOMPARE(r.code, QStringLiteral("forbidden"));
                QVERIFY2(r.message.contains(roleName(c.role)) || r.message.contains(type),
                         qPrintable(r.message));
            }
        }
        QCOMPARE(m_audit.last().first, QStringLiteral("calibration.uniformity"));
        QVERIFY(!m_audit.last().second.ok); // refusals are audited too
    }

    void badProfilesNameTheField() {
        ActionResult r = dispatch("calibration.set",
                                  {{"displays", "all"}, {"settings", QJsonObject{{"rgbGain", 5}}}});
        QCOMPARE(r.code, QStringLiteral("invalid"));
        QCOMPARE(r.field, QStringLiteral("settings.rgbGain"));
        r = dispatch("calibration.set", {{"displays", QJsonArray{"r9c9"}},
                                         {"settings", QJsonObject{{"backlight", 4}}}});
        QCOMPARE(r.field, QStringLiteral("displays"));
        QVERIFY(r.message.contains("r9c9"));
        QVERIFY(m_store->profiles().isEmpty()); // nothing half-saved
    }

    void wholeWallProfileAppliedOverTcpAndSerialWithOnePanelNaking() {
        // The whole wall: same picture; each panel its own tile position; the NEC chain also
        // gets white-balance gains (MDC cannot set them).
        QVERIFY(dispatch("calibration.set", {{"displays", "all"},
                                             {"settings", QJsonObject{{"backlight", 40},
                                                                      {"contrast", 72},
                                                                      {"colourTemperature", 6500},
                                                                      {"pictureMode", "standard"},
                                                                      {"bezelCompensation", true}}},
                                             {"note", "commissioning"}})
                    .ok);
        const QStringList all = kTop + kBottom;
        for (int i = 0; i < all.size(); ++i)
            QVERIFY(
                dispatch("calibration.set",
                         {{"displays", QJsonArray{all[i]}},
                          {"settings", QJsonObject{{"tiling", QJsonObject{{"columns", 3},
                                                                          {"rows", 2},
                                                                          {"position", i + 1}}}}}})
                    .ok);
        QVERIFY(dispatch("calibration.set",
                         {{"displays", QJsonArray::fromStringList(kBottom)},
                          {"settings", QJsonObject{{"rgbGain", QJsonArray{210, 205, 190}}}}})
                    .ok);

        const QJsonObject result = run("calibration.apply", {{"displays", "all"}});
        QCOMPARE(result["state"].toString(), QStringLiteral("finished"));
        QCOMPARE(result["ok"].toBool(), false);
        QCOMPARE(result["summary"].toString(), QStringLiteral("5 of 6 displays ok"));
        const QJsonObject per = result["displays"].toObject();
        QCOMPARE(per.size(), 6);
        // The refusing panel: says which setting it refused, and the others are applied.
        const QJsonObject bad = per["r1c2"].toObject();
        QCOMPARE(bad["ok"].toBool(), false);
        QCOMPARE(bad["refused"].toObject().keys(), QStringList{"backlight"});
        QVERIFY2(bad["summary"].toString().startsWith("refused backlight (refused by the display "
                                                      "(NAK)"),
                 qPrintable(bad["summary"].toString()));
        QVERIFY(bad["applied"].toArray().contains("contrast"));
        QVERIFY(bad["applied"].toArray().contains("tiling"));
        const QJsonArray badDrift = bad["drift"]["drift"].toArray();
        QCOMPARE(badDrift.size(), 1);
        QCOMPARE(badDrift[0]["setting"].toString(), QStringLiteral("backlight"));
        QCOMPARE(badDrift[0]["want"].toInt(), 40);
        QCOMPARE(badDrift[0]["have"].toInt(), 60); // the simulator's default, untouched
        // Every other panel: applied and in step, over TCP and over the serial chain.
        for (const QString &id : all) {
            if (id == "r1c2")
                continue;
            const QJsonObject one = per[id].toObject();
            QVERIFY2(one["ok"].toBool(), qPrintable(id + ": " + one["summary"].toString()));
            QVERIFY2(one["drift"]["inStep"].toBool(),
                     qPrintable(id + ": " + QJsonDocument(one["drift"].toObject()).toJson()));
            const QJsonObject rb = one["readback"]["settings"].toObject();
            QCOMPARE(rb["backlight"].toInt(), 40);
            QCOMPARE(rb["tiling"]["position"].toInt(), all.indexOf(id) + 1);
            QCOMPARE(rb["pictureMode"].toString(), QStringLiteral("standard"));
        }
        const QJsonObject nec = per["r2c2"]["readback"]["settings"].toObject();
        QCOMPARE(nec["rgbGain"].toArray(), (QJsonArray{210, 205, 190}));
        // MDC reports its gains (0x06) but has no offset command: said, not faked.
        QVERIFY(per["r1c1"]["readback"]["unreadable"]["rgbOffset"].toString().contains(
            "unsupported on this display"));

        // The drift view and the stored report agree.
        const QJsonArray drift = view("calibration-drift")["items"].toArray();
        QCOMPARE(drift.size(), 6);
        for (const QJsonValue &d : drift)
            QCOMPARE(d["inStep"].toBool(), d["display"].toString() != "r1c2");
        QCOMPARE(m_store->reports("apply", 5).size(), 1);
    }

    void readBackShowsDriftAfterALocalChange() {
        // Someone changes r2c3's contrast with the remote: the read-back shows the drift.
        const QJsonObject changed = deviceCommand(
            {{"displays", QJsonArray{"r2c3"}}, {"command", "contrast"}, {"value", 50}});
        QVERIFY(changed["r2c3"]["ok"].toBool());
        const QJsonObject result = run("calibration.read", {{"displays", "all"}});
        QCOMPARE(result["kind"].toString(), QStringLiteral("read"));
        const QJsonObject d = result["displays"]["r2c3"]["drift"].toObject();
        QCOMPARE(d["inStep"].toBool(), false);
        QCOMPARE(d["drift"][0]["setting"].toString(), QStringLiteral("contrast"));
        QCOMPARE(d["drift"][0]["have"].toInt(), 50);
        QCOMPARE(d["drift"][0]["want"].toInt(), 72);
        // Firmware for the ID card comes from the read-back.
        QCOMPARE(m_service->displayInfo("r1c1")["firmware"].toString(), QStringLiteral("1.0.0"));
        // Announced once its report row is stored, with the row's id.
        const QJsonArray reports = m_store->reports("read", 1);
        QCOMPARE(reports.size(), 1);
        QCOMPARE(result["reportId"].toInteger(), reports.first()["id"].toInteger());
    }

    void aReportTheStoreRefusesIsNamedInTheRun() {
        const qsizetype before = m_store->reports("read", 50).size();
        m_db->setMinFreeBytes(std::int64_t(1) << 60); // the free-space guard refuses every write
        const QJsonObject result = run("calibration.read", {{"displays", "all"}});
        m_db->setMinFreeBytes(0);
        QVERIFY2(result["reportError"].toString().contains(QLatin1String("free")),
                 QJsonDocument(result).toJson().constData());
        QVERIFY(!result.contains("reportId"));
        QCOMPARE(m_store->reports("read", 50).size(), before); // and the table has none
    }

    void historyExportAndImport() {
        const QJsonObject p = view("calibration-profile:r2c1");
        QCOMPARE(p["revision"].toInt(), 3);
        const QJsonArray history = p["history"].toArray();
        QCOMPARE(history.size(), 3);
        QCOMPARE(history.last()["by"].toString(), QStringLiteral("tech1"));
        QCOMPARE(history.last()["note"].toString(), QStringLiteral("commissioning"));
        QCOMPARE(history.last()["role"].toString(), QStringLiteral("technician"));

        const QJsonObject exported = view("calibration-export");
        QCOMPARE(exported["kind"].toString(), QStringLiteral("opswall.calibration"));
        QCOMPARE(exported["profiles"].toObject().size(), 6);
        // A bad import names the field and changes nothing.
        QJsonObject bad = exported;
        QJsonObject profiles = bad["profiles"].toObject();
        QJsonObject r1c1 = profiles["r1c1"].toObject();
        r1c1["contrast"] = 101;
        profiles["r1c1"] = r1c1;
        bad["profiles"] = profiles;
        const ActionResult refused = dispatch("calibration.import", bad);
        QCOMPARE(refused.field, QStringLiteral("profiles.r1c1.contrast"));
        QCOMPARE(m_store->profile("r1c1")->revision, 2);
        // A good one: every profile imported again, one more revision each, same settings.
        const ActionResult ok = dispatch("calibration.import", exported);
        QVERIFY2(ok.ok, qPrintable(ok.message));
        QCOMPARE(ok.data["imported"].toInt(), 6);
        QCOMPARE(m_store->profile("r1c1")->revision, 3);
        QCOMPARE(view("calibration-export"), exported);
    }

    // No view the service answers on the caller's thread (the GUI thread in the app: the line
    // protocol, the panels, the API's in-place reads) runs a statement: the views that read the
    // store are answered by storeRead on a reader connection, and answer there as before.
    void viewsInPlaceReadNoTable() {
        const QStringList storeViews{"calibration-profiles", "calibration-profile:r2c1",
                                     "calibration-drift",    "calibration-export",
                                     "calibration-geometry", "calibration-uniformity"};
        const std::uint64_t before = store::guiThreadWaits();
        for (const QString &what : storeViews + QStringList{"calibration-pattern"})
            m_service->snapshot(what);
        QCOMPARE(store::guiThreadWaits(), before);
        for (const QString &what : storeViews)
            QVERIFY2(!view(what).isEmpty(), qPrintable(what));
        QCOMPARE(view("calibration-profiles")["items"].toArray().size(), 6);
        QVERIFY(view("calibration-profile:r2c1")["history"].toArray().size() >= 3);
    }

    void uniformityWarmUpGateAndReport() {
        ActionResult r =
            dispatch("calibration.uniformity", {{"step", "start"},
                                                {"displays", QJsonArray::fromStringList(kBottom)},
                                                {"warmupMinutes", 30}});
        QVERIFY2(r.ok, qPrintable(r.message));
        QCOMPARE(m_service->pattern(), QStringLiteral("uniformity"));
        r = dispatch("calibration.uniformity",
                     {{"step", "measure"}, {"display", "r2c1"}, {"luminance", 400}});
        QCOMPARE(r.code, QStringLiteral("conflict"));
        QVERIFY2(r.message.contains("warming up"), qPrintable(r.message));
        // Start again without a warm-up (the panels have been on since the test began).
        QVERIFY(
            dispatch("calibration.uniformity", {{"step", "start"},
                                                {"displays", QJsonArray::fromStringList(kBottom)},
                                                {"warmupMinutes", 0},
                                                {"tolerancePercent", 3}})
                .ok);
        const double before[] = {412.0, 396.5, 430.2};
        for (int i = 0; i < 3; ++i)
            QVERIFY(dispatch("calibration.uniformity", {{"step", "measure"},
                                                        {"display", kBottom[i]},
                                                        {"luminance", before[i]},
                                                        {"x", 0.3127 + 0.001 * i},
                                                        {"y", 0.3290}})
                        .ok);
        r = dispatch(
            "calibration.uniformity",
            {{"step", "measure"}, {"display", "r2c2"}, {"spotread", "Result is XYZ: 1 2\n"}});
        QCOMPARE(r.field, QStringLiteral("spotread"));
        r = dispatch("calibration.uniformity", {{"step", "plan"}});
        QVERIFY(r.ok);
        const QJsonArray corrections =
            r.data.value("plan").toObject().value("corrections").toArray();
        QCOMPARE(corrections.size(), 3);
        // Backlight 40 and gains 210/205/190 were read back: both are corrected.
        for (const QJsonValue &c : corrections) {
            QVERIFY(c["backlight"].toInt() <= 40);
            QVERIFY(c["rgbGain"].isArray());
        }
        QSignalSpy finished(m_service.get(), &CalibrationService::runFinished);
        r = dispatch("calibration.uniformity", {{"step", "apply"}});
        QVERIFY2(r.ok, qPrintable(r.message));
        QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty(), kWaitMs);
        const QJsonObject applied = finished.first().first().toJsonObject();
        QVERIFY2(applied["ok"].toBool(), qPrintable(QJsonDocument(applied).toJson()));
        QCOMPARE(m_store->profile("r2c3")->settings.backlight,
                 std::optional<int>(corrections[2]["backlight"].toInt()));
        for (int i = 0; i < 3; ++i)
            QVERIFY(dispatch("calibration.uniformity", {{"step", "measure"},
                                                        {"display", kBottom[i]},
                                                        {"luminance", 396.0 + i},
                                                        {"x", 0.3128},
                                                        {"y", 0.3291}})
                        .ok);
        r = dispatch("calibration.uniformity", {{"step", "finish"}});
        QVERIFY(r.ok);
        QCOMPARE(r.data["pass"].toBool(), true);
        QVERIFY(r.data.value("before").toObject().value("luminanceSpreadPercent").toDouble() > 7);
        QVERIFY(r.data.value("after").toObject().value("luminanceSpreadPercent").toDouble() < 1);
        QCOMPARE(m_store->reports("uniformity", 5).size(), 1);
        QCOMPARE(m_service->pattern(), QString());
    }
};

QTEST_GUILESS_MAIN(TestCalibrationService)
#include "tst_calibration_service.moc"
