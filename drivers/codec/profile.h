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

// LG's RS-232C command set differs by product family (owner's manuals, RS-232C appendix). The
// white-balance gains and the picture mode are where calibration meets it:
//   Signage      jm/jn/jo red/green/blue gain, data 00-FE (0-254); dx picture mode. Sources:
//                LG 47LV35A/55LV35A owner's manual, "Controlling the multiple product" 37-39,
//                https://manualsdump.com/en/manuals/lg_electronics-47lv35a-55lv35a/129860/64 ;
//                LG 32/42/47/55/65LS33A and LS35A, same numbers,
//                https://manualsdump.com/en/manuals/lg_electronics-65ls33a-55ls33a-42ls33a-55ls35a-32ls33a-42ls35a-47ls35a-47ls33a/250493/74
//                ; LG 72WX70MF 57-59,
//                https://manualsdump.com/en/manuals/lg_electronics-72wx70mf/129863/72 ; dx: LG
//                42LS75A/49LS75A/55LS75A "05. Picture Mode (Command: d x)", 00 Vivid, 01 Standard,
//                02 Cinema, 03 Sports, 04 Game, 05 Expert 1, 06 Expert 2, 08 APS,
//                http://office.manualsonline.com/manuals/mfg/lg/42ls75a_49ls75a_55ls75a.html?p=61
//   Multivision  the older M-series multi-vision monitors: jw/jy/jz red/green/blue gain, data
//                00-64 (0-100; setting one switches a 6500K/9300K preset to USER); no picture-mode
//                command in the manual. Source: LG M4210N owner's manual, RS-232C 14-16,
//                https://manualshive.com/ru/manual/lg/m4210n/212418?page=50
// "ju" is auto configuration (PC input), never a gain: LG 55LW9800 and HECTO manuals.
enum class LgFamily { Invalid = 0, Signage, Multivision };
const char *lgFamilyName(LgFamily family);
LgFamily lgFamilyFromName(std::string_view name); // Invalid when unknown

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
    LgFamily lgFamily = LgFamily::Signage;

    // LG: the family's command letters, gain range and picture modes (see LgFamily).
    void useLgFamily(LgFamily family);

    std::optional<int> inputCode(std::string_view name) const;
    std::optional<std::string> inputName(int code) const;
    static std::optional<int> code(const std::map<std::string, int, std::less<>> &names,
                                   std::string_view name);
    static std::optional<std::string> name(const std::map<std::string, int, std::less<>> &names,
                                           int code);

    static ModelProfile defaultFor(ProtocolKind kind);
};

} // namespace opswall::drivers
