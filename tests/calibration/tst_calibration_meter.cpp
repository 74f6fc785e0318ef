// The uniformity workflow's meter: a "measure" step with "meter": true runs ArgyllCMS's spotread
// on the wall controller. With the REAL spotread and no instrument attached (this machine has
// none), the read fails with "no meter found" in words, a second read is refused while one runs,
// and the measurements already taken stay. A FAILURE-INJECTION STAND-IN
// (fixtures/spotread-standin.sh, printing spotread's own "Result is XYZ: ..., Yxy: ..." output)
// drives the outcomes an instrument-less machine cannot: a reading recorded, a set with no
// instrument saying so, one that never answers, one that prints nonsense.
// Real WallState, Dispatcher (roles, audit) and SQLite store; no display control is needed.
#include "calibration/calibrationservice.h"
#include "calibration/profilestore.h"
#include "calibrationrig.h"
#include "store/database.h"
#include "wall/dispatcher.h"
#include "wall/wallstate.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

using namespace opswall;
using namespace opswall::calibration;

namespace {
const Caller kTech{"tech1", Role::Technician, "local", "test"};
const Caller kOperator{"op1", Role::Operator, "local", "test"};
} // namespace

class TestCalibrationMeter : public QObject, public test::CalibrationRig {
    Q_OBJECT

    QString m_standIn;

    ActionResult dispatch(const QJsonObject &params, const Caller &c = kTech) {
        return m_dispatcher->dispatch({QStringLiteral("calibration.uniformity"), params}, c);
    }
    // The uniformity view as the API answers it: read on a connection of its own
    // (CalibrationService::storeRead, a worker thread's reader in the app).
    QJsonObject uniformity() const { return view(QStringLiteral("calibration-uniformity")); }
    // A meter read of display, waited for: the meter's state as the view shows it.
    QJsonObject readMeter(const QString &display, int timeoutMs, ActionResult *started = nullptr) {
        QSignalSpy finished(m_service.get(), &CalibrationService::meterFinished);
        const ActionResult r = dispatch({{"step", "measure"},
                                         {"display", display},
                                         {"meter", true},
                                         {"meterTimeoutMs", timeoutMs}});
        if (started)
            *started = r;
        if (!r.ok)
            return {{"refused", r.message}};
        if (r.data["meter"]["state"].toString() != QLatin1String("reading"))
            return {{"unexpected", r.data["meter"].toObject()}};
        if (!finished.wait(timeoutMs + 10000))
            return {{"unexpected", QStringLiteral("no meterFinished")}};
        return uniformity()["meter"].toObject();
    }
    QJsonArray before() const {
        const QJsonObject u = uniformity();
        return u["session"]["before"].toArray();
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        m_standIn = QFINDTESTDATA("fixtures/spotread-standin.sh");
        QVERIFY(QFileInfo(m_standIn).isExecutable());
        startRig(test::panelGrid(1, 3, "meter"));
    }

    void init() {
        QVERIFY(dispatch({{"step", "start"}, {"warmupMinutes", 0}}).ok);
        // One reading taken by hand before any meter read: it must survive every failure.
        QVERIFY(dispatch({{"step", "measure"}, {"display", "r1c1"}, {"luminance", 210.5}}).ok);
        m_service->setMeterProgram({});
        qunsetenv("OPSWALL_STANDIN_MODE");
    }
    void cleanup() { dispatch({{"step", "cancel"}}); }

