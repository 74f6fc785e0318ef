// Two demo walls on one machine, each with its local services (tests/rendering/appundertest.h
// with demoServices): each starts its own feed service, on a free port or on the one it is given,
// and its feeds reach it. Before, both asked for port 8765 and the second wall's feeds failed.
// The first wall also shows the overview's 34-province map over the real demo feeds end to end.
#include "appundertest.h"

#include <QDir>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>

using apptest::ApiResponse;

namespace {

// The state of one feed of a wall over its API ("" when the wall does not list it).
QString feedState(const apptest::Wall &wall, const QString &id) {
    const ApiResponse r = wall.api("GET", QStringLiteral("/feeds"));
    for (const QJsonValue &f : jsonOf(r.body).value(QStringLiteral("items")).toArray())
        if (f[QStringLiteral("id")].toString() == id)
            return f[QStringLiteral("state")].toString();
    return {};
}

// The processes whose parent is pid and that have not ended (zombies count as ended).
QList<qint64> livingChildrenOf(qint64 pid) {
    QList<qint64> found;
    for (const QString &entry : QDir(QStringLiteral("/proc")).entryList(QDir::Dirs)) {
        bool ok = false;
        const qint64 child = entry.toLongLong(&ok);
        if (!ok)
            continue;
        QFile stat(QStringLiteral("/proc/%1/stat").arg(child));
        if (!stat.open(QIODevice::ReadOnly))
            continue;
        // pid (comm) state ppid ...: comm may hold spaces, so read after its closing bracket.
        const QByteArray line = stat.readAll();
        const QList<QByteArray> rest = line.mid(line.lastIndexOf(')') + 2).split(' ');
        if (rest.size() > 1 && rest.at(0) != "Z" && rest.at(1).toLongLong() == pid)
            found.append(child);
    }
    return found;
}

bool isLiving(qint64 pid) {
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return false;
    const QByteArray line = stat.readAll();
    return line.mid(line.lastIndexOf(')') + 2, 1) != "Z";
}

int httpStatus(const QString &url) {
    QNetworkAccessManager nam;
    QNetworkReply *reply = nam.get(QNetworkRequest(QUrl(url)));
    QSignalSpy done(reply, &QNetworkReply::finished);
    if (!done.wait(5000))
        return 0;
    reply->deleteLater();
    return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
}

} // namespace

class TestAppDemos : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void twoDemosOnOneMachineBothGetTheirFeeds();
    void theDemoPeersEndWithAKilledWall();
    void demoScreenshotShowsTheVideoStream();
};

void TestAppDemos::twoDemosOnOneMachineBothGetTheirFeeds() {
    apptest::Wall first, second;
    first.demoServices = second.demoServices = true;
    // The second is given its feed port; the first takes a free one.
    const quint16 given = apptest::freePort();
    second.extraArgs = {QStringLiteral("--demo-feed-port"), QString::number(given)};
    QString why;
    QVERIFY2(first.start(&why), qPrintable(why));
    QVERIFY2(second.start(&why), qPrintable(why));
    for (const QString &feed :
         {QStringLiteral("gso-monthly"), QStringLiteral("gso-population-provinces"),
          QStringLiteral("gso-industrial-employment-provinces")}) {
        QTRY_COMPARE_WITH_TIMEOUT(feedState(first, feed), QStringLiteral("ok"), 30000);
        QTRY_COMPARE_WITH_TIMEOUT(feedState(second, feed), QStringLiteral("ok"), 30000);
    }
    // The given port is the one served.
    QCOMPARE(
        httpStatus(
            QStringLiteral("http://127.0.0.1:%1/files/gso-population-by-province.csv").arg(given)),
        200);

    // The overview's map shows the 34 provinces, the index of the 63 weighted by employment:
    // Hồ Chí Minh = (101.38 x 4754.25 + 105.12 x 1910.18 + 108.55 x 616.60) / 7281.03
    //             = 749715.9166 / 7281.03 = 102.9684 (tests/feeds/qml/tst_indicatortiles.qml).
    QVERIFY(!first.recallPreset(QStringLiteral("Tổng quan kinh tế")).isEmpty());
    QJsonObject hcm;
    QTRY_VERIFY_WITH_TIMEOUT(
        (hcm = jsonOf(first.api("GET", QStringLiteral("/tiles/map/provinces/79")).body))
            .value(QStringLiteral("hasValue"))
            .toBool(),
        20000);
    QCOMPARE(hcm.value(QStringLiteral("units")).toInt(), 34);
    QVERIFY(qAbs(hcm.value(QStringLiteral("value")).toDouble() - 749715.9166 / 7281.03) < 1e-9);
    QVERIFY(first.stop());
    QVERIFY(second.stop());
}

// A demo wall killed outright (SIGKILL, a crash) takes its local services with it: left behind,
// they held their ports and served nobody (found after failed test runs).
void TestAppDemos::theDemoPeersEndWithAKilledWall() {
    apptest::Wall wall;
    wall.demoServices = true;
    QString why;
    QVERIFY2(wall.start(&why), qPrintable(why));
    const QList<qint64> peers = livingChildrenOf(wall.process.processId());
    QVERIFY2(peers.size() >= 3, "the feed service, the RTSP server and the display simulator");
    wall.process.kill();
    QVERIFY(wall.process.waitForFinished(5000));
    for (const qint64 peer : peers)
        QTRY_VERIFY2_WITH_TIMEOUT(!isLiving(peer), qPrintable(QString::number(peer)), 10000);
}

// `opswall --demo --screenshot` draws the video-conference tile with the stream's picture (the
// RTSP test server's colour bars), not "Connecting…": the screenshot waits, bounded, for the open
// streams' first frames (WallApplication::whenStreamsStarted). Before, a start that had become
// quick wrote the picture while the stream was still connecting.
void TestAppDemos::demoScreenshotShowsTheVideoStream() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString png = dir.filePath(QStringLiteral("wall.png"));
    QProcess wall;
    wall.setProcessChannelMode(QProcess::MergedChannels);
    wall.start(QStringLiteral(OPSWALL_PATH),
               {QStringLiteral("--demo"), QStringLiteral("--db"),
                dir.filePath(QStringLiteral("d.db")), QStringLiteral("--api"),
                QStringLiteral("127.0.0.1:0"), QStringLiteral("--screenshot"), png,
                QStringLiteral("-platform"), QStringLiteral("offscreen")});
    QVERIFY(wall.waitForFinished(90000));
    QVERIFY2(wall.exitCode() == 0, wall.readAll().constData());
    QImage image(png);
    QVERIFY(!image.isNull());
    image = image.convertToFormat(QImage::Format_RGB32);
    // The bars' magenta and green: no other tile of the demo wall draws these colours.
    int magenta = 0, green = 0;
    for (int y = 0; y < image.height(); ++y) {
        const auto *row = reinterpret_cast<const QRgb *>(image.constScanLine(y));
        for (int x = 0; x < image.width(); ++x) {
            const int r = qRed(row[x]), g = qGreen(row[x]), b = qBlue(row[x]);
            magenta += r > 150 && g < 60 && b > 150;
            green += g > 150 && r < 60 && b < 60;
        }
    }
    QVERIFY2(magenta > 1000 && green > 1000,
             qPrintable(QStringLiteral("magenta %1, green %2 pixels").arg(magenta).arg(green)));
}

QTEST_GUILESS_MAIN(TestAppDemos)
#include "tst_app_demos.moc"
