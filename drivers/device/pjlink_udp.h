#pragma once
// PJLink class 2 over UDP (port 4352): search for devices ("%2SRCH" -> "%2ACKN=<MAC>") and
// receive their status notifications ("%2LKUP=", "%2POWR=", "%2ERST=", "%2INPT=").
#include "pjlink.h"

#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <chrono>
#include <functional>
#include <memory>
#include <vector>

namespace opswall::drivers {

struct FoundDevice {
    std::string address; // sender IP
    std::string mac;
};

class PjLinkUdp : public std::enable_shared_from_this<PjLinkUdp> {
public:
    using OnNotification =
        std::function<void(const std::string &fromAddress, const pjlink::Notification &)>;

    // Binds 0.0.0.0:listenPort (4352 in production; 0 picks a free port for tests).
    static std::shared_ptr<PjLinkUdp> create(boost::asio::io_context &io, unsigned short listenPort,
                                             boost::system::error_code &ec);
    ~PjLinkUdp();
    unsigned short localPort() const;
    void setNotificationHandler(OnNotification handler) { m_onNotification = std::move(handler); }
    // Sends one search to target (a broadcast address or one device) and reports every ACKN
    // that arrives within window.
    void search(const boost::asio::ip::udp::endpoint &target, std::chrono::milliseconds window,
                std::function<void(std::vector<FoundDevice>)> done);
    void close();

private:
    explicit PjLinkUdp(boost::asio::io_context &io);
    void receive();

    boost::asio::ip::udp::socket m_socket;
    boost::asio::steady_timer m_searchTimer;
    boost::asio::ip::udp::endpoint m_sender;
    std::array<std::uint8_t, 512> m_buffer{};
    OnNotification m_onNotification;
    std::vector<FoundDevice> m_found;
    std::function<void(std::vector<FoundDevice>)> m_searchDone;
};

} // namespace opswall::drivers
