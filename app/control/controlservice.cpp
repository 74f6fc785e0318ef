#include "control/controlservice.h"
#include "store/caught.h"

#include "store/storethread.h"

#include "control/permissions.h"
#include "control/wallmetrics.h"
#include "core/redact.h"

#include "store/database.h"
#include "store/guithreadwaits.h"
#include "store/readers.h"
#include "store/secrets.h"

#include <QDateTime>
#include <QFileInfo>
#include <QJsonDocument>
#include <QMetaObject>
#include <QPointer>
#include <QStorageInfo>
#include <QThread>
#include <QThreadPool>

#include <mutex>
#include <tuple>

namespace opswall::control {

namespace {
ActionResult storeUnavailable(const std::exception &e) {
    return ActionResult::failure(
        QStringLiteral("store_unavailable"),
        QStringLiteral("store unavailable, nothing was changed; retry later (%1)")
            .arg(QString::fromUtf8(e.what())));
}

// Appends the anchor line (any thread: one at a time) and logs the head for the journal.
void appendAnchor(const QString &file, const AuditAnchor &a) {
    static std::mutex appending;
    const std::lock_guard lock(appending);
    QString error;
    if (!AuditLog::appendAnchorLine(file, a, &error))
        qWarning("opswall: audit: %s", qPrintable(error));
    // The journal keeps its own copy of the head: a second outside anchor.
    qInfo("opswall: audit anchor id=%lld hash=%s", static_cast<long long>(a.id),
          a.hash.toHex().constData());
}

} // namespace

ControlService::ControlService(store::Database &db, ActionSink *sink, QObject *parent)
    : QObject(parent)
    , m_db(db)
    , m_tokens(db)
    , m_audit(db)
    , m_sink(sink) {
    m_storeRetry.setInterval(2000);
    connect(&m_storeRetry, &QTimer::timeout, this, [this] {
        if (!m_db.status().available)
            m_db.probeWritableLater(); // on the store thread: the GUI thread never waits
        if (m_audit.pendingCount() > 0 && m_db.status().available)
            m_audit.flushPending();
    });
    m_storeRetry.start();
}

ControlService::~ControlService() {
    if (!m_anchorFile.isEmpty())
        writeAnchorNow(); // the last head, as the wall stops
}

bool ControlService::setupAudit(const QString &keyFile, const QString &anchorFile, int intervalS,
                                QString *error) {
    const auto key = store::secrets::loadOrCreateKeyFile(keyFile, m_audit.nextId(), error);
    if (!key)
        return false;
    if (key->created)
        qInfo("opswall: audit: new chain key in %s; rows from %lld on are keyed (back the file "
              "up apart from the database)",
              qPrintable(keyFile), static_cast<long long>(key->keyedFrom));
    m_audit.setKey(AuditKey{key->key, key->keyedFrom});
    m_anchorFile = anchorFile;
    // Before anything is appended: was the log cut, rewritten or wiped while we were stopped?
    const auto anchor = anchorFile.isEmpty() || !QFileInfo::exists(anchorFile)
                            ? std::nullopt
                            : AuditLog::readLastAnchor(anchorFile, nullptr);
    // On the store thread, ahead of every row appended from now on; the GUI thread goes on.
    m_audit.checkOnStartAsync(anchor, [](const QString &broken) {
        if (!broken.isEmpty())
            qCritical("opswall: audit: the log was tampered with while the wall was stopped: %s",
                      qPrintable(broken));
    });
    if (!m_anchorFile.isEmpty()) {
        writeAnchor();
        m_anchorTimer.setInterval(intervalS * 1000);
        connect(&m_anchorTimer, &QTimer::timeout, this, &ControlService::writeAnchor);
        m_anchorTimer.start();
    }
    return true;
}

void ControlService::writeAnchor() {
    // The head is read on a worker thread's reader and the line appended there; the GUI thread
    // only notes what was anchored. One at a time (a timer's anchor waits for the last one).
    if (m_anchoring)
        return;
    m_anchoring = true;
    readAsync(
        [key = m_audit.key(), file = m_anchorFile, last = m_anchoredHash](store::Database &db) {
            const AuditAnchor a = AuditLog::currentAnchorOn(db, key);
            if (a.hash == last)
                return QJsonObject();
            appendAnchor(file, a);
            return QJsonObject{{QStringLiteral("hash"), QString::fromLatin1(a.hash.toHex())}};
        },
        [self = QPointer<ControlService>(this)](QJsonObject anchored, std::exception_ptr error) {
            if (error)
                qWarning("opswall: audit: cannot read the head for the anchor: %s",
                         qPrintable(store::errorText(error)));
            QMetaObject::invokeMethod(
                self.data(),
                [self, hash = anchored.value(QStringLiteral("hash")).toString().toLatin1()] {
                    if (!self)
                        return;
                    self->m_anchoring = false;
                    if (!hash.isEmpty())
                        self->m_anchoredHash = QByteArray::fromHex(hash);
                });
        });
}

void ControlService::writeAnchorNow() {
    try {
        const AuditAnchor a = m_audit.currentAnchor();
        if (a.hash != m_anchoredHash)
            appendAnchor(m_anchorFile, a);
        m_anchoredHash = a.hash;
    } catch (const std::exception &e) {
        qWarning("opswall: audit: cannot read the head for the anchor: %s", e.what());
    }
}

void ControlService::verifyAuditAsync(std::optional<AuditAnchor> anchor,
                                      std::function<void(AuditVerification)> done) {
    const QString path = m_db.path();
    if (store::isInMemory(path)) {
        done(m_audit.verify(anchor));
        return;
    }
    QThreadPool::globalInstance()->start([path, key = m_audit.key(), anchor = std::move(anchor),
                                          done = std::move(done), audit = &m_audit] {
        AuditVerification v = AuditLog::verifyDatabase(path, key, anchor);
        audit->noteVerification(v.ok);
        done(std::move(v));
    });
}

void ControlService::readAsync(Read read, ReadDone done) {
    const QString path = m_db.path();
    store::Database *here = store::isInMemory(path) ? &m_db : nullptr;
    auto run = [path, here, read = std::move(read), done = std::move(done)] {
        QJsonObject answer;
        const std::exception_ptr error =
            store::caught([&] { answer = read(here ? *here : store::threadReader(path)); });
        done(std::move(answer), error);
    };
    if (here)
        run();
    else
        QThreadPool::globalInstance()->start(std::move(run));
}

void ControlService::wallMetricsAsync(std::function<void(QByteArray)> done) {
    // What is in memory is taken here; the file's size, the free space and the audit rows are
    // looked up on a worker thread (readAsync), where the text is made and done called.
    StoreFigures store;
    store.transactions = m_db.transactionStats();
    store.guiThreadWaits = store::guiThreadWaits();
    if (const store::StoreThread *writer = m_db.writer()) {
        store.writeQueueDepth = std::int64_t(writer->queued());
        store.transactions.merge(writer->transactionStats());
    }
    AuditFigures audit;
    if (const auto last = m_audit.lastVerification()) {
        audit.lastVerifyOk = last->ok;
        audit.lastVerifyEpochSecs = double(last->timeMs) / 1000.0;
    }
    auto figures = std::make_shared<std::tuple<WallFigures, StoreFigures, AuditFigures>>(
        m_sink ? m_sink->figures() : WallFigures{}, store, audit);
    readAsync(
        [path = m_db.path(), figures](store::Database &db) {
            StoreFigures &s = std::get<1>(*figures);
            const QFileInfo file(path);
            if (file.exists()) {
                const QFileInfo wal(path + QStringLiteral("-wal"));
                s.databaseBytes = file.size() + (wal.exists() ? wal.size() : 0);
                const QStorageInfo volume(file.absolutePath());
                if (volume.isValid())
                    s.freeBytes = volume.bytesAvailable();
            }
            std::get<2>(*figures).rows = AuditLog::lastRowIdOn(db);
            return QJsonObject();
        },
        [figures, done = std::move(done)](QJsonObject, std::exception_ptr error) {
            if (error)
                qWarning("metrics: cannot count the audit rows: %s",
                         qPrintable(store::errorText(error)));
            done(formatWallMetrics(std::get<0>(*figures), std::get<1>(*figures),
                                   std::get<2>(*figures)));
        });
}

std::int64_t ControlService::nowMs() const {
    return QDateTime::currentMSecsSinceEpoch();
}

bool ControlService::ownsAction(const QString &actionType) {
    return actionType.startsWith(QLatin1String("lock.")) ||
           actionType.startsWith(QLatin1String("token."));
}

std::optional<ActionResult> ControlService::authorize(const Caller &caller,
                                                      const QString &actionType) const {
    if (auto refused = roleRefusal(caller.role, actionType))
        return refused;
    return lockRefusal(caller, actionType);
}

std::optional<ActionResult> ControlService::lockRefusal(const Caller &caller,
                                                        const QString &actionType) const {
    // The lock holds back wall changes; its own release stays open so an admin can force it.
    const Permission *p = findPermission(actionType);
    if (p && p->effect == Effect::WallChange && actionType != QLatin1String("lock.release"))
        if (auto r = m_lock.refusal(caller, nowMs()))
            return r;
    return std::nullopt;
}

void ControlService::execute(Action action, Caller caller, ActionSink::Done done) {
    Q_ASSERT(QThread::currentThread() == thread());
    // Each action is authorised once, where it is applied: lock.* and token.* here, everything
    // else by the dispatcher behind the sink (its role table, then lockRefusal as its gate), which
    // audits the refusal under the same action it names.
    if (ownsAction(action.type)) {
        if (auto refused = authorize(caller, action.type)) {
            m_audit.append(caller, action, *refused);
            done(*refused);
            return;
        }
        // A token's row and the action's audit row are one transaction on the store thread;
        // the answer comes once it committed (the GUI thread does not wait for it).
        std::vector<store::Database::WriteJob> jobs;
        std::vector<std::function<void()>> committed;
        store::Database::WriteCollector outer = m_db.setWriteCollector(
            [&jobs, &committed](store::Database::WriteJob job, std::function<void()> then) {
                jobs.push_back(std::move(job));
                if (then)
                    committed.push_back(std::move(then));
            });
        ActionResult r;
        try {
            r = applyControlAction(action, caller);
        } catch (const store::Error &e) {
            r = storeUnavailable(e);
        }
        m_db.setWriteCollector(std::move(outer));
        ActionResult audited = r;
        audited.data.remove(QStringLiteral("token")); // never keep a secret in the audit log
        const auto answer = [this, caller, action, done](const ActionResult &outcome,
                                                         const ActionResult &inAudit) {
            if (outcome.ok)
                publish(QJsonObject{{QStringLiteral("type"), action.type},
                                    {QStringLiteral("by"), caller.user},
                                    {QStringLiteral("data"), inAudit.data}});
            done(outcome);
        };
        if (jobs.empty()) { // the lock (in memory), a refusal: the audit row alone
            m_audit.append(caller, action, audited);
            answer(r, audited);
            return;
        }
        AuditLog::Deferred row = m_audit.defer(caller, action);
        m_db.write(
            [jobs = std::move(jobs), write = row.write, audited](store::Database &db) {
                db.transaction([&] {
                    for (const auto &job : jobs)
                        job(db);
                    write(db, audited);
                });
            },
            [this, alive = QPointer<ControlService>(this), refused = row.refused, r, audited,
             answer, committed](std::exception_ptr error) {
                if (!alive)
                    return;
                if (!error) {
                    for (const auto &then : committed)
                        then();
                    answer(r, audited);
                    return;
                }
                // Nothing was written: the in-memory tokens go back to the table's.
                m_tokens.reload();
                ActionResult failed;
                try {
                    std::rethrow_exception(error);
                } catch (const std::exception &e) {
                    failed = storeUnavailable(e);
                } catch (...) {
                    failed = ActionResult::failure(QStringLiteral("internal"),
                                                   QStringLiteral("could not apply"));
                }
                refused(failed);
                answer(failed, failed);
            });
        return;
    }
    if (!m_sink) {
        done(ActionResult::failure(QStringLiteral("unavailable"),
                                   QStringLiteral("no action dispatcher is running")));
        return;
    }
    m_sink->submit(std::move(action), std::move(caller), std::move(done));
}

ActionResult ControlService::applyControlAction(const Action &action, const Caller &caller) {
    const QJsonObject &p = action.params;
    if (action.type == QLatin1String("lock.acquire")) {
        const double ttl = p.value(QStringLiteral("ttlSeconds"))
                               .toDouble(double(LockState::kDefaultTtlMs) / 1000.0);
        return m_lock.acquire(caller, nowMs(), std::int64_t(ttl * 1000.0),
                              p.value(QStringLiteral("reason")).toString());
    }
    if (action.type == QLatin1String("lock.release"))
        return m_lock.release(caller, nowMs());
    if (action.type == QLatin1String("token.create")) {
        const QString roleText = p.value(QStringLiteral("role")).toString();
        const Role role = roleFromName(roleText);
        if (role == Role::Invalid)
            return ActionResult::failure(
                QStringLiteral("invalid"),
                QStringLiteral("role must be viewer, leader, operator, technician, admin, node "
                               "or standby"),
                QStringLiteral("role"));
        QString error;
        auto tok = m_tokens.create(p.value(QStringLiteral("name")).toString(), role, &error);
        if (!tok)
            return ActionResult::failure(error.contains(QLatin1String("exists"))
                                             ? QStringLiteral("conflict")
                                             : QStringLiteral("invalid"),
                                         error, QStringLiteral("name"));
        return ActionResult::success(QJsonObject{{QStringLiteral("id"), tok->info.id},
                                                 {QStringLiteral("name"), tok->info.name},
                                                 {QStringLiteral("role"), roleText},
                                                 {QStringLiteral("token"), tok->token}});
    }
    if (action.type == QLatin1String("token.revoke")) {
        const QString name = p.value(QStringLiteral("name")).toString();
        const QStringList ids = m_tokens.activeIdsNamed(name);
        if (!m_tokens.revoke(name))
            return ActionResult::failure(QStringLiteral("not_found"),
                                         QStringLiteral("no active token named '%1'").arg(name),
                                         QStringLiteral("name"));
        for (const QString &id : ids)
            Q_EMIT tokenRevoked(id);
        return ActionResult::success(QJsonObject{{QStringLiteral("name"), name}});
    }
    return ActionResult::failure(QStringLiteral("invalid"),
                                 QStringLiteral("unknown action '%1'").arg(action.type));
}

void ControlService::publish(QJsonObject event) {
    Q_ASSERT(QThread::currentThread() == thread()); // events are numbered in one order
    event = redactJson(event);
    event.insert(QStringLiteral("seq"), double(++m_seq));
    if (!event.contains(QStringLiteral("time")))
        event.insert(QStringLiteral("time"),
                     QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs));
    const QByteArray json = QJsonDocument(event).toJson(QJsonDocument::Compact);
    for (const auto &[id, listener] : m_listeners)
        listener(json);
    Q_EMIT eventPublished(event);
}

int ControlService::addEventListener(EventListener listener) {
    const int id = m_nextListener++;
    m_listeners.emplace(id, std::move(listener));
    return id;
}

void ControlService::removeEventListener(int id) {
    m_listeners.erase(id);
}

} // namespace opswall::control
