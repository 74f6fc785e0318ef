#include "display.h"

namespace opswall::drivers {

Display::Display(std::shared_ptr<Link> link, Address address, std::string name)
    : m_link(std::move(link))
    , m_address(address)
    , m_name(name.empty() ? m_link->describe() + " #" + std::to_string(address.id)
                          : std::move(name)) {}

void Display::execute(Command command, Callback done) const {
    m_link->submit(std::move(command), m_address, std::move(done));
}

void Display::setPower(Power power, Callback done) const {
    if (power == Power::Invalid) {
        done(Result::failure(Status::BadArgument, "power must be on or off"));
        return;
    }
    execute(Command::make(power == Power::On ? Op::PowerOn : Op::PowerOff), std::move(done));
}

void Display::powerStatus(Callback done) const {
    execute(Command::make(Op::PowerStatus), std::move(done));
}
void Display::setInput(std::string input, Callback done) const {
    execute(Command::input(std::move(input)), std::move(done));
}
void Display::input(Callback done) const {
    execute(Command::make(Op::GetInput), std::move(done));
}
void Display::setBrightness(int percent, Callback done) const {
    execute(Command::make(Op::SetBrightness, percent), std::move(done));
}
void Display::brightness(Callback done) const {
    execute(Command::make(Op::GetBrightness), std::move(done));
}
void Display::setBacklight(int percent, Callback done) const {
    execute(Command::make(Op::SetBacklight, percent), std::move(done));
}
void Display::backlight(Callback done) const {
    execute(Command::make(Op::GetBacklight), std::move(done));
}
void Display::setContrast(int percent, Callback done) const {
    execute(Command::make(Op::SetContrast, percent), std::move(done));
}
void Display::contrast(Callback done) const {
    execute(Command::make(Op::GetContrast), std::move(done));
}
void Display::setColourTemperature(int kelvin, Callback done) const {
    execute(Command::make(Op::SetColourTemperature, kelvin), std::move(done));
}
void Display::colourTemperature(Callback done) const {
    execute(Command::make(Op::GetColourTemperature), std::move(done));
}
void Display::setTiling(int columns, int rows, int position, Callback done) const {
    execute(Command::tiling(columns, rows, position), std::move(done));
}
void Display::setBezelCompensation(Switch state, Callback done) const {
    if (state == Switch::Invalid) {
        done(Result::failure(Status::BadArgument, "bezel compensation must be on or off"));
        return;
    }
    execute(Command::make(Op::SetBezelCompensation, state == Switch::On ? 1 : 0), std::move(done));
}
void Display::temperature(Callback done) const {
    execute(Command::make(Op::Temperature), std::move(done));
}
void Display::fans(Callback done) const {
    execute(Command::make(Op::FanStatus), std::move(done));
}
void Display::serialNumber(Callback done) const {
    execute(Command::make(Op::SerialNumber), std::move(done));
}
void Display::model(Callback done) const {
    execute(Command::make(Op::ModelName), std::move(done));
}
void Display::firmware(Callback done) const {
    execute(Command::make(Op::Firmware), std::move(done));
}
void Display::errorStatus(Callback done) const {
    execute(Command::make(Op::ErrorStatus), std::move(done));
}

void Display::health(std::function<void(Health)> done) const {
    // Power first: a display that does not answer is not asked four more times (each would
    // wait out the reply timeout). The rest go together; the link runs them back to back.
    auto h = std::make_shared<Health>();
    powerStatus([self = *this, h, done](Result power) {
        h->power = std::move(power);
        const Status s = h->power.status;
        if (s == Status::Timeout || s == Status::Unreachable || s == Status::AuthFailed ||
            s == Status::Cancelled) {
            h->input = h->temperature = h->fans = h->errors = h->power;
            done(*h);
            return;
        }
        auto left = std::make_shared<int>(4);
        auto collect = [h, left, done](Result Health::*field) {
            return [h, left, done, field](Result r) {
                (*h).*field = std::move(r);
                if (--*left == 0)
                    done(*h);
            };
        };
        self.input(collect(&Health::input));
        self.temperature(collect(&Health::temperature));
        self.fans(collect(&Health::fans));
        self.errorStatus(collect(&Health::errors));
    });
}

} // namespace opswall::drivers
