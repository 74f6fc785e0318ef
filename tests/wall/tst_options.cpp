// The opswall command line (parseOptions, chooseBackend) and the clock tile's wording
// (formatLongDate in Vietnamese and English, formatTime).

#include "shell/options.h"
#include "wallclock.h"

#include <QRegularExpression>
#include <QTemporaryFile>
#include <QTest>

namespace opswall::shell {

namespace {

ParseResult parse(QStringList args) {
    args.prepend(QStringLiteral("opswall"));
    return parseOptions(args);
}

} // namespace

class TestOptions : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void helpMentionsEveryOption();
    void noArgumentsGiveDefaults();
    void everyOptionIsParsed();
    void unknownOptionExitsWith2AndSaysWhy();
    void positionalArgumentIsRefused();
    void unsupportedLanguageIsRefused();
    void unknownBackendIsRefused();
    void missingWallFileIsRefused();
    void demoFeedPortIsAPortNumber();
    void qtPlatformOptionIsAccepted();
    void screenshotImpliesPreview();
    void chooseBackendOffscreenIsSoftware();
    void chooseBackendExplicitChoiceWins();
    void longDateVietnamese_data();
    void longDateVietnamese();
    void longDateEnglish_data();
    void longDateEnglish();
    void longDateOfInvalidDateIsEmpty();
    void timeIs24HourWithSeconds_data();
    void timeIs24HourWithSeconds();
    void rolesDefaultToSingle();
    void roleOptionsAreChecked_data();
    void roleOptionsAreChecked();
    void nodeOptionsAreParsed();
    void standbyOptionsAreParsed();
    void demoTickIsChecked();
};

void TestOptions::helpMentionsEveryOption() {
    for (const QString &flag : {QStringLiteral("--help"), QStringLiteral("-h")}) {
        const ParseResult r = parse({flag});
        QVERIFY(!r.options);
        QCOMPARE(r.exitCode, 0);
        for (const char *name :
             {"help", "demo", "preview", "screenshot", "db", "wall", "assets", "lang", "backend",
              "api", "api-config", "admin-token-file", "preset", "no-services", "platform"}) {
            const QRegularExpression re(
                QStringLiteral("(^|\\s|,)--?%1\\b")
                    .arg(QRegularExpression::escape(QString::fromLatin1(name))));
            QVERIFY2(
                r.message.contains(re),
                qPrintable(
                    QStringLiteral("--%1 is not in:\n%2").arg(QLatin1String(name), r.message)));
        }
        // The values a user must choose from are spelled out.
        QVERIFY(r.message.contains(QLatin1String("vi")));
        QVERIFY(r.message.contains(QLatin1String("software")));
        QVERIFY(r.message.contains(QLatin1String("opengl")));
        QVERIFY(r.message.contains(QLatin1String("offscreen")));
    }
}

void TestOptions::noArgumentsGiveDefaults() {
    const ParseResult r = parse({});
    QVERIFY2(r.options, qPrintable(r.message));
    QCOMPARE(r.exitCode, 0);
    const Options &o = *r.options;
    QVERIFY(!o.demo);
    QVERIFY(!o.preview);
    QCOMPARE(o.language, QStringLiteral("vi")); // Vietnamese is the default
    QCOMPARE(o.backend, Backend::Auto);
    // Not given: the configuration file's address, else ServerConfig's 127.0.0.1:8470 (loopback
    // only; tst_control_policy checks that default).
    QVERIFY(o.apiBind.isEmpty());
    QVERIFY(o.apiConfigPath.isEmpty());
    QVERIFY(o.dbPath.isEmpty());
    QVERIFY(o.screenshotPath.isEmpty());
}

