// wallctl calibrate: the technician's calibration workflow over the control API
// (/api/v1/calibration/...). QtCore + QtNetwork only. Exit codes: wallctl/commands.h.
#include "commands.h"

#include "apioptions.h"

#include "control/apiclient.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QStringList>
#include <QTextStream>
#include <QThread>

#include <cstdio>
#include <optional>

namespace wallctl {

namespace {

const char kHelp[] =
    R"(usage: wallctl calibrate COMMAND [ARGS] [OPTIONS]      (technicians and admins)

Commands:
  pattern NAME [--displays a,b]  show a test pattern instead of the layout: white, black, red,
                                 green, blue, grey, greysteps, greyramp, colourbars, crosshatch,
                                 idcard, uniformity
  clear                          dismiss the pattern; the live layout returns untouched
  profiles [ID]                  every profile, or one display's with its history
  set [--displays a,b | --output NAME] [--replace] [--note TEXT] KEY=VALUE ...
                                 set profile settings (default: every display), e.g.
                                 backlight=40 contrast=70 colourTemperature=6500
                                 rgbGain=[200,190,180] pictureMode=standard
                                 tiling={"columns":4,"rows":3,"position":1}
  read [--displays a,b | --output NAME]   read every setting back from the displays, show drift
  apply [--displays a,b | --output NAME]  apply the profiles, show the result per display
  drift                          what the last read-back differs in from the profiles
  export [--file FILE]           the profiles as an opswall.calibration document
  import --file FILE             import such a document (strict: a refusal names the field)
  uniformity status
           | start [--displays a,b] [--warmup MIN] [--tolerance PCT]
           | measure ID (--luminance CDM2 [--x X --y Y] | --spotread FILE | --meter
                         | --wall-meter) [--meter-timeout SEC]
           | plan | apply | finish | cancel
                                 --meter runs ArgyllCMS 'spotread -e -x -O' here, once (an
                                 instrument plugged into this computer); --wall-meter has the
                                 wall controller read the meter plugged into it. Without an
                                 instrument: "no meter found" and nothing is recorded
  geometry [status] | nudge ID [--dx MM] [--dy MM] [--rotation DEG] | save [--note TEXT] | undo
                                 wall set-up: move a display in the model live (show the
                                 crosshatch to see it), save as a wall revision, undo

Options: --url, --token, --json, --cacert, --insecure, --timeout SEC (as for 'wallctl help api');
--wait SEC how long read/apply wait for the displays (default 60).

Exit status: 0 done; 1 refused or a display did not take its settings; 2 usage error;
3 could not connect or timed out; 4 authentication or permission refused.
)";

int usageError(const QString &message) {
    std::fprintf(stderr, "wallctl calibrate: %s\nTry 'wallctl calibrate --help'.\n",
                 qPrintable(message));
    return Usage;
}

// A failure's report and exit code (apioptions.h); Ok otherwise.
int report(const ApiResponse &r, bool json) {
    return reportFailure(r, json);
}

void printJson(const QJsonValue &v) {
    QTextStream out(stdout);
    if (v.isObject())
        out << QJsonDocument(v.toObject()).toJson(QJsonDocument::Indented);
    else if (v.isArray())
        out << QJsonDocument(v.toArray()).toJson(QJsonDocument::Indented);
}

// A run's result, one line per display: "r1c2  FAILED  refused backlight (...)".
void printRun(const QJsonObject &run) {
    QTextStream out(stdout);
    out << run.value(QStringLiteral("kind")).toString() << " run "
        << run.value(QStringLiteral("id")).toInteger() << ": "
        << run.value(QStringLiteral("summary")).toString() << '\n';
    const QJsonObject displays = run.value(QStringLiteral("displays")).toObject();
    for (auto it = displays.begin(); it != displays.end(); ++it) {
        const QJsonObject d = it->toObject();
        out << "  " << it.key().leftJustified(8) << ' '
            << (d.value(QStringLiteral("ok")).toBool() ? "ok    " : "FAILED") << "  "
            << d.value(QStringLiteral("summary")).toString() << '\n';
        const QJsonObject drift = d.value(QStringLiteral("drift")).toObject();
        for (const QJsonValue &x : drift.value(QStringLiteral("drift")).toArray()) {
            const QJsonObject o = x.toObject();
            out << "           drift " << o.value(QStringLiteral("setting")).toString() << ": want "
                << QJsonDocument(QJsonArray{o.value(QStringLiteral("want"))})
                       .toJson(QJsonDocument::Compact)
                       .mid(1)
                       .chopped(1)
                << ", have "
                << (o.value(QStringLiteral("have")).isNull()
                        ? QStringLiteral("(%1)").arg(o.value(QStringLiteral("why")).toString())
                        : QString::fromUtf8(
                              QJsonDocument(QJsonArray{o.value(QStringLiteral("have"))})
                                  .toJson(QJsonDocument::Compact)
                                  .mid(1)
                                  .chopped(1)))
                << '\n';
        }
    }
}

// The meter plugged into this computer: ArgyllCMS spotread (or OPSWALL_SPOTREAD, e.g. a test's
// failure-injection stand-in) run once, non-interactively: "-e" emissive, "-x" Yxy, "-O" one
// reading and exit; stdin closed so it never waits for a key. Its output, or why there is none
// in words ("no meter found: ...").
std::optional<QString> readMeterHere(double seconds, QString *why) {
    QString spotread = qEnvironmentVariable("OPSWALL_SPOTREAD");
    if (spotread.isEmpty())
        spotread = QStandardPaths::findExecutable(QStringLiteral("spotread"));
    if (spotread.isEmpty()) {
        *why = QStringLiteral("no meter found: ArgyllCMS's spotread is not installed here "
                              "(apt-get install argyll)");
        return std::nullopt;
    }
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(spotread, {QStringLiteral("-e"), QStringLiteral("-x"), QStringLiteral("-O")});
    p.closeWriteChannel();
    if (!p.waitForStarted(5000)) {
        *why = QStringLiteral("no meter found: spotread could not be started (%1)")
                   .arg(p.errorString());
        return std::nullopt;
    }
    if (!p.waitForFinished(int(seconds * 1000))) {
        p.kill();
        p.waitForFinished(2000);
        *why = QStringLiteral("no meter found: spotread took no reading within %1 s (no "
                              "instrument answered; is one plugged in?)")
                   .arg(seconds);
        return std::nullopt;
    }
    const QByteArray out = p.readAll().right(64 * 1024);
    if (!out.contains("Result is XYZ:")) {
        QString last;
        for (const QByteArray &line : out.split('\n'))
            if (!line.trimmed().isEmpty())
                last = QString::fromUtf8(line.trimmed()).left(200);
        *why = QStringLiteral("no meter found: spotread ended (exit code %1) without a reading%2")
                   .arg(p.exitCode())
                   .arg(last.isEmpty() ? QString() : QStringLiteral(" — \"%1\"").arg(last));
        return std::nullopt;
    }
    return QString::fromUtf8(out.right(4096));
}

// The meter plugged into the wall controller: ask for a reading, then wait (bounded) for it.
int wallMeter(ApiClient &client, const QJsonObject &body, double seconds, bool json) {
    const ApiResponse started =
        client.request("POST", QStringLiteral("/calibration/uniformity"), body);
    if (const int code = report(started, json))
        return code;
    const QString display = body.value(QStringLiteral("display")).toString();
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < qint64((seconds + 10) * 1000)) {
        const ApiResponse r = client.request("GET", QStringLiteral("/calibration/uniformity"));
        if (const int code = report(r, json))
            return code;
        const QJsonObject meter =
            QJsonDocument::fromJson(r.body).object().value(QStringLiteral("meter")).toObject();
        const QString state = meter.value(QStringLiteral("state")).toString();
        if (meter.value(QStringLiteral("display")).toString() == display &&
            state != QLatin1String("reading")) {
            if (json)
                printJson(meter);
            if (state == QLatin1String("done")) {
                if (!json)
                    std::printf("%s: %.2f cd/m² recorded\n", qPrintable(display),
                                meter.value(QStringLiteral("luminance")).toDouble());
                return Ok;
            }
            std::fprintf(stderr, "wallctl: %s; nothing was recorded\n",
                         qPrintable(meter.value(QStringLiteral("error")).toString()));
            return Failed;
        }
        QThread::msleep(250);
    }
    std::fprintf(stderr, "wallctl: the wall's meter gave no answer within %.0f s\n", seconds + 10);
    return Unreachable;
}

} // namespace

