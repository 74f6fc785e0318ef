#pragma once
// The live layout's tiles as a list model with stable rows: a moved or edited tile keeps its row
// (and its delegates keep their state, e.g. a playing video).
//
// A recall or undo (WallState::layoutReset) is applied as a diff: tiles that persist (same id,
// kind and binding) keep their rows and are only moved; the new tiles are inserted as "staged"
// rows, a few per turn of the event loop, which the views (TileViewModel, one per window: the
// tiles on that window's displays) build hidden, with their content loaded asynchronously, while
// the old layout stays on screen. When every view reports every tile it shows staged built (or
// stageTimeoutMs passes) the switch is made in one go: the old rows are hidden, the persistent
// ones move and the staged ones show, so every output draws the new layout in its next frame; the
// old rows (those not kept) are removed once every window drew it. A layout change while a recall
// is still staged shows that recall first.
//
// The build starts before the recall is live: the dispatcher tells the state of the layout whose
// write is on the store thread (WallState::layoutPreparing), and its tiles are staged then; the
// switch waits for the write too (layoutReset with that layout). When the write fails
// (preparedDropped) the staged tiles are dropped (kept built, where layouts are kept) and nothing
// on the wall changes.
//
// Kept layouts (setKeptLayouts, the wall's outputs; off for the step pictures): the tiles that
// leave the live layout in a switch are not removed but kept, built and hidden ("kept" rows), for
// the last few layouts shown. A recall takes a kept tile with the same id, kind and binding as one
// of its own instead of building a new one: the kept row is moved to its place, still hidden, and
// shows in the switch like a new tile, so recalling a layout shown a moment ago builds nothing.
// Kept rows are staged (hidden) rows that no recall waits for; their frames count as ready.
//
// Built ahead (WallState::ahead: a running briefing's next step, the warm presets): the tiles of
// the layouts expected next are held as kept rows too, built in the background, a few per turn of
// the event loop while no recall is being built, and exempt from the kept layouts' bound (their
// own: setAheadTiles). A recall takes them as it takes a kept layout's tiles; one whose frames are
// not built yet in every window that shows it is taken as a staged tile (the recall waits for
// it). The layouts are matched tile by tile (id, kind, binding), so a layout edited since it was
// built ahead shows its own tiles: the changed ones are built by the recall.

#include "afterframe.h"
#include "updatehold.h"
#include "wall/ahead.h"
#include "wall/wallstate.h"

#include <QAbstractListModel>
#include <QList>
#include <QPointer>
#include <QSet>
#include <QTimer>
#include <QtQml/qqmlregistration.h>

namespace opswall::qml {

class TileViewModel;

class TileListModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("TileListModel is provided by WallScene.tiles")
    // True while a recall's new tiles are being built, hidden, behind the layout on screen.
    Q_PROPERTY(bool staging READ staging NOTIFY stagingChanged)
public:
    enum Roles {
        TileIdRole = Qt::UserRole + 1,
        KindRole,
        TitleRole,
        XMmRole,
        YMmRole,
        WidthMmRole,
        HeightMmRole,
        ZRole,
        FrameRole,
        BindingRole,
        StackRole,  // the tile's place in the layout: draws over earlier tiles of the same z
        StagedRole, // built ahead of a recall, or kept, not shown
        KeptRole,   // kept built and hidden, in no layout now (a kept layout's tile)
        SerialRole, // the row's number, for its frames' reports (keptTileBuilt)
    };

