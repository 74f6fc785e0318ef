// app/logging without sockets: repeats summarised by the window, the journal fields of a record
// (priority per message type, category, code location, FEED/DISPLAY/STREAM/ACTION/USER), the
// native-protocol bytes, the plain line, and the handler's summaries with a stepped clock.
#include "journalreader.h"

#include "logging/journal.h"
#include "logging/logfields.h"
#include "logging/loghandler.h"
#include "logging/repeatlimiter.h"

#include <QLoggingCategory>
#include <QTest>

#include <memory>
#include <thread>

using namespace opswall::logging;

namespace {
Q_LOGGING_CATEGORY(lcTest, "opswall.test")

QByteArray field(const JournalFields &f, const char *key) {
    for (const auto &[k, v] : f)
        if (k == key)
            return v;
    return "<absent>";
}
} // namespace

class TstLogging : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void firstIsWrittenRepeatsAreCountedThenSummarised();
    void atExitEveryCountIsWritten();
    void aSingleMessageHasNoSummary();
    void keysAreSeparateAndBounded();
    void prioritiesFollowTheMessageType();
    void fieldsComeFromTheScopesOfThisThread();
    void nativeProtocolBytes();
    void plainLineNamesLevelCategoryAndFields();
    void handlerSummarisesRepeatsOnItsClock();
};

