#pragma once
// Button panels and tablets on the wall: the drivers (OSC listener, ...) on one io thread
// ("opswall-panelio"), and the GUI-thread side that turns what they receive into dispatcher
// actions on behalf of the panel's own caller (its role; audited with via=osc or via=panel) and
// wall events into feedback.
//
//   GUI thread                                    io thread ("opswall-panelio")
//   PanelService::startOsc(settings) ---------->  OscServer (UDP + TCP, allow-list)
//   submit(action, caller, done) <--queued------  message from a tablet
//   onWallEvent(event) --asio::post------------>  sendToPeers(feedback)
//
// Composition root (app/shell/services.cpp):
//   panels::PanelService panels(submit);     // submit: ControlService::execute for lock.*,
//                                            // the dispatcher for the rest
//   panels.startOsc(settings, &error);       // --osc HOST:PORT, or the panels document
//   connect(control, &ControlService::eventPublished, &panels, &PanelService::onWallEvent);
//   ... panels.stop();                       // bounded; before the dispatcher goes
#include "panels/keyface.h"
#include "panels/oscmap.h"
#include "panels/panelsconfig.h"

#include "hidmonitor.h"
#include "keypad.h"
#include "oscserver.h"
#include "streamdeck_tcp.h"
#include "streamdeck_usb.h"
#include "xkeys_usb.h"

#include "core/action.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QMap>
#include <QObject>
#include <QSet>
#include <QString>
#include <QStringList>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

namespace opswall::panels {

struct OscSettings {
    QString host = QStringLiteral("127.0.0.1");
    quint16 port = 0; // 0: a free port (tests); oscPort() tells
    QStringList allow = {QStringLiteral("127.0.0.0/8"), QStringLiteral("::1")};
    QStringList feedbackTo; // "10.0.0.7:9001": UDP feedback for tablets listening elsewhere
    Role role = Role::Operator;
};

// At most `burst` lines per window; the next line after a quiet spell says how many were held
// back. Thread-safe (drops are logged from the io thread, refusals from the GUI thread).
class RateLimitedLog {
public:
    RateLimitedLog(int burst = 5, int windowMs = 10000)
        : m_burst(burst)
        , m_windowMs(windowMs) {}
    // The line to log now (with the count held back since the last one), or empty.
    QString admit(const QString &line, qint64 nowMs);
    void warn(const QString &line); // admit() + qWarning

private:
    std::mutex m_mutex;
    int m_burst;
    int m_windowMs;
    qint64 m_windowStart = -1;
    int m_inWindow = 0;
    int m_held = 0;
};

class PanelService : public QObject {
    Q_OBJECT
public:
    using Done = std::function<void(const ActionResult &)>;
    using Submit = std::function<void(const Action &, const Caller &, Done)>;

    // Read-only views of the wall on the GUI thread: "presets", "preset:<id>", "alerts", "wall"
    // (the control API's ActionSink::snapshot). Used for key faces and "the newest alert".
    using Snapshot = std::function<QJsonObject(const QString &what)>;

    explicit PanelService(Submit submit, QObject *parent = nullptr);
    ~PanelService() override;
    void setSnapshot(Snapshot snapshot) { m_snapshot = std::move(snapshot); }

    // Binds UDP and TCP on settings' address; false + error (naming the setting) otherwise.
    bool startOsc(const OscSettings &settings, QString *error);
    quint16 oscPort() const { return m_oscPort; }

    // Starts the configured panels (Stream Decks over TCP and USB, keypads); replaces any
    // running ones.
    void startPanels(const QList<Panel> &panels);
    // Where USB panels are looked for (hidapi over hidraw unless set before startPanels).
    void setHidBackend(std::shared_ptr<drivers::hid::Backend> backend) {
        m_hid = std::move(backend);
    }
    const QList<Panel> &panels() const { return m_panelConfigs; }
    // A panel's bindings changed (panel.bind): the running panel keeps its connection and shows
    // the new faces. False when no such panel runs.
    bool updatePanel(const Panel &panel);
    // The presets the panels' buttons recall ("preset.recall": each button's params, {"id"} or
    // {"name"}), each once: for every panel the page it shows first, then its other pages; the
    // panels in their order. What the wall builds ahead for them (wall::Dispatcher::
    // setPanelPresets); boundPresetsChanged when it changes (panels started, a binding changed,
    // a page turned).
    QList<QJsonObject> boundPresets() const;
    // [{"id", "type", "state", "why", "page", "serial", "model", "keys"}], for the API.
    QJsonArray status() const;
    // The Stream Decks and X-keys plugged into this host now, configured or not (hot-plug
    // monitor, panelservice_usb.cpp): [{"path", "kind", "vendorId", "productId", "model",
    // "serial", "product", "panel" (the panel using it)}]. Empty until startPanels.
    QJsonArray usbDevices() const;
    // How often the monitor looks (before startPanels; tests make it quicker).
    void setUsbScanIntervalMs(int ms) { m_usbScanMs = ms; }
    // Acts as if the key were pressed on the panel (wallctl panel test): same caller, same
    // checks, same audit. False + error when there is no such panel or key.
    bool press(const QString &panelId, int key, QString *error);
    // The face the key shows now (upright), for the API and tests; null when no such key.
    QImage keyFace(const QString &panelId, int key, QSize size = {}) const;

