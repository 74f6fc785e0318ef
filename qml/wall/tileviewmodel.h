#pragma once
// One window's share of the live layout's tiles (TileLayer.qml, one per window): the rows of
// WallScene.tiles that overlap one of the window's displays (`regions`, canvas millimetres, the
// viewports' sources), in the tile model's order. A window builds no frame for a tile on no display
// of its own.
//
// The rows follow the tiles as a diff: a tile moved or resized onto one of the window's displays
// is inserted, one moved off all of them removed (its frame leaves the picture at once). During a
// recall (TileListModel::staging) a tile that persists but moves onto this window's displays from
// elsewhere is inserted ahead, presented as a staged tile at its new place: the window builds it
// hidden with the recall's new tiles, reports it ready, and shows it in the same switch in which
// the window it leaves drops it.

#include <QAbstractListModel>
#include <QPointer>
#include <QRectF>
#include <QSet>
#include <QVariantList>
#include <QtQml/qqmlregistration.h>

#include <algorithm>

namespace opswall::qml {

class TileListModel;

class TileViewModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(opswall::qml::TileListModel *tiles READ tiles WRITE setTiles NOTIFY tilesChanged)
    // The window's displays' canvas rectangles (mm); entries that are not rectangles are skipped.
    Q_PROPERTY(QVariantList regions READ regions WRITE setRegions NOTIFY regionsChanged)
public:
    explicit TileViewModel(QObject *parent = nullptr);
    ~TileViewModel() override;

    TileListModel *tiles() const { return m_tiles.data(); }
    void setTiles(TileListModel *tiles);
    QVariantList regions() const { return m_regionList; }
    void setRegions(const QVariantList &regions);

    // Whether the rectangle (mm) overlaps one of the regions by a positive area (as
    // TileLayer.partsOf counts a part).
    bool overlaps(const QRectF &rectMm) const;
    // Whether a tile moving from one rectangle to another enters this window (on none of its
    // displays before, on one after).
    bool enters(const QRectF &fromMm, const QRectF &toMm) const {
        return !overlaps(fromMm) && overlaps(toMm);
    }
    // The tiles this window shows as staged (a recall's new ones on its displays and the
    // persistent ones entering it): what the recall waits for from this window.
    QStringList stagedIds() const;
    // Whether the tile model's row is one of this window's.
    bool showsRow(int sourceRow) const {
        return std::binary_search(m_rows.cbegin(), m_rows.cend(), sourceRow);
    }

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

Q_SIGNALS:
    void tilesChanged();
    void regionsChanged();

private:
    bool accepts(int sourceRow) const;
    // Rows of the tile model shown here, filtered again: rows that no longer pass go, rows that
    // now pass come, the others stay (their frames with them).
    void refilter();
    void onInserted(int first, int last);
    void onAboutToBeRemoved(int first, int last);
    void onRemoved(int first, int last);
    void onDataChanged(const QModelIndex &topLeft, const QModelIndex &bottomRight,
                       const QList<int> &roles);
    void onReset();
    void onStagingChanged();
    QSet<QString> enteringTiles() const; // while the tile model is staging

    QPointer<TileListModel> m_tiles;
    QList<QMetaObject::Connection> m_connections;
    QList<int> m_rows; // the tile model's rows shown here, ascending
    QVariantList m_regionList;
    QList<QRectF> m_regions;
    // Persistent tiles moving onto this window's displays in the recall being built.
    QSet<QString> m_entering;
};

} // namespace opswall::qml
