// Calibration, pure parts: the opswall.calibration document (good and bad fixtures, each bad one
// refused naming its field), settings -> driver commands, read-back and drift, the uniformity
// arithmetic on a recorded set of measurements (fixtures/measurements-3x4.json, documented
// there), and the spotread parser.
#include "calibration/settings.h"
#include "calibration/uniformity.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QtTest>

using namespace opswall;
using namespace opswall::calibration;
using drivers::Op;
using drivers::Result;
using drivers::Status;

namespace {
QByteArray fixture(const QString &name) {
    QFile f(qEnvironmentVariable("OPSWALL_FIXTURES_DIR") + u'/' + name);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("missing fixture %s", qPrintable(name));
    return f.readAll();
}

const QStringList kWall{QStringLiteral("r1c1"), QStringLiteral("r1c2"), QStringLiteral("r2c1")};

Result ok(int value, std::vector<int> values = {}, std::string text = {}) {
    Result r;
    r.status = Status::Ok;
    r.value = value;
    r.values = std::move(values);
    r.text = std::move(text);
    return r;
}
} // namespace

class TestCalibrationUnits : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void goodDocumentRoundTrips() {
        QString error, field;
        const auto doc = parseDocument(fixture(QStringLiteral("good.json")), kWall, &error, &field);
        QVERIFY2(doc, qPrintable(error));
        QCOMPARE(doc->profiles.size(), 2);
        const PictureSettings &a = doc->profiles.value(QStringLiteral("r1c1"));
        QCOMPARE(*a.backlight, 40);
        QCOMPARE(*a.colourTemperatureK, 6500);
        QCOMPARE(*a.pictureMode, QStringLiteral("standard"));
        QCOMPARE(a.tiling->columns, 4);
        QCOMPARE(*a.bezelCompensation, true);
        QVERIFY(!a.rgbGain);
        const PictureSettings &b = doc->profiles.value(QStringLiteral("r1c2"));
        QCOMPARE((*b.rgbGain)[2], 180);
        QCOMPARE(*b.gamma, QStringLiteral("2.2"));
        // Export, then import what was exported: the same profiles.
        const auto again = parseDocument(exportDocument(*doc), kWall, &error, &field);
        QVERIFY2(again, qPrintable(error));
        QVERIFY(again->profiles == doc->profiles);
        QVERIFY(exportDocument(*doc).contains("\"kind\": \"opswall.calibration\""));
    }

    void badDocumentsNameTheField_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("words");
        QTest::newRow("kind") << "bad-kind.json"
                              << "kind"
                              << "opswall.calibration";
        QTest::newRow("version") << "bad-version.json"
                                 << "schemaVersion"
                                 << "must be 1";
        QTest::newRow("gain") << "bad-gain.json"
                              << "profiles.r1c1.rgbGain[1]"
                              << "0..255";
        QTest::newRow("display") << "bad-display.json"
                                 << "profiles.r9c9"
                                 << "no display";
        QTest::newRow("tiling") << "bad-tiling.json"
                                << "profiles.r1c1.tiling.position"
                                << "1..4";
        QTest::newRow("unknown") << "bad-unknown.json"
                                 << "profiles.r1c1.backlite"
                                 << "unknown setting";
        QTest::newRow("fraction") << "bad-fraction.json"
                                  << "profiles.r1c1.backlight"
                                  << "whole number";
        QTest::newRow("json") << "bad-json.json"
                              << ""
                              << "not JSON";
    }
    void badDocumentsNameTheField() {
        QFETCH(QString, file);
        QFETCH(QString, field);
        QFETCH(QString, words);
        QString error, got;
        QVERIFY(!parseDocument(fixture(file), kWall, &error, &got));
        QCOMPARE(got, field);
        QVERIFY2(error.contains(words), qPrintable(error));
        QVERIFY2(field.isEmpty() || error.startsWith(field), qPrintable(error));
    }

    void everyProblemOfADocumentIsListed() {
        // Three bad profiles and a good one: each problem named by its field, in document order;
        // the first is the one error/field give; nothing is read (all or nothing).
        QString error, field;
        QStringList problems;
        QVERIFY(!parseDocument(fixture(QStringLiteral("bad-several.json")), kWall, &error, &field,
                               &problems));
        QCOMPARE(problems.size(), 3);
        QVERIFY2(problems[0].startsWith("profiles.r1c1.backlight: "), qPrintable(problems[0]));
        QVERIFY2(problems[1].startsWith("profiles.r2c1.rgbGain: "), qPrintable(problems[1]));
        QVERIFY2(problems[2].startsWith("profiles.r9c9: the wall has no display"),
                 qPrintable(problems[2]));
        QCOMPARE(error, problems[0]);
        QCOMPARE(field, QStringLiteral("profiles.r1c1.backlight"));
        // Without the list, the first problem alone, as before.
        QString only, onlyField;
        QVERIFY(
            !parseDocument(fixture(QStringLiteral("bad-several.json")), kWall, &only, &onlyField));
        QCOMPARE(only, error);
        QCOMPARE(onlyField, field);
    }

    void settingsBecomeDriverCommandsInOrder() {
        PictureSettings s;
        s.backlight = 40;
        s.pictureMode = QStringLiteral("standard");
        s.rgbGain = std::array<int, 3>{200, 190, 180};
        s.tiling = Tiling{4, 3, 7};
        const auto cmds = setCommands(s);
        QCOMPARE(cmds.size(), std::size_t(4));
        // The picture mode first: switching it may reset the others on some models.
        QCOMPARE(cmds[0].setting, QStringLiteral("pictureMode"));
        QVERIFY(cmds[0].command.op == Op::SetPictureMode);
        QCOMPARE(cmds[1].setting, QStringLiteral("rgbGain"));
        QVERIFY((cmds[1].command.values == std::vector<int>{200, 190, 180}));
        QCOMPARE(cmds[2].setting, QStringLiteral("backlight"));
        QCOMPARE(cmds[2].command.value, 40);
        QVERIFY((cmds[3].command.values == std::vector<int>{4, 3, 7}));
        QCOMPARE(readCommands().size(), std::size_t(settingNames().size()));
    }

    void readbackAndDrift() {
        PictureSettings want;
        want.backlight = 40;
        want.contrast = 70;
        want.rgbGain = std::array<int, 3>{200, 190, 180};
        want.tiling = Tiling{4, 3, 2};
        const auto asked = readCommands();
        std::vector<Result> got;
        for (const auto &c : asked) {
            if (c.setting == QLatin1String("backlight"))
                got.push_back(ok(55));
            else if (c.setting == QLatin1String("contrast"))
                got.push_back(ok(70));
            else if (c.setting == QLatin1String("tiling"))
                got.push_back(ok(-1, {1, 4, 3, 2}));
            else if (c.setting == QLatin1String("rgbGain"))
                got.push_back(Result::failure(Status::Unsupported,
                                              "unsupported on this display: no RGB gain"));
            else
                got.push_back(ok(1, {}, "standard"));
        }
        const Readback rb = readbackFrom(asked, got);
        QCOMPARE(*rb.settings.backlight, 55);
        QVERIFY(rb.settings.tiling == (Tiling{4, 3, 2}));
        QVERIFY(rb.unreadable.value(QStringLiteral("rgbGain")).contains("unsupported"));
        const QList<Drift> d = drift(want, rb);
        QCOMPARE(d.size(), 2); // backlight differs, rgbGain unreadable; contrast and tiling agree
        QCOMPARE(d[0].setting, QStringLiteral("rgbGain"));
        QVERIFY(d[0].have.isNull());
        QVERIFY(d[0].why.contains("unsupported on this display"));
        QCOMPARE(d[1].setting, QStringLiteral("backlight"));
        QCOMPARE(d[1].want.toInt(), 40);
        QCOMPARE(d[1].have.toInt(), 55);
        QCOMPARE(driftJson(d)["inStep"].toBool(), false);
        QCOMPARE(driftJson({})["inStep"].toBool(), true);
        QCOMPARE(
            resultWords(Result::failure(Status::Nak, "display answered NAK, error code 2")),
            QStringLiteral("refused by the display (NAK): display answered NAK, error code 2"));
    }

    void uniformityOnRecordedMeasurements() {
        const QJsonObject rec = QJsonDocument::fromJson(fixture("measurements-3x4.json")).object();
        std::vector<uniformity::Measurement> ms;
        for (const QJsonValue &v : rec["before"].toArray()) {
            uniformity::Measurement m;
            m.display = v["display"].toString().toStdString();
            m.luminance = v["luminance"].toDouble();
            m.white = uniformity::Chromaticity{v["x"].toDouble(), v["y"].toDouble()};
            m.backlight = rec["backlight"].toInt();
            m.gains = std::array<int, 3>{200, 200, 200};
            ms.push_back(m);
        }
        QVERIFY(!uniformity::validate(ms));
        uniformity::Options o;
        o.luminanceTolerancePercent = 5;
        o.whiteTolerance = 0.003;
        const auto p = uniformity::plan(ms, o);
        // Before: 398.6 .. 455.9 cd/m2 = 12.6 % spread, and r2c4's white is 0.0058 from the mean.
        QCOMPARE(qRound(p.before.luminancePercent * 10), 126);
        QVERIFY(!p.before.pass);
        QVERIFY(*p.before.whiteDistance > 0.005);
        QVERIFY(p.targetLuminance > 380 && p.targetLuminance <= 398.6);
        QCOMPARE(p.corrections.size(), std::size_t(12));
        for (const auto &c : p.corrections) {
            // Gains only go down; one channel keeps its gain.
            QVERIFY(c.gains);
            QCOMPARE(std::max({(*c.gains)[0], (*c.gains)[1], (*c.gains)[2]}), 200);
            QVERIFY(c.backlight && *c.backlight <= 70);
            // Integer backlight steps: within 1 % of the target.
            QVERIFY2(std::abs(c.predictedLuminance - p.targetLuminance) / p.targetLuminance < 0.01,
                     c.display.c_str());
        }
        // r2c4 is the warmest (most red): its red gain comes down the most, blue stays.
        const auto &warm = p.corrections[7];
        QCOMPARE(warm.display, std::string("r2c4"));
        QVERIFY((*warm.gains)[0] < 195);
        QCOMPARE((*warm.gains)[2], 200);
        // r1c4 is the brightest: its backlight comes down the most.
        const auto &bright = p.corrections[3];
        QVERIFY(*bright.backlight < 63);
        QVERIFY(p.predicted.pass);
        QVERIFY(p.predicted.luminancePercent < 1.5);

        // After re-measuring (values as a second visit would give): the spread is recorded
        // against the tolerance.
        std::vector<uniformity::Measurement> after = ms;
        for (std::size_t i = 0; i < after.size(); ++i) {
            after[i].luminance = p.targetLuminance * (1 + 0.01 * double(int(i % 3) - 1));
            after[i].white = p.targetWhite;
        }
        const auto s = uniformity::spread(after, o);
        QVERIFY(s.pass);
        QVERIFY(s.luminancePercent < 2.1);
    }

    void uniformityRefusesNonsense() {
        uniformity::Measurement m;
        m.display = "r1c1";
        m.luminance = 0;
        QVERIFY(uniformity::validate({m})->what.find("r1c1: luminance") == 0);
        m.luminance = 400;
        m.white = uniformity::Chromaticity{0.7, 0.4};
        QVERIFY(uniformity::validate({m})->what.find("white point") != std::string::npos);
        QVERIFY(uniformity::validate({}));
        // Without current backlight and gains, the plan says what it could not correct.
        m.white.reset();
        const auto p = uniformity::plan({m}, {});
        QVERIFY(!p.corrections[0].backlight);
        QVERIFY(!p.corrections[0].notes.empty());
    }

    void spotreadResultLine() {
        QFile f(qEnvironmentVariable("OPSWALL_CORPUS_DIR") + QStringLiteral("/spotread/result"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray text = f.readAll();
        const auto r = uniformity::parseSpotread(std::string_view(text.constData(), text.size()));
        QVERIFY(r);
        QCOMPARE(qRound(r->luminance() * 100), 44127);
        QCOMPARE(qRound(r->white().x * 10000), 3142);
        QCOMPARE(qRound(r->white().y * 10000), 3303);
        std::string why;
        QVERIFY(!uniformity::parseSpotread("Result is XYZ: 1 2\nno reading\n", &why));
        QVERIFY(why.find("Result is XYZ") != std::string::npos);
        QVERIFY(!uniformity::parseSpotread("Result is XYZ: 1 -2 3\n"));
        // Bounded: a result beyond the first 64 KiB is not looked at.
        std::string big(70 * 1024, 'a');
        big += "\nResult is XYZ: 95.0 100.0 108.9\n";
        QVERIFY(!uniformity::parseSpotread(big));
    }
};

QTEST_GUILESS_MAIN(TestCalibrationUnits)
#include "tst_calibration_units.moc"
