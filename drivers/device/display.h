#pragma once
// The device API (STYLE.md practice 6): one display = a link + its address on that link. All
// calls are asynchronous and complete exactly once on the io_context's thread. Several Display
// objects may share one Link (a daisy chain); the link serialises them.
#include "link.h"

#include <string>

namespace opswall::drivers {

enum class Power { Invalid = 0, On, Off };
enum class Switch { Invalid = 0, On, Off };

// One health poll's answers; each field keeps its own status, so a display that cannot report
// fans still reports temperature.
struct Health {
    Result power;       // value: PowerState
    Result input;       // text: input name
    Result temperature; // value: degrees Celsius (PJLink: text ok/warning/error)
    Result fans;        // value: 0 ok, 1 fault, 2 not available
    Result errors;      // value: 0 none, 1 some; values: vendor detail
};

class Display {
public:
    using Callback = Link::Callback;

    Display(std::shared_ptr<Link> link, Address address, std::string name = {});

    const std::string &name() const { return m_name; }
    const Address &address() const { return m_address; }
    const std::shared_ptr<Link> &link() const { return m_link; }

    void execute(Command command, Callback done) const;

    void setPower(Power power, Callback done) const;
    void powerStatus(Callback done) const;
    void setInput(std::string input, Callback done) const;
    void input(Callback done) const;
    void setBrightness(int percent, Callback done) const;
    void brightness(Callback done) const;
    void setBacklight(int percent, Callback done) const;
    void backlight(Callback done) const;
    void setContrast(int percent, Callback done) const;
    void contrast(Callback done) const;
    void setColourTemperature(int kelvin, Callback done) const;
    void colourTemperature(Callback done) const;
    // columns x rows wall, this panel at position (1 = top-left, row-major); 1x1 turns tiling off.
    void setTiling(int columns, int rows, int position, Callback done) const;
    void setBezelCompensation(Switch state, Callback done) const;
    void temperature(Callback done) const;
    void fans(Callback done) const;
    void serialNumber(Callback done) const;
    void model(Callback done) const;
    void firmware(Callback done) const;
    void errorStatus(Callback done) const;
    // One poll for the health monitor: power, then input, temperature, fans and errors (skipped,
    // with the power failure copied, when the display does not answer at all).
    void health(std::function<void(Health)> done) const;

private:
    std::shared_ptr<Link> m_link;
    Address m_address;
    std::string m_name;
};

} // namespace opswall::drivers
