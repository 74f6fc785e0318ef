// Tokens and the audit log over a real SQLite file: hashed storage, first-start admin token file,
// revocation, persistence; the hash chain detects edited and deleted rows; time-range queries.
#include "control/auditlog.h"
#include "control/tokenstore.h"
#include "store/database.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

#include <sqlite3.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace opswall;
using namespace opswall::control;

namespace {
// Tampering goes straight at the file, as an intruder with the disk would.
void rawExec(const QString &path, const char *sql) {
    sqlite3 *db = nullptr;
    QCOMPARE(sqlite3_open(QFile::encodeName(path).constData(), &db), SQLITE_OK);
    char *err = nullptr;
    const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &err);
    QVERIFY2(rc == SQLITE_OK, err ? err : "");
    sqlite3_close(db);
}

Caller caller(const char *user, Role role) {
    return Caller{QString::fromLatin1(user), role, QStringLiteral("127.0.0.1:5000"),
                  QStringLiteral("api")};
}
} // namespace

class TstControlStore : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void tokensAreStoredHashedAndAuthenticate();
    void revokedAndMalformedTokensFail();
    void tokenNamesAndRolesAreValidated();
    void firstStartWritesAdminTokenFile0600();
    void auditChainVerifies();
    void auditDetectsEditedRow();
    void auditDetectsDeletedRow();
    void auditDetectsDeletedNewestRow();
    void auditQueriesByTimeRange();
    void auditFindsLayoutChangeAtTime();

private:
    QTemporaryDir m_dir;
    int m_n = 0;
    QString freshDb() { return m_dir.filePath(QStringLiteral("db%1.sqlite").arg(++m_n)); }
};

void TstControlStore::tokensAreStoredHashedAndAuthenticate() {
    const QString path = freshDb();
    QString token;
    {
        store::Database db(path);
        TokenStore tokens(db);
        auto t = tokens.create(QStringLiteral("console-2"), Role::Operator);
        QVERIFY(t);
        token = t->token;
        QVERIFY(token.startsWith(QLatin1String("owt_")));
        auto who = tokens.authenticate(token);
        QVERIFY(who);
        QCOMPARE(who->name, QStringLiteral("console-2"));
        QCOMPARE(who->role, Role::Operator);
    }
    // The secret is nowhere in the files. A token reads owt_<id>_<secret>: the id is hex and the
    // secret is base64url, which may itself contain '_', so the secret starts after the SECOND
    // '_' (searching for a short tail after the last '_' matched by chance now and then).
    const qsizetype sep = token.indexOf(u'_', 4);
    QVERIFY(sep > 4);
    const QByteArray secret = token.mid(sep + 1).toLatin1();
    QVERIFY2(secret.size() >= 40, secret.constData());
    for (const QString &file : {path, path + QStringLiteral("-wal")}) {
        QFile f(file);
        if (!f.exists())
            continue;
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY2(!f.readAll().contains(secret), qPrintable(file));
    }
    // It survives a restart.
    store::Database db(path);
    TokenStore again(db);
    QVERIFY(again.authenticate(token));
    // One changed character fails.
    QString wrong = token;
    wrong[wrong.size() - 1] = wrong.back() == u'A' ? u'B' : u'A';
    QVERIFY(!again.authenticate(wrong));
}

void TstControlStore::revokedAndMalformedTokensFail() {
    store::Database db(freshDb());
    TokenStore tokens(db);
    const QString token = tokens.create(QStringLiteral("tablet"), Role::Leader)->token;
    QVERIFY(tokens.revoke(QStringLiteral("tablet")));
    QVERIFY(!tokens.authenticate(token));
    QVERIFY(!tokens.revoke(QStringLiteral("tablet")));
    for (const char *bad : {"", "owt_", "owt__", "Bearer x", "owt_zz_zz"})
        QVERIFY2(!tokens.authenticate(QString::fromLatin1(bad)), bad);
    QVERIFY(!tokens.authenticate(QString(5000, u'a')));
    // The name is free again.
    QVERIFY(tokens.create(QStringLiteral("tablet"), Role::Leader));
}

