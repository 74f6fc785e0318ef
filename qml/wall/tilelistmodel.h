#pragma once
// The live layout's tiles as a list model with stable rows: a moved or edited tile keeps its row
// (and its delegates keep their state, e.g. a playing video).
//
// A recall or undo (WallState::layoutReset) is applied as a diff: tiles that persist (same id,
// kind and binding) keep their rows and are only moved; the new tiles are inserted as "staged"
// rows, a few per turn of the event loop, which the views (TileViewModel, one per window: the
// tiles on that window's displays) build hidden, with their content loaded asynchronously, while
// the old layout stays on screen. When every view reports every tile it shows staged built (or
// stageTimeoutMs passes) the switch is made in one go: the old rows go, the persistent ones move
// and the staged ones show, so every output draws the new layout in its next frame. A layout
// change while a recall is still staged shows that recall first.

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
        StagedRole, // built ahead of a recall, not shown yet
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

    // A window's view of the tiles registers itself (TileViewModel does); a recall waits for
    // each to report the tiles it shows staged.
    void attachView(TileViewModel *view);
    void detachView(TileViewModel *view);
    // The view's frame of a staged tile and its content are built.
    Q_INVOKABLE void stagedTileReady(QObject *view, const QString &tileId);

    // Rows as the views filter them: a row's tile id and rectangle (mm); whether it is a tile
    // shown now that persists into the recall being built, and the rectangle it has after the
    // switch (its own for any other row).
    QString idAt(int row) const { return m_rows.at(row).tile.id; }
    QRectF rectAt(int row) const { return m_rows.at(row).tile.rectMm; }
    bool stagedAt(int row) const { return m_rows.at(row).staged; }
    bool persistsAt(int row) const;
    QRectF targetRectAt(int row) const;
    // Shows a staged recall now, ready or not.
    void commitStaged();

Q_SIGNALS:
    void stagingChanged();
    // A staged recall was shown; builtAheadMs: how long its tiles took to become ready.
    void switched(int persisted, int created, int removed, qint64 builtAheadMs);

private:
    struct Row {
        wall::Tile tile;
        int stack = 0;
        bool staged = false;
    };

    void onAdded(const QString &id);
    void onRemoved(const QString &id);
    void onChanged(const QString &id);
    void onReset();
    void insertSome();
    void applyNow(); // a recall without building ahead (setBuildAhead(false))
    void checkStaged();
    qsizetype rowOf(const QString &id) const;
    // Sets a row to a tile of the layout being shown (no longer staged); the roles that changed.
    static QList<int> update(Row &row, const wall::Tile &tile, int stack);
    void updateRow(qsizetype i, const wall::Tile &tile, int stack); // and tells the views
    QList<TileViewModel *> liveViews() const;
    // Whether a view that does not show a persistent tile now shows it after the recall.
    bool anyTileEntersAView() const;

    wall::WallState *m_state;
    QList<Row> m_rows; // what the views show (persistent and old tiles) plus the staged ones
    // The layout being staged: its tiles in order, and which of the shown rows persist into it.
    QList<wall::Tile> m_target;
    QHash<QString, int> m_targetIndex; // tile id -> index in m_target
    QSet<QString> m_persisting;
    bool m_staging = false;
    QList<QPointer<TileViewModel>> m_views;
    QSet<QPair<QObject *, QString>> m_ready; // (view, staged tile id) reported ready
    QTimer m_stageTimeout;
    QTimer m_check; // reports arrive while rows are being inserted: checked once that is done
    // Staged rows not inserted yet: inserted a few at a time (the views build each row's frame
    // when it is inserted), so that no frame of the old layout waits for all of them.
    QList<Row> m_toInsert;
    QTimer m_insert;
    qint64 m_stageStartedMs = 0;
    bool m_buildAhead = true;
};

} // namespace opswall::qml
