#pragma once
// The operator's staged copy of the live layout, edited by hand while the wall keeps showing the
// live one: tiles as a list model (one row per tile, stable while it exists), selection, snapping,
// nudging, z-order, align/distribute, fill displays, delete, undo/redo, the difference from the
// live layout it was taken from, and a rebase onto a newer live layout. Publishing is the
// session's (one PUT /api/v1/layout with the base revision). Rules: app/console/editing.h.

#include "console/editing.h"
#include "wall/geometry.h"
#include "wall/layout.h"

#include <QAbstractListModel>
#include <QQmlEngine>
#include <QRectF>
#include <QVariantMap>

#include <deque>

namespace opswall::console {

// Made by WallSession (its "staged" property); QML never declares one (Qt 6.4's qmllint cannot
// resolve QAbstractItemModel).
class StagedLayout : public QAbstractListModel {
    Q_OBJECT
    QML_ANONYMOUS
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
    Q_PROPERTY(bool canUndo READ canUndo NOTIFY historyChanged)
    Q_PROPERTY(bool canRedo READ canRedo NOTIFY historyChanged)
    Q_PROPERTY(QStringList selection READ selection NOTIFY selectionChanged)
    Q_PROPERTY(QVariantMap diff READ diff NOTIFY diffChanged) // {added, removed, moved, changed}
    Q_PROPERTY(bool dirty READ dirty NOTIFY diffChanged)
    Q_PROPERTY(double baseRevision READ baseRevision NOTIFY baseChanged)
    Q_PROPERTY(QString baseInstance READ baseInstance NOTIFY baseChanged)
    Q_PROPERTY(bool behindLive READ behindLive NOTIFY baseChanged) // live moved on since the base
    Q_PROPERTY(QRectF canvasMm READ canvasMm NOTIFY wallChanged)
    Q_PROPERTY(double gridMm READ gridMm WRITE setGridMm NOTIFY snapChanged)
    Q_PROPERTY(double snapMm READ snapMm WRITE setSnapMm NOTIFY snapChanged)
    Q_PROPERTY(QVariantMap guide READ guide NOTIFY guideChanged) // {x, y, xKind, yKind}

public:
    enum RoleNames {
        IdRole = Qt::UserRole + 1,
        KindRole,
        TitleRole,
        XRole,
        YRole,
        WidthRole,
        HeightRole,
        ZRole,
        BindingRole,
        SelectedRole,
        StateRole, // "added", "moved", "changed" or "" against the base
    };
    Q_ENUM(RoleNames)

