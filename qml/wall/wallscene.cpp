#include "wallscene.h"

#include "core/engineservices.h"
#include "wall/tilekinds.h"

#include <QDir>
#include <QJsonObject>
#include <QPointer>

namespace opswall::qml {

namespace {
QVariantMap rectMap(const QRectF &r) {
    return {{QStringLiteral("x"), r.x()},
            {QStringLiteral("y"), r.y()},
            {QStringLiteral("width"), r.width()},
            {QStringLiteral("height"), r.height()}};
}
} // namespace

WallScene::WallScene(wall::WallState *state, wall::Dispatcher *dispatcher, QString language,
                     QVariantMap kindSources, QObject *parent)
    : QObject(parent)
    , m_state(state)
    , m_dispatcher(dispatcher)
    , m_tiles(state)
    , m_language(std::move(language))
    , m_kindSources(std::move(kindSources))
    , m_perDisplayKinds(wall::perDisplayTileKinds()) {
    m_tiles.setUnkeptKinds(wall::unkeptTileKinds());
    m_tiles.setReusableKinds(wall::reusableTileKinds());
    connect(m_state, &wall::WallState::wallChanged, this, &WallScene::wallChanged);
    connect(m_state, &wall::WallState::layoutReset, this, &WallScene::layoutChanged);
}

WallScene *WallScene::create(QQmlEngine *engine, QJSEngine *) {
    return opswall::lookup<WallScene>(engine);
}

QRectF WallScene::canvasRect() const {
    return m_state->wall().canvasRectMm();
}

bool WallScene::bezelCompensation() const {
    return m_state->wall().bezelCompensation;
}

QString WallScene::wallName() const {
    return m_state->wall().name;
}

QVariantList WallScene::displays() const {
    QVariantList list;
    const wall::Wall &w = m_state->wall();
    for (const wall::Display &d : w.displays) {
        const QSize mounted = d.mountedResolution();
        list.append(
            QVariantMap{{QStringLiteral("id"), d.id},
                        {QStringLiteral("label"), d.label},
                        {QStringLiteral("deviceId"), d.deviceId},
                        {QStringLiteral("outer"), rectMap(d.outerRectMm())},
                        {QStringLiteral("active"), rectMap(d.activeRectMm())},
                        {QStringLiteral("source"), rectMap(d.sourceRectMm(w.bezelCompensation))},
                        {QStringLiteral("rotation"), int(d.rotation)},
                        {QStringLiteral("mountedWidth"), mounted.width()},
                        {QStringLiteral("mountedHeight"), mounted.height()}});
    }
    return list;
}

QVariantList WallScene::outputs() const {
    QVariantList list;
    const wall::Wall &w = m_state->wall();
    for (const wall::Output &o : w.outputs) {
        QVariantList regions;
        for (const wall::OutputRegion &r : o.regions) {
            const wall::Display *d = w.display(r.displayId);
            if (!d)
                continue;
            const QSize mounted = d->mountedResolution();
            regions.append(QVariantMap{
                {QStringLiteral("display"), r.displayId},
                {QStringLiteral("label"), d->label},
                {QStringLiteral("rect"), rectMap(QRectF(r.rectPx))},
                {QStringLiteral("source"), rectMap(d->sourceRectMm(w.bezelCompensation))},
                {QStringLiteral("rotation"), int(d->rotation)},
                {QStringLiteral("mountedWidth"), mounted.width()},
                {QStringLiteral("mountedHeight"), mounted.height()}});
        }
        list.append(QVariantMap{{QStringLiteral("name"), o.name},
                                {QStringLiteral("screen"), o.screen},
                                {QStringLiteral("geometry"), rectMap(QRectF(o.geometry))},
                                {QStringLiteral("regions"), regions}});
    }
    return list;
}

QColor WallScene::background() const {
    return m_state->layout().background;
}

QString WallScene::layoutName() const {
    return m_state->layout().name;
}

QUrl WallScene::resolveAsset(const QString &source) const {
    return m_imagePolicy.resolve(source);
}

void WallScene::submit(const QString &type, const QVariantMap &params) {
    const Caller console{QStringLiteral("console"), Role::Operator, QStringLiteral("local"),
                         QStringLiteral("console")};
    // Answered once the action's transaction committed (or failed); the GUI thread goes on.
    m_dispatcher->submit({type, QJsonObject::fromVariantMap(params)}, console,
                         [alive = QPointer<WallScene>(this), type](const ActionResult &r) {
                             if (alive)
                                 Q_EMIT alive->submitted(type, r.toJson().toVariantMap());
                         });
}

} // namespace opswall::qml
