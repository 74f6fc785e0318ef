#pragma once
// What the console's Qt Quick tests (tst_console_qml, tst_console_shift, tst_console_briefing)
// share: the role tokens written where the console reads them, the wall's answers as QML values,
// and the ConsoleTest singletons (the wall under test and the console's language switch).
#include "appundertest.h"
#include "consolelanguage.h"

#include <QFile>
#include <QQmlEngine>
#include <QVariantMap>

#include <memory>

namespace consoletest {

// Writes token to NAME.token in the wall's folder (what the console's tokenFile reads); returns
// the file's path.
inline QString writeToken(const apptest::Wall &wall, const QString &name, const QString &token) {
    const QString path = wall.dir.filePath(name + QStringLiteral(".token"));
    QFile f(path);
    if (f.open(QIODevice::WriteOnly))
        f.write(token.toUtf8() + '\n');
    return path;
}

// An answer of the wall as QML sees it: {status, body}.
inline QVariantMap statusAndBody(const apptest::ApiResponse &r) {
    return {{QStringLiteral("status"), r.status},
            {QStringLiteral("body"), jsonOf(r.body).toVariantMap()}};
}

// Registers wall as the singleton ConsoleTest.Wall and the console's language switch (as
// opswall-console's main makes it, set to language) as ConsoleTest.Language; the switch is
// returned for the caller to keep as long as the engine.
inline std::unique_ptr<opswall::console::ConsoleLanguage>
registerSingletons(QQmlEngine *engine, QObject *wall, const QString &language) {
    engine->addImportPath(QStringLiteral("qrc:/"));
    qmlRegisterSingletonInstance("ConsoleTest", 1, 0, "Wall", wall);
    auto switcher = std::make_unique<opswall::console::ConsoleLanguage>(engine);
    switcher->setLanguage(language);
    qmlRegisterSingletonInstance("ConsoleTest", 1, 0, "Language", switcher.get());
    return switcher;
}

} // namespace consoletest
