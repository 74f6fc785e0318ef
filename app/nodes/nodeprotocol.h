#pragma once
// The node link's opening exchange, before Qt Remote Objects takes the connection over:
//
//   node -> controller   OPSWALL-NODE 6 <node id> <outputs> <token>\n
//   controller -> node   OK <link key>\n            (the link is handed to Qt Remote Objects)
//                        REFUSED <reason>\n         (and the controller closes the connection)
//
// <link key> is 32 random hex digits the controller makes for this link only: the node sends it
// with every report (nodewall.rep), and the controller takes a report only with the key of the
// link of the node it names, so a node cannot report for another (the key travels inside the
// link, TLS off loopback).
// <outputs> is a comma-separated list of output indices (as in GET /api/v1/wall, from 0). Every
// line is bounded (kMaxLineBytes); anything else is refused with a reason. Pure functions, so the
// parsers are unit-tested and fuzzed without sockets.

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>

namespace opswall::nodes {

// 2: link-keyed video and switch reports, heartbeat; 3: nodeBusy; 4: streams' starts and skew
// trims (nodewall.rep starts, trims; reportVideo's trimNs); 5: live HLS anchors (anchors, and
// live HLS reported by its MPEG-TS PTS); 6: the layouts expected next (ahead)
inline constexpr int kProtocolVersion = 6;
inline constexpr qsizetype kMaxLineBytes = 512;
inline constexpr int kMaxOutputs = 64;
inline constexpr int kMaxOutputIndex = 999;

struct Hello {
    QString nodeId;
    QList<int> outputs;
    QString token;
};

// "1,2" -> {1, 2}; std::nullopt (and *why) for an empty list, a non-number, a negative or too
// large index, a duplicate or more than kMaxOutputs entries.
std::optional<QList<int>> parseOutputs(const QString &text, QString *why);
QString outputsText(const QList<int> &outputs);
// A node id: 1-64 letters, digits, '-', '_', '.' or '@'.
bool validNodeId(const QString &id);

QByteArray helloLine(const Hello &hello);
// One line without its '\n'. std::nullopt (and *why) when it is not a hello of this version.
std::optional<Hello> parseHello(const QByteArray &line, QString *why);

inline constexpr int kLinkKeyHexDigits = 32;
// A new link key: kLinkKeyHexDigits random hex digits (QRandomGenerator::system()).
QByteArray newLinkKey();
QByteArray okLine(const QByteArray &linkKey);
QByteArray refusedLine(const QString &reason);
// The controller's answer: true for OK with a well-formed key (into *linkKey); false with
// *reason for REFUSED or anything else.
bool parseAnswer(const QByteArray &line, QString *reason, QByteArray *linkKey = nullptr);

} // namespace opswall::nodes