void TestOptions::everyOptionIsParsed() {
    QTemporaryFile wall;
    QVERIFY(wall.open());
    QTemporaryFile apiConfig;
    QVERIFY(apiConfig.open());
    const ParseResult r = parse({"--demo",
                                 "--db",
                                 "/tmp/x.db",
                                 "--wall",
                                 wall.fileName(),
                                 "--assets",
                                 "/opt/a",
                                 "--lang",
                                 "en",
                                 "--backend",
                                 "opengl",
                                 "--api",
                                 "0.0.0.0:9000",
                                 "--api-config",
                                 apiConfig.fileName(),
                                 "--admin-token-file",
                                 "/run/t",
                                 "--preset",
                                 "Tổng quan",
                                 "--no-services"});
    QVERIFY2(r.options, qPrintable(r.message));
    const Options &o = *r.options;
    QVERIFY(o.demo);
    QCOMPARE(o.dbPath, QStringLiteral("/tmp/x.db"));
    QCOMPARE(o.wallPath, wall.fileName());
    QCOMPARE(o.assetsDir, QStringLiteral("/opt/a"));
    QCOMPARE(o.language, QStringLiteral("en"));
    QCOMPARE(o.backend, Backend::OpenGL);
    QCOMPARE(o.apiBind, QStringLiteral("0.0.0.0:9000"));
    QCOMPARE(o.apiConfigPath, apiConfig.fileName());
    QCOMPARE(o.adminTokenFile, QStringLiteral("/run/t"));
    QCOMPARE(o.presetName, QStringLiteral("Tổng quan"));
    QVERIFY(o.noServices);
    QVERIFY(!o.preview);
}

void TestOptions::unknownOptionExitsWith2AndSaysWhy() {
    const ParseResult r = parse({"--demo", "--fullscreen"});
    QVERIFY(!r.options);
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.message.contains(QLatin1String("fullscreen")), qPrintable(r.message));
    QVERIFY2(r.message.contains(QLatin1String("--help")), qPrintable(r.message));
    // An option that needs a value, given none.
    const ParseResult noValue = parse({"--db"});
    QCOMPARE(noValue.exitCode, 2);
    QVERIFY2(noValue.message.contains(QLatin1String("db")), qPrintable(noValue.message));
}

void TestOptions::positionalArgumentIsRefused() {
    const ParseResult r = parse({"--demo", "wall.json"});
    QVERIFY(!r.options);
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.message.contains(QLatin1String("'wall.json'")), qPrintable(r.message));
}

void TestOptions::unsupportedLanguageIsRefused() {
    const ParseResult r = parse({"--lang", "xx"});
    QVERIFY(!r.options);
    QCOMPARE(r.exitCode, 2);
    QCOMPARE(r.message, QStringLiteral("--lang must be vi or en, not 'xx'"));
}

void TestOptions::unknownBackendIsRefused() {
    const ParseResult r = parse({"--backend", "vulkan"});
    QVERIFY(!r.options);
    QCOMPARE(r.exitCode, 2);
    QCOMPARE(r.message, QStringLiteral("--backend must be auto, software or opengl, not 'vulkan'"));
    QCOMPARE(parse({"--backend", "software"}).options->backend, Backend::Software);
    QCOMPARE(parse({"--backend", "auto"}).options->backend, Backend::Auto);
}

void TestOptions::missingWallFileIsRefused() {
    const ParseResult r = parse({"--wall", "/nonexistent/wall.json"});
    QVERIFY(!r.options);
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.message.contains(QLatin1String("/nonexistent/wall.json")), qPrintable(r.message));
}

void TestOptions::demoFeedPortIsAPortNumber() {
    QCOMPARE(parse({}).options->demoFeedPort, 0); // any free port
    QCOMPARE(parse({"--demo", "--demo-feed-port", "18765"}).options->demoFeedPort, 18765);
    QCOMPARE(parse({"--demo-feed-port=0"}).options->demoFeedPort, 0);
    for (const char *bad : {"65536", "-1", "eighty"}) {
        const ParseResult r = parse({"--demo-feed-port", bad});
        QVERIFY(!r.options);
        QCOMPARE(r.exitCode, 2);
        QCOMPARE(r.message,
                 QStringLiteral("--demo-feed-port must be a port number 0 to 65535 (0: a free "
                                "port), not '%1'")
                     .arg(QLatin1String(bad)));
    }
    QVERIFY(parse({"--help"}).message.contains(QLatin1String("--demo-feed-port")));
}

