#include "panels/panelservice.h"

#include <boost/asio/post.hpp>

#include <QDateTime>
#include <QJsonArray>
#include <QMetaObject>
#include <QPointer>
#include <QThread>

#include <pthread.h>

namespace opswall::panels {

namespace asio = boost::asio;
namespace osc = drivers::osc;
namespace sd = drivers::streamdeck;

QString RateLimitedLog::admit(const QString &line, qint64 nowMs) {
    std::lock_guard lock(m_mutex);
    if (m_windowStart < 0 || nowMs - m_windowStart >= m_windowMs) {
        m_windowStart = nowMs;
        m_inWindow = 0;
    }
    if (m_inWindow >= m_burst) {
        ++m_held;
        return {};
    }
    ++m_inWindow;
    if (m_held == 0)
        return line;
    const QString out =
        line + QStringLiteral(" (%1 similar line(s) held back before this one)").arg(m_held);
    m_held = 0;
    return out;
}

void RateLimitedLog::warn(const QString &line) {
    const QString out = admit(line, QDateTime::currentMSecsSinceEpoch());
    if (!out.isEmpty())
        qWarning("opswall: %s", qPrintable(out));
}

PanelService::PanelService(Submit submit, QObject *parent)
    : QObject(parent)
    , m_submit(std::move(submit)) {}

PanelService::~PanelService() {
    stop();
}

void PanelService::ensureIo() {
    if (m_io)
        return;
    m_io = std::make_shared<asio::io_context>(1);
    m_work = std::make_unique<asio::executor_work_guard<asio::io_context::executor_type>>(
        m_io->get_executor());
}

void PanelService::ensureThread() {
    ensureIo();
    if (m_thread.joinable())
        return;
    m_thread = std::thread([io = m_io] {
        pthread_setname_np(pthread_self(), "opswall-panelio");
        io->run();
    });
}

bool PanelService::startOsc(const OscSettings &settings, QString *error) {
    if (settings.role == Role::Invalid) {
        *error = QStringLiteral("osc.role: must be viewer, leader, operator, technician or admin");
        return false;
    }
    m_osc = settings;
    osc::ServerSettings s;
    s.host = settings.host.toStdString();
    s.port = settings.port;
    s.allow.clear();
    for (const QString &a : settings.allow)
        s.allow.push_back(a.toStdString());
    for (const QString &f : settings.feedbackTo)
        s.feedbackTo.push_back(f.toStdString());
    if (const std::string bad = osc::validateSettings(s); !bad.empty()) {
        *error = QStringLiteral("osc.") + QString::fromStdString(bad);
        return false;
    }
    if (m_oscServer || m_thread.joinable()) {
        *error = QStringLiteral("OSC is started once, before the panels");
        return false;
    }
    ensureIo();
    QPointer<PanelService> self(this);
    // Both callbacks run on the io thread: they copy values and hop to the GUI thread.
    auto onMessage = [self](const osc::Message &m, const osc::Peer &peer) {
        if (self)
            QMetaObject::invokeMethod(
                self.data(), [self, m, peer] { self->onOscMessage(m, peer); },
                Qt::QueuedConnection);
    };
    auto onDrop = [this](const std::string &reason, const osc::Peer &peer) {
        m_log.warn(
            QStringLiteral("osc: dropped from %1: %2")
                .arg(QString::fromStdString(peer.describe()), QString::fromStdString(reason)));
    };
    auto onNewPeer = [self](const osc::Peer &peer) {
        if (self)
            QMetaObject::invokeMethod(
                self.data(), [self, peer] { self->sendOsc(oscFullState(self->m_oscState), peer); },
                Qt::QueuedConnection);
    };
    auto server = osc::OscServer::create(*m_io, s, onMessage, onDrop, onNewPeer);
    std::string why;
    // Bound here, before the io thread exists: start() only queues the first reads, which the
    // io thread runs once it starts (no handler can run concurrently with start()).
    if (!server->start(&why)) {
        *error = QStringLiteral("OSC cannot listen on %1:%2: %3")
                     .arg(settings.host)
                     .arg(settings.port)
                     .arg(QString::fromStdString(why));
        return false;
    }
    m_oscServer = server;
    m_oscPort = server->port();
    ensureThread();
    qInfo("opswall: OSC on udp+tcp %s:%u, acting as %s (sources: %s)", qPrintable(settings.host),
          unsigned(m_oscPort), qPrintable(roleName(settings.role)),
          qPrintable(settings.allow.join(QStringLiteral(", "))));
    return true;
}

void PanelService::onOscMessage(const osc::Message &message, const osc::Peer &peer) {
    const OscRequest request = oscRequest(message);
    const QString from = QString::fromStdString(peer.describe());
    if (request.kind == OscRequest::Kind::Invalid) {
        m_log.warn(QStringLiteral("osc: dropped from %1: %2").arg(from, request.error));
        return;
    }
    if (request.kind == OscRequest::Kind::Sync) {
        sendOsc(oscFullState(m_oscState), peer);
        return;
    }
    const Caller caller{QStringLiteral("osc"), m_osc.role, from, QStringLiteral("osc")};
    const QString what = QString::fromStdString(message.describe());
    QPointer<PanelService> self(this);
    m_submit(request.action, caller, [self, what, from](const ActionResult &r) {
        if (!self || r.ok)
            return;
        self->m_log.warn(
            QStringLiteral("osc: %1 from %2 refused: %3 (%4)").arg(what, from, r.message, r.code));
        Q_EMIT self->refused(QStringLiteral("osc"), what, r);
    });
}

void PanelService::sendOsc(std::vector<osc::Message> messages, std::optional<osc::Peer> to) {
    if (!m_oscServer || messages.empty())
        return;
    asio::post(*m_io, [server = m_oscServer, messages = std::move(messages), to] {
        for (const osc::Message &m : messages) {
            if (to)
                server->sendTo(*to, m);
            else
                server->sendToPeers(m);
        }
    });
}

void PanelService::onWallEvent(const QJsonObject &event) {
    sendOsc(oscFeedback(event, m_oscState));
    const QString type = event.value(QStringLiteral("type")).toString();
    if (type == QLatin1String("preset.recall"))
        m_activePreset = event.value(QStringLiteral("id")).toInt();
    else if (type == QLatin1String("lock.acquire"))
        m_locked = true;
    else if (type == QLatin1String("lock.release") || type == QLatin1String("lock.expired"))
        m_locked = false;
    else if (type.startsWith(QLatin1String("alert.")))
        reloadAlertCount();
    else if (type == QLatin1String("preset.save") || type == QLatin1String("preset.delete"))
        m_thumbnails.clear();
    else if (type == QLatin1String("tile.focus") || type == QLatin1String("tile.unfocus")) {
        const QString tile = event.value(QStringLiteral("id")).toString();
        if (event.value(QStringLiteral("focused")).toBool())
            m_focusedTiles.insert(tile);
        else
            m_focusedTiles.remove(tile);
    } else
        return;
    if (type == QLatin1String("preset.recall"))
        m_focusedTiles.clear(); // a new layout: nothing focused
    refreshAllFaces();
}

PanelService::Runtime *PanelService::runtime(const QString &panelId) {
    for (auto &rt : m_panels)
        if (rt->config.id == panelId)
            return rt.get();
    return nullptr;
}

const PanelService::Runtime *PanelService::runtime(const QString &panelId) const {
    for (const auto &rt : m_panels)
        if (rt->config.id == panelId)
            return rt.get();
    return nullptr;
}

void PanelService::startPanels(const QList<Panel> &panels) {
    stopPanels();
    m_panelConfigs = panels;
    if (panels.isEmpty())
        return;
    ensureThread();
    reloadAlertCount();
    QPointer<PanelService> self(this);
    for (const Panel &p : panels) {
        auto rt = std::make_unique<Runtime>();
        rt->config = p;
        rt->page = p.pages.isEmpty() ? QString() : p.pages.first().id;
        const QString id = p.id;
        if (p.type == PanelType::StreamDeckTcp && p.child) {
            // The dock (or Studio) is asked for its child; the child is then the panel's deck.
            rt->model = sd::modelByName(p.model.toStdString());
            rt->why = QStringLiteral("waiting for the device at %1:%2 to announce a child deck")
                          .arg(p.host)
                          .arg(p.port);
            sd::TcpClientSettings settings;
            settings.host = p.host.toStdString();
            settings.port = p.port;
            rt->primary = sd::TcpClient::create(*m_io, settings);
            rt->primary->setCallbacks(
                [](sd::LinkState, const sd::DeviceInfo &, const std::string &) {},
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
            asio::post(*m_io, [primary = rt->primary] { primary->start(); });
        } else if (p.type == PanelType::StreamDeckTcp) {
            rt->model = sd::modelByName(p.model.toStdString());
            rt->deck = startDeckClient(id, p.host, p.port);
        } else if (p.type == PanelType::StreamDeckUsb) {
            rt->model = sd::modelByName(p.model.toStdString());
            rt->state = QStringLiteral("unavailable");
            rt->why = QStringLiteral("looking for the deck on USB");
            if (!m_hid)
                m_hid = drivers::hid::hidapiBackend();
            sd::UsbDeckSettings settings;
            settings.serial = p.serial.toStdString();
            rt->usb = sd::UsbDeck::create(*m_io, m_hid, settings);
            rt->usb->setCallbacks(
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
            asio::post(*m_io, [usb = rt->usb] { usb->start(); });
        } else if (p.type == PanelType::XkeysUsb) {
            rt->xkProduct = drivers::xkeys::productByName(p.model.toStdString());
            rt->state = QStringLiteral("unavailable");
            rt->why = QStringLiteral("looking for the panel on USB");
            if (!m_hid)
                m_hid = drivers::hid::hidapiBackend();
            drivers::xkeys::UsbSettings settings;
            settings.serial = p.serial.toStdString();
            rt->xkeys = drivers::xkeys::UsbPanel::create(*m_io, m_hid, settings);
            rt->xkeys->setCallbacks(
                [self, id](bool ready, const drivers::xkeys::UsbInfo &info,
                           const std::string &why) {
                    if (!self)
                        return;
                    QMetaObject::invokeMethod(
                        self.data(),
                        [self, id, ready,
                         model = QString::fromLatin1(info.product ? info.product->name : ""),
                         serial = QString::fromStdString(info.serial),
                         firmware = QString::fromStdString(info.firmware),
                         path = QString::fromStdString(info.path),
                         why = QString::fromStdString(why)] {
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
            asio::post(*m_io, [xk = rt->xkeys] { xk->start(); });
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
            rt->keypad = drivers::keypad::KeypadLink::create(*m_io, transport);
            rt->keypad->setCallbacks(
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
            asio::post(*m_io, [keypad = rt->keypad] { keypad->start(); });
        }
        m_panels.push_back(std::move(rt));
    }
    qInfo("opswall: %d button panel(s) configured", int(m_panels.size()));
}

bool PanelService::updatePanel(const Panel &panel) {
    Runtime *rt = runtime(panel.id);
    if (!rt)
        return false;
    rt->config = panel;
    if (!panel.page(rt->page))
        rt->page = panel.pages.isEmpty() ? QString() : panel.pages.first().id;
    for (Panel &p : m_panelConfigs)
        if (p.id == panel.id)
            p = panel;
    refreshFaces(*rt, true);
    return true;
}

void PanelService::stopPanels() {
    for (auto &rt : m_panels) {
        if (rt->deck && m_io)
            asio::post(*m_io, [deck = rt->deck] { deck->stop(); });
        if (rt->primary && m_io)
            asio::post(*m_io, [primary = rt->primary] { primary->stop(); });
        if (rt->keypad && m_io)
            asio::post(*m_io, [keypad = rt->keypad] { keypad->stop(); });
        if (rt->usb && m_io)
            asio::post(*m_io, [usb = rt->usb] { usb->stop(); });
        if (rt->xkeys && m_io)
            asio::post(*m_io, [xk = rt->xkeys] { xk->stop(); });
    }
    m_panels.clear();
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

void PanelService::onKey(const QString &panelId, int key, bool pressed) {
    Runtime *rt = runtime(panelId);
    if (!rt || !pressed)
        return;
    const Page *page = rt->config.page(rt->page);
    const Button *button = page ? page->button(key) : nullptr;
    if (!button) {
        m_log.warn(QStringLiteral("panel %1: key %2 has no button on page '%3'")
                       .arg(panelId)
                       .arg(key)
                       .arg(rt->page));
        return;
    }
    if (button->action == QLatin1String(kPageAction)) {
        rt->page = button->params.value(QStringLiteral("page")).toString();
        refreshFaces(*rt, true);
        return;
    }
    Action action{button->action, button->params};
    if (action.type == QLatin1String("alert.ack") &&
        action.params.value(QStringLiteral("id")).toString() == QLatin1String("newest")) {
        // The newest open alert, as the wall lists it now.
        // Any source's (the one alert model): ids are text, "device.r1c1.overheat".
        QString newest;
        QString newestSince;
        const QJsonArray alerts =
            m_snapshot
                ? m_snapshot(QStringLiteral("alerts")).value(QStringLiteral("items")).toArray()
                : QJsonArray();
        for (const QJsonValue &a : alerts) {
            const QString since = a[QLatin1String("since")].toString();
            if (!a[QLatin1String("acknowledged")].toBool() && since >= newestSince) {
                newestSince = since;
                newest = a[QLatin1String("id")].toVariant().toString();
            }
        }
        if (newest.isEmpty()) {
            m_log.warn(QStringLiteral("panel %1: key %2: no open alert to acknowledge")
                           .arg(panelId)
                           .arg(key));
            return;
        }
        action.params.insert(QStringLiteral("id"), newest);
    }
    const Panel &p = rt->config;
    const QString remote =
        p.type == PanelType::KeypadSerial
            ? QStringLiteral("%1 %2").arg(panelTypeName(p.type), p.device)
        : p.type == PanelType::StreamDeckUsb || p.type == PanelType::XkeysUsb
            ? QStringLiteral("%1 %2").arg(panelTypeName(p.type),
                                          rt->usbPath.isEmpty() ? QStringLiteral("-") : rt->usbPath)
            : QStringLiteral("%1 %2:%3").arg(panelTypeName(p.type), p.host).arg(p.port);
    const Caller caller{QStringLiteral("panel:") + p.id, p.role, remote, QStringLiteral("panel")};
    const QString what = QStringLiteral("key %1 (%2)").arg(key).arg(action.type);
    QPointer<PanelService> self(this);
    m_submit(action, caller, [self, what, panelId](const ActionResult &r) {
        if (!self || r.ok)
            return;
        self->m_log.warn(
            QStringLiteral("panel %1: %2 refused: %3 (%4)").arg(panelId, what, r.message, r.code));
        Q_EMIT self->refused(QStringLiteral("panel"), what, r);
    });
}

QList<QRectF> PanelService::thumbnailOf(int presetId) const {
    if (const auto it = m_thumbnails.constFind(presetId); it != m_thumbnails.cend())
        return *it;
    QList<QRectF> rects;
    if (!m_snapshot)
        return rects;
    const QJsonObject preset = m_snapshot(QStringLiteral("preset:%1").arg(presetId));
    const QJsonArray tiles =
        preset.value(QStringLiteral("layout")).toObject().value(QStringLiteral("tiles")).toArray();
    // The canvas: the displays' extent (tiles are placed on it in millimetres).
    QRectF canvas;
    for (const QJsonValue &d :
         m_snapshot(QStringLiteral("wall")).value(QStringLiteral("displays")).toArray())
        canvas |=
            QRectF(d[QLatin1String("xMm")].toDouble(), d[QLatin1String("yMm")].toDouble(),
                   d[QLatin1String("widthMm")].toDouble(), d[QLatin1String("heightMm")].toDouble());
    QList<QRectF> mm;
    for (const QJsonValue &t : tiles) {
        const QJsonObject r = t[QLatin1String("rect")].toObject();
        mm.append(QRectF(r[QLatin1String("x")].toDouble(), r[QLatin1String("y")].toDouble(),
                         r[QLatin1String("width")].toDouble(),
                         r[QLatin1String("height")].toDouble()));
        if (!canvas.isValid())
            canvas |= mm.last();
    }
    if (canvas.width() > 0 && canvas.height() > 0)
        for (const QRectF &r : mm)
            rects.append(QRectF((r.x() - canvas.x()) / canvas.width(),
                                (r.y() - canvas.y()) / canvas.height(), r.width() / canvas.width(),
                                r.height() / canvas.height()));
    m_thumbnails.insert(presetId, rects);
    return rects;
}

void PanelService::reloadAlertCount() {
    m_alertCount = m_snapshot ? int(m_snapshot(QStringLiteral("alerts"))
                                        .value(QStringLiteral("items"))
                                        .toArray()
                                        .size())
                              : 0;
}

KeyFace PanelService::faceFor(const Runtime &rt, const Button *button) const {
    KeyFace f;
    f.locked = m_locked;
    if (!button)
        return f;
    f.label = button->label;
    const QString &a = button->action;
    if (a == QLatin1String("preset.recall")) {
        f.kind = KeyFace::Kind::Preset;
        const int id = button->params.value(QStringLiteral("id")).toInt();
        f.active = id == m_activePreset;
        f.thumbnail = thumbnailOf(id);
    } else if (a.startsWith(QLatin1String("briefing."))) {
        f.kind = KeyFace::Kind::Briefing;
    } else if (a == QLatin1String("audio.set")) {
        f.kind = KeyFace::Kind::Audio;
    } else if (a == QLatin1String("device.command")) {
        f.kind = KeyFace::Kind::Power;
    } else if (a == QLatin1String("alert.ack")) {
        f.kind = KeyFace::Kind::Alert;
        f.alertCount = m_alertCount;
    } else if (a == QLatin1String("tile.focus")) {
        f.kind = KeyFace::Kind::Other;
        f.active = m_focusedTiles.contains(button->params.value(QStringLiteral("id")).toString());
    } else if (a.startsWith(QLatin1String("lock."))) {
        f.kind = KeyFace::Kind::Lock;
        f.active = m_locked;
    } else if (a == QLatin1String(kPageAction)) {
        f.kind = KeyFace::Kind::Page;
        f.active = rt.page == button->params.value(QStringLiteral("page")).toString();
    } else {
        f.kind = KeyFace::Kind::Other;
    }
    return f;
}

void PanelService::refreshFaces(Runtime &rt, bool all) {
    if (rt.xkeys) {
        // X-keys show a face as backlights: blue where a key is bound, red where it is active
        // (the preset on the wall, the lock held), red flashing on alerts waiting.
        if (rt.state != QLatin1String("ready") || !rt.xkProduct)
            return;
        namespace xk = drivers::xkeys;
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
        return;
    }
    if ((!rt.deck && !rt.usb) || rt.state != QLatin1String("ready") || !rt.model ||
        rt.model->format == sd::ImageFormat::Invalid) // a Pedal has keys but no pictures
        return;
    const Page *page = rt.config.page(rt.page);
    const sd::Model &model = *rt.model;
    for (int key = 0; key < model.keyCount(); ++key) {
        const KeyFace face = faceFor(rt, page ? page->button(key) : nullptr);
        if (!all && rt.shown.contains(key) && rt.shown.value(key) == face)
            continue;
        rt.shown.insert(key, face);
        const QByteArray bytes =
            encodeKeyFace(renderKeyFace(face, QSize(model.keyWidthPx, model.keyHeightPx)), model);
        asio::post(*m_io, [deck = rt.deck, usb = rt.usb, key, bytes] {
            const drivers::Bytes picture(bytes.begin(), bytes.end());
            if (deck)
                deck->setKeyImage(key, picture);
            else
                usb->setKeyImage(key, picture);
        });
    }
}

void PanelService::refreshAllFaces() {
    for (auto &rt : m_panels)
        refreshFaces(*rt, false);
}

QJsonArray PanelService::status() const {
    QJsonArray out;
    for (const auto &rt : m_panels) {
        QJsonObject o{{QStringLiteral("id"), rt->config.id},
                      {QStringLiteral("name"), rt->config.name},
                      {QStringLiteral("type"), panelTypeName(rt->config.type)},
                      {QStringLiteral("role"), roleName(rt->config.role)},
                      {QStringLiteral("state"), rt->state},
                      {QStringLiteral("page"), rt->page}};
        if (!rt->why.isEmpty())
            o.insert(QStringLiteral("why"), rt->why);
        if (rt->config.child)
            o.insert(QStringLiteral("childPort"), rt->childPort);
        if (!rt->serial.isEmpty())
            o.insert(QStringLiteral("serial"), rt->serial);
        if (rt->model) {
            o.insert(QStringLiteral("model"), QString::fromLatin1(rt->model->name));
            o.insert(QStringLiteral("keys"), rt->model->keyCount());
        }
        if (rt->xkProduct) {
            o.insert(QStringLiteral("model"), QString::fromLatin1(rt->xkProduct->name));
            o.insert(QStringLiteral("keys"), rt->xkProduct->keyCount() + 1);
        }
        out.append(o);
    }
    return out;
}

bool PanelService::press(const QString &panelId, int key, QString *error) {
    const Runtime *rt = runtime(panelId);
    if (!rt) {
        *error = QStringLiteral("no panel '%1'").arg(panelId);
        return false;
    }
    const Page *page = rt->config.page(rt->page);
    if (!page || !page->button(key)) {
        *error = QStringLiteral("key %1 has no button on page '%2' of panel '%3'")
                     .arg(key)
                     .arg(rt->page, panelId);
        return false;
    }
    onKey(panelId, key, true);
    return true;
}

QImage PanelService::keyFace(const QString &panelId, int key, QSize size) const {
    const Runtime *rt = runtime(panelId);
    if (!rt || key < 0)
        return {};
    const Page *page = rt->config.page(rt->page);
    if (rt->model && key >= rt->model->keyCount())
        return {};
    if (!size.isValid())
        size = rt->model ? QSize(rt->model->keyWidthPx, rt->model->keyHeightPx) : QSize(144, 112);
    return renderKeyFace(faceFor(*rt, page ? page->button(key) : nullptr), size);
}

void PanelService::stop(int timeoutMs) {
    stopPanels();
    if (!m_thread.joinable()) {
        m_oscServer.reset();
        m_io.reset();
        return;
    }
    if (m_oscServer)
        asio::post(*m_io, [server = m_oscServer] { server->stop(); });
    m_work.reset();
    // Bounded: the io thread finishes its queued work (closing sockets) and returns; after
    // timeoutMs it is stopped outright.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    while (!m_io->stopped() && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    m_io->stop();
    m_thread.join();
    m_oscServer.reset();
    m_io.reset();
}

} // namespace opswall::panels
