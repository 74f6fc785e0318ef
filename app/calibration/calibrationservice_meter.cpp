// CalibrationService: a uniformity reading from a meter through ArgyllCMS's spotread, run on the
// wall controller ("measure" with "meter": true). spotread runs non-interactively with "-e -x -O"
// (emissive, Yxy, one reading and exit) and prints "Result is XYZ: X Y Z, Yxy: ..." (spotread.c);
// the reading is recorded like one entered by hand. With no instrument (or none answering within
// the timeout) the read fails with "no meter found" and the reason in words; the session keeps
// every measurement it had.
#include "calibration/calibrationservice.h"
#include "calibration/calibrationservice_p.h"

#include <QJsonArray>
#include <QProcess>
#include <QStandardPaths>
#include <QTimer>

namespace opswall::calibration {

QJsonObject CalibrationService::Meter::toJson() const {
    QJsonObject o{{QStringLiteral("state"), state.isEmpty() ? QStringLiteral("idle") : state}};
    if (!display.isEmpty())
        o.insert(QStringLiteral("display"), display);
    if (!error.isEmpty())
        o.insert(QStringLiteral("error"), error);
    if (state == QLatin1String("done"))
        o.insert(QStringLiteral("luminance"), luminance);
    if (at.isValid())
        o.insert(QStringLiteral("at"), at.toString(Qt::ISODateWithMs));
    return o;
}

ActionResult CalibrationService::startMeterRead(const QString &display, const QJsonObject &p) {
    if (m_meterProcess)
        return ActionResult::failure(
            QStringLiteral("conflict"),
            QStringLiteral("the meter is reading %1 now: wait for it").arg(m_meter.display),
            QStringLiteral("meter"));
    const QJsonValue t = p.value(QStringLiteral("meterTimeoutMs"));
    const double timeoutMs = t.isUndefined() ? kDefaultMeterTimeoutMs : t.toDouble(-1);
    if (timeoutMs < 1000 || timeoutMs > 120000)
        return invalid(QStringLiteral("'meterTimeoutMs' must be 1000..120000"),
                       QStringLiteral("meterTimeoutMs"));
    QString program = m_meterProgram;
    if (program.isEmpty())
        program = qEnvironmentVariable("OPSWALL_SPOTREAD");
    if (program.isEmpty())
        program = QStandardPaths::findExecutable(QStringLiteral("spotread"));
    if (program.isEmpty())
        return ActionResult::failure(QStringLiteral("unavailable"),
                                     QStringLiteral("no meter found: ArgyllCMS's spotread is not "
                                                    "installed on the wall controller (apt-get "
                                                    "install argyll)"),
                                     QStringLiteral("meter"));
    auto *process = new QProcess(this);
    process->setProcessChannelMode(QProcess::MergedChannels);
    m_meterProcess = process;
    m_meter = Meter{QStringLiteral("reading"), display, {}, 0, m_clock()};
    auto *timer = new QTimer(process);
    timer->setSingleShot(true);
    QPointer<CalibrationService> self(this);
    const int seconds = int(timeoutMs / 1000);
    connect(timer, &QTimer::timeout, this, [self, process, seconds] {
        if (!self || self->m_meterProcess != process)
            return;
        const QByteArray output = process->readAll();
        self->m_meterProcess = nullptr;
        process->disconnect(self);
        process->kill();
        process->waitForFinished(2000);
        process->deleteLater();
        self->finishMeterRead(output, QStringLiteral("no meter found: spotread took no reading "
                                                     "within %1 s (no instrument answered; is "
                                                     "one plugged in?)")
                                          .arg(seconds));
    });
    connect(process, &QProcess::finished, this, [self, process](int code, QProcess::ExitStatus) {
        if (!self || self->m_meterProcess != process)
            return;
        self->m_meterProcess = nullptr;
        const QByteArray output = process->readAll();
        process->deleteLater();
        self->finishMeterRead(
            output, QStringLiteral("spotread ended (exit code %1) without a reading").arg(code));
    });
    connect(process, &QProcess::errorOccurred, this, [self, process](QProcess::ProcessError e) {
        if (!self || self->m_meterProcess != process || e != QProcess::FailedToStart)
            return;
        self->m_meterProcess = nullptr;
        process->deleteLater();
        self->finishMeterRead({},
                              QStringLiteral("no meter found: spotread could not be started (%1)")
                                  .arg(process->errorString()));
    });
    process->start(program, {QStringLiteral("-e"), QStringLiteral("-x"), QStringLiteral("-O")});
    process->closeWriteChannel(); // never waits for a key press
    timer->start(int(timeoutMs));
    QJsonObject o = m_session.toJson(m_clock());
    o.insert(QStringLiteral("meter"), m_meter.toJson());
    return ActionResult::success(o);
}

void CalibrationService::finishMeterRead(const QByteArray &output, const QString &failure) {
    const QByteArray text = output.right(qsizetype(uniformity::kMaxSpotreadInput));
    std::string why;
    const auto reading = uniformity::parseSpotread(
        std::string_view(text.constData(), std::size_t(text.size())), &why);
    m_meter.at = m_clock();
    if (!reading) {
        // spotread says why in its last line ("No instrument ...", "Failed to ..."): keep it.
        QString last;
        for (const QByteArray &line : text.split('\n'))
            if (!line.trimmed().isEmpty())
                last = QString::fromUtf8(line.trimmed()).left(200);
        m_meter.state = QStringLiteral("failed");
        m_meter.error =
            failure.startsWith(QLatin1String("no meter found"))
                ? failure
                : QStringLiteral("no meter found: %1%2")
                      .arg(failure,
                           last.isEmpty() ? QString() : QStringLiteral(" — \"%1\"").arg(last));
    } else if (!m_session.active || !m_session.displays.contains(m_meter.display)) {
        m_meter.state = QStringLiteral("failed");
        m_meter.error = QStringLiteral("the uniformity session ended before the reading came; "
                                       "nothing was recorded");
    } else {
        uniformity::Measurement m;
        m.display = m_meter.display.toStdString();
        m.luminance = reading->luminance();
        m.white = reading->white();
        if (const auto e = uniformity::validate({m})) {
            m_meter.state = QStringLiteral("failed");
            m_meter.error = QStringLiteral("the meter's reading was refused: %1")
                                .arg(QString::fromStdString(e->what));
        } else {
            (m_session.phase == QLatin1String("remeasure") ? m_session.after : m_session.before)
                .insert(m_meter.display, m);
            m_meter.state = QStringLiteral("done");
            m_meter.luminance = m.luminance;
        }
    }
    qCInfo(lcCalibration).noquote() << QStringLiteral("meter read of %1: %2 %3")
                                           .arg(m_meter.display, m_meter.state, m_meter.error);
    Q_EMIT meterFinished(m_meter.toJson());
}

} // namespace opswall::calibration