void TstControlStore::tokenNamesAndRolesAreValidated() {
    store::Database db(freshDb());
    TokenStore tokens(db);
    QString error;
    QVERIFY(tokens.create(QStringLiteral("crestron"), Role::Operator, &error));
    QVERIFY(!tokens.create(QStringLiteral("crestron"), Role::Viewer, &error));
    QVERIFY(error.contains(QLatin1String("exists")));
    QVERIFY(!tokens.create(QStringLiteral("bad name"), Role::Viewer, &error));
    QVERIFY(!tokens.create(QStringLiteral("x"), Role::Invalid, &error));
    QCOMPARE(tokens.list().size(), qsizetype(1));
    QVERIFY(!QJsonDocument(tokens.list()).toJson().contains("owt_"));
}

void TstControlStore::firstStartWritesAdminTokenFile0600() {
    store::Database db(freshDb());
    TokenStore tokens(db);
    const QString file = m_dir.filePath(QStringLiteral("secret/admin.token"));
    QVERIFY(QDir().mkpath(QFileInfo(file).absolutePath()));
    // What happens in the folder: the token file must appear whole (a script or a test that
    // reads it as soon as it exists read it empty), so it is never written under its own name.
    const int watch = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    QVERIFY(watch >= 0);
    QVERIFY(::inotify_add_watch(watch,
                                QFile::encodeName(QFileInfo(file).absolutePath()).constData(),
                                IN_CREATE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_TO) >= 0);
    const auto written = tokens.ensureAdminToken(file);
    QVERIFY(written);
    QStringList events;
    alignas(inotify_event) char buffer[4096];
    for (ssize_t n; (n = ::read(watch, buffer, sizeof buffer)) > 0;)
        for (char *at = buffer; at < buffer + n;) {
            const auto *e = reinterpret_cast<const inotify_event *>(at);
            if (e->len > 0 && QFileInfo(file).fileName() == QLatin1String(e->name))
                events.append(QString::number(
                    e->mask & (IN_CREATE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_TO), 16));
            at += sizeof(inotify_event) + e->len;
        }
    ::close(watch);
    QCOMPARE(events, QStringList{QString::number(IN_CREATE, 16)}); // made whole, never written
    QCOMPARE(QDir(QFileInfo(file).absolutePath()).entryList(QDir::Files | QDir::Hidden),
             QStringList{QFileInfo(file).fileName()}); // and nothing left beside it
    QCOMPARE(*written, file);
    struct stat st {};
    QCOMPARE(::stat(QFile::encodeName(file).constData(), &st), 0);
    QCOMPARE(st.st_mode & 0777, 0600u);
    QFile f(file);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const auto who = tokens.authenticate(QString::fromLatin1(f.readAll().trimmed()));
    QVERIFY(who);
    QCOMPARE(who->role, Role::Admin);
    // Second start: an admin exists, nothing is written.
    QVERIFY(!tokens.ensureAdminToken(file));
}

void TstControlStore::auditChainVerifies() {
    store::Database db(freshDb());
    AuditLog audit(db);
    QVERIFY(audit.verify().ok); // empty is intact
    for (int i = 0; i < 20; ++i)
        audit.append(caller("op", Role::Operator),
                     Action{QStringLiteral("tile.move"), {{QStringLiteral("x"), i}}},
                     ActionResult::success());
    const AuditVerification v = audit.verify();
    QVERIFY2(v.ok, qPrintable(v.message));
    QCOMPARE(v.rowsChecked, std::int64_t(20));
    QCOMPARE(v.headHash, audit.headHash());
}

void TstControlStore::auditDetectsEditedRow() {
    const QString path = freshDb();
    {
        store::Database db(path);
        AuditLog audit(db);
        for (int i = 0; i < 5; ++i)
            audit.append(caller("op", Role::Operator),
                         Action{QStringLiteral("preset.recall"), {{QStringLiteral("id"), i}}},
                         ActionResult::success());
    }
    rawExec(path, "UPDATE control_audit SET user='someone-else' WHERE id=3");
    store::Database db(path);
    AuditLog audit(db);
    const AuditVerification v = audit.verify();
    QVERIFY(!v.ok);
    QCOMPARE(v.firstBadId, std::int64_t(3));
    QVERIFY2(v.message.contains(QLatin1String("altered")), qPrintable(v.message));
}

