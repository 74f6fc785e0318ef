// WallApplication before its windows: the assets folder, fonts and translations, the store, the
// wall (from --wall, the store or the demo), a node's join, the demo presets and the layout
// shown first.
#include "shell/wallapplication.h"

#include "core/testhooks.h"
#include "shell/noderoles.h"
#include "wall/walljson.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QFontDatabase>
#include <QGuiApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QStandardPaths>

namespace opswall::shell {

namespace {

// The digest of the --wall document last applied to the store (settings table).
const QString kAppliedWallFile = QStringLiteral("wall.appliedFileSha256");

std::optional<QJsonObject> readJsonFile(const QString &path, QString *error) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1: %2").arg(path, f.errorString());
        return std::nullopt;
    }
    if (f.size() > 16 * 1024 * 1024) {
        *error = QStringLiteral("%1 is larger than 16 MiB; refusing to read it").arg(path);
        return std::nullopt;
    }
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &pe);
    if (pe.error != QJsonParseError::NoError || !doc.isObject()) {
        *error = QStringLiteral("%1: not a JSON object (%2 at byte %3)")
                     .arg(path, pe.errorString())
                     .arg(pe.offset);
        return std::nullopt;
    }
    return doc.object();
}

// Writes, in order, as one job of a transaction.
wall::ActionStore::Job allOf(std::vector<wall::ActionStore::Job> writes) {
    return [writes = std::move(writes)](wall::ActionTransaction &on) {
        for (const auto &write : writes)
            write(on);
    };
}

QString issuesText(const QList<wall::Issue> &issues) {
    QStringList lines;
    for (const wall::Issue &i : issues)
        lines.append(QStringLiteral("  ") + i.toString());
    return lines.join(QLatin1Char('\n'));
}

} // namespace

QString WallApplication::findAssetsDir(const QString &given) {
    QStringList candidates;
    if (!given.isEmpty())
        candidates << given;
    if (const QByteArray env = qgetenv("OPSWALL_ASSETS"); !env.isEmpty())
        candidates << QString::fromLocal8Bit(env);
    const QString exeDir = QCoreApplication::applicationDirPath();
    candidates << exeDir + QStringLiteral("/../share/opswall/assets")
               << QStringLiteral(OPSWALL_SOURCE_ASSETS_DIR);
    for (const QString &c : candidates)
        if (QFileInfo::exists(c + QStringLiteral("/demo/wall.json")))
            return QDir(c).canonicalPath();
    return {};
}

QString WallApplication::defaultDbPath(bool demo) {
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    return dir + (demo ? QStringLiteral("/opswall-demo.db") : QStringLiteral("/opswall.db"));
}

void WallApplication::loadFontsAndTranslations() {
    // Bundled Noto Sans: Vietnamese diacritics render the same on every machine.
    const QDir fonts(m_assetsDir + QStringLiteral("/fonts"));
    for (const QString &f : fonts.entryList({QStringLiteral("*.ttf")}, QDir::Files))
        if (QFontDatabase::addApplicationFont(fonts.filePath(f)) < 0)
            qWarning("opswall: could not load font %s", qPrintable(fonts.filePath(f)));
    QFont font(QStringLiteral("Noto Sans"));
    QGuiApplication::setFont(font);
    // Numbers and dates drawn without an explicit locale (map legends, chart axes, Qt.locale())
    // follow the wall's language: 105,39 in Vietnamese, 105.39 in English.
    QLocale::setDefault(m_options.language == QLatin1String("vi")
                            ? QLocale(QLocale::Vietnamese, QLocale::Vietnam)
                            : QLocale(QLocale::English, QLocale::UnitedStates));
    // Source strings are English; Vietnamese comes from the translation, the default language.
    if (m_options.language == QLatin1String("vi")) {
        if (m_translator.load(QStringLiteral(":/i18n/opswall_vi.qm")))
            QCoreApplication::installTranslator(&m_translator);
        else
            qWarning("opswall: the Vietnamese translation is missing from this build");
    }
}

