#include "panel.h"

namespace opswall::drivers::sim {

SimBank SimBank::make(ProtocolKind kind, std::initializer_list<int> ids) {
    SimBank bank;
    bank.kind = kind;
    bank.profile = ModelProfile::defaultFor(kind);
    for (int id : ids) {
        SimPanel p;
        p.id = id;
        p.input = bank.profile.inputCode("hdmi1").value_or(0);
        p.pictureMode = ModelProfile::code(bank.profile.pictureModes, "standard").value_or(0);
        p.gamma = ModelProfile::code(bank.profile.gammaCodes, "2.2").value_or(0);
        p.serial = "SIM" + std::to_string(int(kind)) + "0000" + std::to_string(1000 + id);
        bank.panels[id] = p;
    }
    return bank;
}

SimPanel *SimBank::panel(int id) {
    const auto it = panels.find(id);
    return it == panels.end() ? nullptr : &it->second;
}

} // namespace opswall::drivers::sim
