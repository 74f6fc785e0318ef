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
#include "panels/oscmap.h"

#include "oscserver.h"

#include "core/action.h"

#include <QJsonObject>
#include <QObject>
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

    explicit PanelService(Submit submit, QObject *parent = nullptr);
    ~PanelService() override;

    // Binds UDP and TCP on settings' address; false + error (naming the setting) otherwise.
    bool startOsc(const OscSettings &settings, QString *error);
    quint16 oscPort() const { return m_oscPort; }
    void stop(int timeoutMs = 2000);

public Q_SLOTS:
    // Every wall event (ControlService::eventPublished): feedback to tablets and key faces.
    void onWallEvent(const QJsonObject &event);

Q_SIGNALS:
    // A request from a panel or tablet was refused or failed (also logged, rate-limited).
    void refused(const QString &via, const QString &what, const ActionResult &result);

private:
    void ensureIo();
    void ensureThread();
    void onOscMessage(const drivers::osc::Message &message, const drivers::osc::Peer &peer);
    void sendOsc(std::vector<drivers::osc::Message> messages,
                 std::optional<drivers::osc::Peer> to = std::nullopt);

    Submit m_submit;
    OscSettings m_osc;
    OscFeedbackState m_oscState;
    std::shared_ptr<boost::asio::io_context> m_io;
    std::unique_ptr<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>>
        m_work; // keeps the io thread running until stop()
    std::shared_ptr<drivers::osc::OscServer> m_oscServer;
    std::thread m_thread;
    quint16 m_oscPort = 0;
    RateLimitedLog m_log;
};

} // namespace opswall::panels
