#pragma once
// Which tile frames of one scene are not ready yet (TileFrame.tileReady false: content still
// loading or incubating, a picture still decoding), kept as the frames report it
// (WallScene.readiness.report, on every change of their tileReady and when they are completed)
// instead of found by walking every item of every window: "is every tile ready?" is a count.
// A frame that is deleted leaves the count with its object.

#include <QHash>
#include <QObject>
#include <QStringList>
#include <QtQml/qqmlregistration.h>

namespace opswall::qml {

class TileReadiness : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("TileReadiness is provided by WallScene.readiness")
    // How many frames are not ready.
    Q_PROPERTY(int notReady READ notReady NOTIFY notReadyChanged)
public:
    using QObject::QObject;

    // A frame (or a copy of one) says whether it is ready; reporting the same state again is a
    // no-op.
    Q_INVOKABLE void report(QObject *frame, const QString &tileId, bool ready);

    int notReady() const { return int(m_notReady.size()); }
    // The ids of the tiles with a frame not ready, sorted, each once.
    QStringList notReadyIds() const;

Q_SIGNALS:
    void notReadyChanged();

private:
    struct Entry {
        QString tileId;
        QMetaObject::Connection destroyed;
    };
    void forget(QObject *frame);

    QHash<QObject *, Entry> m_notReady;
};

} // namespace opswall::qml
