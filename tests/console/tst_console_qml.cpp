// The operator console driven as a person uses it (Qt Quick Test: mouse and keyboard on the real
// console QML) against the real opswall process, offscreen, on free ports. The wall is started
// once; the QML reaches it through the singleton ConsoleTest.Wall (the admin's side: what the
// wall shows, and the "other operator" who changes the wall meanwhile).
// Built twice: tst_console_qml runs the wall with --no-services (fast; editing, presets, lock);
// tst_console_shift (OPSWALL_CONSOLE_DEMO_SERVICES) runs it with the demo's own peers — the feed
// service (alerts), the RTSP test stream (a source to hear) and twelve simulated displays
// (opswall-display-sim, MDC over TCP) — for the shift panel and the technician page.
#include "consoletest.h"

#include <QApplication>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QProcessEnvironment>
#include <QQmlEngine>
#include <QTemporaryDir>
#include <QtQml/qqmlextensionplugin.h>
#include <QtQuickTest>

Q_IMPORT_QML_PLUGIN(OpsWall_ConsolePlugin)

class WallHarness : public QObject {
    Q_OBJECT
    Q_PROPERTY(QString url READ url CONSTANT)
    Q_PROPERTY(QString operatorTokenFile READ operatorTokenFile CONSTANT)
    Q_PROPERTY(QString viewerTokenFile READ viewerTokenFile CONSTANT)
    Q_PROPERTY(QString refusedTokenFile READ refusedTokenFile CONSTANT)
    Q_PROPERTY(QString technicianTokenFile READ technicianTokenFile CONSTANT)
    Q_PROPERTY(QString error READ error CONSTANT)

public:
    bool start() {
#ifdef OPSWALL_CONSOLE_DEMO_SERVICES
        m_wall.demoServices = true;
        m_wall.language = QStringLiteral("vi"); // the demo wall as tools/demo.sh starts it
#endif
        // The tests open a console per test, one after another, with the same few tokens: each
        // opening loads the whole wall and its pictures. A person opens one; the per-token rate
        // limit is raised so that the tests measure the console, not the limit (a console that
        // meets the limit asks again: WallSession::load).
        m_wall.extraConfig = QStringLiteral(R"("rateBurst": 1000, "ratePerSecond": 500)");
        // One button panel for the panels page: a USB Stream Deck (this host has none, so it is
        // "unavailable" with hidapi's reason) with key 0 bound; the page binds and presses others.
        const QString panels = m_wall.dir.filePath(QStringLiteral("panels.json"));
        QFile doc(panels);
        if (!doc.open(QIODevice::WriteOnly)) {
            m_error = QStringLiteral("cannot write ") + panels;
            return false;
        }
        doc.write(R"({"kind": "opswall.panels", "schemaVersion": 1, "panels": [
            {"id": "lectern", "name": "Bục phát biểu", "type": "streamdeck-usb", "model": "mk2",
             "pages": [{"id": "main", "buttons": [
               {"key": 0, "label": "Hoàn tác", "action": "layout.undo"}]}]}]})");
        doc.close();
        m_wall.extraArgs = {QStringLiteral("--panels"), panels};
#ifdef OPSWALL_FAKEHIDAPI_PATH
        // One X-keys plugged in by USB, listed by the panels page (these hosts have none: hidapi's
        // enumeration answered from a file, tests/panels/fakehidapi.cpp preloaded into the wall);
        // no Stream Deck, so "lectern" stays unavailable with hidapi's reason.
        const QString usb = m_wall.dir.filePath(QStringLiteral("usb-devices"));
        QFile devices(usb);
        if (!devices.open(QIODevice::WriteOnly) ||
            devices.write("/dev/hidraw-console-xkeys 05f3 0405 0 XK24-0042 XK-24\n") < 0) {
            m_error = QStringLiteral("cannot write ") + usb;
            return false;
        }
        devices.close();
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("LD_PRELOAD"), QStringLiteral(OPSWALL_FAKEHIDAPI_PATH));
        env.insert(QStringLiteral("OPSWALL_TEST_HID_DEVICES"), usb);
        m_wall.process.setProcessEnvironment(env);
