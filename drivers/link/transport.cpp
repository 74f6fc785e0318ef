#include "transport.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include <array>

namespace opswall::drivers {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

// Read loop, write and close shared by the stream transports. Every handler carries the
// generation it was started in; close() bumps it, so no handler of an old connection acts.
template<typename Stream, typename Derived>
class StreamTransport : public Transport, public std::enable_shared_from_this<Derived> {
public:
    explicit StreamTransport(asio::io_context &io)
        : m_io(io)
        , m_stream(io) {}
    void write(Bytes bytes, Done done) override {
        if (!m_open) {
            asio::post(m_io, [done] { done(asio::error::not_connected); });
            return;
        }
        auto buffer = std::make_shared<Bytes>(std::move(bytes));
        asio::async_write(m_stream, asio::buffer(*buffer),
                          [self = this->shared_from_this(), gen = m_generation, buffer,
                           done](const error_code &ec, std::size_t) {
                              if (gen == self->m_generation)
                                  done(ec);
                          });
    }
    void close() override {
        ++m_generation;
        m_open = false;
        error_code ignored;
        m_stream.close(ignored);
        closeExtra();
    }
    bool isOpen() const override { return m_open; }

protected:
    virtual void closeExtra() {}
    void startReading() {
        m_open = true;
        readMore(m_generation);
    }
    void readMore(int gen) {
        m_stream.async_read_some(asio::buffer(m_buffer), [self = this->shared_from_this(), gen](
                                                             const error_code &ec, std::size_t n) {
            if (gen != self->m_generation)
                return;
            if (ec) {
                self->close();
                if (self->m_onClosed)
                    self->m_onClosed(ec);
                return;
            }
            if (self->m_onData)
                self->m_onData(self->m_buffer.data(), n);
            if (gen == self->m_generation) // the receiver may have closed us
                self->readMore(gen);
        });
    }

    asio::io_context &m_io;
    Stream m_stream;
    int m_generation = 0;
    bool m_open = false;
    std::array<std::uint8_t, 4096> m_buffer{};
};

class TcpTransport final : public StreamTransport<asio::ip::tcp::socket, TcpTransport> {
public:
    TcpTransport(asio::io_context &io, TcpSettings settings)
        : StreamTransport(io)
        , m_settings(std::move(settings))
        , m_resolver(io)
        , m_timer(io) {}
    std::string describe() const override {
        return "tcp " + m_settings.host + ":" + std::to_string(m_settings.port);
    }
    void open(Done done) override {
        close();
        const int gen = m_generation;
        auto finished = std::make_shared<bool>(false);
        auto finish = [self = shared_from_this(), gen, finished, done](error_code ec) {
            if (*finished || gen != self->m_generation)
                return;
            *finished = true;
            self->m_timer.cancel();
            if (ec) {
                self->close();
                done(ec);
                return;
            }
            error_code ignored;
            self->m_stream.set_option(asio::ip::tcp::no_delay(true), ignored);
            self->startReading();
            done(ec);
        };
        m_timer.expires_after(std::chrono::milliseconds(m_settings.connectTimeoutMs));
        m_timer.async_wait([finish](const error_code &ec) {
            if (!ec)
                finish(asio::error::timed_out);
        });
        m_resolver.async_resolve(
            m_settings.host, std::to_string(m_settings.port),
            [self = shared_from_this(), gen, finish](const error_code &ec,
                                                     asio::ip::tcp::resolver::results_type r) {
                if (gen != self->m_generation)
                    return;
                if (ec) {
                    finish(ec);
                    return;
                }
                asio::async_connect(self->m_stream, r,
                                    [finish](const error_code &e, const auto &) { finish(e); });
            });
    }

private:
    void closeExtra() override {
        m_resolver.cancel();
        m_timer.cancel();
    }
    TcpSettings m_settings;
    asio::ip::tcp::resolver m_resolver;
    asio::steady_timer m_timer;
};

class SerialTransport final : public StreamTransport<asio::serial_port, SerialTransport> {
public:
    SerialTransport(asio::io_context &io, SerialSettings settings)
        : StreamTransport(io)
        , m_settings(std::move(settings)) {}
    std::string describe() const override { return "serial " + m_settings.device; }
    void open(Done done) override {
        close();
        error_code ec;
        m_stream.open(m_settings.device, ec);
        using sp = asio::serial_port_base;
        const auto parity = m_settings.parity == Parity::Odd    ? sp::parity::odd
                            : m_settings.parity == Parity::Even ? sp::parity::even
                                                                : sp::parity::none;
        const auto stop = m_settings.stopBits == StopBits::Two ? sp::stop_bits::two
                          : m_settings.stopBits == StopBits::OnePointFive
                              ? sp::stop_bits::onepointfive
                              : sp::stop_bits::one;
        if (!ec)
            m_stream.set_option(sp::baud_rate(m_settings.baudRate), ec);
        if (!ec)
            m_stream.set_option(sp::character_size(m_settings.characterSize), ec);
        if (!ec)
            m_stream.set_option(sp::parity(parity), ec);
        if (!ec)
            m_stream.set_option(sp::stop_bits(stop), ec);
        if (!ec)
            m_stream.set_option(sp::flow_control(sp::flow_control::none), ec);
        if (ec)
            close();
        else
            startReading();
        asio::post(m_io, [done, ec] { done(ec); });
    }

private:
    SerialSettings m_settings;
};

} // namespace

