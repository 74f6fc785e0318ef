// CalibrationService with a real DeviceService against real opswall-display-sim processes speaking
// LG's RS-232C-over-TCP (two panels; the second refuses to set its red gain, "jm") and PJLink (a
// projector, which has no picture-setting commands at all). A profile applied to all three: the
// LG panel takes every setting LG can hold and reads them back in step; the refusing panel names
// the setting it refused and keeps the others; the projector answers "unsupported on this
// display" per setting instead of pretending; an older LG multi-vision monitor takes its own
// white-balance letters (jw/jy/jz) and says it has no picture mode. A read-back after a change made
// at the panel shows the drift. (tst_calibration_service does the same for MDC over TCP and an NEC
// serial chain.)
//
// The LG letters per product family and their sources (owner's manuals): drivers/codec/profile.h.
#include "calibrationrig.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace opswall;
using namespace opswall::calibration;
using namespace opswall::calibration::test;
using namespace opswall::devices;

class TestCalibrationLgPjlink : public QObject, public CalibrationRig {
    Q_OBJECT

    QProcess m_lgSims;
    QProcess m_pjlinkSim;
    QProcess m_multivisionSim;

private Q_SLOTS:
    void initTestCase() {
        const QString sim = qEnvironmentVariable("OPSWALL_DISPLAY_SIM");
        if (sim.isEmpty() || !QFileInfo(sim).isExecutable())
            QSKIP("OPSWALL_DISPLAY_SIM does not name the opswall-display-sim program");
        QVERIFY(m_dir.isValid());
        m_lgSims.start(sim, {"--protocol", "lg", "--tcp", "0", "--count", "2", "--refuse", "2:jm"});
        m_pjlinkSim.start(sim, {"--protocol", "pjlink", "--tcp", "0", "--count", "1"});
        // An older LG multi-vision monitor: jw/jy/jz gains (0..100), no picture-mode command.
        m_multivisionSim.start(sim,
                               {"--protocol", "lg", "--tcp", "0", "--lg-family", "multivision"});
        QVERIFY(m_lgSims.waitForStarted() && m_pjlinkSim.waitForStarted() &&
                m_multivisionSim.waitForStarted());
        const QList<quint16> lg = readyPorts(m_lgSims, 2);
        const QList<quint16> pj = readyPorts(m_pjlinkSim, 1);
        const QList<quint16> mv = readyPorts(m_multivisionSim, 1);
        QCOMPARE(lg.size(), 2);
        QCOMPARE(pj.size(), 1);
        QCOMPARE(mv.size(), 1);

        DeviceConfig config;
        config.pollIntervalMs = 2000;
        config.displays = {tcpPanel("r1c1", drivers::ProtocolKind::Lg, lg[0]),
                           tcpPanel("r1c2", drivers::ProtocolKind::Lg, lg[1]),
                           tcpPanel("r1c3", drivers::ProtocolKind::PjLink, pj[0]),
                           tcpPanel("r1c4", drivers::ProtocolKind::Lg, mv[0])};
        config.displays[3].lgFamily = drivers::LgFamily::Multivision;
        const QString issue = startRig(panelGrid(1, 4, "lg-pjlink"), config);
        QVERIFY2(issue.isEmpty(), qPrintable(issue));
        const QString off = powerOnAll(4);
        QVERIFY2(off.isEmpty(), qPrintable(off));
    }

    void cleanupTestCase() { stopRig({&m_lgSims, &m_pjlinkSim, &m_multivisionSim}); }

    void profileAppliedToLgAndPjlink() {
        const QJsonArray three{"r1c1", "r1c2", "r1c3"};
        QVERIFY(dispatch("calibration.set",
                         {{"displays", three},
                          {"settings", QJsonObject{{"backlight", 45},
                                                   {"brightness", 55},
                                                   {"contrast", 70},
                                                   {"rgbGain", QJsonArray{240, 230, 220}},
                                                   {"pictureMode", "standard"}}},
                          {"note", "LG and PJLink"}})
                    .ok);
        const QJsonObject result = run("calibration.apply", {{"displays", three}});
        QCOMPARE(result["state"].toString(), QStringLiteral("finished"));
        QCOMPARE(result["summary"].toString(), QStringLiteral("1 of 3 displays ok"));
        const QJsonObject per = result["displays"].toObject();

        // LG panel 1: every setting applied over TCP and read back in step.
        const QJsonObject lg = per["r1c1"].toObject();
        QVERIFY2(lg["ok"].toBool(), qPrintable(lg["summary"].toString()));
        QVERIFY2(lg["drift"]["inStep"].toBool(),
                 QJsonDocument(lg["drift"].toObject()).toJson().constData());
        const QJsonObject rb = lg["readback"]["settings"].toObject();
        QCOMPARE(rb["backlight"].toInt(), 45);
        QCOMPARE(rb["brightness"].toInt(), 55);
        QCOMPARE(rb["contrast"].toInt(), 70);
        QCOMPARE(rb["rgbGain"].toArray(), (QJsonArray{240, 230, 220}));
        QCOMPARE(rb["pictureMode"].toString(), QStringLiteral("standard"));
        // What LG cannot do is said per setting.
        for (const char *setting : {"colourTemperature", "rgbOffset", "gamma"}) {
            const QString why = lg["readback"]["unreadable"][QLatin1String(setting)].toString();
            QVERIFY2(why.contains("unsupported on this display"), qPrintable(why));
        }

        // LG panel 2 refuses its red gain (NG): named, the rest applied, the drift shown.
        const QJsonObject refusing = per["r1c2"].toObject();
        QCOMPARE(refusing["ok"].toBool(), false);
        QCOMPARE(refusing["refused"].toObject().keys(), QStringList{"rgbGain"});
        QVERIFY2(refusing["summary"].toString().startsWith("refused rgbGain ("),
                 qPrintable(refusing["summary"].toString()));
        for (const char *applied : {"backlight", "brightness", "contrast", "pictureMode"})
            QVERIFY2(refusing["applied"].toArray().contains(QString::fromLatin1(applied)), applied);
        const QJsonArray drift = refusing["drift"]["drift"].toArray();
        QCOMPARE(drift.size(), 1);
        QCOMPARE(drift[0]["setting"].toString(), QStringLiteral("rgbGain"));

        // The projector: PJLink has no picture settings; every one is refused in words, nothing
        // is faked, and the read-back reads nothing.
        const QJsonObject pj = per["r1c3"].toObject();
        QCOMPARE(pj["ok"].toBool(), false);
        const QJsonObject pjRefused = pj["refused"].toObject();
        QCOMPARE(pjRefused.size(), 5);
        for (auto it = pjRefused.begin(); it != pjRefused.end(); ++it)
            QVERIFY2(it.value().toString().contains("unsupported on this display"),
                     qPrintable(it.key() + ": " + it.value().toString()));
        QVERIFY(pj["applied"].toArray().isEmpty());
        QVERIFY(pj["readback"]["settings"].toObject().isEmpty());
    }