    void realSpotreadWithoutAnInstrumentSaysNoMeterFound() {
        if (QStandardPaths::findExecutable("spotread").isEmpty())
            QSKIP("ArgyllCMS is not installed (tools/install-deps.sh installs the argyll package)");
        // The real program: it finds no instrument (or none answers) within the timeout.
        ActionResult started;
        QSignalSpy finished(m_service.get(), &CalibrationService::meterFinished);
        started = dispatch(
            {{"step", "measure"}, {"display", "r1c2"}, {"meter", true}, {"meterTimeoutMs", 4000}});
        QVERIFY2(started.ok, qPrintable(started.message));
        // One meter, one read at a time: a second ask is refused while it runs, and says why.
        const ActionResult second = dispatch(
            {{"step", "measure"}, {"display", "r1c3"}, {"meter", true}, {"meterTimeoutMs", 4000}});
        QCOMPARE(second.code, QStringLiteral("conflict"));
        QVERIFY2(second.message.contains("the meter is reading r1c2"), qPrintable(second.message));
        QVERIFY(finished.wait(20000));
        const QJsonObject meter = uniformity()["meter"].toObject();
        QCOMPARE(meter["state"].toString(), QStringLiteral("failed"));
        QCOMPARE(meter["display"].toString(), QStringLiteral("r1c2"));
        QVERIFY2(meter["error"].toString().startsWith("no meter found: "),
                 qPrintable(meter["error"].toString()));
        // Nothing lost, nothing invented: r1c1's reading is the only one.
        QCOMPARE(before().size(), 1);
        QCOMPARE(before().at(0)["display"].toString(), QStringLiteral("r1c1"));
        QCOMPARE(before().at(0)["luminance"].toDouble(), 210.5);
    }

    void standInReadingIsRecordedWithItsWhitePoint() {
        m_service->setMeterProgram(m_standIn); // failure-injection stand-in, real output format
        qputenv("OPSWALL_STANDIN_YXY", "180.5 0.3127 0.329");
        const QJsonObject meter = readMeter("r1c2", 5000);
        QCOMPARE(meter["state"].toString(), QStringLiteral("done"));
        QCOMPARE(meter["luminance"].toDouble(), 180.5);
        QCOMPARE(before().size(), 2);
        const QJsonObject r1c2 = before().at(1).toObject();
        QCOMPARE(r1c2["display"].toString(), QStringLiteral("r1c2"));
        QVERIFY(qAbs(r1c2["x"].toDouble() - 0.3127) < 1e-4);
        QVERIFY(qAbs(r1c2["y"].toDouble() - 0.329) < 1e-4);
    }

    void standInFailuresSayWhyAndLoseNothing() {
        m_service->setMeterProgram(m_standIn); // failure-injection stand-in
        struct Case {
            const char *mode;
            int timeoutMs;
            const char *words;
        };
        for (const Case &c : {Case{"noinstrument", 5000, "No instrument found"},
                              Case{"hang", 1000, "took no reading within 1 s"},
                              Case{"garbage", 5000, "without a reading"}}) {
            qputenv("OPSWALL_STANDIN_MODE", c.mode);
            const QJsonObject meter = readMeter("r1c3", c.timeoutMs);
            QCOMPARE(meter["state"].toString(), QStringLiteral("failed"));
            const QString error = meter["error"].toString();
            QVERIFY2(error.startsWith("no meter found: ") && error.contains(c.words),
                     qPrintable(QStringLiteral("%1: %2").arg(c.mode, error)));
            QCOMPARE(before().size(), 1);
        }
    }

    void aMissingProgramAndTheGatesAreRefusedAtOnce() {
        m_service->setMeterProgram(m_dir.filePath("no-such-spotread"));
        QJsonObject meter = readMeter("r1c2", 5000);
        QVERIFY2(meter["error"].toString().startsWith("no meter found: spotread could not be "
                                                      "started"),
                 qPrintable(meter["error"].toString()));
        ActionResult r;
        meter = readMeter("r9c9", 5000, &r);
        QCOMPARE(r.field, QStringLiteral("display"));
        meter = readMeter("r1c2", 10, &r);
        QCOMPARE(r.field, QStringLiteral("meterTimeoutMs"));
        // Operators may not read the meter (technician and admin only).
        r = dispatch({{"step", "measure"}, {"display", "r1c2"}, {"meter", true}}, kOperator);
        QCOMPARE(r.code, QStringLiteral("forbidden"));
        QCOMPARE(before().size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestCalibrationMeter)
#include "tst_calibration_meter.moc"