std::shared_ptr<Transport> makeTcpTransport(asio::io_context &io, TcpSettings settings) {
    return std::make_shared<TcpTransport>(io, std::move(settings));
}

std::shared_ptr<Transport> makeSerialTransport(asio::io_context &io, SerialSettings settings) {
    return std::make_shared<SerialTransport>(io, std::move(settings));
}

// ---- FakeTransport

FakeTransport::FakeTransport(asio::io_context &io, FakeScript script)
    : m_io(io)
    , m_script(std::move(script)) {}

namespace {
void after(asio::io_context &io, int delayMs, std::function<void()> fn) {
    if (delayMs <= 0) {
        asio::post(io, std::move(fn));
        return;
    }
    auto timer = std::make_shared<asio::steady_timer>(io, std::chrono::milliseconds(delayMs));
    timer->async_wait([timer, fn = std::move(fn)](const error_code &) { fn(); });
}
} // namespace

void FakeTransport::open(Done done) {
    close();
    ++m_opens;
    const int gen = m_generation;
    after(m_io, m_script.connectDelayMs, [self = shared_from_this(), gen, done] {
        if (gen != self->m_generation)
            return;
        if (self->m_script.failConnects > 0) {
            --self->m_script.failConnects;
            done(asio::error::connection_refused);
            return;
        }
        self->m_open = true;
        done({});
        if (!self->m_script.greeting.empty())
            self->inject(self->m_script.greeting);
    });
}

void FakeTransport::write(Bytes bytes, Done done) {
    if (!m_open) {
        asio::post(m_io, [done] { done(asio::error::not_connected); });
        return;
    }
    m_written.push_back({std::chrono::steady_clock::now(), bytes});
    const int gen = m_generation;
    asio::post(m_io, [done] { done({}); });
    if (m_script.closeAfterWrites > 0 && int(m_written.size()) == m_script.closeAfterWrites) {
        m_script.closeAfterWrites = -1;
        asio::post(m_io, [self = shared_from_this(), gen] {
            if (gen == self->m_generation)
                self->hangUp();
        });
        return;
    }
    if (m_script.silent || !m_script.peer)
        return;
    for (auto &chunk : m_script.peer(bytes))
        after(m_io, m_script.replyDelayMs, [self = shared_from_this(), gen, chunk] {
            if (gen == self->m_generation && self->m_onData)
                self->m_onData(chunk.data(), chunk.size());
        });
}

void FakeTransport::inject(Bytes bytes) {
    if (m_open && m_onData)
        m_onData(bytes.data(), bytes.size());
}

void FakeTransport::hangUp() {
    if (!m_open)
        return;
    close();
    if (m_onClosed)
        m_onClosed(asio::error::eof);
}

void FakeTransport::close() {
    ++m_generation;
    m_open = false;
}

} // namespace opswall::drivers
