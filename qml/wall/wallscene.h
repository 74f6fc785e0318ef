#pragma once
// What the wall's QML sees of the live wall: its geometry (displays, outputs, the canvas), the
// tile model, the UI language; and the console's way to submit actions. One per engine, built by
// the application and found by QML through opswall::lookup (engineservices.h).

#include "tilelistmodel.h"
#include "tilereadiness.h"
#include "wall/dispatcher.h"
#include "wall/wallstate.h"

#include <QColor>
#include <QObject>
#include <QRectF>
#include <QUrl>
#include <QVariantList>
#include <QtQml/qqmlregistration.h>

class QQmlEngine;
class QJSEngine;

namespace opswall::qml {

class WallScene : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    Q_PROPERTY(QRectF canvasRect READ canvasRect NOTIFY wallChanged)
    Q_PROPERTY(bool bezelCompensation READ bezelCompensation NOTIFY wallChanged)
    Q_PROPERTY(QString wallName READ wallName NOTIFY wallChanged)
    Q_PROPERTY(QVariantList displays READ displays NOTIFY wallChanged)
    Q_PROPERTY(QVariantList outputs READ outputs NOTIFY wallChanged)
    Q_PROPERTY(opswall::qml::TileListModel *tiles READ tiles CONSTANT)
    // Which tile frames are not ready yet, as they report it (TileFrame.qml).
    Q_PROPERTY(opswall::qml::TileReadiness *readiness READ readiness CONSTANT)
    Q_PROPERTY(QColor background READ background NOTIFY layoutChanged)
    Q_PROPERTY(QString layoutName READ layoutName NOTIFY layoutChanged)
    Q_PROPERTY(QString language READ language CONSTANT)
    Q_PROPERTY(QVariantMap kindSources READ kindSources CONSTANT)
    // The kinds drawn again in each display a tile spans; others are mirrored (TileLayer.qml).
    Q_PROPERTY(QStringList perDisplayKinds READ perDisplayKinds CONSTANT)
    // What a running briefing draws over the layout (BriefingOverlay.qml): "active", "blank",
    // "focus" (a tile id) and "focusRect" (mm), "indicator" ("3 / 8"), "organisation", "title".
    Q_PROPERTY(QVariantMap presentation READ presentation NOTIFY presentationChanged)

public:
    // kindSources: QML component URL per tile kind (app/wall/tilekinds.h tileComponents())
    // ("video" -> "qrc:/OpsWall/Video/VideoTile.qml"); a kind without one shows a placeholder.
    WallScene(wall::WallState *state, wall::Dispatcher *dispatcher, QString language,
              QVariantMap kindSources, QObject *parent = nullptr);
    static WallScene *create(QQmlEngine *engine, QJSEngine *);

    QRectF canvasRect() const;
    bool bezelCompensation() const;
    QString wallName() const;
    QVariantList displays() const;
    QVariantList outputs() const;
    TileListModel *tiles() { return &m_tiles; }
    TileReadiness *readiness() { return &m_readiness; }
    QColor background() const;
    QString layoutName() const;
    QString language() const { return m_language; }
    // Tile kinds whose QML module is built in; others show a placeholder.
    QVariantMap kindSources() const { return m_kindSources; }
    QStringList perDisplayKinds() const { return m_perDisplayKinds; }
    QVariantMap presentation() const { return m_presentation; }
    void setPresentation(const QVariantMap &presentation) {
        if (presentation == m_presentation)
            return;
        m_presentation = presentation;
        Q_EMIT presentationChanged();
    }

    // Image tiles: relative paths are in the assets folder, "media:NAME" in the media folder,
    // http(s) URLs only under a prefix an admin allowed (wall::ImageSourcePolicy). Anything else
    // resolves to an empty URL, so the tile shows "Image unavailable" and nothing is read.
    void setAssetDir(const QString &dir) { m_imagePolicy.assetsDir = dir; }
    void setImagePolicy(const wall::ImageSourcePolicy &policy) { m_imagePolicy = policy; }
    Q_INVOKABLE QUrl resolveAsset(const QString &source) const;

    // The operator console submits actions as the local operator; the answer comes with
    // submitted() once the action's transaction committed or failed (the GUI thread never waits).
    Q_INVOKABLE void submit(const QString &type, const QVariantMap &params);

Q_SIGNALS:
    void submitted(const QString &type, const QVariantMap &result);
    void wallChanged();
    void layoutChanged();
    void presentationChanged();

private:
    wall::WallState *m_state;
    wall::Dispatcher *m_dispatcher;
    TileListModel m_tiles;
    TileReadiness m_readiness;
    QString m_language;
    QVariantMap m_kindSources;
    QStringList m_perDisplayKinds;
    wall::ImageSourcePolicy m_imagePolicy;
    QString m_assetDir;
    QVariantMap m_presentation;
};

} // namespace opswall::qml
