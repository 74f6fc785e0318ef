// OpsWall.Devices: the Devices singleton is the DeviceService main() attached to the engine
// (opswall::provide), and DeviceHealthPanel shows one tile per display of the wall that follows
// the model (bound or not, power, temperature, alert colour).
#include "core/engineservices.h"
#include "devices/deviceservice.h"
#include "wall/dispatcher.h"
#include "wall/wallstate.h"

#include <QQmlComponent>
#include <QQmlEngine>
#include <QQuickItem>
#include <QtQml/qqmlextensionplugin.h>
#include <QtTest>

Q_IMPORT_QML_PLUGIN(OpsWall_DevicesPlugin)

using namespace opswall;
using namespace opswall::devices;

class TestDevicesQml : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void panelFollowsTheModel() {
        wall::GridSpec grid;
        grid.rows = 3;
        grid.cols = 4;
        grid.activeMm = QSizeF(1209.6, 680.4);
        wall::WallState state(wall::makeGrid(grid, "demo"));
        wall::Dispatcher dispatcher(state, nullptr);
        DeviceService service(state, dispatcher);
        QVERIFY(service.setConfig(demoDeviceConfig({5001, 5002, 5003})).isEmpty());

        QQmlEngine engine;
        engine.addImportPath(QStringLiteral("qrc:/")); // RESOURCE_PREFIX / (as the app does)
        opswall::provide(&engine, &service);
        QQmlComponent component(&engine);
        component.setData("import QtQuick\nimport OpsWall.Devices\n"
                          "DeviceHealthPanel { width: 800; height: 400 }",
                          QUrl("qrc:/test.qml"));
        std::unique_ptr<QObject> object(component.create());
        QVERIFY2(object, qPrintable(component.errorString()));
        auto *panel = qobject_cast<QQuickItem *>(object.get());
        QVERIFY(panel);
        QTRY_COMPARE(panel->property("count").toInt(), 12);

        auto tile = [&](int i) {
            QQuickItem *item = nullptr;
            QMetaObject::invokeMethod(panel, "itemAtIndex", Q_RETURN_ARG(QQuickItem *, item),
                                      Q_ARG(int, i));
            return item;
        };
        QVERIFY(tile(0) && tile(11));
        QVERIFY(tile(0)->property("bound").toBool());
        QVERIFY(!tile(11)->property("bound").toBool()); // only three displays have devices
        const QColor unpolled = tile(2)->property("color").value<QColor>();

        DisplayHealth row = *service.model()->row("r1c3");
        row.polled = row.reachable = true;
        row.power = "on";
        row.temperatureC = 41;
        row.alertSeverity = "warning";
        row.alertMessage = "Display r1c3 is too hot";
        QVERIFY(service.model()->update(row));
        QCOMPARE(tile(2)->property("power").toString(), QStringLiteral("on"));
        QCOMPARE(tile(2)->property("temperatureC").toInt(), 41);
        QCOMPARE(tile(2)->property("alertMessage").toString(),
                 QStringLiteral("Display r1c3 is too hot"));
        QVERIFY(tile(2)->property("color").value<QColor>() != unpolled);
    }
};

QTEST_MAIN(TestDevicesQml)
#include "tst_devices_qml.moc"
