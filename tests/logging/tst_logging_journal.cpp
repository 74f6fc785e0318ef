// The installed handler in journal mode writes the native protocol to the journal's socket: here
// a datagram socket the test binds and reads (journald does not run on build machines), with the
// same decoding journald applies. Checks the fields of a real qCWarning inside LogScopes, a
// multi-line message, and the summary of repeats; and that the automatic choice follows
// JOURNAL_STREAM against our real stderr.
#include "journalreader.h"

#include "logging/journal.h"
#include "logging/loghandler.h"

#include <QElapsedTimer>
#include <QLoggingCategory>
#include <QTemporaryDir>
#include <QTest>

#include <cstring>
#include <functional>
#include <memory>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

using namespace opswall::logging;

namespace {
Q_LOGGING_CATEGORY(lcFeeds, "opswall.feeds")

class DatagramServer {
public:
    explicit DatagramServer(const QByteArray &path) {
        m_fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_un addr = {};
        addr.sun_family = AF_UNIX;
        std::memcpy(addr.sun_path, path.constData(), std::size_t(path.size()));
        m_bound = ::bind(m_fd, reinterpret_cast<sockaddr *>(&addr), socklen_t(sizeof addr)) == 0;
        timeval tv{2, 0};
        ::setsockopt(m_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    }
    ~DatagramServer() { ::close(m_fd); }
    bool bound() const { return m_bound; }
    // The next datagram if one is queued now, else empty.
    QByteArray readNow() const {
        QByteArray buf(256 * 1024, '\0');
        const ssize_t n = ::recv(m_fd, buf.data(), std::size_t(buf.size()), MSG_DONTWAIT);
        return n > 0 ? buf.left(n) : QByteArray();
    }
    // The next datagram, or empty after two seconds.
    QByteArray read() const {
        QByteArray buf(256 * 1024, '\0');
        const ssize_t n = ::recv(m_fd, buf.data(), std::size_t(buf.size()), 0);
        return n > 0 ? buf.left(n) : QByteArray();
    }

private:
    int m_fd = -1;
    bool m_bound = false;
};
// The handler in journal mode on path; what it would write on stderr goes to plain.
LogConfig journalConfig(const QByteArray &path, std::shared_ptr<QList<QByteArray>> plain) {
    LogConfig config;
    config.sink = LogConfig::Sink::Journal;
    config.journalSocket = path;
    config.writePlain = [plain](const QByteArray &l) { plain->append(l); };
    return config;
}

// A journal socket nobody reads until the test says so, and the handler writing to it.
struct SlowJournal {
    QTemporaryDir dir;
    QByteArray path = dir.filePath(QStringLiteral("journal.socket")).toUtf8();
    DatagramServer journal{path};
    std::shared_ptr<QList<QByteArray>> plain = std::make_shared<QList<QByteArray>>();
    LogHandler handler{journalConfig(path, plain)};

    // The journal reads again: the messages it takes while the handler flushes its backlog (a
    // timer in the wall), until done(messages) or `rounds` flushes; "" for a datagram that does
    // not decode.
    QList<QByteArray>
    readWhileFlushing(int rounds, const std::function<bool(const QList<QByteArray> &)> &done) {
        QList<QByteArray> messages;
        for (int round = 0; round < rounds && !done(messages); ++round) {
            for (QByteArray d = journal.readNow(); !d.isEmpty(); d = journal.readNow()) {
                const auto r = journaltest::decode(d);
                messages.append(r ? r->value("MESSAGE") : QByteArray());
            }
            handler.flush();
        }
        return messages;
    }
};
} // namespace

class TstLoggingJournal : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void recordsReachTheJournalSocketWithTheirFields();
    void aBurstWaitsForASlowJournalInOrder();
    void aFullJournalNeverBlocksAndDropsAreReported();
    void autoModeFollowsJournalStream();
};

void TstLoggingJournal::aBurstWaitsForASlowJournalInOrder() {
    SlowJournal j;
    QVERIFY(j.journal.bound());
    // A start-up burst larger than the socket's queue (10 datagrams by default) while the journal
    // is not reading: nothing is lost, nothing goes to stderr instead.
    for (int i = 0; i < 100; ++i)
        qCWarning(lcFeeds, "burst %d", i);
    QCOMPARE(j.handler.droppedTotal(), std::uint64_t(0));
    QVERIFY(j.plain->isEmpty());
    // The journal reads now; the backlog follows at each flush, in order.
    const QList<QByteArray> messages =
        j.readWhileFlushing(100, [](const QList<QByteArray> &m) { return m.size() >= 100; });
    QCOMPARE(messages.size(), 100);
    for (int i = 0; i < 100; ++i)
        QCOMPARE(messages.at(i), QByteArray("burst ") + QByteArray::number(i));
}

