#pragma once
// What wallctl's API commands share (api_command.cpp, calibrate_command.cpp): the option parser,
// the connection options every one of them takes (--url, --token, --cacert, --insecure,
// --timeout), and how a failed answer is reported and mapped to an exit code (commands.h).

#include "control/apiclient.h"

#include <QJsonObject>
#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>

namespace wallctl {

using opswall::control::ApiClient;
using opswall::control::ApiResponse;
using opswall::control::ClientSettings;

struct Args {
    QStringList positional;
    QMap<QString, QString> options; // --name value, or --name=value
    QStringList flags;              // --json, --insecure, ... ("-h" is "--help")
    QString error;                  // a usage error, for people
};

// argv without the program (argv[0] is the subcommand): valued options take the next argument
// (or "=value"), flags none; any other "-x" is an error.
Args parseArgs(int argc, char **argv, const QStringList &valued, const QStringList &flags);

// The connection options every API command takes, besides its own.
inline const QStringList kConnectionOptions{"--url", "--token", "--cacert", "--timeout"};
inline const QStringList kConnectionFlags{"--json", "--insecure", "--help", "-h"};

// The client's settings from --url, --token (or their defaults), --cacert, --insecure,
// --timeout SEC. False with *error (for people) when one is wrong.
bool clientSettings(const Args &a, opswall::control::ClientSettings *s, QString *error);

// KEY=VALUE words into *out: a value that reads as JSON (true, 3, "x", [..], {..}) as written,
// anything else as text; with emptyIsNull, "KEY=" is null (removes the key). The first word
// that is not KEY=VALUE, for people, when there is one.
std::optional<QString> keyValues(const QStringList &words, QJsonObject *out, bool emptyIsNull);

int exitFor(const opswall::control::ApiResponse &r);
// A failed answer on stderr ("wallctl: message (code, field F, HTTP n)"; with --json the body
// on stdout) and its exit code; Ok, printing nothing, for a success.
int reportFailure(const opswall::control::ApiResponse &r, bool json);

} // namespace wallctl
