#pragma once
// Puts a SimBank on the wire: a TCP listener on 127.0.0.1 (ephemeral port by default) or the
// device end of a pseudo-terminal pair (socat pty,raw,echo=0 pty,raw,echo=0). Line faults from
// bank.faults are applied here: delay, garbage, drop, silence, split writes, hang-up per reply.
#include "panel.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>

#include <memory>
#include <string>

namespace opswall::drivers::sim {

class SimServer {
public:
    virtual ~SimServer() = default;
    virtual void stop() = 0;
    virtual std::string describe() const = 0;
    // Connections accepted (TCP) or opens (serial) so far.
    virtual int connections() const = 0;
};

class SimTcpServer : public SimServer {
public:
    virtual unsigned short port() const = 0;
};

std::shared_ptr<SimTcpServer> listenTcp(boost::asio::io_context &io, std::shared_ptr<SimBank> bank,
                                        unsigned short port, boost::system::error_code &ec);
// Opens `device` (a tty or pty) and answers on it.
std::shared_ptr<SimServer> serveSerial(boost::asio::io_context &io, std::shared_ptr<SimBank> bank,
                                       const std::string &device, boost::system::error_code &ec);

// PJLink class 2 UDP side of a simulated projector: answers "%2SRCH" with "%2ACKN=<mac>" and
// sends notifications on request.
class SimPjLinkUdp {
public:
    virtual ~SimPjLinkUdp() = default;
    virtual unsigned short port() const = 0;
    virtual void notify(const boost::asio::ip::udp::endpoint &to, const std::string &command,
                        const std::string &parameter) = 0;
    virtual void stop() = 0;
};
std::shared_ptr<SimPjLinkUdp> listenPjLinkUdp(boost::asio::io_context &io,
                                              std::shared_ptr<SimBank> bank, unsigned short port,
                                              boost::system::error_code &ec);

} // namespace opswall::drivers::sim
