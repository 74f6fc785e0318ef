#include "control/tokenstore.h"

#include "control/crypto.h"
#include "control/schema.h"
#include "store/database.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonObject>
#include <QRegularExpression>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace opswall::control {

namespace {
constexpr auto kPrefix = "owt_";
constexpr int kIdBytes = 6;      // 12 hex characters
constexpr int kSecretBytes = 32; // 256 bits

QByteArray secretHash(const QByteArray &salt, const QString &secret) {
    return crypto::sha256(salt, secret.toUtf8());
}

bool validName(const QString &name) {
    if (name.isEmpty() || name.size() > 64)
        return false;
    for (QChar c : name)
        if (!(c.isLetterOrNumber() || c == u'-' || c == u'_' || c == u'.' || c == u'@'))
            return false;
    return true;
}
} // namespace

TokenStore::TokenStore(store::Database &db)
    : m_db(db) {
    migrateControlSchema(m_db);
    load();
}

void TokenStore::load() {
    auto st = m_db.prepare("SELECT id, name, role, salt, hash, created_ms FROM control_tokens "
                           "WHERE revoked_ms IS NULL");
    std::map<QString, Record> active;
    while (st.step()) {
        Record r;
        r.info.id = st.text(0);
        r.info.name = st.text(1);
        r.info.role = roleFromName(st.text(2));
        r.salt = st.blob(3);
        r.hash = st.blob(4);
        r.info.createdMs = st.int64(5);
        if (r.info.role != Role::Invalid)
            active.emplace(r.info.id, std::move(r));
    }
    std::unique_lock lock(m_mutex);
    m_active = std::move(active);
}