void TstControlStore::auditDetectsDeletedRow() {
    const QString path = freshDb();
    {
        store::Database db(path);
        AuditLog audit(db);
        for (int i = 0; i < 5; ++i)
            audit.append(caller("op", Role::Operator), Action{QStringLiteral("tile.add"), {}},
                         ActionResult::success());
    }
    rawExec(path, "DELETE FROM control_audit WHERE id=2");
    store::Database db(path);
    const AuditVerification v = AuditLog(db).verify();
    QVERIFY(!v.ok);
    QCOMPARE(v.firstBadId, std::int64_t(2));
    QVERIFY2(v.message.contains(QLatin1String("missing")), qPrintable(v.message));
}

void TstControlStore::auditDetectsDeletedNewestRow() {
    const QString path = freshDb();
    {
        store::Database db(path);
        AuditLog audit(db);
        for (int i = 0; i < 4; ++i)
            audit.append(caller("op", Role::Operator), Action{QStringLiteral("tile.add"), {}},
                         ActionResult::success());
    }
    rawExec(path, "DELETE FROM control_audit WHERE id=4");
    store::Database db(path);
    const AuditVerification v = AuditLog(db).verify();
    QVERIFY(!v.ok);
    QVERIFY2(v.message.contains(QLatin1String("newest")), qPrintable(v.message));
}

void TstControlStore::auditQueriesByTimeRange() {
    store::Database db(freshDb());
    AuditLog audit(db);
    const std::int64_t t0 = 1'700'000'000'000;
    for (int i = 0; i < 10; ++i)
        audit.append(caller(i % 2 ? "ana" : "bo", Role::Leader),
                     Action{i < 5 ? QStringLiteral("preset.recall") : QStringLiteral("alert.ack"),
                            {{QStringLiteral("n"), i}}},
                     i == 9 ? ActionResult::failure(QStringLiteral("locked"), QStringLiteral("no"))
                            : ActionResult::success(),
                     t0 + i * 60'000);
    AuditQuery q;
    q.fromMs = t0 + 2 * 60'000;
    q.toMs = t0 + 6 * 60'000;
    auto rows = audit.query(q);
    QCOMPARE(rows.size(), std::size_t(4));
    QCOMPARE(rows.front().action.params.value(QStringLiteral("n")).toInt(), 2);
    QCOMPARE(rows.back().action.params.value(QStringLiteral("n")).toInt(), 5);
    q = AuditQuery{};
    q.actionPrefix = QStringLiteral("alert.");
    q.newestFirst = true;
    q.limit = 2;
    rows = audit.query(q);
    QCOMPARE(rows.size(), std::size_t(2));
    QCOMPARE(rows.front().result.code, QStringLiteral("locked"));
    QCOMPARE(rows.front().caller.user, QStringLiteral("ana"));
    QCOMPARE(rows.front().toJson().value(QStringLiteral("remote")).toString(),
             QStringLiteral("127.0.0.1:5000"));
}

void TstControlStore::auditFindsLayoutChangeAtTime() {
    store::Database db(freshDb());
    AuditLog audit(db);
    const std::int64_t t0 = 1'700'000'000'000;
    audit.append(caller("op", Role::Operator), Action{QStringLiteral("preset.recall"), {}},
                 ActionResult::success({{QStringLiteral("revision"), 7}}), t0);
    audit.append(caller("op", Role::Operator), Action{QStringLiteral("alert.ack"), {}},
                 ActionResult::success(), t0 + 1000);
    audit.append(caller("op", Role::Operator), Action{QStringLiteral("layout.publish"), {}},
                 ActionResult::failure(QStringLiteral("invalid"), QStringLiteral("bad")),
                 t0 + 2000);
    audit.append(caller("op", Role::Operator), Action{QStringLiteral("tile.move"), {}},
                 ActionResult::success({{QStringLiteral("revision"), 8}}), t0 + 3000);
    QVERIFY(!audit.lastLayoutChange(t0 - 1));
    auto e = audit.lastLayoutChange(t0 + 2500); // the failed publish does not count
    QVERIFY(e);
    QCOMPARE(e->result.data.value(QStringLiteral("revision")).toInt(), 7);
    e = audit.lastLayoutChange(t0 + 3000);
    QCOMPARE(e->result.data.value(QStringLiteral("revision")).toInt(), 8);
}

QTEST_GUILESS_MAIN(TstControlStore)
#include "tst_control_store.moc"
