#pragma once
namespace opswall::drivers {
enum class ProtocolKind;
class Protocol;
} // namespace opswall::drivers
