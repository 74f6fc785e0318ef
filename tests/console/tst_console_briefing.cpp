// The console's briefings driven as a person uses them (Qt Quick Test: mouse and keyboard on the
// real console QML, tests/console/briefing) against the real opswall process, offscreen, on free
// ports: the presenter (start, step with keys and buttons, go to, blank, follow someone else,
// the lock and its warning before it runs out) and the editor (create, steps, reorder, save,
// rename, a conflicting save, delete). The QML reaches the wall's side through ConsoleTest.Wall.
#include "consoletest.h"

#include <QApplication>
#include <QQmlEngine>
#include <QtQml/qqmlextensionplugin.h>
#include <QtQuickTest>

Q_IMPORT_QML_PLUGIN(OpsWall_ConsolePlugin)

class BriefingHarness : public QObject {
    Q_OBJECT
    Q_PROPERTY(QString url READ url CONSTANT)
    Q_PROPERTY(QString leaderTokenFile READ leaderTokenFile CONSTANT)
    Q_PROPERTY(QString operatorTokenFile READ operatorTokenFile CONSTANT)
    Q_PROPERTY(QString viewerTokenFile READ viewerTokenFile CONSTANT)
    // Where the test leaves screenshots for the README ($CONSOLE_SCREENSHOTS; empty: none).
    Q_PROPERTY(QString screenshotDir READ screenshotDir CONSTANT)

public:
    bool start(QString *why) {
        if (!m_wall.start(why) || !m_wall.makeRoleTokens(why))
            return false;
        // A second leader: the deputy who holds the lock when the first one presents.
        const auto r = m_wall.api("POST", QStringLiteral("/tokens"),
                                  {{QStringLiteral("name"), QStringLiteral("e2e-deputy")},
                                   {QStringLiteral("role"), QStringLiteral("leader")}});
        m_deputy = jsonOf(r.body).value(QStringLiteral("token")).toString();
        if (m_deputy.isEmpty()) {
            *why = QString::fromUtf8(r.body);
            return false;
        }
        m_leader = writeToken(QStringLiteral("leader"), m_wall.tokens[opswall::Role::Leader]);
        m_operator = writeToken(QStringLiteral("operator"), m_wall.tokens[opswall::Role::Operator]);
        m_viewer = writeToken(QStringLiteral("viewer"), m_wall.tokens[opswall::Role::Viewer]);
        return true;
    }
    QString url() const { return m_wall.url; }
    QString leaderTokenFile() const { return m_leader; }
    QString operatorTokenFile() const { return m_operator; }
    QString viewerTokenFile() const { return m_viewer; }
    QString screenshotDir() const { return qEnvironmentVariable("CONSOLE_SCREENSHOTS"); }

    // As the admin: what the wall says.
    Q_INVOKABLE QVariantMap get(const QString &path) const {
        return jsonOf(m_wall.api("GET", path).body).toVariantMap();
    }
    Q_INVOKABLE QVariantMap current() const { return get(QStringLiteral("/briefings/current")); }
    Q_INVOKABLE QVariantMap lock() const { return get(QStringLiteral("/lock")); }
    // As the admin: {status, body}.
    Q_INVOKABLE QVariantMap api(const QString &method, const QString &path,
                                const QVariantMap &body = {}) const {
        return consoletest::statusAndBody(
            m_wall.api(method.toLatin1(), path, QJsonObject::fromVariantMap(body)));
    }
    // The deputy (a second leader) over the API: {status, body}.
    Q_INVOKABLE QVariantMap deputy(const QString &method, const QString &path,
                                   const QVariantMap &body = {}) const {
        return consoletest::statusAndBody(m_wall.client(m_deputy).request(
            method.toLatin1(), path, QJsonObject::fromVariantMap(body)));
    }
    // The leader steps the briefing with wallctl from another device (the lock is the leader's).
    Q_INVOKABLE bool wallctlGoto(int step) const {
        const apptest::Run r = m_wall.wallctl(
            {QStringLiteral("briefing"), QStringLiteral("goto"), QString::number(step)},
            m_wall.tokens[opswall::Role::Leader]);
        if (r.exitCode != 0)
            qWarning("wallctl: %s", r.err.constData());
        return r.exitCode == 0;
    }
    // Ends whatever runs and frees the lock (between tests).
    Q_INVOKABLE void reset() const {
        m_wall.api("DELETE", QStringLiteral("/lock"));
        if (current().value(QStringLiteral("active")).toBool())
            m_wall.api("POST", QStringLiteral("/briefings/current/end"));
        m_wall.api("DELETE", QStringLiteral("/lock"));
    }

private:
    QString writeToken(const QString &name, const QString &token) {
        return consoletest::writeToken(m_wall, name, token);
    }

    apptest::Wall m_wall;
    QString m_leader, m_operator, m_viewer, m_deputy;
};

class Setup : public QObject {
    Q_OBJECT
public Q_SLOTS:
    void applicationAvailable() {
        QString why;
        if (!m_harness.start(&why))
            qFatal("the wall did not start: %s", qPrintable(why));
    }
    void qmlEngineAvailable(QQmlEngine *engine) {
        m_language = consoletest::registerSingletons(engine, &m_harness, QStringLiteral("en"));
    }

private:
    BriefingHarness m_harness;
    std::unique_ptr<opswall::console::ConsoleLanguage> m_language;
};

int main(int argc, char **argv) {
    qputenv("QT_QUICK_CONTROLS_STYLE", "Basic"); // as opswall-console
    QApplication app(argc, argv);
    Setup setup;
    return quick_test_main_with_setup(argc, argv, OPSWALL_QML_TEST_NAME, OPSWALL_QML_TEST_DIR,
                                      &setup);
}

#include "tst_console_briefing.moc"