bool WallApplication::openStore() {
    QString path = !m_options.dbPath.isEmpty()           ? m_options.dbPath
                   : m_options.role == ProcessRole::Node ? NodeRoles::nodeDbPath(m_options.nodeId)
                                                         : defaultDbPath(m_options.demo);
    QDir().mkpath(QFileInfo(path).absolutePath());
    // A slow disk, for tests only (OPSWALL_TEST_FSYNC_DELAY_MS; compiled out of the packages).
    if (const testhooks::SlowDisk disk = testhooks::slowDisk(); disk.fsyncDelayMs > 0)
        store::Database::installSlowSyncVfs(disk.fsyncDelayMs, disk.onlyWhile);
    try {
        m_db = std::make_unique<store::Database>(path);
        m_store = std::make_unique<store::WallStore>(*m_db); // migrates: before the writer opens
        // Every write of the wall's actions, the audit and the feeds goes through this thread
        // (app/store/README.md "Threads and connections").
        m_writer = std::make_unique<store::StoreThread>(path);
        // Its jobs wait until the services are built (start): the GUI thread's migrations never
        // wait for the writer's lock across its fsyncs.
        m_writer->hold();
        m_db->setWriter(m_writer.get());
    } catch (const store::Error &e) {
        m_error = QStringLiteral("cannot open the database: %1").arg(QString::fromUtf8(e.what()));
        return false;
    }
    return true;
}

bool WallApplication::loadWall() {
    QString wallFile = m_options.wallPath;
    std::optional<wall::Wall> wall;
    if (wallFile.isEmpty()) {
        wall = m_store->loadWall();
        if (!wall && m_options.demo)
            wallFile = m_assetsDir + QStringLiteral("/demo/wall.json");
    }
    if (!wallFile.isEmpty()) {
        QString err;
        const auto doc = readJsonFile(wallFile, &err);
        if (!doc) {
            m_error = err;
            return false;
        }
        const auto parsed = wall::wallFromJson(*doc);
        if (!parsed.ok()) {
            m_error = QStringLiteral("the wall in %1 is not valid:\n%2")
                          .arg(wallFile, issuesText(parsed.issues));
            return false;
        }
        // The file is applied when it differs from the one applied last: a packaged service
        // passes --wall at every start, and must not undo the geometry a technician saved
        // since (calibration nudges are saved to the stored wall, not to the file).
        const QString digest = QString::fromLatin1(
            QCryptographicHash::hash(QJsonDocument(*doc).toJson(QJsonDocument::Compact),
                                     QCryptographicHash::Sha256)
                .toHex());
        const bool fromOptions = !m_options.wallPath.isEmpty();
        std::optional<wall::Wall> stored;
        if (fromOptions && m_store->setting(kAppliedWallFile) == digest)
            stored = m_store->loadWall();
        if (stored) {
            qInfo("opswall: %s is unchanged since it was applied; the stored wall (with the "
                  "geometry saved since) is used",
                  qPrintable(wallFile));
            wall = std::move(stored);
        } else {
            wall = parsed.wall;
            // Stored on the store thread with the rest of the start-up (startWith); the digest
            // in the same transaction, so that a wall that was not stored is applied again.
            m_startupDocuments.push_back([w = *wall, digest = fromOptions ? digest : QString()](
                                             wall::ActionTransaction &on) {
                on.layouts().saveWall(w);
                if (!digest.isEmpty())
                    store::WallStore(store::connectionOf(on), store::WallStore::AlreadyMigrated{})
                        .setSetting(kAppliedWallFile, digest);
            });
        }
    }
    if (!wall) {
        m_error =
            QStringLiteral("no wall is configured: pass --wall FILE (see assets/demo/wall.json) "
                           "or start the demo with --demo");
        return false;
    }
    m_state = std::make_unique<wall::WallState>(*wall);
    m_dispatcher = std::make_unique<wall::Dispatcher>(*m_state, m_store.get());
    return true;
}

bool WallApplication::joinController() {
    m_nodeRoles = std::make_unique<NodeRoles>(m_options);
    m_nodeRoles->setCache(m_store.get());
    if (!m_nodeRoles->join(&m_error))
        return false;
    m_state = std::make_unique<wall::WallState>(m_nodeRoles->joinedWall());
    m_state->setLayout(m_nodeRoles->joinedLayout());
    m_dispatcher = std::make_unique<wall::Dispatcher>(*m_state, m_store.get());
    return true;
}