void TestOptions::qtPlatformOptionIsAccepted() {
    // Qt's own single-dash style must work next to ours (the README's screenshot command).
    for (const QStringList &args : {QStringList{"-platform", "offscreen", "--preview"},
                                    QStringList{"--preview", "--platform", "offscreen"},
                                    QStringList{"-platform", "offscreen", "-demo"}}) {
        const ParseResult r = parse(args);
        QVERIFY2(r.options, qPrintable(args.join(u' ') + QStringLiteral(": ") + r.message));
        QCOMPARE(r.exitCode, 0);
    }
}

void TestOptions::screenshotImpliesPreview() {
    const ParseResult r =
        parse({"--demo", "--screenshot", "/tmp/wall.png", "-platform", "offscreen"});
    QVERIFY2(r.options, qPrintable(r.message));
    QVERIFY(r.options->preview);
    QVERIFY(r.options->demo);
    QCOMPARE(r.options->screenshotPath, QStringLiteral("/tmp/wall.png"));
    QVERIFY(r.options->screenshotTimeoutMs > 0);
}

void TestOptions::chooseBackendOffscreenIsSoftware() {
    QCOMPARE(chooseBackend(Backend::Auto, QStringLiteral("offscreen")), Backend::Software);
    QCOMPARE(chooseBackend(Backend::Auto, QStringLiteral("minimal")), Backend::Software);
    // On a real platform, auto picks one of the two real backends.
    const Backend xcb = chooseBackend(Backend::Auto, QStringLiteral("xcb"));
    QVERIFY(xcb == Backend::Software || xcb == Backend::OpenGL);
}

void TestOptions::chooseBackendExplicitChoiceWins() {
    QCOMPARE(chooseBackend(Backend::OpenGL, QStringLiteral("offscreen")), Backend::OpenGL);
    QCOMPARE(chooseBackend(Backend::Software, QStringLiteral("xcb")), Backend::Software);
}

void TestOptions::longDateVietnamese_data() {
    QTest::addColumn<QDate>("date");
    QTest::addColumn<QString>("expected");
    QTest::newRow("Monday") << QDate(2026, 11, 23) << "Thứ Hai, ngày 23 tháng 11 năm 2026";
    QTest::newRow("Tuesday") << QDate(2026, 11, 24) << "Thứ Ba, ngày 24 tháng 11 năm 2026";
    QTest::newRow("Wednesday") << QDate(2026, 11, 25) << "Thứ Tư, ngày 25 tháng 11 năm 2026";
    QTest::newRow("Thursday") << QDate(2026, 11, 26) << "Thứ Năm, ngày 26 tháng 11 năm 2026";
    QTest::newRow("Friday") << QDate(2026, 11, 27) << "Thứ Sáu, ngày 27 tháng 11 năm 2026";
    QTest::newRow("Saturday") << QDate(2026, 11, 28) << "Thứ Bảy, ngày 28 tháng 11 năm 2026";
    QTest::newRow("Sunday") << QDate(2026, 11, 29) << "Chủ Nhật, ngày 29 tháng 11 năm 2026";
    // Day below 10 and months 1 and 2 take a leading zero (Vietnamese administrative style).
    QTest::newRow("single-digit day, February")
        << QDate(2026, 2, 1) << "Chủ Nhật, ngày 01 tháng 02 năm 2026";
    QTest::newRow("New Year's Eve") << QDate(2025, 12, 31) << "Thứ Tư, ngày 31 tháng 12 năm 2025";
}

void TestOptions::longDateVietnamese() {
    QFETCH(QDate, date);
    QFETCH(QString, expected);
    QCOMPARE(qml::formatLongDate(date, QStringLiteral("vi")), expected);
}

void TestOptions::longDateEnglish_data() {
    QTest::addColumn<QDate>("date");
    QTest::addColumn<QString>("expected");
    QTest::newRow("Monday") << QDate(2026, 11, 23) << "Monday, 23 November 2026";
    QTest::newRow("Sunday") << QDate(2026, 2, 1) << "Sunday, 1 February 2026";
    QTest::newRow("Leap day") << QDate(2028, 2, 29) << "Tuesday, 29 February 2028";
    QTest::newRow("January") << QDate(2027, 1, 9) << "Saturday, 9 January 2027";
}

void TestOptions::longDateEnglish() {
    QFETCH(QDate, date);
    QFETCH(QString, expected);
    QCOMPARE(qml::formatLongDate(date, QStringLiteral("en")), expected);
}