    void multivisionLgTakesItsOwnLettersAndHasNoPictureMode() {
        // The profile names a picture mode, which this family cannot set: refused in words, the
        // gains (jw/jy/jz on the wire) and the backlight applied and read back in step.
        QVERIFY(dispatch("calibration.set",
                         {{"displays", QJsonArray{"r1c4"}},
                          {"settings", QJsonObject{{"backlight", 40},
                                                   {"rgbGain", QJsonArray{90, 80, 70}},
                                                   {"pictureMode", "standard"}}}})
                    .ok);
        const QJsonObject result = run("calibration.apply", {{"displays", QJsonArray{"r1c4"}}});
        const QJsonObject mv = result["displays"]["r1c4"].toObject();
        QCOMPARE(mv["refused"].toObject().keys(), QStringList{"pictureMode"});
        const QString why = mv["refused"]["pictureMode"].toString();
        QVERIFY2(why.contains("unsupported on this display") && why.contains("multi-vision"),
                 qPrintable(why));
        for (const char *applied : {"backlight", "rgbGain"})
            QVERIFY2(mv["applied"].toArray().contains(QString::fromLatin1(applied)), applied);
        const QJsonObject rb = mv["readback"]["settings"].toObject();
        QCOMPARE(rb["rgbGain"].toArray(), (QJsonArray{90, 80, 70}));
        QCOMPARE(rb["backlight"].toInt(), 40);
        QVERIFY(mv["readback"]["unreadable"]["pictureMode"].toString().contains(
            "unsupported on this display"));
        // Its gains run 0..100: 150 is refused before anything is sent, naming the range.
        QVERIFY(dispatch("calibration.set",
                         {{"displays", QJsonArray{"r1c4"}},
                          {"replace", true},
                          {"settings", QJsonObject{{"rgbGain", QJsonArray{150, 80, 70}}}}})
                    .ok);
        const QJsonObject again = run("calibration.apply", {{"displays", QJsonArray{"r1c4"}}});
        const QString range = again["displays"]["r1c4"]["refused"]["rgbGain"].toString();
        QVERIFY2(range.contains("0..100"), qPrintable(range));
    }

    void readBackShowsDriftOnLgAndNothingOnPjlink() {
        // Someone turns r1c1's contrast down at the panel: the read-back shows the drift.
        const QJsonObject changed = deviceCommand(
            {{"displays", QJsonArray{"r1c1"}}, {"command", "contrast"}, {"value", 30}});
        QVERIFY(changed["r1c1"]["ok"].toBool());
        const QJsonObject result = run("calibration.read", {{"displays", "all"}});
        QCOMPARE(result["kind"].toString(), QStringLiteral("read"));
        const QJsonObject per = result["displays"].toObject();
        const QJsonObject d = per["r1c1"]["drift"].toObject();
        QCOMPARE(d["inStep"].toBool(), false);
        QCOMPARE(d["drift"].toArray().size(), 1);
        QCOMPARE(d["drift"][0]["setting"].toString(), QStringLiteral("contrast"));
        QCOMPARE(d["drift"][0]["have"].toInt(), 30);
        QCOMPARE(d["drift"][0]["want"].toInt(), 70);
        QVERIFY(per["r1c1"]["summary"].toString().startsWith("read "));
        // PJLink: nothing could be read, and it says why.
        QCOMPARE(per["r1c3"]["ok"].toBool(), false);
        const QString pjSummary = per["r1c3"]["summary"].toString();
        QVERIFY2(pjSummary.startsWith("nothing could be read: ") &&
                     pjSummary.contains("unsupported on this display: PJLink"),
                 qPrintable(pjSummary));
        // The drift view agrees.
        for (const QJsonValue &v : view("calibration-drift")["items"].toArray())
            if (v["display"].toString() == QLatin1String("r1c1"))
                QCOMPARE(v["inStep"].toBool(), false);
    }
};

QTEST_GUILESS_MAIN(TestCalibrationLgPjlink)
#include "tst_calibration_lg_pjlink.moc"
