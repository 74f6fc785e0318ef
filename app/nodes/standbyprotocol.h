#pragma once
// The standby link's frames (README.md "Hot standby"): a primary controller ships its store to a
// standby over one TCP connection, the standby confirms each step.
//
//   frame := length (4 bytes, big-endian: type + payload) | type (1 byte) | payload
//
//   standby -> primary  Hello     {"version": 1, "id", "token", "epoch", "active", "schema"}
//                                  (JSON; "schema": what the standby's opswall can run)
//   primary -> standby  Welcome   {"epoch", "id", "schema": {"core": n, "<component>": n},
//                                  "keys": {"audit": file, "secrets": file}} (JSON; the keys
//                                  folder's files, which are not in the database)
//                       Refused   {"reason", "code"} (JSON; "code": "schema" when the primary's
//                                  store is at a schema the standby cannot run, "token" when
//                                  the token is unknown or not of the role standby)
//                       Fenced    {"epoch"}: a peer with a higher epoch told this one to stop
//                       Snapshot  seq (8 bytes) | the whole database (sqlite3_serialize)
//                       Changes   seq (8 bytes) | one write transaction (a session changeset)
//                       Heartbeat seq (8 bytes, the last shipped) | epoch (8 bytes), every 100 ms
//   standby -> primary  Ack       seq (8 bytes): everything up to seq is committed on the standby
//   primary -> standby  Promote   {"epoch", "id"}: fail back; after every change before it, the
//                       primary stopped taking changes; the standby takes over at that epoch
//
// A peer that has taken over (active) sends the same Hello with "active": true and its higher
// epoch to the controller it replaced: that one fences itself (Fenced answer) and refuses changes.
// Pure: the reader holds its framing state and does no I/O; every length is bounded.

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace opswall::nodes::standby {

inline constexpr int kProtocolVersion = 1;
inline constexpr qint64 kMaxJsonBytes = 16384;
inline constexpr qint64 kMaxChangesBytes = 256LL * 1024 * 1024;
inline constexpr qint64 kMaxSnapshotBytes = 1024LL * 1024 * 1024;

enum class FrameType : char {
    Invalid = 0,
    Hello = 'H',
    Welcome = 'W',
    Refused = 'R',
    Fenced = 'F',
    Snapshot = 'S',
    Changes = 'C',
    Heartbeat = 'B',
    Ack = 'A',
    Promote = 'P',
};

struct Frame {
    FrameType type = FrameType::Invalid;
    QByteArray payload;
};

QByteArray encode(FrameType type, const QByteArray &payload);
QByteArray encodeJson(FrameType type, const QJsonObject &object);
// Snapshot, Changes: seq then the bytes; Ack: seq only; Heartbeat: seq and epoch.
QByteArray encodeSeq(FrameType type, quint64 seq, const QByteArray &bytes = {});
QByteArray encodeHeartbeat(quint64 seq, qint64 epoch);

// The leading 8-byte sequence number of a payload; std::nullopt when shorter.
std::optional<quint64> seqOf(const QByteArray &payload);
// A JSON object payload (at most kMaxJsonBytes); std::nullopt with *why otherwise.
std::optional<QJsonObject> jsonOf(const QByteArray &payload, QString *why);

class FrameReader {
public:
    enum class Status { Frame, NeedMore, Error };
    void append(const QByteArray &bytes) { m_buffer.append(bytes); }
    // The next whole frame (Frame), NeedMore, or Error with *why (an unknown type, a length
    // beyond its type's bound): the connection is then dropped. After an Error it stays in Error.
    Status next(Frame *frame, QString *why);
    qsizetype buffered() const { return m_buffer.size(); }

private:
    QByteArray m_buffer;
    bool m_broken = false;
};

struct Hello {
    QString id;
    QString token;
    qint64 epoch = 0;
    bool active = false; // a controller that took over, telling the one it replaced
    QJsonObject schema;  // a standby: the schema its opswall migrates a store to (may be empty)
};
QJsonObject helloJson(const Hello &hello);
std::optional<Hello> parseHello(const QJsonObject &object, QString *why);

} // namespace opswall::nodes::standby