void TestOptions::longDateOfInvalidDateIsEmpty() {
    QCOMPARE(qml::formatLongDate(QDate(), QStringLiteral("vi")), QString());
    QCOMPARE(qml::formatLongDate(QDate(2026, 2, 30), QStringLiteral("en")), QString());
}

void TestOptions::timeIs24HourWithSeconds_data() {
    QTest::addColumn<QTime>("time");
    QTest::addColumn<QString>("expected");
    QTest::newRow("afternoon") << QTime(14, 5, 9) << "14:05:09";
    QTest::newRow("midnight") << QTime(0, 0, 0) << "00:00:00";
    QTest::newRow("last second") << QTime(23, 59, 59) << "23:59:59";
    QTest::newRow("milliseconds are not shown") << QTime(8, 30, 0, 999) << "08:30:00";
}

void TestOptions::timeIs24HourWithSeconds() {
    QFETCH(QTime, time);
    QFETCH(QString, expected);
    QCOMPARE(qml::formatTime(time), expected);
}

// Render nodes (app/nodes): the default is the one box of before; each role's options are its own.
void TestOptions::rolesDefaultToSingle() {
    const ParseResult r = parse({});
    QVERIFY(r.options);
    QCOMPARE(r.options->role, ProcessRole::Single);
    QVERIFY(!r.options->outputsGiven);
    const ParseResult help = parse({QStringLiteral("--help")});
    for (const char *name : {"role", "node-listen", "controller", "controller-ca", "outputs",
                             "token-file", "node-id", "node-address", "standby-listen", "primary",
                             "node-silence-ms", "node-skew-correction", "node-trim-keep-s"})
        QVERIFY2(help.message.contains(QStringLiteral("--") + QLatin1String(name)), name);
}

void TestOptions::roleOptionsAreChecked_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("why");
    QTest::newRow("unknown role") << QStringList{"--role", "backup"}
                                  << "single, controller, node or standby";
    QTest::newRow("controller without listen")
        << QStringList{"--role", "controller"} << "needs --node-listen";
    QTest::newRow("listen on a node") << QStringList{"--node-listen", "127.0.0.1:1"}
                                      << "--node-listen is for --role controller or standby only";
    QTest::newRow("silence on a single box")
        << QStringList{"--node-silence-ms", "1000"}
        << "--node-silence-ms is for --role controller, standby or node only";
    QTest::newRow("silence too short")
        << QStringList{"--role",      "controller",        "--node-listen",
                       "127.0.0.1:1", "--node-silence-ms", "100"}
        << "--node-silence-ms must be 500-60000 (ms), not '100'";
    QTest::newRow("silence not a number")
        << QStringList{"--role",      "controller",        "--node-listen",
                       "127.0.0.1:1", "--node-silence-ms", "2s"}
        << "--node-silence-ms must be 500-60000";
    QTest::newRow("skew correction neither on nor off")
        << QStringList{"--role",
                       "controller",
                       "--node-listen",
                       "127.0.0.1:1",
                       "--node-skew-correction",
                       "maybe"}
        << "--node-skew-correction must be on or off, not 'maybe'";
    QTest::newRow("skew correction on a node")
        << QStringList{"--role", "node", "--node-skew-correction", "off"}
        << "--node-skew-correction is for --role controller or standby only";
    QTest::newRow("trim keep too short")
        << QStringList{"--role",      "controller",         "--node-listen",
                       "127.0.0.1:1", "--node-trim-keep-s", "2"}
        << "--node-trim-keep-s must be 5-86400 (seconds), not '2'";
    QTest::newRow("trim keep on a node")
        << QStringList{"--role", "node", "--node-trim-keep-s", "60"}
        << "--node-trim-keep-s is for --role controller or "
           "standby only";
    QTest::newRow("test delay on a controller") << QStringList{"--role",
                                                               "controller",
                                                               "--node-listen",
                                                               "127.0.0.1:1",
                                                               "--test-video-delay-ms",
                                                               "70"}
                                                << "--test-video-delay-ms is for --role node only";
    QTest::newRow("standby without primary")
        << QStringList{"--role", "standby", "--node-listen", "127.0.0.1:1"} << "needs --primary";
    QTest::newRow("standby without node listen")
        << QStringList{"--role", "standby", "--primary", "127.0.0.1:1"} << "needs --node-listen";
    QTest::newRow("standby without token file")
        << QStringList{"--role",        "standby",     "--primary",    "127.0.0.1:1",
                       "--node-listen", "127.0.0.1:2", "--token-file", "/nonexistent/token"}
        << "a token of the role standby";
    QTest::newRow("primary on a controller")
        << QStringList{"--role",      "controller", "--node-listen",
                       "127.0.0.1:1", "--primary",  "127.0.0.1:2"}
        << "--primary is for --role standby only";
    QTest::newRow("standby link on a node")
        << QStringList{"--role",    "node", "--controller",     "127.0.0.1:9",
                       "--outputs", "1",    "--standby-listen", "127.0.0.1:2"}
        << "--standby-listen is for --role controller or standby only";
    QTest::newRow("node with too many controllers")
        << QStringList{"--role", "node", "--controller", "a:1,b:2,c:3,d:4,e:5", "--outputs", "0"}
        << "at most 4";
    QTest::newRow("outputs in single mode")
        << QStringList{"--outputs", "0"} << "--outputs is for --role node or controller only";
    QTest::newRow("controller option on single")
        << QStringList{"--controller", "127.0.0.1:1"} << "--controller is for --role node only";
    QTest::newRow("node without controller")
        << QStringList{"--role", "node", "--outputs", "0"} << "needs --controller HOST:PORT";
    QTest::newRow("node bad port")
        << QStringList{"--role", "node", "--controller", "h:70000", "--outputs", "0"}
        << "needs --controller HOST:PORT";
    QTest::newRow("node without outputs")
        << QStringList{"--role", "node", "--controller", "127.0.0.1:9"} << "needs --outputs";
    QTest::newRow("bad outputs") << QStringList{"--role",      "node",      "--controller",
                                                "127.0.0.1:9", "--outputs", "0,0"}
                                 << "not an output number";
    QTest::newRow("node without token file")
        << QStringList{"--role",    "node", "--controller", "127.0.0.1:9",
                       "--outputs", "1",    "--token-file", "/nonexistent/token"}
        << "needs --token-file FILE";
}