    explicit StagedLayout(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    bool canUndo() const { return !m_undo.empty(); }
    bool canRedo() const { return !m_redo.empty(); }
    QStringList selection() const { return m_selection; }
    QVariantMap diff() const;
    bool dirty() const;
    double baseRevision() const { return m_baseRevision; }
    QString baseInstance() const { return m_baseInstance; }
    bool behindLive() const { return m_behindLive; }
    QRectF canvasMm() const { return m_wall.canvasRectMm(); }
    double gridMm() const { return m_snap.gridMm; }
    void setGridMm(double mm);
    double snapMm() const { return m_snap.thresholdMm; }
    void setSnapMm(double mm);
    QVariantMap guide() const { return m_guide; }

    // The wall (GET /wall) for snapping and fills.
    Q_INVOKABLE void setWall(const QVariantMap &wallJson);
    // The live layout ({revision, instance, layout} from GET /layout). The first one, or one that
    // comes while nothing is staged, becomes the base and the staged copy; later ones only mark
    // the copy as behind (publish would be refused; rebase() takes them in).
    Q_INVOKABLE void setLive(const QVariantMap &live);
    Q_INVOKABLE void discard(); // staged = the latest live; undo history cleared
    Q_INVOKABLE void rebase();  // the staged edits replayed on the latest live
    // The wall took the staged copy: it is the live layout now (its revision comes with the next
    // GET /layout); undo history cleared.
    Q_INVOKABLE void markPublished();

    Q_INVOKABLE QVariantMap tile(const QString &id) const;
    Q_INVOKABLE QVariantMap layoutJson() const; // for publish and "save as"
    Q_INVOKABLE QVariantMap liveLayoutJson() const;

    // Selection
    Q_INVOKABLE void select(const QString &id, bool add);
    Q_INVOKABLE void selectAll();
    Q_INVOKABLE void clearSelection();
    // Rubber band: the tiles in keep (the selection before the band, when adding) and every tile
    // the rectangle touches.
    Q_INVOKABLE void selectInRect(double xMm, double yMm, double widthMm, double heightMm,
                                  const QStringList &keep);
    Q_INVOKABLE void selectNext(int step); // Tab / Shift+Tab

    // Edits; each is one undo step. Rects are canvas millimetres.
    Q_INVOKABLE QString place(const QString &kind, const QVariantMap &binding, const QString &title,
                              double xMm, double yMm, double widthMm, double heightMm,
                              bool snap = true);
    Q_INVOKABLE void nudge(double dxMm, double dyMm);
    Q_INVOKABLE void removeSelected();
    Q_INVOKABLE void raiseSelected();
    Q_INVOKABLE void lowerSelected();
    Q_INVOKABLE void alignSelected(const QString &how); // left right top bottom hcenter vcenter
    Q_INVOKABLE void distributeSelected(const QString &axis); // horizontal vertical
    Q_INVOKABLE void fillDisplays(const QStringList &displayIds);
    Q_INVOKABLE void fillDisplayAt(double xMm, double yMm); // the display under a point
    // Title and binding of one tile, checked like the wall checks them. {ok, field, message}.
    Q_INVOKABLE QVariantMap setTitle(const QString &id, const QString &title);
    Q_INVOKABLE QVariantMap setBindingText(const QString &id, const QString &json);
    Q_INVOKABLE void undo();
    Q_INVOKABLE void redo();

    // A drag or resize: begin once (one undo step), update many times (snapped unless suspended),
    // end once. edges: "move" or any of "l", "t", "r", "b".
    Q_INVOKABLE void beginGesture(const QString &id);
    Q_INVOKABLE void updateGesture(double xMm, double yMm, double widthMm, double heightMm,
                                   const QString &edges, bool snap);
    Q_INVOKABLE void endGesture();
    // Where a tile of that size dropped at (x, y) would land (the library's drop preview).
    Q_INVOKABLE QRectF snapped(double xMm, double yMm, double widthMm, double heightMm,
                               bool snap) const;
    // Which displays a canvas rectangle covers.
    Q_INVOKABLE QStringList displaysUnder(double xMm, double yMm, double widthMm,
                                          double heightMm) const;

Q_SIGNALS:
    void countChanged();
    void historyChanged();
    void selectionChanged();
    void diffChanged();
    void baseChanged();
    void wallChanged();
    void snapChanged();
    void guideChanged();

private:
    void pushUndo();
    void setStaged(const wall::Layout &layout); // resets the model
    void changed(const QString &id);            // one row's data changed
    void setGuide(const SnapResult &s);
    wall::Tile *tileById(const QString &id) { return m_staged.tile(id); }
    QString stateOf(const wall::Tile &t) const;

    wall::Wall m_wall;
    wall::Layout m_base;   // the live layout the copy was taken from
    wall::Layout m_staged; // what the operator edits
    wall::Layout m_latest; // the newest live layout seen
    double m_baseRevision = -1;
    QString m_baseInstance;
    double m_latestRevision = -1;
    QString m_latestInstance;
    bool m_behindLive = false;
    bool m_hasBase = false;
    QStringList m_selection;
    std::deque<wall::Layout> m_undo, m_redo;
    SnapSettings m_snap;
    QVariantMap m_guide;
    QString m_gestureId;
    static constexpr std::size_t kUndoDepth = 200;
};

} // namespace opswall::console
