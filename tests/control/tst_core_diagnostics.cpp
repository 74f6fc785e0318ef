// The diagnostic switches (app/core/diagnostics.h): each is read within its range, a value out of
// it or not a number counts as unset and says why, and each is listed where an operator looks.
#include "core/diagnostics.h"

#include <QFile>
#include <QtTest>

using namespace opswall::diagnostics;

class TestCoreDiagnostics : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void valuesInRangeAreReadOthersAreRefused() {
        for (const SwitchInfo &s : switches()) {
            const QByteArray before = qgetenv(s.variable);
            const bool wasSet = qEnvironmentVariableIsSet(s.variable);
            auto restore = qScopeGuard([&] {
                if (wasSet)
                    qputenv(s.variable, before);
                else
                    qunsetenv(s.variable);
            });
            qunsetenv(s.variable);
            QString why;
            QCOMPARE(value(s.id, &why), std::nullopt);
            QVERIFY(why.isEmpty());
            for (int v : {s.min, s.max}) {
                qputenv(s.variable, QByteArray::number(v));
                QCOMPARE(value(s.id), std::optional<int>(v));
            }
            for (const QByteArray &bad :
                 {QByteArray::number(s.max + 1), QByteArray::number(s.min - 1), QByteArray("on")}) {
                qputenv(s.variable, bad);
                why.clear();
                QCOMPARE(value(s.id, &why), std::nullopt);
                QCOMPARE(why, QStringLiteral("%1 must be %2-%3")
                                  .arg(QLatin1String(s.variable))
                                  .arg(s.min)
                                  .arg(s.max));
            }
            if (s.max == 1) {
                qputenv(s.variable, "1");
                QVERIFY(isOn(s.id));
                qputenv(s.variable, "0");
                QVERIFY(!isOn(s.id));
            }
        }
    }

    void everySwitchIsListedInTheCoreReadme() {
        QFile readme(qEnvironmentVariable("OPSWALL_SOURCE_DIR") +
                     QStringLiteral("/app/core/README.md"));
        QVERIFY2(readme.open(QIODevice::ReadOnly), qPrintable(readme.fileName()));
        const QString text = QString::fromUtf8(readme.readAll());
        for (const SwitchInfo &s : switches()) {
            const QString name = QLatin1String(s.variable);
            // The README may abbreviate a family: OPSWALL_VIDEO_STAGES, `_TEXTURES`, ...
            const QString tail = name.mid(name.indexOf(u'_', 8));
            QVERIFY2(text.contains(name) || text.contains(u'`' + tail + u'`'), qPrintable(name));
        }
    }
};

QTEST_GUILESS_MAIN(TestCoreDiagnostics)
#include "tst_core_diagnostics.moc"
