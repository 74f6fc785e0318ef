#pragma once
// The real opswall process under test (offscreen, demo wall and presets, no demo services) with
// its control API on a free loopback port and an API configuration file, driven by HTTP and by
// the real wallctl. Shared by tst_app_api (what the wall does) and tst_app_contract (what the
// API promises: roles, bad requests, TLS, configuration).
#include "freeports.h"
#include "testhelpers.h"

#include "control/apiclient.h"
#include "core/action.h"

#include <QElapsedTimer>
#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <cstdio>

namespace apptest {

using opswall::Role;
using opswall::control::ApiClient;
using opswall::control::ApiResponse;
using opswall::control::ClientSettings;

using testports::freePort;
using testports::freePortPair;

struct Run {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

// Runs program with args to its end (killed after timeoutMs: exit code -1).
inline Run runProgram(const QString &program, const QStringList &args, int timeoutMs) {
    QProcess p;
    p.start(program, args);
    Run r;
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        return r;
    }
    r.exitCode = p.exitCode();
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

// The request deadline the API configuration file gives the wall (the default is 10 s).
inline constexpr int kRequestTimeoutMs = 1500;

// wallctl's --json output as an object (a bare array becomes {"items": [...]}).
inline QJsonObject json(const Run &r) {
    const QJsonDocument d = QJsonDocument::fromJson(r.out);
    return d.isObject() ? d.object() : QJsonObject{{QStringLiteral("items"), d.array()}};
}

class Wall {
public:
    QTemporaryDir dir;
    QProcess process;
    quint16 port = 0;
    QString url;
    QString admin;               // the first admin token, from the token file
    QHash<Role, QString> tokens; // one per role, made by makeRoleTokens()
    QStringList extraArgs;       // appended to opswall's command line
    // opswall's --lang: the words the wall draws on its tiles.
    QString language = QStringLiteral("en");
    // More members of the API configuration object, e.g. R"("maxSessionsPerToken": 4)".
    QString extraConfig;
    // Keep what the wall logs (stdout and stderr) in `log` as well as forwarding it.
    bool captureLog = false;
    QByteArray log;
    bool demoServices = false;  // true: the demo's local services run too (feeds, RTSP, displays)
    bool captureErrors = false; // keep opswall's stderr (its log) for the test to read

    ~Wall() {
        if (process.state() != QProcess::NotRunning) {
            process.kill();
            process.waitForFinished(5000);
        }
    }

    // Starts (or restarts, on the same port and database) and waits until the API answers.
    bool start(QString *why) {
        if (port != 0)
            return startOnPort(why);
        // The ports were free when chosen; a test running beside this one may take them before
        // the wall binds them (it then exits): choose again rather than fail the test.
        for (int attempt = 1;; ++attempt) {
            port = freePortPair();
            url = QStringLiteral("http://127.0.0.1:%1").arg(port);
            if (startOnPort(why))
                return true;
            if (attempt == 3 || process.state() != QProcess::NotRunning)
                return false;
            qWarning("opswall exited before its API answered on port %u (%s); another port",
                     unsigned(port), qPrintable(*why));
        }
    }

    bool startOnPort(QString *why) {
        const QString tokenFile = dir.filePath(QStringLiteral("admin-token"));
        const QString config = dir.filePath(QStringLiteral("api.json"));
        QFile c(config);
        if (!c.open(QIODevice::WriteOnly) ||
            c.write(QStringLiteral(R"({"requestTimeoutMs": %1, "maxBodyBytes": 65536%2})")
                        .arg(kRequestTimeoutMs)
                        .arg(extraConfig.isEmpty() ? QString() : QStringLiteral(", ") + extraConfig)
                        .toUtf8()) < 0) {
            *why = QStringLiteral("cannot write the API configuration");
            return false;
        }
        c.close();
        process.setProcessChannelMode(captureLog      ? QProcess::MergedChannels
                                      : captureErrors ? QProcess::ForwardedOutputChannel
                                                      : QProcess::ForwardedErrorChannel);
        if (captureLog && !m_logConnected) {
            m_logConnected = true;
            QObject::connect(&process, &QProcess::readyReadStandardOutput, &process, [this] {
                const QByteArray got = process.readAllStandardOutput();
                log += got;
                std::fwrite(got.constData(), 1, std::size_t(got.size()), stderr);
            });
        }
        QStringList args{QStringLiteral("--demo")};
        if (!demoServices)
            args << QStringLiteral("--no-services");
        process.start(
            QStringLiteral(OPSWALL_PATH),
            args + extraArgs +
                QStringList{QStringLiteral("--db"), dir.filePath(QStringLiteral("wall.db")),
                            QStringLiteral("--api"), QStringLiteral("127.0.0.1:%1").arg(port),
                            QStringLiteral("--api-config"), config,
                            QStringLiteral("--admin-token-file"), tokenFile,
                            QStringLiteral("--lang"), language, QStringLiteral("-platform"),
                            QStringLiteral("offscreen")});
        if (!process.waitForStarted(5000)) {
            *why = QStringLiteral("opswall did not start");
            return false;
        }
        QElapsedTimer t;
        t.start();
        // A restart keeps the token read at the first start: the wall removes the file when the
        // token is first used.
        if (admin.isEmpty()) {
            while (!QFile::exists(tokenFile) && t.elapsed() < 20000 &&
                   process.state() != QProcess::NotRunning)
                QTest::qWait(50);
            QFile f(tokenFile);
            if (!f.open(QIODevice::ReadOnly)) {
                *why = QStringLiteral("no admin token file");
                return false;
            }
            admin = QString::fromUtf8(f.readAll()).trimmed();
            // The token file is for this user only.
            if (f.permissions() & (QFile::ReadGroup | QFile::ReadOther)) {
                *why = QStringLiteral("the admin token file is readable by others");
                return false;
            }
        }
        ApiResponse r;
        while (t.elapsed() < 20000) {
            r = api("GET", QStringLiteral("/status"));
            if (r.status == 200)
                return true;
            if (process.state() == QProcess::NotRunning) {
                *why = QStringLiteral("opswall exited (code %1) before its API answered")
                           .arg(process.exitCode());
                return false;
            }
            QTest::qWait(100);
        }
        *why = QStringLiteral("the API did not answer: %1 %2 %3")
                   .arg(r.status)
                   .arg(QString::fromUtf8(r.body), r.errorText);
        return false;
    }

