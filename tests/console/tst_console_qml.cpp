// The operator console driven as a person uses it (Qt Quick Test: mouse and keyboard on the real
// console QML) against the real opswall process, offscreen, on free ports. The wall is started
// once; the QML reaches it through the singleton ConsoleTest.Wall (the admin's side: what the
// wall shows, and the "other operator" who changes the wall meanwhile).
#include "appundertest.h"
#include "consolelanguage.h"

#include <QApplication>
#include <QDir>
#include <QQmlEngine>
#include <QtQml/qqmlextensionplugin.h>
#include <QtQuickTest>

Q_IMPORT_QML_PLUGIN(OpsWall_ConsolePlugin)

class WallHarness : public QObject {
    Q_OBJECT
    Q_PROPERTY(QString url READ url CONSTANT)
    Q_PROPERTY(QString operatorTokenFile READ operatorTokenFile CONSTANT)
    Q_PROPERTY(QString viewerTokenFile READ viewerTokenFile CONSTANT)
    Q_PROPERTY(QString refusedTokenFile READ refusedTokenFile CONSTANT)
    Q_PROPERTY(QString error READ error CONSTANT)

public:
    bool start() {
        QString why;
        if (!m_wall.start(&why) || !m_wall.makeRoleTokens(&why)) {
            m_error = why;
            return false;
        }
        m_operator = writeToken(QStringLiteral("operator"), m_wall.tokens[opswall::Role::Operator]);
        m_viewer = writeToken(QStringLiteral("viewer"), m_wall.tokens[opswall::Role::Viewer]);
        m_refused = writeToken(QStringLiteral("refused"), QStringLiteral("owt_0000_not-a-token"));
        return true;
    }
    QString url() const { return m_wall.url; }
    QString operatorTokenFile() const { return m_operator; }
    QString viewerTokenFile() const { return m_viewer; }
    QString refusedTokenFile() const { return m_refused; }
    QString error() const { return m_error; }

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
    Q_INVOKABLE bool stopWall() { return m_wall.stop(); }
    Q_INVOKABLE bool startWall() {
        QString why;
        const bool ok = m_wall.start(&why);
        if (!ok)
            qWarning("restart: %s", qPrintable(why));
        return ok;
    }

private:
    QString writeToken(const QString &name, const QString &token) {
        const QString path = m_wall.dir.filePath(name + QStringLiteral(".token"));
        QFile f(path);
        if (f.open(QIODevice::WriteOnly))
            f.write(token.toUtf8() + '\n');
        return path;
    }

    apptest::Wall m_wall;
    QString m_operator, m_viewer, m_refused, m_error;
};

class Setup : public QObject {
    Q_OBJECT
public Q_SLOTS:
    void applicationAvailable() {
        if (!m_harness.start())
            qFatal("the wall did not start: %s", qPrintable(m_harness.error()));
    }
    void qmlEngineAvailable(QQmlEngine *engine) {
        engine->addImportPath(QStringLiteral("qrc:/"));
        qmlRegisterSingletonInstance("ConsoleTest", 1, 0, "Wall", &m_harness);
        // The console's language switch, as opswall-console's main makes it.
        m_language = std::make_unique<opswall::console::ConsoleLanguage>(engine);
        m_language->setLanguage(QStringLiteral("vi"));
        qmlRegisterSingletonInstance("ConsoleTest", 1, 0, "Language", m_language.get());
    }

private:
    WallHarness m_harness;
    std::unique_ptr<opswall::console::ConsoleLanguage> m_language;
};

int main(int argc, char **argv) {
    qputenv("QT_QUICK_CONTROLS_STYLE", "Basic"); // as opswall-console
    QApplication app(argc, argv);
    Setup setup;
    return quick_test_main_with_setup(argc, argv, "tst_console_qml", OPSWALL_QML_TEST_DIR, &setup);
}

#include "tst_console_qml.moc"
