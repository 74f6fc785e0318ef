#include "control/auditlog.h"

#include "control/auditlog_p.h"
#include "control/crypto.h"
#include "store/database.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSaveFile>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <memory>

// The audit log checked: the chain walked row by row (in the live store, a copy of it, or an
// export), the keyed seal and the anchors written outside the store.
namespace opswall::control {

using namespace auditrow;

QJsonObject AuditVerification::toJson() const {
    QJsonObject o{{QStringLiteral("ok"), ok},
                  {QStringLiteral("rowsChecked"), double(rowsChecked)},
                  {QStringLiteral("message"), message},
                  {QStringLiteral("headHash"), QString::fromLatin1(headHash.toHex())}};
    if (!ok)
        o.insert(QStringLiteral("firstBadId"), double(firstBadId));
    return o;
}

QJsonObject AuditAnchor::toJson() const {
    QJsonObject o{{QStringLiteral("id"), double(id)},
                  {QStringLiteral("hash"), QString::fromLatin1(hash.toHex())},
                  {QStringLiteral("timeMs"), double(timeMs)},
                  {QStringLiteral("time"),
                   QDateTime::fromMSecsSinceEpoch(timeMs, Qt::UTC).toString(Qt::ISODate)}};
    if (!mac.isEmpty())
        o.insert(QStringLiteral("mac"), QString::fromLatin1(mac.toHex()));
    return o;
}

std::optional<AuditAnchor> AuditAnchor::fromJson(const QJsonObject &o) {
    AuditAnchor a;
    const double id = o.value(QStringLiteral("id")).toDouble(-1);
    a.id = std::int64_t(id);
    a.hash = QByteArray::fromHex(o.value(QStringLiteral("hash")).toString().toLatin1());
    a.timeMs = std::int64_t(o.value(QStringLiteral("timeMs")).toDouble(0));
    a.mac = QByteArray::fromHex(o.value(QStringLiteral("mac")).toString().toLatin1());
    if (id < 0 || double(a.id) != id || (a.id > 0 && a.hash.size() != 32))
        return std::nullopt;
    return a;
}

namespace {
AuditVerification verifyOn(store::Database &db, const AuditKey &key,
                           const std::optional<AuditAnchor> &anchor) {
    AuditVerification v;
    QByteArray prev(32, '\0');
    std::int64_t expectedId = 1;
    auto fail = [&](std::int64_t id, const QString &why) {
        v.ok = false;
        v.firstBadId = id;
        v.message = why;
        return v;
    };
    bool hasAuditTables = false;
    {
        auto t = db.prepare("SELECT 1 FROM sqlite_master WHERE type='table' AND name='audit_seal'");
        hasAuditTables = t.step();
    }
    // Retention leaves the boundary: the rest of the chain starts after it.
    std::int64_t baseId = 0;
    if (hasAuditTables) {
        auto base =
            db.prepare("SELECT last_pruned_id, last_pruned_hash, mac FROM audit_base WHERE one=1");
        if (base.step()) {
            baseId = base.int64(0);
            prev = base.blob(1);
            if (key.valid() &&
                !crypto::constantTimeEqual(macOf(key, "base", baseId, prev), base.blob(2)))
                return fail(baseId + 1, QStringLiteral("the retention boundary (row %1) was "
                                                       "altered")
                                            .arg(baseId));
            expectedId = baseId + 1;
        }
    }
    bool anchorSeen = false;
    auto st = db.prepare((std::string(kSelect) + "WHERE id > ? ORDER BY id ASC").c_str());
    st.bind(1, baseId);
    while (st.step()) {
        const Row r = readRow(st);
        const QByteArray storedPrev = st.blob(12);
        const QByteArray storedHash = st.blob(13);
        if (r.id != expectedId)
            return fail(expectedId,
                        r.id > expectedId
                            ? QStringLiteral("row %1 is missing (deleted)").arg(expectedId)
                            : QStringLiteral("row ids out of order at %1").arg(r.id));
        if (storedPrev != prev)
            return fail(r.id, QStringLiteral("row %1 does not link to row %2 (chain broken)")
                                  .arg(r.id)
                                  .arg(r.id - 1));
        const QByteArray hash = linkHash(key, r.id, prev, canonical(r));
        if (!crypto::constantTimeEqual(hash, storedHash))
            return fail(r.id,
                        key.valid() && r.id >= key.keyedFrom
                            ? QStringLiteral("row %1 was altered after it was written (its keyed "
                                             "hash does not match: edited, or the chain was "
                                             "recomputed without the key)")
                                  .arg(r.id)
                            : QStringLiteral("row %1 was altered after it was written").arg(r.id));
        if (r.action == QLatin1String("audit.broken"))
            return fail(
                r.id,
                QStringLiteral("the log was found broken at %1: %2")
                    .arg(QDateTime::fromMSecsSinceEpoch(r.timeMs, Qt::UTC).toString(Qt::ISODate),
                         r.message));
        if (anchor && anchor->id == r.id) {
            if (!crypto::constantTimeEqual(anchor->hash, storedHash))
                return fail(r.id, QStringLiteral("row %1 differs from the anchor taken at %2: the "
                                                 "chain was rewritten")
                                      .arg(r.id)
                                      .arg(QDateTime::fromMSecsSinceEpoch(anchor->timeMs, Qt::UTC)
                                               .toString(Qt::ISODate)));
            anchorSeen = true;
        }
        prev = hash;
        ++expectedId;
        ++v.rowsChecked;
    }
    const std::int64_t lastId = expectedId - 1;
    auto head = db.prepare("SELECT last_id, last_hash FROM control_audit_head WHERE one=1");
    if (head.step()) {
        if (head.int64(0) != lastId || head.blob(1) != prev)
            return fail(expectedId,
                        QStringLiteral("the newest rows after %1 are missing (head records row %2)")
                            .arg(lastId)
                            .arg(head.int64(0)));
    } else if (v.rowsChecked > 0) {
        return fail(1, QStringLiteral("the audit head record is missing"));
    }
    if (key.valid()) {
        // Rows existed when the key was made: an empty or shorter log lost them.
        if (lastId < key.keyedFrom - 1)
            return fail(lastId + 1, QStringLiteral("the log ends at row %1 but rows up to %2 "
                                                   "existed when the audit key was made: rows "
                                                   "were deleted")
                                        .arg(lastId)
                                        .arg(key.keyedFrom - 1));
        if (lastId >= key.keyedFrom) {
            std::optional<store::Statement> seal;
            if (hasAuditTables)
                seal.emplace(db.prepare("SELECT last_id, last_hash, mac FROM audit_seal "
                                        "WHERE one=1"));
            if (!seal || !seal->step())
                return fail(lastId, QStringLiteral("the audit seal is missing: the log was "
                                                   "replaced or its newest rows rewritten"));
            if (seal->int64(0) != lastId || seal->blob(1) != prev ||
                !crypto::constantTimeEqual(macOf(key, "seal", lastId, prev), seal->blob(2)))
                return fail(std::min(lastId, seal->int64(0)) + 1,
                            QStringLiteral("the audit seal records row %1, the log ends at row "
                                           "%2: newest rows were deleted or rewritten")
                                .arg(seal->int64(0))
                                .arg(lastId));
        }
    }
    if (anchor) {
        if (key.valid() && !anchor->mac.isEmpty() &&
            !crypto::constantTimeEqual(
                macOf(key, "anchor", anchor->id, anchor->hash, anchor->timeMs), anchor->mac))
            return fail(anchor->id, QStringLiteral("the anchor was not written with this wall's "
                                                   "audit key"));
        if (anchor->id > lastId)
            return fail(lastId + 1,
                        QStringLiteral("the anchor taken at %1 records row %2, but the log ends "
                                       "at row %3: rows were deleted or the log wiped")
                            .arg(QDateTime::fromMSecsSinceEpoch(anchor->timeMs, Qt::UTC)
                                     .toString(Qt::ISODate))
                            .arg(anchor->id)
                            .arg(lastId));
        if (anchor->id > baseId && !anchorSeen && anchor->id > 0)
            return fail(anchor->id,
                        QStringLiteral("row %1 of the anchor is missing").arg(anchor->id));
    }
    v.ok = true;
    v.headHash = prev;
    v.message = QStringLiteral("%1 rows, chain intact").arg(v.rowsChecked);
    if (baseId > 0)
        v.message += QStringLiteral(" (rows up to %1 exported and pruned)").arg(baseId);
    if (anchor)
        v.message += anchor->id <= baseId && anchor->id > 0
                         ? QStringLiteral("; the anchor's row %1 was pruned (check the export)")
                               .arg(anchor->id)
                         : QStringLiteral("; matches the anchor of %1 (row %2)")
                               .arg(QDateTime::fromMSecsSinceEpoch(anchor->timeMs, Qt::UTC)
                                        .toString(Qt::ISODate))
                               .arg(anchor->id);
    return v;
}
} // namespace

AuditVerification AuditLog::verify(const std::optional<AuditAnchor> &anchor) const {
    AuditVerification v = verifyOn(m_db, m_key, anchor);
    noteVerification(v.ok);
    return v;
}

void AuditLog::noteVerification(bool ok) const {
    const std::lock_guard lock(m_verifyMutex);
    m_lastVerification = LastVerification{ok, QDateTime::currentMSecsSinceEpoch()};
}

std::optional<AuditLog::LastVerification> AuditLog::lastVerification() const {
    const std::lock_guard lock(m_verifyMutex);
    return m_lastVerification;
}

AuditVerification AuditLog::verifyDatabase(const QString &dbPath, const AuditKey &key,
                                           const std::optional<AuditAnchor> &anchor) {
    try {
        store::Database db(dbPath, store::OpenMode::ReadOnly);
        return verifyOn(db, key, anchor);
    } catch (const std::exception &e) {
        AuditVerification v;
        v.message = QStringLiteral("the audit cannot be read: %1").arg(QString::fromUtf8(e.what()));
        return v;
    }
}

bool AuditLog::appendAnchorLine(const QString &file, const AuditAnchor &anchor, QString *error) {
    const QFileInfo fi(file);
    QDir().mkpath(fi.absolutePath());
    const QByteArray path = QFile::encodeName(fi.absoluteFilePath());
    struct stat st {};
    if (::stat(path.constData(), &st) == 0 && st.st_size > 1024 * 1024) {
        // Keep the newest 1000 lines; written aside and renamed, so a crash leaves one or the
        // other.
        QFile in(fi.absoluteFilePath());
        QList<QByteArray> lines;
        if (in.open(QIODevice::ReadOnly))
            lines = in.readAll().split('\n');
        lines.removeAll(QByteArray());
        QSaveFile out(fi.absoluteFilePath());
        if (out.open(QIODevice::WriteOnly)) {
            out.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
            for (qsizetype i = std::max<qsizetype>(0, lines.size() - 1000); i < lines.size(); ++i)
                out.write(lines[i] + '\n');
            out.commit();
        }
    }
    const int fd = ::open(path.constData(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    const QByteArray line = QJsonDocument(anchor.toJson()).toJson(QJsonDocument::Compact) + '\n';
    bool ok = fd >= 0 && ::write(fd, line.constData(), std::size_t(line.size())) == line.size() &&
              ::fsync(fd) == 0;
    if (fd >= 0)
        ok = ::close(fd) == 0 && ok;
    if (!ok && error)
        *error = QStringLiteral("cannot write the audit anchor to %1").arg(file);
    return ok;
}

std::optional<AuditAnchor> AuditLog::readLastAnchor(const QString &file, QString *error) {
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly)) {
        if (error)
            *error = QStringLiteral("%1: %2").arg(file, f.errorString());
        return std::nullopt;
    }
    std::optional<AuditAnchor> best;
    for (const QByteArray &line : f.read(4 * 1024 * 1024).split('\n')) {
        if (line.trimmed().isEmpty())
            continue;
        const auto a = AuditAnchor::fromJson(QJsonDocument::fromJson(line).object());
        if (a && (!best || a->id > best->id || (a->id == best->id && a->timeMs > best->timeMs)))
            best = a;
    }
    if (!best && error)
        *error = QStringLiteral("%1: no audit anchor in the file").arg(file);
    return best;
}

QString AuditLog::startProblem(store::Database &db, const AuditKey &key,
                               const std::optional<AuditAnchor> &anchor) {
    QString problem;
    std::int64_t headId = 0;
    QByteArray headHash(32, '\0');
    {
        auto head = db.prepare("SELECT last_id, last_hash FROM control_audit_head WHERE one=1");
        if (head.step()) {
            headId = head.int64(0);
            headHash = head.blob(1);
        }
    }
    if (key.valid() && headId >= key.keyedFrom) {
        auto seal = db.prepare("SELECT last_id, last_hash, mac FROM audit_seal WHERE one=1");
        if (!seal.step())
            problem =
                QStringLiteral("the head records row %1 but its keyed seal is missing").arg(headId);
        else if (seal.int64(0) != headId || seal.blob(1) != headHash ||
                 !crypto::constantTimeEqual(macOf(key, "seal", headId, headHash), seal.blob(2)))
            problem = QStringLiteral("the keyed seal records row %1, the head row %2 with "
                                     "another hash: rows were cut or rewritten while the "
                                     "wall was stopped")
                          .arg(seal.int64(0))
                          .arg(headId);
    }
    if (key.valid() && problem.isEmpty() && headId < key.keyedFrom - 1)
        problem = QStringLiteral("the log ends at row %1 but rows up to %2 existed when the "
                                 "audit key was made")
                      .arg(headId)
                      .arg(key.keyedFrom - 1);
    if (anchor && problem.isEmpty() && anchor->id > 0) {
        std::int64_t baseId = 0;
        {
            auto base = db.prepare("SELECT last_pruned_id FROM audit_base WHERE one=1");
            if (base.step())
                baseId = base.int64(0);
        }
        if (anchor->id > baseId) {
            auto row = db.prepare("SELECT hash FROM control_audit WHERE id=?");
            row.bind(1, anchor->id);
            if (!row.step())
                problem = QStringLiteral("row %1, recorded in the audit anchor of %2, is "
                                         "missing: the log was cut or wiped")
                              .arg(anchor->id)
                              .arg(QDateTime::fromMSecsSinceEpoch(anchor->timeMs, Qt::UTC)
                                       .toString(Qt::ISODate));
            else if (!crypto::constantTimeEqual(row.blob(0), anchor->hash))
                problem = QStringLiteral("row %1 differs from the audit anchor of %2: the "
                                         "chain was rewritten")
                              .arg(anchor->id)
                              .arg(QDateTime::fromMSecsSinceEpoch(anchor->timeMs, Qt::UTC)
                                       .toString(Qt::ISODate));
        }
    }
    return problem;
}

QString AuditLog::checkOnStart(const std::optional<AuditAnchor> &anchor) {
    QString problem;
    try {
        problem = startProblem(m_db, m_key, anchor);
    } catch (const std::exception &e) {
        qWarning("opswall: audit: the start-up check could not read the log: %s", e.what());
        return {};
    }
    noteStartProblem(problem);
    return problem;
}

void AuditLog::noteStartProblem(const QString &problem) {
    if (problem.isEmpty())
        return;
    const Caller self{QStringLiteral("opswall"), Role::Admin, QStringLiteral("local"),
                      QStringLiteral("internal")};
    append(self, Action{QStringLiteral("audit.broken"), {}},
           ActionResult::failure(QStringLiteral("tampered"), problem));
}

void AuditLog::checkOnStartAsync(const std::optional<AuditAnchor> &anchor,
                                 std::function<void(QString)> done) {
    if (!m_db.writer()) {
        done(checkOnStart(anchor));
        return;
    }
    // On the store thread, ahead of every row appended after this call (its queue is in order);
    // the GUI thread reads nothing.
    auto problem = std::make_shared<QString>();
    m_db.write([key = m_key, anchor,
                problem](store::Database &db) { *problem = startProblem(db, key, anchor); },
               [this, alive = std::weak_ptr<int>(m_alive), problem,
                done = std::move(done)](std::exception_ptr error) {
                   if (alive.expired())
                       return;
                   if (error) {
                       qWarning("opswall: audit: the start-up check could not read the log: %s",
                                qPrintable(store::errorText(error)));
                       done({});
                       return;
                   }
                   noteStartProblem(*problem);
                   done(*problem);
               });
}

AuditVerification AuditLog::verifyExport(const QString &file, const AuditKey &key) {
    AuditVerification v;
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly)) {
        v.message = QStringLiteral("%1: %2").arg(file, f.errorString());
        return v;
    }
    QByteArray prev;
    std::int64_t lastId = 0;
    while (!f.atEnd()) {
        const QByteArray line = f.readLine(1024 * 1024).trimmed();
        if (line.isEmpty())
            continue;
        const QJsonObject o = QJsonDocument::fromJson(line).object();
        const QByteArray rowPrev =
            QByteArray::fromHex(o.value(QStringLiteral("prev")).toString().toLatin1());
        const QByteArray rowHash =
            QByteArray::fromHex(o.value(QStringLiteral("hash")).toString().toLatin1());
        Row r{o.value(QStringLiteral("id")).toString().toLongLong(),
              o.value(QStringLiteral("t")).toString().toLongLong(),
              o.value(QStringLiteral("user")).toString(),
              o.value(QStringLiteral("role")).toString(),
              o.value(QStringLiteral("via")).toString(),
              o.value(QStringLiteral("remote")).toString(),
              o.value(QStringLiteral("action")).toString(),
              o.value(QStringLiteral("params")).toString(),
              o.value(QStringLiteral("ok")).toBool(),
              o.value(QStringLiteral("code")).toString(),
              o.value(QStringLiteral("message")).toString(),
              o.value(QStringLiteral("result")).toString()};
        if ((lastId && r.id != lastId + 1) || (!prev.isNull() && rowPrev != prev) ||
            (lastId == 0 && r.id == 1 && rowPrev != QByteArray(32, '\0'))) {
            v.firstBadId = r.id;
            v.message = QStringLiteral("row %1 does not link to the row before it").arg(r.id);
            return v;
        }
        if (!crypto::constantTimeEqual(linkHash(key, r.id, rowPrev, canonical(r)), rowHash)) {
            v.firstBadId = r.id;
            v.message = QStringLiteral("row %1 was altered").arg(r.id);
            return v;
        }
        prev = rowHash;
        lastId = r.id;
        ++v.rowsChecked;
    }
    v.ok = true;
    v.headHash = prev;
    v.message = QStringLiteral("%1 exported rows, chain intact").arg(v.rowsChecked);
    return v;
}

} // namespace opswall::control
