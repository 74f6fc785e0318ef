// The USB panels a test plugs into the real opswall: preloaded into the wall's process
// (LD_PRELOAD), this library answers hidapi's enumeration (hid_enumerate, hid_free_enumeration)
// from a file the test writes, read again at every call, so a test plugs a deck in or pulls it
// out by rewriting the file. These hosts have no Stream Deck or X-keys; everything else of hidapi
// (hid_init, hid_open_path: a listed path cannot be opened) is the real library's, and everything
// of the wall (its hid::Monitor, PanelService, the API, wallctl, the console) is real.
//
// OPSWALL_TEST_HID_DEVICES=FILE, one device a line: PATH VID PID INTERFACE SERIAL PRODUCT...
// (ids in hex; the product is the rest of the line; blank lines are skipped). Without the
// variable: no device. A line that is not a device is the test's mistake: the stand-in says which
// and aborts the process, so the test fails instead of seeing fewer devices than it wrote.
#include <hidapi.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <cwchar>
#include <fstream>
#include <sstream>
#include <string>

namespace {

wchar_t *wide(const std::string &s) {
    auto *out = static_cast<wchar_t *>(std::calloc(s.size() + 1, sizeof(wchar_t)));
    for (std::size_t i = 0; out && i < s.size(); ++i)
        out[i] = wchar_t(static_cast<unsigned char>(s[i])); // ASCII in the tests' files
    return out;
}

hid_device_info *parse(const std::string &line) {
    std::istringstream in(line);
    std::string path, vid, pid, serial, product;
    int interface = -1;
    if (!(in >> path >> vid >> pid >> interface >> serial))
        return nullptr;
    std::getline(in >> std::ws, product);
    auto *d = static_cast<hid_device_info *>(std::calloc(1, sizeof(hid_device_info)));
    if (!d)
        return nullptr;
    d->path = strdup(path.c_str());
    d->vendor_id = static_cast<unsigned short>(std::strtoul(vid.c_str(), nullptr, 16));
    d->product_id = static_cast<unsigned short>(std::strtoul(pid.c_str(), nullptr, 16));
    d->interface_number = interface;
    d->serial_number = wide(serial == "-" ? std::string() : serial);
    d->manufacturer_string = wide(std::string());
    d->product_string = wide(product);
    return d;
}

} // namespace

hid_device_info *hid_enumerate(unsigned short vendor_id, unsigned short product_id) {
    const char *file = std::getenv("OPSWALL_TEST_HID_DEVICES");
    if (!file)
        return nullptr;
    std::ifstream in(file);
    hid_device_info *head = nullptr;
    hid_device_info **tail = &head;
    for (std::string line; std::getline(in, line);) {
        if (line.find_first_not_of(" \t\r") == std::string::npos)
            continue;
        hid_device_info *d = parse(line);
        if (!d) {
            std::fprintf(stderr, "fakehidapi: %s: not a device line: '%s'\n", file, line.c_str());
            std::abort();
        }
        if ((vendor_id && d->vendor_id != vendor_id) ||
            (product_id && d->product_id != product_id)) {
            hid_free_enumeration(d);
            continue;
        }
        *tail = d;
        tail = &d->next;
    }
    return head;
}

void hid_free_enumeration(hid_device_info *devs) {
    while (devs) {
        hid_device_info *next = devs->next;
        std::free(devs->path);
        std::free(devs->serial_number);
        std::free(devs->manufacturer_string);
        std::free(devs->product_string);
        std::free(devs);
        devs = next;
    }
}
