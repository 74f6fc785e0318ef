#include "consolelanguage.h"

#include <QCoreApplication>
#include <QLocale>

namespace opswall::console {

ConsoleLanguage::ConsoleLanguage(QQmlEngine *engine, QObject *parent)
    : QObject(parent)
    , m_engine(engine) {}

void ConsoleLanguage::setLanguage(const QString &language) {
    if ((language != QLatin1String("vi") && language != QLatin1String("en")) ||
        language == m_language)
        return;
    QCoreApplication::removeTranslator(&m_translator);
    if (language == QLatin1String("vi")) {
        if (m_translator.load(QStringLiteral(":/i18n/opswall_console_vi.qm")))
            QCoreApplication::installTranslator(&m_translator);
        else
            qWarning("opswall-console: the Vietnamese translation is missing from this build");
    }
    QLocale::setDefault(language == QLatin1String("vi")
                            ? QLocale(QLocale::Vietnamese, QLocale::Vietnam)
                            : QLocale(QLocale::English, QLocale::UnitedStates));
    m_language = language;
    if (m_engine)
        m_engine->retranslate();
    Q_EMIT languageChanged();
}

} // namespace opswall::console
