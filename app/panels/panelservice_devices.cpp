// PanelService's devices: opening each kind of panel on the io thread and what their drivers
// report back (TCP Stream Decks and the child behind a dock, USB Stream Decks and X-keys through
// hidapi, keypads), and X-keys faces as backlights. The rest of the service: panelservice.cpp.
#include "panels/panelservice.h"

#include <boost/asio/post.hpp>

#include <QMetaObject>
#include <QPointer>

namespace opswall::panels {

namespace asio = boost::asio;
namespace sd = drivers::streamdeck;

// Opens the panel's device on the io thread: a Stream Deck over TCP (or the child behind a dock),
// a USB Stream Deck or X-keys through hidapi, a keypad on a serial port or TCP.
void PanelService::startDevice(Runtime &rt) {
    QPointer<PanelService> self(this);
    const Panel &p = rt.config;
    const QString id = p.id;
    if (p.type == PanelType::StreamDeckTcp && p.child) {
        // The dock (or Studio) is asked for its child; the child is then the panel's deck.
        rt.model = sd::modelByName(p.model.toStdString());
        rt.why = QStringLiteral("waiting for the device at %1:%2 to announce a child deck")
                     .arg(p.host)
                     .arg(p.port);
        sd::TcpClientSettings settings;
        settings.host = p.host.toStdString();
        settings.port = p.port;
        rt.primary = sd::TcpClient::create(*m_io, settings);
        rt.primary->setCallbacks([](sd::LinkState, const sd::DeviceInfo &, const std::string &) {},
                                 [](const sd::KeyEvent &) {},
                                 [self, id](const drivers::streamdeck::cora::ChildInfo &c) {
                                     if (self)
                                         QMetaObject::invokeMethod(
                                             self.data(),
                                             [self, id, attached = c.attached, port = c.tcpPort] {
                                                 self->onChild(id, attached, port);
                                             },
                                             Qt::QueuedConnection);
                                 });
        asio::post(*m_io, [primary = rt.primary] { primary->start(); });
    } else if (p.type == PanelType::StreamDeckTcp) {
        rt.model = sd::modelByName(p.model.toStdString());
        rt.deck = startDeckClient(id, p.host, p.port);
    } else if (p.type == PanelType::StreamDeckUsb) {
        rt.model = sd::modelByName(p.model.toStdString());
        rt.state = QStringLiteral("unavailable");
        rt.why = QStringLiteral("looking for the deck on USB");
        if (!m_hid)
            m_hid = drivers::hid::hidapiBackend();
        sd::UsbDeckSettings settings;
        settings.serial = p.serial.toStdString();
        rt.usb = sd::UsbDeck::create(*m_io, m_hid, settings);
        rt.usb->setCallbacks(
            [self, id](sd::UsbState st, const sd::UsbDeckInfo &info, const std::string &why) {
                if (self)
                    QMetaObject::invokeMethod(
                        self.data(),
                        [self, id, st, info, why] {
                            self->onUsbState(id, st, info, QString::fromStdString(why));
                        },
                        Qt::QueuedConnection);
            },
            [self, id](const sd::KeyEvent &e) {
                if (self)
                    QMetaObject::invokeMethod(
                        self.data(), [self, id, e] { self->onKey(id, e.key, e.pressed); },
                        Qt::QueuedConnection);
            });
        asio::post(*m_io, [usb = rt.usb] { usb->start(); });
    } else if (p.type == PanelType::XkeysUsb) {
        rt.xkProduct = drivers::xkeys::productByName(p.model.toStdString());
        rt.state = QStringLiteral("unavailable");
        rt.why = QStringLiteral("looking for the panel on USB");
        if (!m_hid)
            m_hid = drivers::hid::hidapiBackend();
        drivers::xkeys::UsbSettings settings;
        settings.serial = p.serial.toStdString();
        rt.xkeys = drivers::xkeys::UsbPanel::create(*m_io, m_hid, settings);
        rt.xkeys->setCallbacks(
            [self, id](bool ready, const drivers::xkeys::UsbInfo &info, const std::string &why) {
                if (!self)
                    return;
                QMetaObject::invokeMethod(
                    self.data(),
                    [self, id, ready,
                     model = QString::fromLatin1(info.product ? info.product->name : ""),
                     serial = QString::fromStdString(info.serial),
                     firmware = QString::fromStdString(info.firmware),
                     path = QString::fromStdString(info.path), why = QString::fromStdString(why)] {
                        self->onUsbReady(id, ready, model, serial, firmware, path, why);
                    },
                    Qt::QueuedConnection);
            },
            [self, id](const drivers::xkeys::KeyEvent &e) {
                if (self)
                    QMetaObject::invokeMethod(
                        self.data(), [self, id, e] { self->onKey(id, e.key, e.pressed); },
                        Qt::QueuedConnection);
            });
        asio::post(*m_io, [xk = rt.xkeys] { xk->start(); });
    } else if (p.type == PanelType::KeypadSerial || p.type == PanelType::KeypadTcp) {
        std::shared_ptr<drivers::Transport> transport;
        if (p.type == PanelType::KeypadSerial) {
            drivers::SerialSettings serial;
            serial.device = p.device.toStdString();
            serial.baudRate = unsigned(p.baud);
            transport = drivers::makeSerialTransport(*m_io, serial);
        } else {
            transport = drivers::makeTcpTransport(
                *m_io, drivers::TcpSettings{p.host.toStdString(), p.port, 3000});
        }
        rt.keypad = drivers::keypad::KeypadLink::create(*m_io, transport);
        rt.keypad->setCallbacks(
            [self, id](const std::string &line) {
                if (self)
                    QMetaObject::invokeMethod(
                        self.data(),
                        [self, id, line = QString::fromStdString(line)] {
                            Runtime *r = self->runtime(id);
                            if (!r)
                                return;
                            const auto key = r->config.lines.constFind(line);
                            if (key == r->config.lines.cend()) {
                                self->m_log.warn(
                                    QStringLiteral("panel %1: line '%2' is not in its map")
                                        .arg(id, line.left(64)));
                                return;
                            }
                            self->onKey(id, *key, true);
                        },
                        Qt::QueuedConnection);
            },
            [self, id](bool open, const std::string &why) {
                if (self)
                    QMetaObject::invokeMethod(
                        self.data(),
                        [self, id, open, why = QString::fromStdString(why)] {
                            Runtime *r = self->runtime(id);
                            if (!r)
                                return;
                            r->state = open ? QStringLiteral("open") : QStringLiteral("closed");
                            r->why = why;
                            if (!open)
                                self->m_log.warn(
                                    QStringLiteral("panel %1: closed: %2").arg(id, why));
                        },
                        Qt::QueuedConnection);
            });
        asio::post(*m_io, [keypad = rt.keypad] { keypad->start(); });
    }
}

std::shared_ptr<sd::TcpClient> PanelService::startDeckClient(const QString &panelId,
                                                             const QString &host, quint16 port) {
    QPointer<PanelService> self(this);
    sd::TcpClientSettings settings;
    settings.host = host.toStdString();
    settings.port = port;
    auto deck = sd::TcpClient::create(*m_io, settings);
    deck->setCallbacks(
        [self, panelId](sd::LinkState st, const sd::DeviceInfo &info, const std::string &why) {
            if (self)
                QMetaObject::invokeMethod(
                    self.data(),
                    [self, panelId, st, info, why] {
                        self->onDeckState(panelId, st, info, QString::fromStdString(why));
                    },
                    Qt::QueuedConnection);
        },
        [self, panelId](const sd::KeyEvent &e) {
            if (self)
                QMetaObject::invokeMethod(
                    self.data(), [self, panelId, e] { self->onKey(panelId, e.key, e.pressed); },
                    Qt::QueuedConnection);
        });
    asio::post(*m_io, [deck] { deck->start(); });
    return deck;
}

void PanelService::onChild(const QString &panelId, bool attached, quint16 port) {
    Runtime *rt = runtime(panelId);
    if (!rt)
        return;
    if (attached && port != 0 && rt->deck && rt->childPort == port)
        return; // announced again (the dock reconnected): the child's client keeps going
    if (rt->deck)
        asio::post(*m_io, [deck = rt->deck] { deck->stop(); });
    rt->deck.reset();
    rt->shown.clear();
    rt->childPort = attached ? port : 0;
    if (!attached || port == 0) {
        rt->state = QStringLiteral("connecting");
        rt->why = QStringLiteral("no child deck attached to %1:%2")
                      .arg(rt->config.host)
                      .arg(rt->config.port);
        m_log.warn(QStringLiteral("panel %1: %2").arg(panelId, rt->why));
        return;
    }
    qInfo("opswall: panel %s: child deck announced on port %u", qPrintable(panelId),
          unsigned(port));
    rt->deck = startDeckClient(panelId, rt->config.host, port);
}

void PanelService::onUsbState(const QString &panelId, sd::UsbState state,
                              const sd::UsbDeckInfo &info, const QString &why) {
    Runtime *rt = runtime(panelId);
    if (!rt)
        return;
    rt->state = QString::fromLatin1(sd::usbStateName(state));
    rt->why = why;
    if (state != sd::UsbState::Ready) {
        rt->shown.clear();
        rt->usbPath.clear();
        // Said once per change (the driver reports a state only when it or its reason changes).
        m_log.warn(QStringLiteral("panel %1: unavailable: %2").arg(panelId, why));
        return;
    }
    rt->serial = QString::fromStdString(info.serial);
    rt->usbPath = QString::fromStdString(info.path);
    if (info.model && info.model->keyCount() > 0)
        rt->model = info.model;
    qInfo("opswall: panel %s: %s %s (firmware %s) ready on USB %s", qPrintable(panelId),
          rt->model ? rt->model->name : "unknown model", qPrintable(rt->serial),
          info.firmware.c_str(), info.path.c_str());
    asio::post(*m_io, [usb = rt->usb, pct = rt->config.brightness] { usb->setBrightness(pct); });
    refreshFaces(*rt, true);
}

void PanelService::onUsbReady(const QString &panelId, bool ready, const QString &model,
                              const QString &serial, const QString &firmware, const QString &path,
                              const QString &why) {
    Runtime *rt = runtime(panelId);
    if (!rt)
        return;
    rt->state = ready ? QStringLiteral("ready") : QStringLiteral("unavailable");
    rt->why = why;
    rt->shown.clear();
    if (!ready) {
        rt->usbPath.clear();
        m_log.warn(QStringLiteral("panel %1: unavailable: %2").arg(panelId, why));
        return;
    }
    rt->serial = serial;
    rt->usbPath = path;
    if (const auto *x = drivers::xkeys::productByName(model.toStdString()))
        rt->xkProduct = x;
    qInfo("opswall: panel %s: %s %s (%s) ready on USB %s", qPrintable(panelId), qPrintable(model),
          qPrintable(serial), qPrintable(firmware), qPrintable(path));
    const auto level = std::uint8_t(rt->config.brightness * 255 / 100);
    asio::post(*m_io, [xk = rt->xkeys, level] { xk->setIntensity(level, level); });
    refreshFaces(*rt, true);
}

void PanelService::onDeckState(const QString &panelId, sd::LinkState state,
                               const sd::DeviceInfo &info, const QString &why) {
    Runtime *rt = runtime(panelId);
    if (!rt)
        return;
    rt->state = QString::fromLatin1(sd::linkStateName(state));
    rt->why = why;
    if (state == sd::LinkState::Disconnected) {
        rt->shown.clear();
        m_log.warn(QStringLiteral("panel %1: disconnected: %2").arg(panelId, why));
        return;
    }
    if (state != sd::LinkState::Ready)
        return;
    rt->serial = QString::fromStdString(info.serial);
    if (info.model && info.model->keyCount() > 0)
        rt->model = info.model;
    qInfo("opswall: panel %s: %s %s ready", qPrintable(panelId),
          rt->model ? rt->model->name : "unknown model", qPrintable(rt->serial));
    asio::post(*m_io, [deck = rt->deck, pct = rt->config.brightness] { deck->setBrightness(pct); });
    refreshFaces(*rt, true);
}

void PanelService::refreshBacklights(Runtime &rt, bool all) {
    // X-keys show a face as backlights: blue where a key is bound, red where it is active
    // (the preset on the wall, the lock held), red flashing on alerts waiting; and the state of
    // the wall on their indicator LEDs.
    if (rt.state != QLatin1String("ready") || !rt.xkProduct)
        return;
    namespace xk = drivers::xkeys;
    // The indicator LEDs: green while the panel is live on the wall; red while the wall is
    // locked, flashing while alerts wait.
    const xk::Light green = xk::Light::On;
    const xk::Light redLed = m_locked           ? xk::Light::On
                             : m_alertCount > 0 ? xk::Light::Flash
                                                : xk::Light::Off;
    if (const int leds = int(green) + 3 * int(redLed); all || leds != rt.indicators) {
        rt.indicators = leds;
        asio::post(*m_io, [panel = rt.xkeys, green, redLed] {
            panel->setIndicator(false, green);
            panel->setIndicator(true, redLed);
        });
    }
    const Page *page = rt.config.page(rt.page);
    for (int key = 1; key <= rt.xkProduct->keyCount(); ++key) {
        const Button *button = page ? page->button(key) : nullptr;
        const KeyFace face = faceFor(rt, button);
        if (!all && rt.shown.contains(key) && rt.shown.value(key) == face)
            continue;
        rt.shown.insert(key, face);
        const xk::Light blue = button ? xk::Light::On : xk::Light::Off;
        const xk::Light red = face.active ? xk::Light::On
                              : face.kind == KeyFace::Kind::Alert && face.alertCount > 0
                                  ? xk::Light::Flash
                                  : xk::Light::Off;
        asio::post(*m_io,
                   [panel = rt.xkeys, key, blue, red] { panel->setBacklight(key, blue, red); });
    }
}

} // namespace opswall::panels
