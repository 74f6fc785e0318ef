#pragma once
// A Stream Deck MK.2 made as a kernel HID device through /dev/uhid, so that the real hidapi
// backend (hidraw) finds it, opens it, reads its feature reports and key reports, and loses it
// when it is destroyed. The build hosts have no /dev/uhid (no uhid module): open() then fails with
// the reason and the test that uses this says it skipped.
//
// The device thread answers GET_REPORT (feature 06 serial, 05 firmware) and SET_REPORT (it keeps
// what was set), records output reports, and sends what input() queues.
#include <linux/input.h>
#include <linux/uhid.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fcntl.h>
#include <mutex>
#include <poll.h>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

namespace uhid {

class Mk2 {
public:
    ~Mk2() { destroy(); }

    // Creates the device; false + why when /dev/uhid cannot be used.
    bool open(const std::string &serial, std::string *why) {
        m_fd = ::open("/dev/uhid", O_RDWR | O_CLOEXEC);
        if (m_fd < 0) {
            *why = std::string("/dev/uhid: ") + std::strerror(errno);
            return false;
        }
        m_serial = serial;
        uhid_event ev{};
        ev.type = UHID_CREATE2;
        std::snprintf(reinterpret_cast<char *>(ev.u.create2.name), sizeof ev.u.create2.name,
                      "Elgato Stream Deck MK.2 (uhid test)");
        std::snprintf(reinterpret_cast<char *>(ev.u.create2.uniq), sizeof ev.u.create2.uniq, "%s",
                      serial.c_str());
        // Vendor page; input 1 (512 bytes with the id), output 2 (1024), features 3, 5, 6 (32).
        static const std::uint8_t rd[] = {0x06, 0x00, 0xFF, 0x09, 0x01, 0xA1, 0x01, 0x15, 0x00,
                                          0x26, 0xFF, 0x00, 0x75, 0x08, 0x85, 0x01, 0x96, 0xFF,
                                          0x01, 0x09, 0x01, 0x81, 0x02,                         //
                                          0x85, 0x02, 0x96, 0xFF, 0x03, 0x09, 0x01, 0x91, 0x02, //
                                          0x85, 0x03, 0x95, 0x1F, 0x09, 0x01, 0xB1, 0x02,       //
                                          0x85, 0x05, 0x95, 0x1F, 0x09, 0x01, 0xB1, 0x02,       //
                                          0x85, 0x06, 0x95, 0x1F, 0x09, 0x01, 0xB1, 0x02,       //
                                          0xC0};
        std::memcpy(ev.u.create2.rd_data, rd, sizeof rd);
        ev.u.create2.rd_size = sizeof rd;
        ev.u.create2.bus = BUS_USB;
        ev.u.create2.vendor = 0x0FD9;
        ev.u.create2.product = 0x0080;
        if (!send(ev)) {
            *why = std::string("UHID_CREATE2: ") + std::strerror(errno);
            ::close(m_fd);
            m_fd = -1;
            return false;
        }
        m_thread = std::thread([this] { run(); });
        return true;
    }
    // One input report (report id first).
    void input(const std::vector<std::uint8_t> &report) {
        uhid_event ev{};
        ev.type = UHID_INPUT2;
        ev.u.input2.size = std::uint16_t(report.size());
        std::memcpy(ev.u.input2.data, report.data(), report.size());
        send(ev);
    }
    // Unplugs it.
    void destroy() {
        if (m_fd < 0)
            return;
        uhid_event ev{};
        ev.type = UHID_DESTROY;
        send(ev);
        m_stop = true;
        if (m_thread.joinable())
            m_thread.join();
        ::close(m_fd);
        m_fd = -1;
    }
    std::vector<std::vector<std::uint8_t>> features() {
        std::lock_guard lock(m_mutex);
        return m_features;
    }

private:
    bool send(const uhid_event &ev) {
        std::lock_guard lock(m_writeMutex);
        return ::write(m_fd, &ev, sizeof ev) == ssize_t(sizeof ev);
    }
    std::vector<std::uint8_t> featureReport(std::uint8_t id) const {
        std::vector<std::uint8_t> r(32, 0);
        r[0] = id;
        const std::string text = id == 0x06 ? m_serial : "1.01.000";
        if (id == 0x06) {
            r[1] = std::uint8_t(text.size());
            std::memcpy(r.data() + 2, text.data(), text.size());
        } else {
            r[1] = 12;
            std::memcpy(r.data() + 6, text.data(), text.size());
        }
        return r;
    }
    void run() {
        while (!m_stop) {
            pollfd p{m_fd, POLLIN, 0};
            if (::poll(&p, 1, 20) <= 0)
                continue;
            uhid_event ev{};
            if (::read(m_fd, &ev, sizeof ev) <= 0)
                continue;
            if (ev.type == UHID_GET_REPORT) {
                uhid_event reply{};
                reply.type = UHID_GET_REPORT_REPLY;
                reply.u.get_report_reply.id = ev.u.get_report.id;
                const std::uint8_t id = ev.u.get_report.rnum;
                if (id == 0x05 || id == 0x06) {
                    const auto r = featureReport(id);
                    reply.u.get_report_reply.size = std::uint16_t(r.size());
                    std::memcpy(reply.u.get_report_reply.data, r.data(), r.size());
                } else {
                    reply.u.get_report_reply.err = EIO;
                }
                send(reply);
            } else if (ev.type == UHID_SET_REPORT) {
                {
                    std::lock_guard lock(m_mutex);
                    const std::uint8_t *data = &ev.u.set_report.data[0];
                    m_features.emplace_back(data, data + ev.u.set_report.size);
                }
                uhid_event reply{};
                reply.type = UHID_SET_REPORT_REPLY;
                reply.u.set_report_reply.id = ev.u.set_report.id;
                send(reply);
            }
        }
    }

    int m_fd = -1;
    std::string m_serial;
    std::atomic<bool> m_stop{false};
    std::thread m_thread;
    std::mutex m_mutex;
    std::mutex m_writeMutex;
    std::vector<std::vector<std::uint8_t>> m_features;
};

} // namespace uhid
