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

} // namespace opswall::testsupport
