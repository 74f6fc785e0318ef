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
    if (panels.isEmpty()) {
        noteBoundPresets();
        return;
    }
    ensureThread();
    startUsbMonitor();
    reloadAlertCount();
    for (const Panel &p : panels) {
        auto rt = std::make_unique<Runtime>();
        rt->config = p;
        rt->page = p.pages.isEmpty() ? QString() : p.pages.first().id;
        startDevice(*rt);
        m_panels.push_back(std::move(rt));
    }
    qInfo("opswall: %d button panel(s) configured", int(m_panels.size()));
    noteBoundPresets();
}

QList<QJsonObject> PanelService::boundPresets() const {
    QList<QJsonObject> out;
    const auto add = [&out](const Page &page) {
        for (const Button &b : page.buttons)
            if (b.action == QLatin1String("preset.recall") && !out.contains(b.params))
                out.append(b.params);
    };
    for (const auto &rt : m_panels) {
        const Page *shown = rt->config.page(rt->page);
        if (shown)
            add(*shown);
        for (const Page &page : rt->config.pages)
            if (&page != shown)
                add(page);
    }
    return out;
}

void PanelService::noteBoundPresets() {
    QList<QJsonObject> now = boundPresets();
    if (now == m_boundPresets)
        return;
    m_boundPresets = std::move(now);
    Q_EMIT boundPresetsChanged();
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
    noteBoundPresets();
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
        noteBoundPresets(); // the page shown first
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
    if (rt.xkeys)
        return refreshBacklights(rt, all);
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
    if (rt->xkProduct && key > rt->xkProduct->keyCount())
        return {};
    if (!size.isValid())
        size = rt->model ? QSize(rt->model->keyWidthPx, rt->model->keyHeightPx) : QSize(144, 112);
    return renderKeyFace(faceFor(*rt, page ? page->button(key) : nullptr), size);
}

void PanelService::stop(int timeoutMs) {
    stopPanels();
    if (m_usbMonitor && m_io)
        asio::post(*m_io, [monitor = m_usbMonitor] { monitor->stop(); });
    m_usbMonitor.reset();
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
