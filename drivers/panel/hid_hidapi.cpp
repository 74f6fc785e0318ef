#include "hid.h"

#include <hidapi.h>

#include <mutex>

namespace opswall::drivers::hid {

namespace {

std::string narrow(const wchar_t *w) {
    std::string s;
    if (!w)
        return s;
    for (; *w && s.size() < 128; ++w)
        s.push_back(*w >= 0x20 && *w < 0x7F ? char(*w) : '?');
    return s;
}

std::string errorOf(hid_device *d) {
    const std::string e = narrow(hid_error(d));
    return e.empty() ? std::string("unknown hidapi error") : e;
}

class HidapiDevice final : public Device {
public:
    explicit HidapiDevice(hid_device *d)
        : m_d(d) {}
    ~HidapiDevice() override { hid_close(m_d); }
    int write(const Bytes &report) override {
        const int n = hid_write(m_d, report.data(), report.size());
        if (n < 0)
            m_error = errorOf(m_d);
        return n;
    }
    int sendFeature(const Bytes &report) override {
        const int n = hid_send_feature_report(m_d, report.data(), report.size());
        if (n < 0)
            m_error = errorOf(m_d);
        return n;
    }
    std::optional<Bytes> getFeature(std::uint8_t reportId, std::size_t size) override {
        Bytes b(std::max<std::size_t>(size, 1), 0);
        b[0] = reportId;
        const int n = hid_get_feature_report(m_d, b.data(), b.size());
        if (n < 0) {
            m_error = errorOf(m_d);
            return std::nullopt;
        }
        b.resize(std::size_t(n));
        return b;
    }
    int read(std::uint8_t *buffer, std::size_t size, int timeoutMs) override {
        const int n = hid_read_timeout(m_d, buffer, size, timeoutMs);
        if (n < 0)
            m_error = errorOf(m_d);
        return n;
    }
    std::string lastError() const override { return m_error; }

private:
    hid_device *m_d;
    std::string m_error;
};

class HidapiBackend final : public Backend {
public:
    std::string name() const override { return "hidapi-hidraw"; }
    std::vector<DeviceInfo> enumerate(std::uint16_t vendorId, std::string *error) override {
        std::vector<DeviceInfo> out;
        if (!init(error))
            return out;
        hid_device_info *list = hid_enumerate(vendorId, 0);
        for (const hid_device_info *i = list; i; i = i->next) {
            DeviceInfo d;
            d.path = i->path ? i->path : "";
            d.vendorId = i->vendor_id;
            d.productId = i->product_id;
            d.serial = narrow(i->serial_number);
            d.product = narrow(i->product_string);
            d.interfaceNumber = i->interface_number;
            out.push_back(std::move(d));
        }
        hid_free_enumeration(list);
        return out;
    }
    std::unique_ptr<Device> open(const std::string &path, std::string *error) override {
        if (!init(error))
            return nullptr;
        hid_device *d = hid_open_path(path.c_str());
        if (!d) {
            if (error)
                *error = "cannot open " + path + ": " + errorOf(nullptr);
            return nullptr;
        }
        return std::make_unique<HidapiDevice>(d);
    }

private:
    static bool init(std::string *error) {
        static std::once_flag once;
        static int rc = -1;
        std::call_once(once, [] { rc = hid_init(); });
        if (rc != 0 && error)
            *error = "hid_init failed: " + errorOf(nullptr);
        return rc == 0;
    }
};

} // namespace

std::shared_ptr<Backend> hidapiBackend() {
    static std::mutex mutex;
    static std::weak_ptr<Backend> shared;
    std::lock_guard lock(mutex);
    auto b = shared.lock();
    if (!b) {
        b = std::make_shared<HidapiBackend>();
        shared = b;
    }
    return b;
}

} // namespace opswall::drivers::hid
