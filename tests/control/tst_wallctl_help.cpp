// wallctl's help: "wallctl help NAME" is "wallctl NAME --help" for every command that
// "wallctl help" lists (a subcommand of its own, such as calibrate, gives its own text, not the
// API's), and an unknown NAME is a usage error. Runs the real wallctl (WALLCTL_BIN).
#include <QProcess>
#include <QTest>

namespace {
struct Run {
    int code = -1;
    QByteArray out;
    QByteArray err;
};

Run wallctl(const QStringList &args) {
    QProcess p;
    p.start(qEnvironmentVariable("WALLCTL_BIN"), args);
    Run r;
    if (!p.waitForFinished(30000)) {
        p.kill();
        p.waitForFinished(3000);
        r.err = "wallctl did not finish within 30 s";
        return r;
    }
    r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

// The command names of "wallctl help": the lines of its command list that start with a name,
// before the description (two spaces on), each name's first word between commas
// ("  status, preset, ...", "  backup FILE, restore FILE", "  calibrate  technician ...").
QStringList commandsListed(const QByteArray &usage) {
    QStringList names;
    bool inList = false;
    for (const QByteArray &line : usage.split('\n')) {
        if (line.startsWith("Commands:")) {
            inList = true;
            continue;
        }
        if (!inList)
            continue;
        if (line.isEmpty())
            break;
        if (!line.startsWith("  ") || line.startsWith("   "))
            continue; // a description's second line
        const QString listed = QString::fromUtf8(line.mid(2)).section(QStringLiteral("  "), 0, 0);
        for (const QString &entry : listed.split(u',', Qt::SkipEmptyParts))
            if (const QString name = entry.trimmed().section(u' ', 0, 0); !name.isEmpty())
                names << name;
    }
    names.removeAll(QStringLiteral("help"));
    return names;
}
} // namespace

class TstWallctlHelp : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        if (qEnvironmentVariableIsEmpty("WALLCTL_BIN"))
            QSKIP("wallctl is not built in this configuration (WALLCTL_BIN unset)");
    }

    void helpOfEveryCommandIsItsOwn_data() {
        QTest::addColumn<QString>("command");
        const Run usage = wallctl({QStringLiteral("help")});
        QCOMPARE(usage.code, 0);
        const QStringList names = commandsListed(usage.out);
        // The list is read from the usage text; a broken parse must not pass with no rows.
        QVERIFY2(names.contains(QStringLiteral("status")), usage.out.constData());
        for (const QString &name : names)
            QTest::newRow(qPrintable(name)) << name;
    }
    void helpOfEveryCommandIsItsOwn() {
        QFETCH(QString, command);
        const Run topic = wallctl({QStringLiteral("help"), command});
        const Run flag = wallctl({command, QStringLiteral("--help")});
        QVERIFY2(flag.code == 0 && !flag.out.isEmpty(),
                 qPrintable(QStringLiteral("'wallctl %1 --help': exit %2, %3")
                                .arg(command)
                                .arg(flag.code)
                                .arg(QString::fromUtf8(flag.err))));
        QCOMPARE(topic.code, 0);
        QCOMPARE(topic.out, flag.out);
        QVERIFY2(topic.err.isEmpty(), topic.err.constData());
    }

    // The API's help names the command groups; the subcommands of their own say their name.
    void subcommandsGiveTheirOwnText() {
        const Run api = wallctl({QStringLiteral("help"), QStringLiteral("api")});
        QCOMPARE(api.code, 0);
        const Run calibrate = wallctl({QStringLiteral("help"), QStringLiteral("calibrate")});
        QCOMPARE(calibrate.code, 0);
        QVERIFY2(calibrate.out != api.out, "'wallctl help calibrate' prints the API's help");
        QVERIFY2(calibrate.out.contains("calibrate"), calibrate.out.constData());
    }

    void unknownTopicIsAUsageError() {
        const Run r = wallctl({QStringLiteral("help"), QStringLiteral("frobnicate")});
        QCOMPARE(r.code, 2);
        QVERIFY(r.out.isEmpty());
        QVERIFY2(r.err.contains("unknown command 'frobnicate'"), r.err.constData());
        // "wallctl help help" is the usage.
        const Run help = wallctl({QStringLiteral("help"), QStringLiteral("help")});
        QCOMPARE(help.code, 0);
        QCOMPARE(help.out, wallctl({QStringLiteral("help")}).out);
    }
};

QTEST_GUILESS_MAIN(TstWallctlHelp)
#include "tst_wallctl_help.moc"