#endif
        QString why;
        if (!m_wall.start(&why)) {
            m_error = why;
            return false;
        }
        // A wall still starting its demo peers on a loaded machine may miss its request deadline
        // once: the tokens are asked for again (names taken by a half-done try get a suffix).
        bool tokens = false;
        for (int attempt = 0; attempt < 3 && !tokens; ++attempt) {
            tokens = makeTokens(attempt, &why);
            if (!tokens)
                QTest::qWait(2000);
        }
        if (!tokens) {
            m_error = QStringLiteral("no role tokens: ") + why;
            return false;
        }
        m_operator = writeToken(QStringLiteral("operator"), m_wall.tokens[opswall::Role::Operator]);
        m_viewer = writeToken(QStringLiteral("viewer"), m_wall.tokens[opswall::Role::Viewer]);
        m_technician =
            writeToken(QStringLiteral("technician"), m_wall.tokens[opswall::Role::Technician]);
        m_refused = writeToken(QStringLiteral("refused"), QStringLiteral("owt_0000_not-a-token"));
        return true;
    }
    QString url() const {
        return m_wall.url;
    }
    QString operatorTokenFile() const {
        return m_operator;
    }
    QString viewerTokenFile() const {
        return m_viewer;
    }
    QString refusedTokenFile() const {
        return m_refused;
    }
    QString technicianTokenFile() const {
        return m_technician;
    }
    QString error() const {
        return m_error;
    }

    // The live layout as the wall has it ({revision, instance, layout}).
    Q_INVOKABLE QVariantMap live() const {
        return jsonOf(m_wall.api("GET", QStringLiteral("/layout")).body).toVariantMap();
    }
    Q_INVOKABLE QVariantMap liveTile(const QString &id) const {
        for (const QVariant &t :
             live().value(QStringLiteral("layout")).toMap().value(QStringLiteral("tiles")).toList())
            if (t.toMap().value(QStringLiteral("id")).toString() == id)
                return t.toMap();
        return {};
    }
    Q_INVOKABLE QVariantMap get(const QString &path) const {
        return jsonOf(m_wall.api("GET", path).body).toVariantMap();
    }
    // As the admin: {status, body} of any request.
    Q_INVOKABLE QVariantMap call(const QString &method, const QString &path,
                                 const QVariantMap &body = {}) const {
        return consoletest::statusAndBody(
            m_wall.api(method.toLatin1(), path, QJsonObject::fromVariantMap(body)));
    }
    // The wall's own picture of output `index` (GET /outputs/{i}/snapshot at the output's full
    // width, as the admin), saved as PNG under the test's folder for a person to look at; the
    // colour at (x, y) in output pixels comes back ("" when there is no picture).
    Q_INVOKABLE QString snapshotPixel(int index, int width, int x, int y,
                                      const QString &saveAs = {}) const {
        const auto r = m_wall.api(
            "GET", QStringLiteral("/outputs/%1/snapshot?width=%2").arg(index).arg(width));
        QImage image;
        if (r.status != 200 || !image.loadFromData(r.body, "JPEG"))
            return {};
        if (!saveAs.isEmpty())
            image.save(QDir(folder()).filePath(saveAs));
        return image.pixelColor(x, y).name();
    }
    // Where a test saves the pictures it checked (OPSWALL_CONSOLE_SHOTS keeps them for a person
    // to look at; otherwise the test's own folder, removed at the end).
    Q_INVOKABLE QString folder() const {
        return qEnvironmentVariable("OPSWALL_CONSOLE_SHOTS", m_wall.dir.path());
    }
    Q_INVOKABLE bool recall(const QString &presetName) const {
        return !m_wall.recallPreset(presetName).isEmpty();
    }
    // Another operator moves a tile with wallctl (as the admin).
    Q_INVOKABLE bool moveWithWallctl(const QString &id, double x, double y) const {
        return m_wall
                   .wallctl({QStringLiteral("tile"), QStringLiteral("move"), id,
                             QStringLiteral("--x"), QString::number(x), QStringLiteral("--y"),
                             QString::number(y)})
                   .exitCode == 0;
    }
    Q_INVOKABLE bool stopWall() {
        return m_wall.stop();
    }
    Q_INVOKABLE bool startWall() {
        QString why;
        const bool ok = m_wall.start(&why);
        if (!ok)
            qWarning("restart: %s", qPrintable(why));
        return ok;
    }

private:
    // One token per role, as apptest::Wall::makeRoleTokens makes them ("e2e-<role>", the name the
    // tests look for in audits and lock holders), with a suffix on a retry.
    bool makeTokens(int attempt, QString *why) {
        for (opswall::Role role :
             {opswall::Role::Viewer, opswall::Role::Leader, opswall::Role::Operator,
              opswall::Role::Technician, opswall::Role::Admin}) {
            if (m_wall.tokens.contains(role))
                continue;
            const QString name = QStringLiteral("e2e-") + opswall::roleName(role) +
                                 (attempt == 0 ? QString() : QStringLiteral("-%1").arg(attempt));
            const auto r = m_wall.api("POST", QStringLiteral("/tokens"),
                                      {{QStringLiteral("name"), name},
                                       {QStringLiteral("role"), opswall::roleName(role)}});
            const QString token = jsonOf(r.body).value(QStringLiteral("token")).toString();
            if (r.status != 201 || !token.startsWith(QLatin1String("owt_"))) {
                *why = QStringLiteral("%1 %2").arg(r.status).arg(QString::fromUtf8(r.body));
                return false;
            }
            m_wall.tokens.insert(role, token);
        }
        return true;
    }
    QString writeToken(const QString &name, const QString &token) {
        return consoletest::writeToken(m_wall, name, token);
    }

    apptest::Wall m_wall;
    QString m_operator, m_viewer, m_refused, m_technician, m_error;
};

class Setup : public QObject {
    Q_OBJECT
public Q_SLOTS:
    void applicationAvailable() {
        if (!m_harness.start()) {
            m_harness.stopWall(); // its demo peers with it
            qFatal("the wall did not start: %s", qPrintable(m_harness.error()));
        }
    }
    // SIGTERM, so that the wall stops its demo peers (a kill would leave them running).
    void cleanupTestCase() { m_harness.stopWall(); }
    void qmlEngineAvailable(QQmlEngine *engine) {
        m_language = consoletest::registerSingletons(engine, &m_harness, QStringLiteral("vi"));
    }

private:
    WallHarness m_harness;
    std::unique_ptr<opswall::console::ConsoleLanguage> m_language;
};

int main(int argc, char **argv) {
    qputenv("QT_QUICK_CONTROLS_STYLE", "Basic"); // as opswall-console
    // A cache of this run's own (the console keeps preset pictures there): what the tests see
    // came from this wall, not from an earlier run.
    QTemporaryDir cache;
    qputenv("XDG_CACHE_HOME", cache.path().toLocal8Bit());
    QApplication app(argc, argv);
    Setup setup;
    return quick_test_main_with_setup(argc, argv, OPSWALL_QML_TEST_NAME, OPSWALL_QML_TEST_DIR,
                                      &setup);
}

#include "tst_console_qml.moc"
