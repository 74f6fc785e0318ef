// A self-signed certificate for 127.0.0.1 (EC P-256, one day), made with the openssl command, for
// the TLS tests (the API, the node link, the standby link).
#pragma once

#include <QProcess>
#include <QStandardPaths>
#include <QString>
#include <QTest>

namespace testcert {

enum class CertResult { Made, NoOpenssl, Failed };

inline CertResult makeTestCertificate(const QString &cert, const QString &key) {
    const QString openssl = QStandardPaths::findExecutable(QStringLiteral("openssl"));
    if (openssl.isEmpty())
        return CertResult::NoOpenssl;
    QProcess ssl;
    ssl.start(openssl, {"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                        "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj",
                        "/CN=opswall test", "-addext", "subjectAltName=IP:127.0.0.1"});
    return ssl.waitForFinished(10000) && ssl.exitCode() == 0 ? CertResult::Made
                                                             : CertResult::Failed;
}

} // namespace testcert

// In a test function: makes the certificate, skips the test where openssl is missing, fails it
// where openssl fails.
#define TESTCERT_MAKE_OR_SKIP(cert, key)                                                           \
    do {                                                                                           \
        const testcert::CertResult made_ = testcert::makeTestCertificate(cert, key);               \
        if (made_ == testcert::CertResult::NoOpenssl)                                              \
            QSKIP("openssl command not found: cannot make a test certificate");                    \
        QCOMPARE(made_, testcert::CertResult::Made);                                               \
    } while (false)
