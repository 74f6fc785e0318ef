#pragma once
// A FAILURE-INJECTION FAKE of the HID backend (hid.h) for the USB panel tests, used because the
// build hosts have no /dev/uhid to make kernel HID devices with: devices are plugged and
// unplugged (hot-plug), opening can be refused, writes can fail, feature reads of more than 17
// bytes can be refused; input reports are injected, and what the panel writes is recorded.
// Device calls come from the panel's device thread: everything is under one mutex.
#include "hid.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

namespace fakehid {

using opswall::drivers::Bytes;
namespace hid = opswall::drivers::hid;

struct FakeDeck {
    hid::DeviceInfo info;
    std::map<std::uint8_t, Bytes> features; // report id -> what a get-feature returns
    std::deque<Bytes> input;
    std::vector<Bytes> writes;
    std::vector<Bytes> sentFeatures;
    std::vector<std::size_t> featureSizesAsked;
    bool unplugged = false;
    bool failWrites = false;
    bool refuseOver17 = false;
    int writeDelayUs = 0; // each output report takes this long (a USB transfer), outside the lock
    // Called under the backend's lock for each output report: may queue input reports.
    std::function<void(const Bytes &, std::deque<Bytes> &)> answer;
};

struct FakeHid final : hid::Backend {
    std::mutex mutex;
    std::condition_variable changed;
    std::map<std::string, std::shared_ptr<FakeDeck>> decks; // plugged in now
    std::string enumerateError;
    bool failOpen = false;
    int opens = 0;

    struct Device final : hid::Device {
        FakeHid &hid;
        std::shared_ptr<FakeDeck> deck;
        std::string error;
        Device(FakeHid &h, std::shared_ptr<FakeDeck> d)
            : hid(h)
            , deck(std::move(d)) {}
        int write(const Bytes &r) override {
            int delayUs = 0;
            {
                std::lock_guard lock(hid.mutex);
                delayUs = deck->writeDelayUs;
            }
            if (delayUs > 0)
                std::this_thread::sleep_for(std::chrono::microseconds(delayUs));
            std::lock_guard lock(hid.mutex);
            if (deck->unplugged || deck->failWrites) {
                error = deck->unplugged ? "No such device" : "Broken pipe (injected)";
                return -1;
            }
            deck->writes.push_back(r);
            if (deck->answer)
                deck->answer(r, deck->input);
            hid.changed.notify_all();
            return int(r.size());
        }
        int sendFeature(const Bytes &r) override {
            std::lock_guard lock(hid.mutex);
            if (deck->unplugged) {
                error = "No such device";
                return -1;
            }
            deck->sentFeatures.push_back(r);
            hid.changed.notify_all();
            return int(r.size());
        }
        std::optional<Bytes> getFeature(std::uint8_t id, std::size_t size) override {
            std::lock_guard lock(hid.mutex);
            deck->featureSizesAsked.push_back(size);
            if (deck->unplugged || (deck->refuseOver17 && size > 17))
                return std::nullopt;
            const auto it = deck->features.find(id);
            if (it == deck->features.end())
                return std::nullopt;
            Bytes b = it->second;
            b.resize(std::min(b.size(), size));
            return b;
        }
        int read(std::uint8_t *buffer, std::size_t size, int timeoutMs) override {
            std::unique_lock lock(hid.mutex);
            hid.changed.wait_for(lock, std::chrono::milliseconds(timeoutMs),
                                 [&] { return deck->unplugged || !deck->input.empty(); });
            if (deck->unplugged) {
                error = "No such device";
                return -1;
            }
            if (deck->input.empty())
                return 0;
            Bytes r = std::move(deck->input.front());
            deck->input.pop_front();
            const std::size_t n = std::min(size, r.size());
            std::memcpy(buffer, r.data(), n);
            return int(n);
        }
        std::string lastError() const override { return error; }
    };

    std::string name() const override { return "fake"; }
    std::vector<hid::DeviceInfo> enumerate(std::uint16_t vendorId, std::string *error) override {
        std::lock_guard lock(mutex);
        std::vector<hid::DeviceInfo> out;
        if (!enumerateError.empty()) {
            *error = enumerateError;
            return out;
        }
        for (const auto &[path, d] : decks)
            if (d->info.vendorId == vendorId)
                out.push_back(d->info);
        return out;
    }
    std::unique_ptr<hid::Device> open(const std::string &path, std::string *error) override {
        std::lock_guard lock(mutex);
        const auto it = decks.find(path);
        if (failOpen || it == decks.end()) {
            *error = "cannot open " + path + ": Permission denied (injected)";
            return nullptr;
        }
        ++opens;
        return std::make_unique<Device>(*this, it->second);
    }

    // Plugs a device in; `prepare` fills in its feature reports and answers first.
    std::shared_ptr<FakeDeck> plug(const hid::DeviceInfo &info,
                                   const std::function<void(FakeDeck &)> &prepare = {}) {
        auto d = std::make_shared<FakeDeck>();
        d->info = info;
        if (prepare)
            prepare(*d);
        std::lock_guard lock(mutex);
        decks[info.path] = d;
        return d;
    }
    void unplug(const std::string &path) {
        std::lock_guard lock(mutex);
        if (auto it = decks.find(path); it != decks.end()) {
            it->second->unplugged = true;
            decks.erase(it);
        }
        changed.notify_all();
    }
    void press(const std::shared_ptr<FakeDeck> &d, Bytes r) {
        std::lock_guard lock(mutex);
        d->input.push_back(std::move(r));
        changed.notify_all();
    }
    template<typename F>
    auto locked(F f) {
        std::lock_guard lock(mutex);
        return f();
    }
};

} // namespace fakehid