void TestOptions::roleOptionsAreChecked() {
    QFETCH(QStringList, args);
    QFETCH(QString, why);
    const ParseResult r = parse(args);
    QVERIFY(!r.options);
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.message.contains(why), qPrintable(r.message));
}

void TestOptions::nodeOptionsAreParsed() {
    QTemporaryFile token;
    QVERIFY(token.open());
    const ParseResult r = parse({"--role", "node", "--controller", "10.0.0.1:8480", "--outputs",
                                 "2,1", "--token-file", token.fileName(), "--node-id", "wall-pc2"});
    QVERIFY2(r.options, qPrintable(r.message));
    QCOMPARE(r.options->role, ProcessRole::Node);
    QCOMPARE(r.options->controllerHost, QStringLiteral("10.0.0.1"));
    QCOMPARE(r.options->controllerPort, quint16(8480));
    QCOMPARE(r.options->outputs, (QList<int>{2, 1}));
    QCOMPARE(r.options->nodeId, QStringLiteral("wall-pc2"));
    // The default id names the host and the outputs.
    const ParseResult d = parse({"--role", "node", "--controller", "10.0.0.1:8480", "--outputs",
                                 "3", "--token-file", token.fileName()});
    QVERIFY(d.options);
    QVERIFY2(d.options->nodeId.endsWith(QLatin1String("-o3")), qPrintable(d.options->nodeId));
    QCOMPARE(d.options->nodeSilenceMs, 2000); // the node link's silence timeout, by default
    const ParseResult silence =
        parse({"--role", "node", "--controller", "10.0.0.1:8480", "--outputs", "3", "--token-file",
               token.fileName(), "--node-silence-ms", "1500"});
    QVERIFY2(silence.options, qPrintable(silence.message));
    QCOMPARE(silence.options->nodeSilenceMs, 1500);
    // What is the controller's is refused on a node.
    const ParseResult demo = parse({"--role", "node", "--controller", "10.0.0.1:8480", "--outputs",
                                    "3", "--token-file", token.fileName(), "--demo"});
    QVERIFY(!demo.options);
    QVERIFY(demo.message.contains(QLatin1String("are the controller's")));
    const ParseResult preview =
        parse({"--role", "node", "--controller", "10.0.0.1:8480", "--outputs", "3", "--token-file",
               token.fileName(), "--preview"});
    QVERIFY(!preview.options);
    // A node's screenshot is its first output's window, not a preview.
    const ParseResult shot =
        parse({"--role", "node", "--controller", "10.0.0.1:8480", "--outputs", "3", "--token-file",
               token.fileName(), "--screenshot", "out.png"});
    QVERIFY2(shot.options, qPrintable(shot.message));
    QVERIFY(!shot.options->preview);
    QCOMPARE(shot.options->screenshotPath, QStringLiteral("out.png"));
    // A primary and its hot standby: the node tries them in turn.
    const ParseResult both = parse({"--role", "node", "--controller", "10.0.0.1:8480,10.0.0.2:8481",
                                    "--outputs", "3", "--token-file", token.fileName()});
    QVERIFY2(both.options, qPrintable(both.message));
    QCOMPARE(both.options->controllerHost, QStringLiteral("10.0.0.1"));
    QCOMPARE(both.options->controllerFallbacks,
             (QList<std::pair<QString, quint16>>{{QStringLiteral("10.0.0.2"), quint16(8481)}}));
}

