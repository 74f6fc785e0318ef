#pragma once
// Per-model settings where vendors (or firmware generations) differ. Defaults follow
// PROTOCOLS.md; a deployment overrides them per display model after checking on hardware.
#include "protocol_fwd.h"

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace opswall::drivers {

// MDC 0x89 "video wall user" packs the wall geometry into one byte; sources disagree on the
// order (PROTOCOLS.md §1 quirks: magik1969 packs cols<<4|rows, vgavro packs rows<<4|cols).
enum class MdcWallNibbles { Invalid = 0, ColumnsHigh, RowsHigh };

struct LgTileLetters {
    // Command letters differ between LG generations (owner's manual RS-232C appendix).
    std::string tileMode = "dd";
    std::string tileId = "di";
    std::string naturalMode = "dj";
};

struct ModelProfile {
    std::string model = "generic";
    std::map<std::string, int, std::less<>> inputCodes; // input name -> vendor code
    MdcWallNibbles mdcWallNibbles = MdcWallNibbles::ColumnsHigh;
    LgTileLetters lgTiles;
    int maxTileColumns = 10;
    int maxTileRows = 10;
    // Picture settings (calibration): mode and gamma names -> vendor codes; the largest RGB gain
    // the protocol accepts (vendor units). Empty maps mean "unsupported on this display".
    std::map<std::string, int, std::less<>> pictureModes;
    std::map<std::string, int, std::less<>> gammaCodes;
    int maxRgbGain = 255;

    std::optional<int> inputCode(std::string_view name) const;
    std::optional<std::string> inputName(int code) const;
    static std::optional<int> code(const std::map<std::string, int, std::less<>> &names,
                                   std::string_view name);
    static std::optional<std::string> name(const std::map<std::string, int, std::less<>> &names,
                                           int code);

    static ModelProfile defaultFor(ProtocolKind kind);
};

} // namespace opswall::drivers
