#pragma once
// Per-engine service lookup for QML singletons, without globals: main (or a test) attaches the
// object it built to the QQmlEngine, and the module's QML_SINGLETON factory finds it there.
//
//   // C++:  opswall::provide(&engine, videoHub);
//   // in VideoHub:  static VideoHub *create(QQmlEngine *e, QJSEngine *)
//   //               { return opswall::lookup<VideoHub>(e); }
//
// The object stays owned by C++ (CppOwnership), so the engine never deletes it.

#include <QJSEngine>
#include <QQmlEngine>
#include <QVariant>

namespace opswall {

template<class T>
void provide(QQmlEngine *engine, T *object) {
    QJSEngine::setObjectOwnership(object, QJSEngine::CppOwnership);
    engine->setProperty(
        (QByteArray("opswall_service_") + T::staticMetaObject.className()).constData(),
        QVariant::fromValue<QObject *>(object));
}

template<class T>
T *lookup(QQmlEngine *engine) {
    const QVariant v = engine->property(
        (QByteArray("opswall_service_") + T::staticMetaObject.className()).constData());
    return qobject_cast<T *>(v.value<QObject *>());
}

} // namespace opswall