    void stop(int timeoutMs = 2000);

public Q_SLOTS:
    // Every wall event (ControlService::eventPublished): feedback to tablets and key faces.
    void onWallEvent(const QJsonObject &event);

Q_SIGNALS:
    // A request from a panel or tablet was refused or failed (also logged, rate-limited).
    void refused(const QString &via, const QString &what, const ActionResult &result);
    void boundPresetsChanged();

private:
    struct Runtime {
        Panel config;
        QString page;
        QString state = QStringLiteral("connecting");
        QString why;
        QString serial;
        const drivers::streamdeck::Model *model = nullptr;
        std::shared_ptr<drivers::streamdeck::TcpClient> deck;
        std::shared_ptr<drivers::streamdeck::TcpClient> primary; // child panels: the dock
        quint16 childPort = 0; // child panels: the port the dock announced (0: none)
        std::shared_ptr<drivers::streamdeck::UsbDeck> usb;
        std::shared_ptr<drivers::xkeys::UsbPanel> xkeys;
        const drivers::xkeys::Product *xkProduct = nullptr;
        QString usbPath; // the hidraw node of the USB device in use
        std::shared_ptr<drivers::keypad::KeypadLink> keypad;
        QHash<int, KeyFace> shown; // what each key of the deck shows now
        int indicators = -1;       // X-keys: the indicator LEDs as last sent (green + 3 x red)
    };
    Runtime *runtime(const QString &panelId);
    const Runtime *runtime(const QString &panelId) const;
    void stopPanels();
    void startDevice(Runtime &rt);                 // panelservice_devices.cpp
    void refreshBacklights(Runtime &rt, bool all); // X-keys
    void onKey(const QString &panelId, int key, bool pressed);
    void onDeckState(const QString &panelId, drivers::streamdeck::LinkState state,
                     const drivers::streamdeck::DeviceInfo &info, const QString &why);
    std::shared_ptr<drivers::streamdeck::TcpClient>
    startDeckClient(const QString &panelId, const QString &host, quint16 port);
    void onChild(const QString &panelId, bool attached, quint16 port);
    void onUsbState(const QString &panelId, drivers::streamdeck::UsbState state,
                    const drivers::streamdeck::UsbDeckInfo &info, const QString &why);
    void onUsbReady(const QString &panelId, bool ready, const QString &model, const QString &serial,
                    const QString &firmware, const QString &path, const QString &why);
    KeyFace faceFor(const Runtime &rt, const Button *button) const;
    void refreshFaces(Runtime &rt, bool all);
    void refreshAllFaces();
    void noteBoundPresets(); // boundPresetsChanged when they changed
    QList<QJsonObject> m_boundPresets;
    void reloadAlertCount();
    QList<QRectF> thumbnailOf(int presetId) const;
    void ensureIo();
    void ensureThread();
    void startUsbMonitor(); // panelservice_usb.cpp
    void onUsbChange(bool plugged, const drivers::hid::DeviceInfo &device);
    QString usbPanelFor(const QString &path) const;
    void onOscMessage(const drivers::osc::Message &message, const drivers::osc::Peer &peer);
    void sendOsc(std::vector<drivers::osc::Message> messages,
                 std::optional<drivers::osc::Peer> to = std::nullopt);

    Submit m_submit;
    std::shared_ptr<drivers::hid::Backend> m_hid;
    OscSettings m_osc;
    OscFeedbackState m_oscState;
    std::shared_ptr<boost::asio::io_context> m_io;
    std::unique_ptr<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>>
        m_work; // keeps the io thread running until stop()
    std::shared_ptr<drivers::osc::OscServer> m_oscServer;
    std::thread m_thread;
    quint16 m_oscPort = 0;
    RateLimitedLog m_log;
    Snapshot m_snapshot;
    QList<Panel> m_panelConfigs;
    std::vector<std::unique_ptr<Runtime>> m_panels;
    // The wall as key faces show it, kept from events.
    int m_activePreset = 0;
    bool m_locked = false;
    QSet<QString> m_focusedTiles; // tile.focus events (a focus key is lit while its tile is)
    int m_alertCount = 0;
    mutable QHash<int, QList<QRectF>> m_thumbnails;
    // USB hot-plug: the monitor (io thread) and what it last reported (GUI thread), by path.
    std::shared_ptr<drivers::hid::Monitor> m_usbMonitor;
    QMap<QString, drivers::hid::DeviceInfo> m_usbPresent;
    int m_usbScanMs = 1000;
};

} // namespace opswall::panels
