#pragma once
// Reading a test's input files: a file the test cannot do without ends the test with its path.
#include <QByteArray>
#include <QFile>
#include <QString>

namespace opswall::testsupport {

inline QByteArray readFileOrDie(const QString &path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(path));
    return f.readAll();
}

// A file of the shared indicator data: the national databases' real files
// ($OPSWALL_SHARED_DIR/data/indicators/REL; REL may name a subfolder, "gso-sdmx/METVNM.xml").
inline QString indicatorFile(const QString &rel) {
    return qEnvironmentVariable("OPSWALL_SHARED_DIR") + QStringLiteral("/data/indicators/") + rel;
}

inline QByteArray readIndicatorFile(const QString &rel) {
    return readFileOrDie(indicatorFile(rel));
}

} // namespace opswall::testsupport