void WallApplication::importDemoPresets() {
    if (!m_options.demo || !m_store->presets().isEmpty())
        return;
    const QDir dir(m_assetsDir + QStringLiteral("/demo/presets"));
    QString err;
    const auto index = readJsonFile(dir.filePath(QStringLiteral("index.json")), &err);
    if (!index) {
        qWarning("opswall: no demo presets: %s", qPrintable(err));
        return;
    }
    for (const QJsonValue &entry : index->value(QStringLiteral("presets")).toArray()) {
        const QString file = entry[QStringLiteral("file")].toString();
        const auto doc = readJsonFile(dir.filePath(file), &err);
        const auto parsed =
            doc ? wall::layoutFromJson(*doc, &m_state->wall()) : wall::LayoutParse{};
        if (!doc || !parsed.ok()) {
            qWarning("opswall: demo preset %s skipped: %s", qPrintable(file),
                     qPrintable(doc ? issuesText(parsed.issues) : err));
            continue;
        }
        m_demoPresets.append(parsed.layout);
        // Stored with the rest of the start-up (startWith); the kept presets take them once
        // that committed, before any action is taken.
        m_startupDocuments.push_back(
            [layout = parsed.layout, forLeaders = entry[QStringLiteral("forLeaders")].toBool(
                                         false)](wall::ActionTransaction &on) {
                on.layouts().savePreset(std::nullopt, layout.name, layout, forLeaders);
            });
    }
}

void WallApplication::importDemoBriefing() {
    if (!m_services)
        return;
    // The demo's briefing names the demo presets: saved once they are committed, and before the
    // actions waiting in the dispatcher's queue (one of them may start it).
    // What the components keep once their write committed (the briefing store's copy of the
    // briefing) runs when it did, as after an action.
    std::vector<wall::ActionStore::Job> writes;
    std::vector<std::function<void()>> committed;
    const std::function<void()> stop = m_store->collect(
        [&writes, &committed](wall::ActionStore::Job job, std::function<void()> then) {
            writes.push_back(std::move(job));
            if (then)
                committed.push_back(std::move(then));
        });
    m_services->importDemoBriefing();
    stop();
    if (!writes.empty())
        m_dispatcher->startWith(allOf(std::move(writes)), std::nullopt,
                                [committed = std::move(committed)](const ActionResult &r) {
                                    if (r.ok)
                                        for (const auto &then : committed)
                                            then();
                                });
}

bool WallApplication::recallInitialLayout() {
    // The layout the start shows once the start-up's one transaction (its documents and this
    // layout's history row) committed; until then the wall shows the layout last committed.
    std::optional<QPair<wall::Layout, QString>> show;
    const auto demoPreset = [this](const QString &name) -> std::optional<wall::Layout> {
        for (const wall::Layout &l : std::as_const(m_demoPresets))
            if (l.name == name)
                return l;
        return std::nullopt;
    };
    if (!m_options.presetName.isEmpty()) {
        if (const auto p = m_store->presetByName(m_options.presetName))
            show = {p->layout, QStringLiteral("preset.recall %1").arg(p->info.id)};
        else if (const auto l = demoPreset(m_options.presetName))
            show = {*l, QStringLiteral("preset.recall %1 (first start)").arg(l->name)};
        else {
            m_error = QStringLiteral("--preset %1: no such preset").arg(m_options.presetName);
            return false;
        }
    } else if (const auto last = m_store->lastLiveLayout()) {
        m_state->setLayout(*last); // what was on the wall when it stopped, at its revision
        m_state->adoptRevision(quint64(m_store->lastLiveRevision()));
    } else if (const auto presets = m_store->presets(); !presets.isEmpty()) {
        if (const auto p = m_store->preset(presets.first().id))
            show = {p->layout, QStringLiteral("preset.recall %1").arg(p->info.id)};
    } else if (!m_demoPresets.isEmpty()) {
        show = {m_demoPresets.first(),
                QStringLiteral("preset.recall %1 (first start)").arg(m_demoPresets.first().name)};
    }
    std::vector<wall::ActionStore::Job> documents = std::exchange(m_startupDocuments, {});
    if (!show && documents.empty())
        return true; // nothing to write: a restart that shows what it showed
    wall::ActionStore::Job writeDocuments;
    if (!documents.empty())
        writeDocuments = allOf(std::move(documents));
    m_startupPending = true;
    // A refused write (the store unavailable) is logged and raises the store alert; the wall
    // goes on with what was last committed, and the next start writes the documents again.
    m_dispatcher->startWith(std::move(writeDocuments), std::move(show),
                            [this](const ActionResult &) {
                                m_startupPending = false;
                                importDemoBriefing();
                            });
    return true;
}

} // namespace opswall::shell