std::optional<NewToken> TokenStore::create(const QString &name, Role role, QString *error) {
    auto fail = [&](const QString &msg) -> std::optional<NewToken> {
        if (error)
            *error = msg;
        return std::nullopt;
    };
    if (!validName(name))
        return fail(QStringLiteral("name must be 1-64 letters, digits, '-', '_', '.' or '@'"));
    if (role == Role::Invalid)
        return fail(QStringLiteral("role must be viewer, leader, operator, technician, admin, node "
                                   "or standby"));
    {
        std::shared_lock lock(m_mutex);
        for (const auto &[id, r] : m_active)
            if (r.info.name == name)
                return fail(QStringLiteral("a token named '%1' already exists").arg(name));
    }
    Record r;
    r.info.id = QString::fromLatin1(crypto::randomBytes(kIdBytes).toHex());
    r.info.name = name;
    r.info.role = role;
    r.info.createdMs = QDateTime::currentMSecsSinceEpoch();
    r.salt = crypto::randomBytes(16);
    const QString secret = QString::fromLatin1(
        crypto::randomBytes(kSecretBytes)
            .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
    r.hash = secretHash(r.salt, secret);
    // On the store thread (in the token action's transaction with its audit row, ControlService).
    m_db.write([r](store::Database &db) {
        db.prepare("INSERT INTO control_tokens(id, name, role, salt, hash, created_ms) "
                   "VALUES(?, ?, ?, ?, ?, ?)")
            .bind(1, r.info.id)
            .bind(2, r.info.name)
            .bind(3, roleName(r.info.role))
            .bind(4, r.salt)
            .bind(5, r.hash)
            .bind(6, r.info.createdMs)
            .run();
    });
    NewToken out{r.info, QString::fromLatin1(kPrefix) + r.info.id + u'_' + secret};
    std::unique_lock lock(m_mutex);
    m_active.emplace(r.info.id, std::move(r));
    return out;
}

bool TokenStore::revoke(const QString &name) {
    if (activeIdsNamed(name).isEmpty())
        return false;
    m_db.write([name, at = QDateTime::currentMSecsSinceEpoch()](store::Database &db) {
        db.prepare("UPDATE control_tokens SET revoked_ms=? WHERE name=? AND revoked_ms IS NULL")
            .bind(1, at)
            .bind(2, name)
            .run();
    });
    std::unique_lock lock(m_mutex);
    std::erase_if(m_active, [&](const auto &kv) { return kv.second.info.name == name; });
    return true;
}

void TokenStore::reload() {
    load();
}

QJsonArray TokenStore::list() const {
    std::shared_lock lock(m_mutex);
    QJsonArray out;
    for (const auto &[id, r] : m_active)
        out.append(QJsonObject{
            {QStringLiteral("id"), r.info.id},
            {QStringLiteral("name"), r.info.name},
            {QStringLiteral("role"), roleName(r.info.role)},
            {QStringLiteral("created"),
             QDateTime::fromMSecsSinceEpoch(r.info.createdMs, Qt::UTC).toString(Qt::ISODate)}});
    return out;
}

bool TokenStore::hasActiveAdmin() const {
    std::shared_lock lock(m_mutex);
    for (const auto &[id, r] : m_active)
        if (r.info.role == Role::Admin)
            return true;
    return false;
}

namespace {
// A file at the token path is ours when it holds exactly one OpsWall token line (an earlier
// first start's, whose token is gone now) and is a plain file owned by this user.
bool isOurTokenFile(const QByteArray &path, QString *tokenText) {
    struct stat st {};
    if (::lstat(path.constData(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != ::geteuid() ||
        st.st_size > 256)
        return false;
    QFile f(QFile::decodeName(path));
    if (!f.open(QIODevice::ReadOnly))
        return false;
    const QByteArray text = f.read(257).trimmed();
    static const QRegularExpression token(
        QStringLiteral("^owt_[0-9a-f]{12}_[A-Za-z0-9_-]{20,64}$"));
    if (!token.match(QString::fromLatin1(text)).hasMatch())
        return false;
    if (tokenText)
        *tokenText = QString::fromLatin1(text);
    return true;
}
} // namespace

std::optional<QString> TokenStore::ensureAdminToken(const QString &filePath) {
    const QFileInfo fi(filePath);
    const QByteArray path = QFile::encodeName(fi.absoluteFilePath());
    struct stat st {};
    const bool exists = ::lstat(path.constData(), &st) == 0;
    if (hasActiveAdmin()) {
        // Not used yet since an earlier start: still remove it on first use.
        QString text;
        if (exists && isOurTokenFile(path, &text))
            if (const auto who = authenticate(text); who && who->role == Role::Admin) {
                std::lock_guard lock(m_handOverMutex);
                m_handOverId = who->id;
                m_handOverPath = fi.absoluteFilePath();
            }
        return std::nullopt;
    }
    if (exists && S_ISDIR(st.st_mode))
        throw std::runtime_error("the admin token file " + path.toStdString() +
                                 " is a directory; remove it or give another path with "
                                 "--admin-token-file");
    if (exists && !isOurTokenFile(path, nullptr))
        throw std::runtime_error("refusing to overwrite " + path.toStdString() +
                                 ": it exists and is not an OpsWall admin token file; move it "
                                 "away or give another path with --admin-token-file");
    if (!QDir().mkpath(fi.absolutePath()))
        throw std::runtime_error("cannot create folder " + fi.absolutePath().toStdString());
    QString name = QStringLiteral("admin");
    for (int i = 2; i < 100; ++i) { // an older revoked "admin" is fine; an active one cannot be
        bool taken = false;
        {
            std::shared_lock lock(m_mutex);
            for (const auto &[id, r] : m_active)
                taken = taken || r.info.name == name;
        }
        if (!taken)
            break;
        name = QStringLiteral("admin%1").arg(i);
    }
    QString error;
    auto tok = create(name, Role::Admin, &error);
    if (!tok)
        throw std::runtime_error(error.toStdString());
    if (exists)
        ::unlink(path.constData()); // our stale file: its token is gone; start afresh at 0600
    // Written whole under a temporary name beside it (made 0600, O_EXCL), then linked into place:
    // the file appears with its token in it, so whoever opens it as soon as it exists (a script,
    // a test) never reads it empty; link(2), unlike rename(2), fails rather than replace what
    // may have appeared at the path meanwhile.
    QByteArray temporary = path + ".XXXXXX";
    const int fd = ::mkostemp(temporary.data(), O_CLOEXEC);
    const QByteArray body = tok->token.toLatin1() + '\n';
    bool ok = fd >= 0 && ::fchmod(fd, 0600) == 0 &&
              ::write(fd, body.constData(), std::size_t(body.size())) == body.size();
    if (fd >= 0) {
        ok = (::close(fd) == 0) && ok;
        ok = ok && ::link(temporary.constData(), path.constData()) == 0;
        ::unlink(temporary.constData());
    }
    if (!ok) {
        revoke(name);
        throw std::runtime_error("cannot write the admin token to " + path.toStdString());
    }
    std::lock_guard lock(m_handOverMutex);
    m_handOverId = tok->info.id;
    m_handOverPath = fi.absoluteFilePath();
    return fi.absoluteFilePath();
}

bool TokenStore::adminTokenFilePending() const {
    std::lock_guard lock(m_handOverMutex);
    return !m_handOverId.isEmpty();
}

std::optional<TokenInfo> TokenStore::authenticate(const QString &bearer) const {
    // owt_<12 hex>_<43 base64url>
    if (bearer.size() > 128 || !bearer.startsWith(QLatin1String(kPrefix)))
        return std::nullopt;
    const qsizetype sep = bearer.indexOf(u'_', 4);
    if (sep < 0)
        return std::nullopt;
    const QString id = bearer.mid(4, sep - 4);
    const QString secret = bearer.mid(sep + 1);
    std::shared_lock lock(m_mutex);
    const auto it = m_active.find(id);
    if (it == m_active.end())
        return std::nullopt;
    if (!crypto::constantTimeEqual(secretHash(it->second.salt, secret), it->second.hash))
        return std::nullopt;
    {
        // The first-start token has reached its admin: the file has done its job.
        std::lock_guard handOver(m_handOverMutex);
        if (!m_handOverId.isEmpty() && m_handOverId == id) {
            const QByteArray file = QFile::encodeName(m_handOverPath);
            if (::unlink(file.constData()) == 0 || errno == ENOENT)
                qInfo("opswall: the first-start admin token was used; %s is removed (rotate the "
                      "token: wallctl token create --name NAME --role admin, then wallctl token "
                      "revoke "
                      "%s)",
                      file.constData(), qPrintable(it->second.info.name));
            else
                qWarning("opswall: the first-start admin token was used but %s cannot be "
                         "removed: %s",
                         file.constData(), std::strerror(errno));
            m_handOverId.clear();
        }
    }
    return it->second.info;
}

bool TokenStore::isActive(const QString &id) const {
    std::shared_lock lock(m_mutex);
    return m_active.count(id) != 0;
}

QStringList TokenStore::activeIdsNamed(const QString &name) const {
    std::shared_lock lock(m_mutex);
    QStringList ids;
    for (const auto &[id, r] : m_active)
        if (r.info.name == name)
            ids.append(id);
    return ids;
}

} // namespace opswall::control