void TstLogging::firstIsWrittenRepeatsAreCountedThenSummarised() {
    RepeatLimiter limiter({60'000, 16});
    const QString key = QStringLiteral("display r2c3 unreachable");
    QVERIFY(limiter.admit(key, 0));
    for (int i = 1; i <= 41; ++i)
        QVERIFY(!limiter.admit(key, i * 1000));
    QVERIFY(limiter.expire(59'999).empty()); // the window is still open
    const auto summaries = limiter.expire(60'000);
    QCOMPARE(summaries.size(), std::size_t(1));
    QCOMPARE(summaries[0].key, key);
    QCOMPARE(summaries[0].repeats, 41);
    QCOMPARE(summaries[0].windowMs, std::int64_t(60'000));
    // A new window: written again at once.
    QVERIFY(limiter.admit(key, 61'000));
    QVERIFY(!limiter.admit(key, 62'000));
}

void TstLogging::atExitEveryCountIsWritten() {
    RepeatLimiter limiter({60'000, 16});
    QVERIFY(limiter.admit(QStringLiteral("feed x failing"), 1000));
    QVERIFY(!limiter.admit(QStringLiteral("feed x failing"), 2000));
    QVERIFY(!limiter.admit(QStringLiteral("feed x failing"), 3000));
    QVERIFY(limiter.expire(19'000).empty());
    const auto summaries = limiter.expire(19'000, true);
    QCOMPARE(summaries.size(), std::size_t(1));
    QCOMPARE(summaries[0].repeats, 2);
    QCOMPARE(summaries[0].windowMs, std::int64_t(18'000)); // the window was cut at 18 s
    QCOMPARE(limiter.tracked(), 0);
}

void TstLogging::aSingleMessageHasNoSummary() {
    RepeatLimiter limiter({1000, 16});
    QVERIFY(limiter.admit(QStringLiteral("once"), 0));
    QVERIFY(limiter.expire(5000).empty());
    QCOMPARE(limiter.tracked(), 0); // forgotten: the map does not grow with old messages
}

void TstLogging::keysAreSeparateAndBounded() {
    RepeatLimiter limiter({1000, 2});
    QVERIFY(limiter.admit(QStringLiteral("a"), 0));
    QVERIFY(limiter.admit(QStringLiteral("b"), 0));
    QVERIFY(!limiter.admit(QStringLiteral("a"), 1));
    // Full: a third message is written every time rather than lost.
    QVERIFY(limiter.admit(QStringLiteral("c"), 2));
    QVERIFY(limiter.admit(QStringLiteral("c"), 3));
    QCOMPARE(limiter.tracked(), 2);
}

void TstLogging::prioritiesFollowTheMessageType() {
    QCOMPARE(journalPriority(QtDebugMsg), 7);
    QCOMPARE(journalPriority(QtInfoMsg), 6);
    QCOMPARE(journalPriority(QtWarningMsg), 4);
    QCOMPARE(journalPriority(QtCriticalMsg), 3);
    QCOMPARE(journalPriority(QtFatalMsg), 2);
}

void TstLogging::fieldsComeFromTheScopesOfThisThread() {
    QVERIFY(currentFields().empty());
    LogRecord r;
    {
        const LogScope outer{{Field::Action, QStringLiteral("device.command")},
                             {Field::User, QStringLiteral("kỹ thuật viên")}};
        {
            const LogScope inner{{Field::Display, QStringLiteral("r2c3")},
                                 {Field::Action, QStringLiteral("device.power")}};
            r.fields = currentFields();
        }
        QCOMPARE(currentFields().size(), std::size_t(2));
        // Another thread sees none of them.
        std::size_t elsewhere = 99;
        std::thread([&elsewhere] { elsewhere = currentFields().size(); }).join();
        QCOMPARE(elsewhere, std::size_t(0));
    }
    QVERIFY(currentFields().empty());
    r.type = QtWarningMsg;
    r.category = QStringLiteral("opswall.displays");
    r.message = QStringLiteral("display r2c3 unreachable");
    r.file = "deviceservice.cpp";
    r.line = 42;
    r.function = "void onHealth()";
    const JournalFields f = journalFields(r, "opswall");
    QCOMPARE(field(f, "MESSAGE"), QByteArray("display r2c3 unreachable"));
    QCOMPARE(field(f, "PRIORITY"), QByteArray("4"));
    QCOMPARE(field(f, "SYSLOG_IDENTIFIER"), QByteArray("opswall"));
    QCOMPARE(field(f, "QT_CATEGORY"), QByteArray("opswall.displays"));
    QCOMPARE(field(f, "CODE_FILE"), QByteArray("deviceservice.cpp"));
    QCOMPARE(field(f, "CODE_LINE"), QByteArray("42"));
    QCOMPARE(field(f, "CODE_FUNC"), QByteArray("void onHealth()"));
    QCOMPARE(field(f, "DISPLAY"), QByteArray("r2c3"));
    QCOMPARE(field(f, "ACTION"), QByteArray("device.power")); // the inner scope wins
    QCOMPARE(field(f, "USER"), QStringLiteral("kỹ thuật viên").toUtf8());
    QCOMPARE(field(f, "FEED"), QByteArray("<absent>"));
    QCOMPARE(field(f, "OPSWALL_REPEATS"), QByteArray("<absent>"));
    // Field names are valid journal names: upper case, digits, underscore, not leading "_".
    for (const auto &[k, v] : f) {
        QVERIFY(!k.startsWith('_'));
        for (char c : k)
            QVERIFY2((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_', k.constData());
    }
    // A summary says how often.
    r.repeats = 41;
    r.windowMs = 60'000;
    const JournalFields s = journalFields(r, "opswall");
    QCOMPARE(field(s, "MESSAGE"),
             QByteArray("display r2c3 unreachable (repeated 41 more times in 60 s)"));
    QCOMPARE(field(s, "OPSWALL_REPEATS"), QByteArray("41"));
}

void TstLogging::nativeProtocolBytes() {
    const QByteArray simple = encodeJournal({{"MESSAGE", "hello"}, {"PRIORITY", "6"}});
    QCOMPARE(simple, QByteArray("MESSAGE=hello\nPRIORITY=6\n"));
    // A value with a newline: KEY\n, 64-bit little-endian length, the bytes, \n.
    const QByteArray multi = encodeJournal({{"MESSAGE", "a\nb"}});
    QCOMPARE(multi, QByteArray("MESSAGE\n\x03\0\0\0\0\0\0\0a\nb\n", 8 + 8 + 4));
    const auto decoded = journaltest::decode(
        encodeJournal({{"MESSAGE", "line one\nline two = x"}, {"FEED", "gso-monthly"}}));
    QVERIFY(decoded);
    QCOMPARE(decoded->value("MESSAGE"), QByteArray("line one\nline two = x"));
    QCOMPARE(decoded->value("FEED"), QByteArray("gso-monthly"));
    // An oversized message is cut so that the record fits one datagram.
    LogRecord big;
    big.message = QString(200'000, QLatin1Char('x'));
    QVERIFY(field(journalFields(big, "opswall"), "MESSAGE").size() < kMaxMessageBytes + 8);
}

void TstLogging::plainLineNamesLevelCategoryAndFields() {
    LogRecord r;
    r.type = QtWarningMsg;
    r.category = QStringLiteral("opswall.feeds");
    r.message = QStringLiteral("feed gso-monthly failing: HTTP 503");
    r.fields = {{Field::Feed, QStringLiteral("gso-monthly")}};
    const QByteArray line =
        plainLine(r, QDateTime(QDate(2026, 12, 2), QTime(9, 41, 7, 123), Qt::UTC));
    QCOMPARE(line, QByteArray("2026-12-02T09:41:07.123Z warning opswall.feeds: feed gso-monthly "
                              "failing: HTTP 503 [FEED=gso-monthly]\n"));
}

void TstLogging::handlerSummarisesRepeatsOnItsClock() {
    auto now = std::make_shared<std::int64_t>(0);
    auto lines = std::make_shared<QList<QByteArray>>();
    LogConfig config;
    config.sink = LogConfig::Sink::Plain;
    config.repeats = {60'000, 64};
    config.writePlain = [lines](const QByteArray &l) { lines->append(l); };
    config.nowMs = [now] { return *now; };
    LogHandler handler(config); // installed: qCWarning below goes through it
    QVERIFY(!handler.usesJournal());
    for (int i = 0; i < 10; ++i) {
        const LogScope scope{{Field::Display, QStringLiteral("r2c3")}};
        qCWarning(lcTest, "display r2c3 unreachable");
        *now += 1000;
    }
    {
        const LogScope scope{{Field::Display, QStringLiteral("r1c1")}};
        qCWarning(lcTest, "display r1c1 unreachable");
    }
    QCOMPARE(lines->size(), 2);
    QVERIFY(lines->at(0).contains("opswall.test: display r2c3 unreachable [DISPLAY=r2c3]"));
    QVERIFY(lines->at(1).contains("display r1c1 unreachable [DISPLAY=r1c1]"));
    *now = 60'000;
    handler.flush();
    QCOMPARE(lines->size(), 3);
    QVERIFY2(lines->at(2).contains("warning opswall.test: display r2c3 unreachable (repeated 9 "
                                   "more times in 60 s) [DISPLAY=r2c3]"),
             lines->at(2).constData());
    handler.flush(); // nothing more is due
    QCOMPARE(lines->size(), 3);
}

QTEST_GUILESS_MAIN(TstLogging)
#include "tst_logging.moc"