void TestOptions::standbyOptionsAreParsed() {
    QTemporaryFile token;
    QVERIFY(token.open());
    const ParseResult r =
        parse({"--role", "standby", "--primary", "127.0.0.1:8490", "--node-listen", "10.0.0.2:8480",
               "--standby-listen", "127.0.0.1:8491", "--token-file", token.fileName(), "--api",
               "10.0.0.2:8443"});
    QVERIFY2(r.options, qPrintable(r.message));
    QCOMPARE(r.options->role, ProcessRole::Standby);
    QCOMPARE(r.options->primaryAddress, QStringLiteral("127.0.0.1:8490"));
    QCOMPARE(r.options->nodeListen, QStringLiteral("10.0.0.2:8480"));
    QCOMPARE(r.options->standbyListen, QStringLiteral("127.0.0.1:8491"));
    QCOMPARE(r.options->standbyTokenFile, token.fileName());
    // Its wall and layouts are the primary's.
    const ParseResult wall =
        parse({"--role", "standby", "--primary", "127.0.0.1:8490", "--node-listen", "10.0.0.2:8480",
               "--token-file", token.fileName(), "--wall", token.fileName()});
    QVERIFY(!wall.options);
    QVERIFY(wall.message.contains(QLatin1String("are the primary's")));
    // A controller takes a standby link.
    const ParseResult c = parse({"--role", "controller", "--node-listen", "127.0.0.1:1",
                                 "--standby-listen", "127.0.0.1:8490"});
    QVERIFY2(c.options, qPrintable(c.message));
    QCOMPARE(c.options->standbyListen, QStringLiteral("127.0.0.1:8490"));
}

// --demo-tick-ms: the demo counter's pace, 100 to 60000 ms; default unchanged (a real minute).
void TestOptions::demoTickIsChecked() {
    const ParseResult plain = parse({"--demo"});
    QVERIFY2(plain.options, qPrintable(plain.message));
    QCOMPARE(plain.options->demoTickMs, 60000);
    const ParseResult fast = parse({"--demo", "--demo-tick-ms", "1000"});
    QVERIFY2(fast.options, qPrintable(fast.message));
    QCOMPARE(fast.options->demoTickMs, 1000);
    for (const char *bad : {"0", "99", "60001", "-5", "1s", ""}) {
        const ParseResult r = parse({"--demo", "--demo-tick-ms", bad});
        QVERIFY2(!r.options, bad);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.message.contains(QLatin1String("--demo-tick-ms must be")) &&
                     r.message.contains(QLatin1String("100 to 60000")),
                 qPrintable(r.message));
    }
}

} // namespace opswall::shell

QTEST_GUILESS_MAIN(opswall::shell::TestOptions)
#include "tst_options.moc"