    // SIGTERM; true when the wall shut down cleanly (exit 0).
    bool stop() {
        // Not running (it exited, or never started): its pid reads 0, and kill(0, ...) would
        // signal this test's own process group, ctest with it. Say how it ended instead.
        const qint64 pid = process.processId();
        if (process.state() != QProcess::NotRunning && pid > 0) {
            ::kill(pid_t(pid), SIGTERM);
            process.waitForFinished(10000);
        }
        return process.state() == QProcess::NotRunning &&
               process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0;
    }

    // One token per role ("e2e-<role>"), made by the admin over the API.
    bool makeRoleTokens(QString *why) {
        for (Role role : {Role::Viewer, Role::Leader, Role::Operator, Role::Technician, Role::Admin,
                          Role::Node, Role::Standby}) {
            const ApiResponse r =
                api("POST", QStringLiteral("/tokens"),
                    {{QStringLiteral("name"), QStringLiteral("e2e-") + roleName(role)},
                     {QStringLiteral("role"), roleName(role)}});
            const QString token = jsonOf(r.body).value(QStringLiteral("token")).toString();
            if (r.status != 201 || !token.startsWith(QLatin1String("owt_"))) {
                *why = QString::fromUtf8(r.body);
                return false;
            }
            tokens.insert(role, token);
        }
        return true;
    }

    // The real wallctl against this wall, with the admin token unless one is given.
    Run wallctl(const QStringList &args, const QString &token = {}) const {
        return runProgram(QStringLiteral(WALLCTL_PATH),
                          args + QStringList{QStringLiteral("--url"), url,
                                             QStringLiteral("--token"),
                                             token.isEmpty() ? admin : token},
                          20000);
    }

    ApiClient client(const QString &token) const {
        ClientSettings s;
        s.baseUrl = url;
        s.token = token;
        s.insecure = url.startsWith(QLatin1String("https:")); // a test's self-signed certificate
        return ApiClient(s);
    }

    // As the admin.
    ApiResponse api(const QByteArray &method, const QString &path,
                    const QJsonObject &body = {}) const {
        return client(admin).request(method, path, body);
    }

    QStringList liveTileIds() const {
        QStringList ids;
        const ApiResponse r = api("GET", QStringLiteral("/tiles"));
        for (const QJsonValue &t : jsonOf(r.body).value(QStringLiteral("items")).toArray())
            ids.append(t[QStringLiteral("id")].toString());
        return ids;
    }

    // Resident memory of the wall process in bytes (Linux /proc), 0 when unknown.
    qint64 rssBytes() const {
        QFile f(QStringLiteral("/proc/%1/status").arg(process.processId()));
        if (!f.open(QIODevice::ReadOnly))
            return 0;
        for (const QByteArray &line : f.readAll().split('\n'))
            if (line.startsWith("VmRSS:"))
                return line.mid(6).trimmed().split(' ').value(0).toLongLong() * 1024;
        return 0;
    }

    // The id of a demo preset by name ("" when there is none).
    QString presetId(const QString &name) const {
        for (const QJsonValue &p : jsonOf(api("GET", QStringLiteral("/presets")).body)
                                       .value(QStringLiteral("items"))
                                       .toArray())
            if (p[QStringLiteral("name")].toString() == name)
                return QString::number(p[QStringLiteral("id")].toInt());
        return {};
    }

    // Recalls a demo preset by name through wallctl; returns its id ("" when it failed).
    QString recallPreset(const QString &name) const {
        const QString id = presetId(name);
        if (id.isEmpty() ||
            wallctl({QStringLiteral("preset"), QStringLiteral("recall"), id}).exitCode != 0)
            return {};
        return id;
    }

private:
    bool m_logConnected = false;
};

} // namespace apptest
