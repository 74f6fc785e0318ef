#include "hidlink.h"

#include <boost/asio/post.hpp>

#include <atomic>
#include <deque>
#include <mutex>
#include <thread>

namespace opswall::drivers::hid {

namespace asio = boost::asio;

namespace {
constexpr std::size_t kWritesBetweenReads = 8;
}

struct Link::Worker {
    struct Op {
        bool feature = false;
        Bytes bytes;
    };
    std::mutex mutex;
    std::deque<Op> queue;
    std::atomic<bool> stop{false};
    std::thread thread;

    // At most `most` queued reports, and whether more wait.
    std::deque<Op> take(std::size_t most, bool *more) {
        std::lock_guard lock(mutex);
        std::deque<Op> out;
        while (!queue.empty() && out.size() < most) {
            out.push_back(std::move(queue.front()));
            queue.pop_front();
        }
        *more = !queue.empty();
        return out;
    }
};

std::shared_ptr<Link> Link::create(asio::io_context &io, std::shared_ptr<Backend> backend,
                                   LinkSettings settings, Match match, Identify identify) {
    return std::shared_ptr<Link>(new Link(io, std::move(backend), std::move(settings),
                                          std::move(match), std::move(identify)));
}

Link::Link(asio::io_context &io, std::shared_ptr<Backend> backend, LinkSettings settings,
           Match match, Identify identify)
    : m_io(io)
    , m_backend(std::move(backend))
    , m_settings(std::move(settings))
    , m_match(std::move(match))
    , m_identify(std::move(identify))
    , m_timer(io) {}

Link::~Link() {
    if (m_worker) {
        m_worker->stop = true;
        if (m_worker->thread.joinable())
            m_worker->thread.join();
    }
}

void Link::setCallbacks(OnState onState, OnReport onReport) {
    m_onState = std::move(onState);
    m_onReport = std::move(onReport);
}

void Link::start() {
    m_stopped = false;
    scan();
}

void Link::stop() {
    m_stopped = true;
    ++m_generation;
    m_timer.cancel();
    closeWorker();
}

void Link::closeWorker() {
    if (!m_worker)
        return;
    m_worker->stop = true;
    if (m_worker->thread.joinable())
        m_worker->thread.join();
    m_worker.reset();
}

void Link::setState(bool ready, const std::string &why) {
    if (m_reported && ready == m_ready && why == m_why)
        return;
    m_reported = true;
    m_ready = ready;
    m_why = why;
    if (m_onState && !m_stopped)
        m_onState(ready, m_identity, why);
}

void Link::scheduleScan() {
    if (m_stopped)
        return;
    const std::uint64_t gen = m_generation;
    m_timer.expires_after(std::chrono::milliseconds(m_settings.scanIntervalMs));
    m_timer.async_wait([weak = weak_from_this(), gen](boost::system::error_code e) {
        auto self = weak.lock();
        if (e || !self || self->m_generation != gen || self->m_stopped)
            return;
        self->scan();
    });
}

void Link::scan() {
    if (m_stopped || m_worker)
        return;
    std::string error;
    const std::vector<DeviceInfo> found = m_backend->enumerate(m_settings.vendorId, &error);
    const DeviceInfo *pick = nullptr;
    int matching = 0;
    for (const DeviceInfo &d : found) {
        if (d.vendorId != m_settings.vendorId || !m_match(d))
            continue;
        ++matching;
        if (!m_settings.serial.empty() && d.serial != m_settings.serial)
            continue;
        pick = &d;
        break;
    }
    const std::string where = " on USB (" + m_backend->name() + ")";
    if (!pick) {
        std::string why;
        if (!error.empty())
            why = "HID unusable (" + m_backend->name() + "): " + error;
        else if (matching == 0)
            why = "no " + m_settings.what + where;
        else
            why = "no " + m_settings.what + " with serial '" + m_settings.serial + "'" + where +
                  ", " + std::to_string(matching) + " other present";
        setState(false, why);
        return scheduleScan();
    }
    std::unique_ptr<Device> device = m_backend->open(pick->path, &error);
    if (!device) {
        setState(false, error.empty() ? "cannot open " + pick->path : error);
        return scheduleScan();
    }
    const std::uint64_t gen = ++m_generation;
    m_worker = std::make_shared<Worker>();
    Identity identity{pick->path, pick->productId, pick->interfaceNumber, pick->serial, {}};
    const int readTimeout = std::max(1, m_settings.readTimeoutMs);
    const std::size_t readSize = std::max<std::size_t>(1, m_settings.readSize);
    // The device thread: identify, then read input reports and write what is queued.
    m_worker->thread =
        std::thread([worker = m_worker, dev = std::move(device), identity, identify = m_identify,
                     weak = weak_from_this(), gen, readTimeout, readSize, &io = m_io]() mutable {
            if (identify)
                identify(*dev, identity);
            asio::post(io, [weak, gen, identity] {
                if (auto self = weak.lock())
                    self->opened(gen, identity);
            });
            auto fail = [&](const std::string &why) {
                asio::post(io, [weak, gen, why] {
                    if (auto self = weak.lock())
                        self->lost(gen, why);
                });
            };
            std::vector<std::uint8_t> buffer(readSize);
            while (!worker->stop) {
                // A few reports, then a look at the keys: a press never waits behind a whole
                // page of pictures (a 15-key redraw is ~60 reports). While reports wait, the
                // look does not wait for input.
                bool more = false;
                for (const Worker::Op &op : worker->take(kWritesBetweenReads, &more)) {
                    const int n = op.feature ? dev->sendFeature(op.bytes) : dev->write(op.bytes);
                    if (n < 0)
                        return fail(std::string(op.feature ? "feature report" : "output report") +
                                    " failed: " + dev->lastError());
                }
                const int n = dev->read(buffer.data(), buffer.size(), more ? 0 : readTimeout);
                if (n < 0)
                    return fail("read failed: " + dev->lastError());
                if (n > 0)
                    asio::post(io, [weak, gen, bytes = Bytes(buffer.begin(), buffer.begin() + n)] {
                        if (auto self = weak.lock())
                            self->report(gen, bytes);
                    });
            }
        });
}

void Link::opened(std::uint64_t generation, Identity identity) {
    if (generation != m_generation || m_stopped)
        return;
    m_identity = std::move(identity);
    setState(true, {});
}

void Link::lost(std::uint64_t generation, const std::string &why) {
    if (generation != m_generation || m_stopped)
        return;
    ++m_generation;
    closeWorker();
    const std::string path = m_identity.path;
    m_identity = Identity{};
    setState(false, "lost " + path + ": " + why);
    scheduleScan();
}

void Link::report(std::uint64_t generation, const Bytes &bytes) {
    if (generation != m_generation || m_stopped || !m_ready)
        return;
    if (m_onReport)
        m_onReport(bytes);
}

bool Link::enqueue(bool feature, Bytes report) {
    if (!m_ready || !m_worker)
        return false;
    std::lock_guard lock(m_worker->mutex);
    if (m_worker->queue.size() >= m_settings.maxQueued)
        return false;
    m_worker->queue.push_back({feature, std::move(report)});
    return true;
}

bool Link::write(Bytes report) {
    return enqueue(false, std::move(report));
}

bool Link::sendFeature(Bytes report) {
    return enqueue(true, std::move(report));
}

} // namespace opswall::drivers::hid