int calibrateMain(int argc, char **argv) {
    int qtArgc = 1;
    QCoreApplication app(qtArgc, argv);
    static const QStringList valued =
        kConnectionOptions +
        QStringList{"--displays", "--output",    "--note",      "--file",     "--wait",
                    "--warmup",   "--tolerance", "--luminance", "--x",        "--y",
                    "--spotread", "--dx",        "--dy",        "--rotation", "--meter-timeout"};
    static const QStringList flagNames =
        kConnectionFlags + QStringList{"--replace", "--meter", "--wall-meter"};
    const Args args = parseArgs(argc, argv, valued, flagNames);
    const QStringList &positional = args.positional;
    const QStringList &flags = args.flags;
    const QMap<QString, QString> &options = args.options;
    if (!args.error.isEmpty())
        return usageError(args.error);
    if (flags.contains(QStringLiteral("--help")) || positional.isEmpty()) {
        std::fputs(kHelp, positional.isEmpty() && !flags.contains(QStringLiteral("--help"))
                              ? stderr
                              : stdout);
        return flags.contains(QStringLiteral("--help")) ? Ok : Usage;
    }
    const bool json = flags.contains(QStringLiteral("--json"));
    ClientSettings s;
    QString err;
    if (!clientSettings(args, &s, &err))
        return usageError(err);
    ApiClient client(s);
    const QString cmd = positional.value(0);
    const QString sub = positional.value(1);

    auto number = [&](const char *name, double *out) -> bool {
        bool ok = false;
        *out = options.value(QLatin1String(name)).toDouble(&ok);
        if (!ok)
            usageError(QStringLiteral("%1 wants a number").arg(QLatin1String(name)));
        return ok;
    };
    // --displays a,b / --output NAME into a request body.
    auto targets = [&](QJsonObject *body) {
        if (options.contains(QStringLiteral("--displays")))
            body->insert(
                QStringLiteral("displays"),
                QJsonArray::fromStringList(
                    options.value(QStringLiteral("--displays")).split(u',', Qt::SkipEmptyParts)));
        if (options.contains(QStringLiteral("--output")))
            body->insert(QStringLiteral("output"), options.value(QStringLiteral("--output")));
    };
    // GET and print (JSON, as the API gives it).
    auto get = [&](const QString &path) {
        const ApiResponse r = client.request("GET", path);
        if (const int code = report(r, json))
            return code;
        printJson(QJsonDocument::fromJson(r.body).object());
        return int(Ok);
    };
    auto send = [&](const QByteArray &method, const QString &path, const QJsonObject &body,
                    QJsonObject *answer = nullptr) {
        const ApiResponse r = client.request(method, path, body);
        if (const int code = report(r, json))
            return code;
        const QJsonObject o = QJsonDocument::fromJson(r.body).object();
        if (answer)
            *answer = o;
        else
            printJson(o);
        return int(Ok);
    };
    // Starts a run and waits (bounded) for its result.
    auto runAndWait = [&](const QString &what, const QJsonObject &body) {
        QJsonObject accepted;
        if (const int code = send("POST", QStringLiteral("/calibration/") + what, body, &accepted))
            return code;
        const qint64 id = accepted.value(QStringLiteral("runId")).toInteger();
        double waitSec = 60;
        if (options.contains(QStringLiteral("--wait")) && !number("--wait", &waitSec))
            return int(Usage);
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < qint64(waitSec * 1000)) {
            const ApiResponse r =
                client.request("GET", QStringLiteral("/calibration/runs/%1").arg(id));
            if (const int code = report(r, json))
                return code;
            const QJsonObject run = QJsonDocument::fromJson(r.body).object();
            if (run.value(QStringLiteral("state")).toString() == QLatin1String("finished")) {
                if (json)
                    printJson(run);
                else
                    printRun(run);
                return run.value(QStringLiteral("ok")).toBool() ? int(Ok) : int(Failed);
            }
            QThread::msleep(250);
        }
        std::fprintf(stderr,
                     "wallctl: run %lld did not finish within %.0f s (see GET "
                     "/api/v1/calibration/runs/%lld)\n",
                     static_cast<long long>(id), waitSec, static_cast<long long>(id));
        return int(Unreachable);
    };

    if (cmd == QLatin1String("pattern")) {
        if (sub.isEmpty())
            return get(QStringLiteral("/calibration/pattern"));
        QJsonObject body{{QStringLiteral("pattern"), sub}};
        targets(&body);
        return send("POST", QStringLiteral("/calibration/pattern"), body);
    }
    if (cmd == QLatin1String("clear"))
        return send("DELETE", QStringLiteral("/calibration/pattern"), {});
    if (cmd == QLatin1String("profiles") || cmd == QLatin1String("profile"))
        return get(sub.isEmpty() ? QStringLiteral("/calibration/profiles")
                                 : QStringLiteral("/calibration/profiles/") + sub);
    if (cmd == QLatin1String("set")) {
        QJsonObject settings;
        if (const auto bad = keyValues(positional.mid(1), &settings, false))
            return usageError(*bad);
        if (settings.isEmpty())
            return usageError(QStringLiteral("set needs KEY=VALUE settings"));
        QJsonObject body{{QStringLiteral("settings"), settings}};
        targets(&body);
        if (flags.contains(QStringLiteral("--replace")))
            body.insert(QStringLiteral("replace"), true);
        if (options.contains(QStringLiteral("--note")))
            body.insert(QStringLiteral("note"), options.value(QStringLiteral("--note")));
        return send("POST", QStringLiteral("/calibration/profiles"), body);
    }
    if (cmd == QLatin1String("read") || cmd == QLatin1String("apply")) {
        QJsonObject body;
        targets(&body);
        return runAndWait(cmd, body);
    }
    if (cmd == QLatin1String("drift"))
        return get(QStringLiteral("/calibration/drift"));
    if (cmd == QLatin1String("export")) {
        const ApiResponse r = client.request("GET", QStringLiteral("/calibration/export"));
        if (const int code = report(r, json))
            return code;
        const QByteArray doc = QJsonDocument::fromJson(r.body).toJson(QJsonDocument::Indented);
        if (!options.contains(QStringLiteral("--file"))) {
            std::fwrite(doc.constData(), 1, std::size_t(doc.size()), stdout);
            return Ok;
        }
        QFile f(options.value(QStringLiteral("--file")));
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(doc) != doc.size())
            return usageError(QStringLiteral("cannot write %1").arg(f.fileName()));
        std::fprintf(stderr, "wallctl: profiles written to %s\n", qPrintable(f.fileName()));
        return Ok;
    }
    if (cmd == QLatin1String("import")) {
        QFile f(options.value(QStringLiteral("--file")));
        if (!options.contains(QStringLiteral("--file")) || !f.open(QIODevice::ReadOnly))
            return usageError(QStringLiteral("import needs --file FILE (readable)"));
        const QJsonDocument d = QJsonDocument::fromJson(f.read(8 * 1024 * 1024));
        if (!d.isObject())
            return usageError(QStringLiteral("%1 is not a JSON object").arg(f.fileName()));
        return send("POST", QStringLiteral("/calibration/import"), d.object());
    }
    if (cmd == QLatin1String("uniformity")) {
        if (sub.isEmpty() || sub == QLatin1String("status"))
            return get(QStringLiteral("/calibration/uniformity"));
        QJsonObject body{{QStringLiteral("step"), sub}};
        if (sub == QLatin1String("start")) {
            targets(&body);
            double v = 0;
            if (options.contains(QStringLiteral("--warmup"))) {
                if (!number("--warmup", &v))
                    return Usage;
                body.insert(QStringLiteral("warmupMinutes"), v);
            }
            if (options.contains(QStringLiteral("--tolerance"))) {
                if (!number("--tolerance", &v))
                    return Usage;
                body.insert(QStringLiteral("tolerancePercent"), v);
            }
        } else if (sub == QLatin1String("measure")) {
            const QString id = positional.value(2);
            if (id.isEmpty())
                return usageError(QStringLiteral("uniformity measure needs a display id"));
            body.insert(QStringLiteral("display"), id);
            double meterSec = 60;
            if (options.contains(QStringLiteral("--meter-timeout")) &&
                (!number("--meter-timeout", &meterSec) || meterSec < 1 || meterSec > 120))
                return usageError(QStringLiteral("--meter-timeout wants 1..120 seconds"));
            if (flags.contains(QStringLiteral("--wall-meter"))) {
                body.insert(QStringLiteral("meter"), true);
                body.insert(QStringLiteral("meterTimeoutMs"), qint64(meterSec * 1000));
                return wallMeter(client, body, meterSec, json);
            }
            if (flags.contains(QStringLiteral("--meter"))) {
                QString why;
                const std::optional<QString> text = readMeterHere(meterSec, &why);
                if (!text) {
                    std::fprintf(stderr, "wallctl: %s; nothing was recorded\n", qPrintable(why));
                    return Failed;
                }
                body.insert(QStringLiteral("spotread"), *text);
            } else if (options.contains(QStringLiteral("--spotread"))) {
                QFile f(options.value(QStringLiteral("--spotread")));
                if (!f.open(QIODevice::ReadOnly))
                    return usageError(QStringLiteral("cannot read %1").arg(f.fileName()));
                body.insert(QStringLiteral("spotread"),
                            QString::fromUtf8(f.read(64 * 1024).right(4096)));
            } else {
                double v = 0;
                if (!options.contains(QStringLiteral("--luminance")))
                    return usageError(
                        QStringLiteral("measure needs --luminance, --spotread FILE or --meter"));
                if (!number("--luminance", &v))
                    return Usage;
                body.insert(QStringLiteral("luminance"), v);
                for (const char *k : {"--x", "--y"})
                    if (options.contains(QLatin1String(k))) {
                        if (!number(k, &v))
                            return Usage;
                        body.insert(QLatin1String(k + 2), v);
                    }
            }
        } else if (!QStringList{"plan", "apply", "finish", "cancel"}.contains(sub)) {
            return usageError(QStringLiteral("unknown 'uniformity %1'").arg(sub));
        }
        return send("POST", QStringLiteral("/calibration/uniformity"), body);
    }
    if (cmd == QLatin1String("geometry")) {
        if (sub.isEmpty() || sub == QLatin1String("status"))
            return get(QStringLiteral("/calibration/geometry"));
        if (sub == QLatin1String("nudge")) {
            const QString id = positional.value(2);
            if (id.isEmpty())
                return usageError(QStringLiteral("geometry nudge needs a display id"));
            QJsonObject body{{QStringLiteral("display"), id}};
            for (const char *k : {"--dx", "--dy", "--rotation"})
                if (options.contains(QLatin1String(k))) {
                    double v = 0;
                    if (!number(k, &v))
                        return Usage;
                    body.insert(QLatin1String(k + 2), v);
                }
            return send("POST", QStringLiteral("/calibration/geometry"), body);
        }
        if (sub == QLatin1String("save")) {
            QJsonObject body;
            if (options.contains(QStringLiteral("--note")))
                body.insert(QStringLiteral("note"), options.value(QStringLiteral("--note")));
            return send("POST", QStringLiteral("/calibration/geometry/save"), body);
        }
        if (sub == QLatin1String("undo"))
            return send("POST", QStringLiteral("/calibration/geometry/undo"), {});
        return usageError(QStringLiteral("unknown 'geometry %1'").arg(sub));
    }
    return usageError(QStringLiteral("unknown command '%1'").arg(cmd));
}

} // namespace wallctl
