// opswall-console: the operator console. Thin: arguments, fonts, language, the QML window.
//   opswall-console --url URL --token-file FILE [--lang vi|en] [--screenshot FILE]
#include "consolelanguage.h"

#include <QCommandLineParser>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QFontDatabase>
#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QSettings>
#include <QTimer>
#include <QtQml/qqmlextensionplugin.h>

#include <memory>

Q_IMPORT_QML_PLUGIN(OpsWall_ConsolePlugin)

namespace {
// --screenshot waits at most this long for the wall and its pictures (a cold demo wall takes a
// few seconds to draw every tile).
constexpr int kScreenshotPatienceMs = 45000;
constexpr int kOfflinePatienceMs = 15000;
QString assetsDir() {
    QStringList candidates;
    if (const QByteArray env = qgetenv("OPSWALL_ASSETS"); !env.isEmpty())
        candidates << QString::fromLocal8Bit(env);
    candidates << QCoreApplication::applicationDirPath() +
                      QStringLiteral("/../share/opswall/assets")
               << QStringLiteral(OPSWALL_SOURCE_ASSETS_DIR);
    for (const QString &c : candidates)
        if (QFileInfo::exists(c + QStringLiteral("/fonts")))
            return c;
    return {};
}
} // namespace

int main(int argc, char *argv[]) {
    QGuiApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("opswall"));
    QCoreApplication::setApplicationName(QStringLiteral("console"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "The OpsWall operator console: arrange the live wall by hand over its control API."));
    parser.addHelpOption();
    const QCommandLineOption url(QStringLiteral("url"),
                                 QStringLiteral("The wall's API, e.g. http://127.0.0.1:8470 "
                                                "(remembered; the last one is used when omitted)."),
                                 QStringLiteral("URL"));
    const QCommandLineOption tokenFile(QStringLiteral("token-file"),
                                       QStringLiteral("A file holding the bearer token."),
                                       QStringLiteral("FILE"));
    const QCommandLineOption lang(QStringLiteral("lang"),
                                  QStringLiteral("vi (default) or en; switchable in the window."),
                                  QStringLiteral("vi|en"), QStringLiteral("vi"));
    const QCommandLineOption screenshot(
        QStringLiteral("screenshot"),
        QStringLiteral("Render once everything has loaded, write a PNG and exit."),
        QStringLiteral("FILE"));
    parser.addOptions({url, tokenFile, lang, screenshot});
    parser.process(app);
    if (parser.value(lang) != QLatin1String("vi") && parser.value(lang) != QLatin1String("en")) {
        qCritical("opswall-console: --lang must be vi or en");
        return 2;
    }

    // The last wall is remembered for the next start.
    QSettings settings;
    QString wallUrl = parser.value(url);
    if (wallUrl.isEmpty())
        wallUrl = settings.value(QStringLiteral("url")).toString();
    else
        settings.setValue(QStringLiteral("url"), wallUrl);
    QString tokenPath = parser.value(tokenFile);
    if (tokenPath.isEmpty())
        tokenPath = settings.value(QStringLiteral("tokenFile")).toString();
    else
        settings.setValue(QStringLiteral("tokenFile"), QFileInfo(tokenPath).absoluteFilePath());

    // Noto Sans: Vietnamese diacritics render the same on every machine.
    const QDir fonts(assetsDir() + QStringLiteral("/fonts"));
    for (const QString &f : fonts.entryList({QStringLiteral("*.ttf")}, QDir::Files))
        QFontDatabase::addApplicationFont(fonts.filePath(f));
    QGuiApplication::setFont(QFont(QStringLiteral("Noto Sans")));

    // The Basic style is always there and takes the console's palette.
    if (qEnvironmentVariableIsEmpty("QT_QUICK_CONTROLS_STYLE"))
        QQuickStyle::setStyle(QStringLiteral("Basic"));
    QQmlApplicationEngine engine;
    opswall::console::ConsoleLanguage language(&engine);
    language.setLanguage(parser.value(lang));
    engine.setInitialProperties({{QStringLiteral("wallUrl"), wallUrl},
                                 {QStringLiteral("tokenFile"), tokenPath},
                                 {QStringLiteral("language"), QVariant::fromValue(&language)}});
    engine.load(QUrl(QStringLiteral("qrc:/OpsWall/Console/Main.qml")));
    if (engine.rootObjects().isEmpty())
        return 1;
    auto *window = qobject_cast<QQuickWindow *>(engine.rootObjects().first());
    if (!window)
        return 1;

    if (parser.isSet(screenshot)) {
        // Once the window says everything has loaded and every output has had two pictures (or a
        // banner explains why not), one more frame, then the PNG.
        const QString path = parser.value(screenshot);
        auto *poll = new QTimer(&app);
        auto clock = std::make_shared<QElapsedTimer>();
        clock->start();
        QObject::connect(poll, &QTimer::timeout, &app, [window, path, clock, poll] {
            // A wall still starting may not answer the first tries: a banner is the picture only
            // once it has had kOfflinePatienceMs to come up.
            const bool settled =
                window->property("settled").toBool() &&
                (window->property("online").toBool() || clock->elapsed() > kOfflinePatienceMs);
            if (!settled && clock->elapsed() < kScreenshotPatienceMs)
                return;
            poll->stop();
            QTimer::singleShot(300, window, [window, path, settled] {
                const QImage image = window->grabWindow();
                if (image.isNull() || !image.save(path, "PNG")) {
                    qCritical("opswall-console: could not write %s", qPrintable(path));
                    QCoreApplication::exit(1);
                    return;
                }
                if (!settled)
                    qWarning("opswall-console: the console had not settled after %d s",
                             kScreenshotPatienceMs / 1000);
                QCoreApplication::exit(settled ? 0 : 1);
            });
        });
        poll->start(100);
    }
    return app.exec();
}
