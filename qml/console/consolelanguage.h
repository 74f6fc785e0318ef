#pragma once
// The console's language, switched at run time: Vietnamese (the default) or English. Source
// strings are English; Vietnamese comes from the translation (assets/i18n/opswall_console_vi.ts).

#include <QObject>
#include <QPointer>
#include <QQmlEngine>
#include <QTranslator>

namespace opswall::console {

class ConsoleLanguage : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("made by opswall-console's main")
    Q_PROPERTY(QString language READ language WRITE setLanguage NOTIFY languageChanged)

public:
    explicit ConsoleLanguage(QQmlEngine *engine, QObject *parent = nullptr);
    QString language() const { return m_language; }
    // "vi" or "en"; anything else is ignored. Retranslates every qsTr() binding.
    void setLanguage(const QString &language);

Q_SIGNALS:
    void languageChanged();

private:
    QPointer<QQmlEngine> m_engine;
    QTranslator m_translator;
    QString m_language;
};

} // namespace opswall::console