    explicit TileListModel(wall::WallState *state, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
    static QHash<int, QByteArray> tileRoleNames(); // the roles' names in QML

    bool staging() const { return m_staging; }
    // How long a recall waits for its new tiles before it is shown anyway (a picture that never
    // decodes must not hold the wall). Default 1500 ms.
    void setStageTimeoutMs(int ms) { m_stageTimeout.setInterval(ms); }
    // Whether a recall is built ahead while the old layout stays (the wall's outputs, default),
    // or applied at once: the old rows go, the persistent ones move and the new ones are
    // inserted in one go, loaded synchronously (the step pictures: nothing of the layout drawn
    // before may stay in the next picture, and no picture waits for a switch).
    void setBuildAhead(bool buildAhead) { m_buildAhead = buildAhead; }
    // How many layouts shown before the live one keep their tiles built and hidden (their tiles
    // that are not in a later one), and at most how many tiles are kept in all (the oldest go
    // first). 0: none (the default; the application sets the wall's from --kept-layouts). Only
    // with build-ahead.
    void setKeptLayouts(int layouts, int maxTiles = 240);
    int keptLayouts() const { return m_keptLayouts; }
    // The kinds never kept (a video's stream would go on while hidden): wall::unkeptTileKinds().
    void setUnkeptKinds(const QStringList &kinds) { m_unkeptKinds = kinds; }
    // The kinds whose hidden frames are given new tiles of the kind (spare frames):
    // wall::reusableTileKinds().
    void setReusableKinds(const QStringList &kinds) { m_reusableKinds = kinds; }
    // At most how many spare frames are held (default kMaxSpares; 0: none, every frame a switch
    // lets go is deleted after its frame).
    void setSpareTiles(int maxTiles);
    int spareTiles() const { return m_maxSpares; }
    static constexpr int kMaxSpares = 64;
    // Rows kept built and hidden now, built-ahead ones included, spares not (for the tests and
    // the benchmark).
    int keptCount() const;
    // Spare rows now (hidden frames of reusable kinds, waiting for a new tile of their kind).
    int spareCount() const;
    // New tiles of the recalls so far that were given a spare frame instead of being built.
    int sparesTaken() const { return m_sparesTaken; }
    // At most how many tiles are held built ahead for the layouts expected next (WallState::
    // ahead), default wall::kAheadTiles (120); 0: none. Which ones: wall::aheadTiles.
    void setAheadTiles(int maxTiles);
    // Kept rows held for a layout expected next (built or being built).
    int aheadCount() const;
    // Built-ahead tiles not inserted yet (waiting for their turn).
    int aheadPending() const { return int(m_aheadToInsert.size()); }
    // Every tile wanted ahead is inserted and built in every window that shows it.
    bool aheadReady() const;

    // A window's view of the tiles registers itself (TileViewModel does); a recall waits for
    // each to report the tiles it shows staged.
    void attachView(TileViewModel *view);
    void detachView(TileViewModel *view);
    // The view's frame of a staged tile and its content are built.
    Q_INVOKABLE void stagedTileReady(QObject *view, const QString &tileId);
    // The view's frame of a kept row (by its serial) has its content built, with its copies (or
    // no longer: built false). A recall takes a built-ahead row as it is only when every view
    // that shows it reported it built.
    Q_INVOKABLE void keptTileBuilt(QObject *view, int serial, bool built);

    // Rows as the views filter them: a row's tile id and rectangle (mm); whether it is a tile
    // shown now that persists into the recall being built, and the rectangle it has after the
    // switch (its own for any other row).
    QString idAt(int row) const { return m_rows.at(row).tile.id; }
    QRectF rectAt(int row) const { return m_rows.at(row).tile.rectMm; }
    // A recall's tile built ahead (a staged row that is not a kept one).
    bool stagedAt(int row) const { return m_rows.at(row).staged && !m_rows.at(row).kept; }
    bool persistsAt(int row) const;
    QRectF targetRectAt(int row) const;
    // Shows a staged recall now, ready or not.
    void commitStaged();
    // The windows' frame requests held while a recall is built (updatehold.h).
    const UpdateHold &updateHold() const { return m_hold; }

Q_SIGNALS:
    void stagingChanged();
    // A staged recall was shown; builtAheadMs: how long its tiles took to become ready.
    void switched(int persisted, int created, int removed, qint64 builtAheadMs);

private:
    struct Row {
        wall::Tile tile;
        int stack = 0;
        bool staged = false;
        bool kept = false;  // kept built and hidden (staged too), in no layout
        quint64 keptAt = 0; // the switch that left it kept (the older go first)
        // A kept row the recall being staged takes, at its place in the layout (index in
        // m_target): left as it is (kept, hidden, untouched) until the switch, which shows it.
        int reviveTo = -1;
        bool ahead = false; // a kept row held for a layout expected next (not bounded as kept)
        int serial = 0;     // unique per row inserted
        // Left in a switch and not kept: hidden in the switch (staged and kept, so inert), its
        // row removed (its frames deleted) once every window drew the switch (removeRetired).
        bool retiring = false;
        // Left in a switch and not kept, of a reusable kind: hidden and inert like a retiring
        // row, but held (bounded) for a later recall to give it a new tile of its kind.
        bool spare = false;
        quint64 spareAt = 0; // the switch that made it a spare (the older go first)
    };
    Row fresh(const wall::Tile &tile, int stack, bool staged);
    static bool sameContent(const wall::Tile &a, const wall::Tile &b);
    // The layouts expected next changed, or a switch or a dropped build left other rows kept:
    // marks the kept rows they need, queues the tiles not built yet, lets the others go.
    void refreshAhead();
    void insertAhead();
    // Whether a kept row is one of the tiles wanted ahead (same id, kind, binding and place).
    bool wantedAhead(const wall::Tile &tile) const;
    // Whether every view that shows the row reported its frame built (keptTileBuilt).
    bool builtEverywhere(qsizetype row) const;

    void onAdded(const QString &id);
    void onRemoved(const QString &id);
    void onChanged(const QString &id);
    void onReset();
    void onPreparing(const wall::Layout &layout);
    // Stages the tiles of a layout to switch to (the live one, or one being written).
    void stageTowards(const QList<wall::Tile> &tiles);
    // A build for a layout that is not live (its write failed, or another layout came) goes:
    // its staged tiles are kept built (or removed), nothing shown changes.
    void dropStaged();
    // What was being staged is shown when it is the live layout, dropped otherwise.
    void settle();
    void insertSome();
    // Runs the engine's incubation (the staged frames' content, loaded asynchronously) for up to
    // ms milliseconds now.
    void incubateFor(int ms);
    // A turn of the event loop builds for at most this long (then the windows may draw a frame).
    static constexpr int kBuildSliceMs = 20;     // of the GUI thread's CPU time
    static constexpr int kBuildSliceWallMs = 33; // whatever it cost
    void applyNow(); // a recall without building ahead (setBuildAhead(false))
    void checkStaged();
    // Keeps the rows of the layout just left (or removes them), then drops the kept rows beyond
    // the bound; rows: the old live rows (or a dropped build's staged rows: not a switch), in
    // ascending order.
    void keepOrRemove(const QList<qsizetype> &rows, bool aSwitch = true);
    void removeRows(const QList<qsizetype> &rows); // ascending
    // Rows a switch lets go: hidden now; of a reusable kind, kept as spares (bounded), the others
    // removed after the switch's frame (m_afterSwitch), so that deleting their frames (a few ms
    // of the GUI thread for a few dozen tiles) does not come between the switch and its frame. A
    // recall never takes a retiring row; it takes a spare of a new tile's kind.
    void retire(const QList<qsizetype> &rows);
    // A spare row for a new tile of the recall being staged (its kind, in the same windows; one
    // at the tile's place first), or -1. Not one the recall takes already.
    qsizetype spareFor(const wall::Tile &tile, const QHash<qsizetype, int> &taken) const;
    // The spare rows beyond setSpareTiles' bound, the oldest of them (any order).
    QList<qsizetype> sparesBeyondBound() const;
    void removeRetired(); // not while a recall is being built: after its switch, then
    void removeRetiredAfterFrame();
    QList<QQuickWindow *> viewWindows() const;
    qsizetype rowOf(const QString &id) const;
    // Sets a row to a tile of the layout being shown (no longer staged); the roles that changed.
    static QList<int> update(Row &row, const wall::Tile &tile, int stack);
    void updateRow(qsizetype i, const wall::Tile &tile, int stack); // and tells the views
    QList<TileViewModel *> liveViews() const;
    // Holds the frame requests of the views' windows while the recall being staged builds tiles.
    void holdWindows();
    // Whether a view that does not show a persistent tile now shows it after the recall.
    bool anyTileEntersAView() const;

    wall::WallState *m_state;
    QList<Row> m_rows; // what the views show (persistent and old tiles) plus the staged ones
    // The layout being staged: its tiles in order, and which of the shown rows persist into it.
    QList<wall::Tile> m_target;
    QHash<QString, int> m_targetIndex; // tile id -> index in m_target
    QSet<QString> m_persisting;
    bool m_staging = false;
    bool m_builtNew = false; // the recall being staged builds tiles (not only kept ones)
    QList<QPointer<TileViewModel>> m_views;
    QSet<QPair<QObject *, QString>> m_ready; // (view, staged tile id) reported ready
    QTimer m_stageTimeout;
    QTimer m_check; // reports arrive while rows are being inserted: checked once that is done
    // Staged rows not inserted yet: inserted a few at a time (the views build each row's frame
    // when it is inserted), so that no frame of the old layout waits for all of them.
    QList<Row> m_toInsert;
    QTimer m_insert;
    // Built ahead: the tiles wanted (in order, bounded), those still to insert, and which views
    // reported a kept row's frame built (by serial).
    QList<wall::Tile> m_aheadTiles;
    QList<Row> m_aheadToInsert;
    QTimer m_aheadInsert;
    int m_maxAheadTiles = wall::kAheadTiles;
    int m_nextSerial = 1;
    QHash<int, QSet<QObject *>> m_builtIn;
    qint64 m_stageStartedMs = 0;
    bool m_buildAhead = true;
    bool m_awaitingWrite = false; // staging a layout whose write has not committed yet
    int m_keptLayouts = 0;
    int m_maxKeptTiles = 240;
    quint64 m_switches = 0;
    QStringList m_unkeptKinds;
    QStringList m_reusableKinds;
    int m_maxSpares = kMaxSpares;
    int m_sparesTaken = 0;
    UpdateHold m_hold;
    AfterFrame m_afterSwitch;
    // At most this long after a switch its retired rows go, drawn or not.
    static constexpr int kRetireBoundMs = 250;
};

} // namespace opswall::qml
