// PanelService's USB hot-plug view: a hid::Monitor on the io thread re-enumerates the Stream
// Deck and X-keys vendors every second (no udev), and each deck that appears or goes away is
// logged and listed by usbDevices() (GET /api/v1/panels "usb"), configured as a panel or not.
// The configured panels find their own device (hid::Link); this is what the host has.
#include "panels/panelservice.h"

#include <boost/asio/post.hpp>

#include <QMetaObject>
#include <QPointer>

namespace opswall::panels {

namespace asio = boost::asio;
namespace sd = drivers::streamdeck;
namespace xk = drivers::xkeys;

namespace {

QString hex4(std::uint16_t v) {
    return QStringLiteral("%1").arg(v, 4, 16, QLatin1Char('0'));
}

// The model's name, or empty; X-keys list only the interface that carries the keys (the others
// of the same device are keyboard and mouse emulation), unless the product is not known.
bool listed(const drivers::hid::DeviceInfo &d, QString *kind, QString *model) {
    if (d.vendorId == sd::kVendorId) {
        *kind = QStringLiteral("streamdeck");
        if (const sd::Model *m = sd::modelForProductId(d.productId))
            *model = QString::fromLatin1(m->name);
        return true;
    }
    if (d.vendorId == xk::kVendorId) {
        *kind = QStringLiteral("xkeys");
        if (const xk::Product *p = xk::productFor(d.productId, d.interfaceNumber)) {
            *model = QString::fromLatin1(p->name);
            return true;
        }
        return xk::productFor(d.productId) == nullptr;
    }
    return false;
}

} // namespace

void PanelService::startUsbMonitor() {
    if (m_usbMonitor || !m_io)
        return;
    if (!m_hid)
        m_hid = drivers::hid::hidapiBackend();
    m_usbMonitor = drivers::hid::Monitor::create(
        *m_io, m_hid, drivers::hid::MonitorSettings{{sd::kVendorId, xk::kVendorId}, m_usbScanMs});
    QPointer<PanelService> self(this);
    m_usbMonitor->setCallbacks(
        [self](bool plugged, const drivers::hid::DeviceInfo &d) {
            if (self)
                QMetaObject::invokeMethod(
                    self.data(), [self, plugged, d] { self->onUsbChange(plugged, d); },
                    Qt::QueuedConnection);
        },
        [self](const std::string &error) {
            if (self && !error.empty())
                self->m_log.warn(QStringLiteral("usb: cannot look for panels: %1")
                                     .arg(QString::fromStdString(error)));
        });
    asio::post(*m_io, [monitor = m_usbMonitor] { monitor->start(); });
}

QString PanelService::usbPanelFor(const QString &path) const {
    for (const auto &rt : m_panels)
        if (rt->usbPath == path)
            return rt->config.id;
    return {};
}

void PanelService::onUsbChange(bool plugged, const drivers::hid::DeviceInfo &d) {
    QString kind, model;
    if (!listed(d, &kind, &model))
        return;
    const QString path = QString::fromStdString(d.path);
    if (plugged)
        m_usbPresent.insert(path, d);
    else
        m_usbPresent.remove(path);
    const QString what =
        QStringLiteral("%1 %2 (%3:%4%5)")
            .arg(kind == QLatin1String("streamdeck") ? QStringLiteral("Stream Deck")
                                                     : QStringLiteral("X-keys"),
                 model.isEmpty() ? QStringLiteral("unknown model") : model, hex4(d.vendorId),
                 hex4(d.productId),
                 d.serial.empty()
                     ? QString()
                     : QStringLiteral(", serial %1").arg(QString::fromStdString(d.serial)));
    QString panel = usbPanelFor(path);
    if (plugged)
        qInfo("opswall: usb: %s plugged in at %s%s", qPrintable(what), qPrintable(path),
              panel.isEmpty() ? "" : qPrintable(QStringLiteral(" (panel %1)").arg(panel)));
    else
        qInfo("opswall: usb: %s unplugged from %s%s", qPrintable(what), qPrintable(path),
              panel.isEmpty() ? "" : qPrintable(QStringLiteral(" (panel %1)").arg(panel)));
}

QJsonArray PanelService::usbDevices() const {
    QJsonArray out;
    for (auto it = m_usbPresent.cbegin(); it != m_usbPresent.cend(); ++it) {
        const drivers::hid::DeviceInfo &d = it.value();
        QString kind, model;
        listed(d, &kind, &model);
        QJsonObject o{{QStringLiteral("path"), it.key()},
                      {QStringLiteral("kind"), kind},
                      {QStringLiteral("vendorId"), hex4(d.vendorId)},
                      {QStringLiteral("productId"), hex4(d.productId)},
                      {QStringLiteral("serial"), QString::fromStdString(d.serial)},
                      {QStringLiteral("product"), QString::fromStdString(d.product)}};
        if (!model.isEmpty())
            o.insert(QStringLiteral("model"), model);
        if (const QString panel = usbPanelFor(it.key()); !panel.isEmpty())
            o.insert(QStringLiteral("panel"), panel);
        out.append(o);
    }
    return out;
}

} // namespace opswall::panels
