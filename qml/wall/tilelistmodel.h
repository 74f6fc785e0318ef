#pragma once
// The live layout's tiles as a list model with stable rows: a moved or edited tile keeps its row
// (and its delegates keep their state, e.g. a playing video); only recall/undo reset the model.

#include "wall/wallstate.h"

#include <QAbstractListModel>
#include <QtQml/qqmlregistration.h>

namespace opswall::qml {

class TileListModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("TileListModel is provided by WallScene.tiles")
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
    };

    explicit TileListModel(wall::WallState *state, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

private:
    void onAdded(const QString &id);
    void onRemoved(const QString &id);
    void onChanged(const QString &id);
    void onReset();
    qsizetype rowOf(const QString &id) const;

    wall::WallState *m_state;
    QStringList m_ids; // row order; the tiles' data is read from the state
};

} // namespace opswall::qml
