#pragma once
// Shared set-up of the dispatcher tests: a Dispatcher over a WallState of the demo grid and a
// real WallStore on a temporary SQLite file, the callers of every role, and small builders.

#include "../support/demowall.h"
#include "core/permissions.h"
#include "store/wallstore.h"
#include "wall/dispatcher.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

namespace opswall::wall::testing {

inline const Caller kOperator{QStringLiteral("alice"), Role::Operator,
                              QStringLiteral("10.0.0.5:4242"), QStringLiteral("console")};
inline const Caller kLeader{QStringLiteral("minister"), Role::Leader, QStringLiteral("local"),
                            QStringLiteral("panel")};
inline const Caller kViewer{QStringLiteral("guest"), Role::Viewer, QStringLiteral("local"),
                            QStringLiteral("api")};
inline const Caller kTechnician{QStringLiteral("tech"), Role::Technician, QStringLiteral("local"),
                                QStringLiteral("wallctl")};
inline const Caller kAdmin{QStringLiteral("root"), Role::Admin, QStringLiteral("local"),
                           QStringLiteral("api")};

inline QJsonObject textTile(const QString &id, double x, double y, double w = 400, double h = 200,
                            int z = 0) {
    return {{"id", id},
            {"kind", "text"},
            {"title", "Tile " + id},
            {"rect", QJsonObject{{"x", x}, {"y", y}, {"width", w}, {"height", h}}},
            {"z", z},
            {"binding", QJsonObject{{"text", "text of " + id}}}};
}

inline Action act(const char *type, QJsonObject params = {}) {
    return {QString::fromLatin1(type), std::move(params)};
}

inline QByteArray describe(const ActionResult &r) {
    return QJsonDocument(r.toJson()).toJson(QJsonDocument::Compact);
}

#define DISPATCH_OK(action, caller)                                                                \
    do {                                                                                           \
        const ActionResult r_ = m_dispatcher->dispatch((action), (caller));                        \
        QVERIFY2(r_.ok, describe(r_).constData());                                                 \
    } while (false)

// Test classes derive from QObject and from this; init() calls setUp(), cleanup() tearDown().
class DispatcherFixture {
protected:
    void setUp() {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        m_db = std::make_unique<store::Database>(m_dir->filePath(QStringLiteral("wall.db")));
        m_store = std::make_unique<store::WallStore>(*m_db);
        m_state = std::make_unique<WallState>(testsupport::demoWall());
        m_dispatcher = std::make_unique<Dispatcher>(*m_state, m_store.get());
    }

    void tearDown() {
        m_dispatcher.reset();
        m_state.reset();
        m_store.reset();
        m_db.reset();
        m_dir.reset();
    }

    // Adds tile id at (x, y) as the operator.
    bool add(const QString &id, double x, double y, int z = 0) {
        return m_dispatcher
            ->dispatch(act("tile.add", {{"tile", textTile(id, x, y, 400, 200, z)}}), kOperator)
            .ok;
    }
    int savePresetInStore(const QString &name, const QStringList &tileIds, bool forLeaders) {
        Layout l;
        l.name = name;
        double x = 50;
        for (const QString &id : tileIds) {
            Tile t;
            t.id = id;
            t.kind = QStringLiteral("color");
            t.rectMm = {x, 50, 300, 300};
            t.binding = {{"color", "#336699"}};
            l.tiles.append(t);
            x += 400;
        }
        return m_store->savePreset(std::nullopt, name, l, forLeaders);
    }

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<store::Database> m_db;
    std::unique_ptr<store::WallStore> m_store;
    std::unique_ptr<WallState> m_state;
    std::unique_ptr<Dispatcher> m_dispatcher;
};

} // namespace opswall::wall::testing
