// Feeds over TLS against a real HTTPS server on loopback (QSslServer with a certificate made by
// openssl for this run): a feed that trusts the server's CA fetches and parses; one that does not
// fails with the certificate problem in words and keeps nothing wrong.
#include "feeds/feeddefinition.h"
#include "feeds/fetcher.h"

#include <QNetworkAccessManager>
#include <QProcess>
#include <QSslKey>
#include <QSslServer>
#include <QSslSocket>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace opswall::feeds;

namespace {
const QByteArray kCsv = "period,indicator,value\n2025-02,ENT_NEW_YTD,20781\n";
}

class TestFeedsTls : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void trustedCaFetchesOverTls();
    void untrustedCertificateIsRefusedInWords();
    void caFileIsPartOfTheFeedDefinition();

private:
    FetchResult fetch(const QList<QSslCertificate> &cas);

    QTemporaryDir m_dir;
    QSslServer m_server;
    QSslCertificate m_cert;
};

void TestFeedsTls::initTestCase() {
    if (!QSslSocket::supportsSsl())
        QSKIP("Qt has no TLS backend here");
    const QString openssl = QStandardPaths::findExecutable(QStringLiteral("openssl"));
    if (openssl.isEmpty())
        QSKIP("openssl is not installed (apt-get install openssl)");
    const QString key = m_dir.filePath(QStringLiteral("key.pem"));
    const QString crt = m_dir.filePath(QStringLiteral("cert.pem"));
    QProcess p;
    p.start(openssl,
            {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
             QStringLiteral("rsa:2048"), QStringLiteral("-nodes"), QStringLiteral("-keyout"), key,
             QStringLiteral("-out"), crt, QStringLiteral("-days"), QStringLiteral("1"),
             QStringLiteral("-subj"), QStringLiteral("/CN=127.0.0.1"), QStringLiteral("-addext"),
             QStringLiteral("subjectAltName=IP:127.0.0.1")});
    QVERIFY(p.waitForFinished(30000));
    QCOMPARE(p.exitCode(), 0);
    const auto certs = QSslCertificate::fromPath(crt);
    QCOMPARE(certs.size(), 1);
    m_cert = certs.first();
    QFile kf(key);
    QVERIFY(kf.open(QIODevice::ReadOnly));
    QSslConfiguration conf = QSslConfiguration::defaultConfiguration();
    conf.setLocalCertificate(m_cert);
    conf.setPrivateKey(QSslKey(kf.readAll(), QSsl::Rsa));
    m_server.setSslConfiguration(conf);
    connect(&m_server, &QTcpServer::pendingConnectionAvailable, this, [this] {
        while (QTcpSocket *s = m_server.nextPendingConnection()) {
            connect(s, &QTcpSocket::readyRead, s, [s] {
                if (!s->readAll().contains("\r\n\r\n"))
                    return;
                s->write("HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\nConnection: close\r\n"
                         "Content-Length: " +
                         QByteArray::number(kCsv.size()) + "\r\n\r\n" + kCsv);
                s->disconnectFromHost();
            });
            connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
        }
    });
    QVERIFY(m_server.listen(QHostAddress::LocalHost, 0));
}

FetchResult TestFeedsTls::fetch(const QList<QSslCertificate> &cas) {
    QNetworkAccessManager nam;
    HttpFetcher fetcher(&nam);
    FetchRequest req;
    req.url = QUrl(QStringLiteral("https://127.0.0.1:%1/cpi.csv").arg(m_server.serverPort()));
    req.timeoutMs = 10000;
    req.caCertificates = cas;
    FetchResult result;
    bool done = false;
    fetcher.fetch(req, [&](const FetchResult &r) {
        result = r;
        done = true;
    });
    if (!QTest::qWaitFor([&] { return done; }, 15000))
        result.error = QStringLiteral("no answer within 15 s");
    return result;
}

void TestFeedsTls::trustedCaFetchesOverTls() {
    const FetchResult r = fetch({m_cert});
    QVERIFY2(r.outcome == FetchOutcome::Ok, qPrintable(r.error));
    QCOMPARE(r.httpStatus, 200);
    QCOMPARE(r.body, kCsv);
}

void TestFeedsTls::untrustedCertificateIsRefusedInWords() {
    const FetchResult r = fetch({});
    QCOMPARE(r.outcome, FetchOutcome::NetworkError);
    QVERIFY(r.body.isEmpty());
    QVERIFY2(r.error.contains(QLatin1String("certificate"), Qt::CaseInsensitive) ||
                 r.error.contains(QLatin1String("SSL"), Qt::CaseInsensitive) ||
                 r.error.contains(QLatin1String("TLS"), Qt::CaseInsensitive),
             qPrintable(r.error));
}

void TestFeedsTls::caFileIsPartOfTheFeedDefinition() {
    QString error;
    const QJsonObject doc{
        {QStringLiteral("id"), QStringLiteral("secure")},
        {QStringLiteral("url"), QStringLiteral("https://127.0.0.1/x.csv")},
        {QStringLiteral("format"), QStringLiteral("csv")},
        {QStringLiteral("mapping"),
         QJsonObject{{QStringLiteral("timeField"), QStringLiteral("period")},
                     {QStringLiteral("indicatorField"), QStringLiteral("indicator")},
                     {QStringLiteral("valueField"), QStringLiteral("value")}}},
        {QStringLiteral("caFile"), m_dir.filePath(QStringLiteral("cert.pem"))}};
    const auto def = FeedDefinition::fromJson(doc, QStringLiteral("feeds[0]"), &error);
    QVERIFY2(def, qPrintable(error));
    QCOMPARE(def->caFile, m_dir.filePath(QStringLiteral("cert.pem")));
    QCOMPARE(def->toJson().value(QStringLiteral("caFile")).toString(), def->caFile);
    QJsonObject bad = doc;
    bad.insert(QStringLiteral("caFile"), 42);
    QVERIFY(!FeedDefinition::fromJson(bad, QStringLiteral("feeds[0]"), &error));
    QVERIFY2(error.startsWith(QLatin1String("feeds[0].caFile")), qPrintable(error));
}

QTEST_GUILESS_MAIN(TestFeedsTls)
#include "tst_feeds_tls.moc"
