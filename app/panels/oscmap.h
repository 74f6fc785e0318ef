#pragma once
// The wall's OSC address space (README "OSC"), as pure functions: a received message -> the
// dispatcher action it asks for, and a wall event -> the feedback messages tablets get.
//
//   in (tablet -> wall)                       action
//   /opswall/preset/recall <int id>           preset.recall {"id": id}
//   /opswall/briefing/next                    briefing.next
//   /opswall/briefing/previous                briefing.previous
//   /opswall/briefing/blank <int 0|1>         briefing.blank {"on": bool}
//   /opswall/blank <int 0|1>                  briefing.blank {"on": bool} (the wall goes black)
//   /opswall/audio/unmute <string source>     audio.set {"source": source}
//   /opswall/audio/mute                       audio.set {"source": ""}
//   /opswall/lock <int 0|1>                   lock.acquire {"reason": "OSC"} / lock.release
//   /opswall/sync                             none: the wall answers with the current feedback
//
//   out (wall -> every tablet that has talked to it)
//   /opswall/preset/active <int id>           after any preset recall (0 before the first)
//   /opswall/lock <int 0|1> <string holder>   when the control lock is taken or given back
//   /opswall/briefing/step <int n>            when a briefing steps (events carrying "step")
//
// Ints may come as OSC int32, int64, true/false, or a float holding a whole number (TouchOSC
// buttons send 1.0 / 0.0). Address patterns in received messages are honoured
// (/opswall/briefing/{next} ...); a pattern matching several methods is refused as ambiguous
// rather than firing several wall changes.
#include "core/action.h"

#include "osc.h"

#include <QJsonObject>
#include <QString>

#include <optional>
#include <vector>

namespace opswall::panels {

struct OscRequest {
    enum class Kind { Invalid = 0, Action, Sync };
    Kind kind = Kind::Invalid;
    Action action;
    QString error; // Invalid: why, in words, naming the address
};

OscRequest oscRequest(const drivers::osc::Message &message);

// What tablets are told; kept by the panel service so a new tablet gets it at once.
struct OscFeedbackState {
    int activePreset = 0;
    bool locked = false;
    QString lockHolder;
    int briefingStep = 0;
};

// Updates state from one wall event (ControlService's event stream) and returns the messages
// to send (none when the event changes nothing a tablet shows).
std::vector<drivers::osc::Message> oscFeedback(const QJsonObject &event, OscFeedbackState &state);
// Everything, for a tablet that has just appeared (or asked with /opswall/sync).
std::vector<drivers::osc::Message> oscFullState(const OscFeedbackState &state);

} // namespace opswall::panels