void TstLoggingJournal::aFullJournalNeverBlocksAndDropsAreReported() {
    SlowJournal j;
    QVERIFY(j.journal.bound());
    // Nobody reads: the socket's queue (net.unix.max_dgram_qlen, 10 by default, or its buffer)
    // and then the backlog (512 records) fill; the writer goes on without waiting.
    QElapsedTimer clock;
    clock.start();
    for (int i = 0; i < 2000; ++i)
        qCWarning(lcFeeds, "record %d", i); // distinct texts: no repeat summarising
    QVERIFY(clock.elapsed() < 5000);
    QVERIFY(j.handler.droppedTotal() > 0);
    QVERIFY(j.handler.droppedTotal() <= 2000 - 512);
    QVERIFY(j.plain->isEmpty()); // not written twice elsewhere
    // The journal reads again: the kept records come first, in order, then the count of the
    // dropped ones; the next record follows them.
    const QByteArray note = QByteArray::number(qulonglong(j.handler.droppedTotal())) +
                            " log records dropped: the journal did not take them";
    const QList<QByteArray> messages =
        j.readWhileFlushing(1000, [&note](const QList<QByteArray> &m) { return m.contains(note); });
    QCOMPARE(messages.size(), int(2000 - j.handler.droppedTotal()) + 1);
    for (int i = 0; i < messages.size() - 1; ++i) // the queue and the backlog, oldest first
        QCOMPARE(messages.at(i), QByteArray("record ") + QByteArray::number(i));
    QCOMPARE(messages.last(), note);
    qCWarning(lcFeeds, "after the jam");
    const auto next = journaltest::decode(j.journal.read());
    QVERIFY(next);
    QCOMPARE(next->value("MESSAGE"), QByteArray("after the jam"));
}

void TstLoggingJournal::recordsReachTheJournalSocketWithTheirFields() {
    QTemporaryDir dir;
    const QByteArray path = dir.filePath(QStringLiteral("journal.socket")).toUtf8();
    QVERIFY(path.size() < 100);
    DatagramServer journal(path);
    QVERIFY(journal.bound());
    auto now = std::make_shared<std::int64_t>(0);
    auto plain = std::make_shared<QList<QByteArray>>();
    LogConfig config;
    config.sink = LogConfig::Sink::Journal;
    config.journalSocket = path;
    config.repeats = {60'000, 64};
    config.nowMs = [now] { return *now; };
    config.writePlain = [plain](const QByteArray &l) { plain->append(l); };
    LogHandler handler(config);
    QVERIFY(handler.usesJournal());

    {
        const LogScope scope{{Field::Feed, QStringLiteral("gso-monthly")},
                             {Field::User, QStringLiteral("vận hành")}};
        qCWarning(lcFeeds, "feed gso-monthly failing: HTTP 503");
        *now += 1000;
        qCWarning(lcFeeds, "feed gso-monthly failing: HTTP 503"); // a repeat: counted
    }
    qCInfo(lcFeeds, "first line\nsecond line");

    const auto first = journaltest::decode(journal.read());
    QVERIFY(first);
    QCOMPARE(first->value("MESSAGE"), QByteArray("feed gso-monthly failing: HTTP 503"));
    QCOMPARE(first->value("PRIORITY"), QByteArray("4"));
    QCOMPARE(first->value("QT_CATEGORY"), QByteArray("opswall.feeds"));
    QCOMPARE(first->value("SYSLOG_IDENTIFIER"), QByteArray("opswall"));
    QCOMPARE(first->value("FEED"), QByteArray("gso-monthly"));
    QCOMPARE(first->value("USER"), QStringLiteral("vận hành").toUtf8());
    QVERIFY(!first->contains("DISPLAY"));
    const auto second = journaltest::decode(journal.read());
    QVERIFY(second);
    QCOMPARE(second->value("MESSAGE"), QByteArray("first line\nsecond line"));
    QCOMPARE(second->value("PRIORITY"), QByteArray("6"));
    QVERIFY(!second->contains("FEED")); // the scope ended

    *now = 61'000;
    handler.flush();
    const auto summary = journaltest::decode(journal.read());
    QVERIFY(summary);
    QCOMPARE(summary->value("MESSAGE"),
             QByteArray("feed gso-monthly failing: HTTP 503 (repeated 1 more time in 60 s)"));
    QCOMPARE(summary->value("OPSWALL_REPEATS"), QByteArray("1"));
    QCOMPARE(summary->value("FEED"), QByteArray("gso-monthly"));
    QVERIFY(plain->isEmpty()); // nothing fell back to stderr
}

void TstLoggingJournal::autoModeFollowsJournalStream() {
    struct stat st = {};
    QCOMPARE(::fstat(STDERR_FILENO, &st), 0);
    const QByteArray saved = qgetenv("JOURNAL_STREAM");
    qputenv("JOURNAL_STREAM", QByteArray::number(qulonglong(st.st_dev)) + ':' +
                                  QByteArray::number(qulonglong(st.st_ino)));
    QVERIFY(stderrIsJournal());
    {
        LogConfig config;
        config.journalSocket = "/nonexistent/journal.socket";
        auto plain = std::make_shared<QList<QByteArray>>();
        config.writePlain = [plain](const QByteArray &l) { plain->append(l); };
        LogHandler handler(config);
        QVERIFY(handler.usesJournal());
        // The journal is not there: the record falls back to a plain line, it is not lost.
        qCWarning(lcFeeds, "no journal here");
        QCOMPARE(plain->size(), 1);
        QVERIFY(plain->at(0).contains("warning opswall.feeds: no journal here"));
    }
    // Another file's device:inode (a service whose stderr was redirected): plain lines.
    qputenv("JOURNAL_STREAM", QByteArray::number(qulonglong(st.st_dev)) + ':' +
                                  QByteArray::number(qulonglong(st.st_ino) + 1));
    QVERIFY(!stderrIsJournal());
    qunsetenv("JOURNAL_STREAM");
    QVERIFY(!stderrIsJournal());
    {
        LogHandler handler;
        QVERIFY(!handler.usesJournal());
    }
    if (!saved.isEmpty())
        qputenv("JOURNAL_STREAM", saved);
}

QTEST_GUILESS_MAIN(TstLoggingJournal)
#include "tst_logging_journal.moc"
