// Technician calibration on the real running wall (tests/rendering/appundertest.h), driven by the
// real wallctl and over HTTP: roles refused with the reason, a test pattern shown and dismissed,
// profiles set, read with their history, exported and imported (a bad import names the field),
// a uniformity session's warm-up gate, and apply refused clearly on a wall without display
// control (the demo runs without simulators here; tst_calibration_service drives real ones).
#include "appundertest.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QStandardPaths>
#include <QTemporaryDir>

using namespace opswall;

class TestAppCalibration : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        QString why;
        QVERIFY2(m_app.start(&why), qPrintable(why));
        QVERIFY2(m_app.makeRoleTokens(&why), qPrintable(why));
    }

    void rolesAreRefusedWithTheReason() {
        for (Role role : {Role::Viewer, Role::Leader, Role::Operator}) {
            const apptest::Run r =
                m_app.wallctl({"calibrate", "pattern", "crosshatch"}, m_app.tokens.value(role));
            QCOMPARE(r.exitCode, 4);
            QVERIFY2(r.err.contains("may not calibration.pattern") && r.err.contains("forbidden"),
                     r.err.constData());
            const apptest::Run read =
                m_app.wallctl({"calibrate", "profiles"}, m_app.tokens.value(role));
            QCOMPARE(read.exitCode, 4);
            QVERIFY2(read.err.contains("may not calibration.read"), read.err.constData());
        }
        const apptest::Run tech = m_app.wallctl({"calibrate", "pattern", "crosshatch"},
                                                m_app.tokens.value(Role::Technician));
        QVERIFY2(tech.exitCode == 0, tech.err.constData());
    }

    void patternShownAndDismissed() {
        const QString tech = m_app.tokens.value(Role::Technician);
        apptest::Run r = m_app.wallctl(
            {"calibrate", "pattern", "idcard", "--displays", "r1c1,r1c2", "--json"}, tech);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QJsonObject state = apptest::json(m_app.wallctl({"calibrate", "pattern", "--json"}, tech));
        QCOMPARE(state["pattern"].toString(), QStringLiteral("idcard"));
        QCOMPARE(state["displays"].toArray(), (QJsonArray{"r1c1", "r1c2"}));
        r = m_app.wallctl({"calibrate", "pattern", "plaid"}, tech);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("unknown pattern") && r.err.contains("field pattern"),
                 r.err.constData());
        r = m_app.wallctl({"calibrate", "clear"}, tech);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        state = apptest::json(m_app.wallctl({"calibrate", "pattern", "--json"}, tech));
        QCOMPARE(state["pattern"].toString(), QString());
        // The audit has who showed it.
        const apptest::ApiResponse audit =
            m_app.api("GET", QStringLiteral("/audit?action=calibration.pattern&limit=5"));
        QVERIFY(audit.body.contains("e2e-technician"));
    }

    void profilesHistoryExportImport() {
        const QString tech = m_app.tokens.value(Role::Technician);
        apptest::Run r =
            m_app.wallctl({"calibrate", "set", "--displays", "r1c1,r1c2", "--note", "commissioning",
                           "backlight=40", "rgbGain=[200,190,180]", "pictureMode=standard"},
                          tech);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = m_app.wallctl({"calibrate", "set", "contrast=101"}, tech);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("field settings.contrast"), r.err.constData());
        const QJsonObject one =
            apptest::json(m_app.wallctl({"calibrate", "profiles", "r1c2", "--json"}, tech));
        QCOMPARE(one["settings"]["backlight"].toInt(), 40);
        QCOMPARE(one["settings"]["rgbGain"].toArray(), (QJsonArray{200, 190, 180}));
        QCOMPARE(one["history"][0]["by"].toString(), QStringLiteral("e2e-technician"));
        QCOMPARE(one["history"][0]["note"].toString(), QStringLiteral("commissioning"));

        QTemporaryDir dir;
        const QString file = dir.filePath("wall.calibration.json");
        r = m_app.wallctl({"calibrate", "export", "--file", file}, tech);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QFile f(file);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QJsonObject doc = QJsonDocument::fromJson(f.readAll()).object();
        f.close();
        QCOMPARE(doc["kind"].toString(), QStringLiteral("opswall.calibration"));
        QCOMPARE(doc["profiles"].toObject().keys(), (QStringList{"r1c1", "r1c2"}));
        // Change the document: one good edit, then a bad one that must name its field. Each is
        // the exported document with r1c1's profile replaced, written back and imported.
        QJsonObject r1c1 = doc["profiles"].toObject()["r1c1"].toObject();
        const auto importWith = [&](const QJsonObject &profile) {
            QJsonObject profiles = doc["profiles"].toObject();
            profiles["r1c1"] = profile;
            doc["profiles"] = profiles;
            QFile out(file);
            if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
                out.write(QJsonDocument(doc).toJson()) < 0)
                return apptest::Run{-1, {}, "cannot write " + file.toUtf8()};
            out.close();
            return m_app.wallctl({"calibrate", "import", "--file", file}, tech);
        };
        r1c1["backlight"] = 35;
        r = importWith(r1c1);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject after =
            apptest::json(m_app.wallctl({"calibrate", "profiles", "r1c1", "--json"}, tech));
        QCOMPARE(after.value("settings").toObject().value("backlight").toInt(), 35);
        r1c1["gamma"] = "Two point two";
        r = importWith(r1c1);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("field profiles.r1c1.gamma"), r.err.constData());
    }

    void applyWithoutDisplayControlSaysWhy() {
        const apptest::Run r =
            m_app.wallctl({"calibrate", "apply"}, m_app.tokens.value(Role::Technician));
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("none is bound to a device"), r.err.constData());
    }

    void uniformityWarmUpGate() {
        const QString tech = m_app.tokens.value(Role::Technician);
        apptest::Run r =
            m_app.wallctl({"calibrate", "uniformity", "start", "--warmup", "20"}, tech);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(apptest::json(m_app.wallctl({"calibrate", "pattern", "--json"}, tech))["pattern"]
                     .toString(),
                 QStringLiteral("uniformity"));
        r = m_app.wallctl({"calibrate", "uniformity", "measure", "r1c1", "--luminance", "400"},
                          tech);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("warming up"), r.err.constData());
        r = m_app.wallctl({"calibrate", "uniformity", "cancel"}, tech);
        QVERIFY2(r.exitCode == 0, r.err.constData());
    }

    void meterWithoutAnInstrumentSaysNoMeterFound() {
        // The REAL ArgyllCMS spotread, on the wall controller (--wall-meter, through the API) and
        // here (--meter): no instrument is attached, so both say "no meter found" in words and
        // the reading taken by hand before stays.
        if (QStandardPaths::findExecutable("spotread").isEmpty())
            QSKIP("ArgyllCMS is not installed (tools/install-deps.sh installs the argyll package)");
        const QString tech = m_app.tokens.value(Role::Technician);
        apptest::Run r = m_app.wallctl({"calibrate", "uniformity", "start", "--warmup", "0"}, tech);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = m_app.wallctl({"calibrate", "uniformity", "measure", "r1c1", "--luminance", "300"},
                          tech);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        for (const char *where : {"--wall-meter", "--meter"}) {
            r = m_app.wallctl(
                {"calibrate", "uniformity", "measure", "r1c2", where, "--meter-timeout", "3"},
                tech);
            QVERIFY2(r.exitCode == 1, where);
            QVERIFY2(r.err.contains("no meter found: ") && r.err.contains("nothing was recorded"),
                     r.err.constData());
        }
        const QJsonObject u =
            apptest::json(m_app.wallctl({"calibrate", "uniformity", "status", "--json"}, tech));
        QCOMPARE(u["session"]["before"].toArray().size(), 1);
        QCOMPARE(u["session"]["before"][0]["luminance"].toDouble(), 300.0);
        QCOMPARE(u["meter"]["state"].toString(), QStringLiteral("failed"));
        r = m_app.wallctl({"calibrate", "uniformity", "cancel"}, tech);
        QVERIFY2(r.exitCode == 0, r.err.constData());
    }

    void geometryNudgeSaveUndo() {
        const QString tech = m_app.tokens.value(Role::Technician);
        const QJsonObject wall = jsonOf(m_app.api("GET", "/wall").body);
        const QString id = wall["displays"][1]["id"].toString();
        const double x = wall["displays"][1]["xMm"].toDouble();
        apptest::Run r =
            m_app.wallctl({"calibrate", "geometry", "nudge", id, "--dy", "-4", "--json"}, tech);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(apptest::json(r)["x"].toDouble(), x);
        r = m_app.wallctl({"calibrate", "geometry", "save", "--note", "shim under the bracket"},
                          tech);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject geometry =
            apptest::json(m_app.wallctl({"calibrate", "geometry", "--json"}, tech));
        QCOMPARE(geometry["revisions"][0]["note"].toString(),
                 QStringLiteral("shim under the bracket"));
        QCOMPARE(geometry["revisions"][0]["by"].toString(), QStringLiteral("e2e-technician"));
        r = m_app.wallctl({"calibrate", "geometry", "undo"}, tech);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject audit =
            jsonOf(m_app.api("GET", "/audit?action=calibration.geometry&limit=10").body);
        QVERIFY(QJsonDocument(audit).toJson().contains("calibration.geometrySave"));
        r = m_app.wallctl({"calibrate", "geometry", "nudge", id, "--rotation", "45"}, tech);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("field rotation"), r.err.constData());
    }

    // A packaged wall starts with --wall /etc/opswall/wall.json every time: the geometry a
    // technician saved survives a restart with the same file, and an edited file is applied.
    void savedGeometrySurvivesARestartWithTheSameWallFile() {
        apptest::Wall wall;
        const QString file = wall.dir.filePath(QStringLiteral("wall.json"));
        QVERIFY(QFile::copy(QStringLiteral(OPSWALL_SOURCE_DIR "/assets/demo/wall.json"), file));
        QFile::setPermissions(file, QFile::ReadOwner | QFile::WriteOwner);
        wall.extraArgs = {QStringLiteral("--wall"), file};
        QString why;
        QVERIFY2(wall.start(&why), qPrintable(why));
        QVERIFY2(wall.makeRoleTokens(&why), qPrintable(why));
        const QString tech = wall.tokens.value(Role::Technician);
        const auto displayY = [&wall] {
            return jsonOf(wall.api("GET", "/wall").body)["displays"][1]["yMm"].toDouble();
        };
        const double y = displayY();
        const QString id = jsonOf(wall.api("GET", "/wall").body)["displays"][1]["id"].toString();
        apptest::Run r = wall.wallctl({"calibrate", "geometry", "nudge", id, "--dy", "-4"}, tech);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = wall.wallctl({"calibrate", "geometry", "save", "--note", "shim"}, tech);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(displayY(), y - 4);

        QVERIFY(wall.stop());
        QVERIFY2(wall.start(&why), qPrintable(why));
        QCOMPARE(displayY(), y - 4); // the same file: the saved geometry stays

        QFile f(file);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QJsonObject doc = QJsonDocument::fromJson(f.readAll()).object();
        f.close();
        doc.insert(QStringLiteral("name"), QStringLiteral("Tường chính (sửa)"));
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(QJsonDocument(doc).toJson());
        f.close();
        QVERIFY(wall.stop());
        QVERIFY2(wall.start(&why), qPrintable(why));
        const QJsonObject edited = jsonOf(wall.api("GET", "/wall").body);
        QCOMPARE(edited["name"].toString(), QStringLiteral("Tường chính (sửa)"));
        QCOMPARE(displayY(), y); // an edited file is applied as it is
    }

private:
    apptest::Wall m_app;
};

QTEST_GUILESS_MAIN(TestAppCalibration)
#include "tst_app_calibration.moc"
