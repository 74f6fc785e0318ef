#pragma once
// Secrets never leave the process: the ONE redaction used by every outward path (API answers,
// WebSocket events, the line protocol, metrics, log lines). Pure functions, any thread.
//
//   redactUri("rtsp://cam:pa55@10.0.0.5/live")      -> "rtsp://cam:***@10.0.0.5/live"
//   redactUri("rtsp://tok3n@10.0.0.5/live")         -> "rtsp://***@10.0.0.5/live"
//   redactUri("srt://h:9000?passphrase=abc&mode=x") -> "srt://h:9000?passphrase=***&mode=x"
//   redactText("cannot open rtsp://a:b@h/x: refused") redacts every URI inside free text
//   redactJson(o): every string as redactText, and the value of every secret-named key
//                  ("password", "passphrase", "secret", "authorization", "apiKey", ...) as "***"
//
// installLogRedaction() puts redactText in front of Qt's message handler (main() calls it), so
// a log line with a URI in it (a GStreamer error, a feed failure) carries no password either.

#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>

namespace opswall {

inline constexpr char16_t kRedacted[] = u"***";

QString redactUri(const QString &uri);
QString redactText(const QString &text);
bool isSecretKey(const QString &key);
QJsonValue redactJson(const QJsonValue &value);
QJsonObject redactJson(const QJsonObject &object);
QJsonArray redactJson(const QJsonArray &array);
// True when redactText would change the text (cheap pre-check for hot paths).
bool mayHoldSecret(const QString &text);

void installLogRedaction();

} // namespace opswall
