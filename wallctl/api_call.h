// wallctl's API subcommands share one call: the parsed arguments, the client and the helpers each
// command uses (options, ids, JSON files, requests printed as the user asked). Exit codes:
// wallctl/commands.h.
#pragma once

#include "apioptions.h"

#include "control/apiclient.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <QTextStream>

#include <initializer_list>

namespace wallctl {

int usageError(const QString &message);
// TIME (ISO 8601 or milliseconds since the epoch) as milliseconds since the epoch.
QString iso(const QString &time, bool *ok);
void printObject(QTextStream &out, const QJsonObject &o, int indent);
// A value as readable lines (a list: one line per item, "id  name  key=value ...").
void printValue(QTextStream &out, const QJsonValue &v, int indent);
// The response as the user asked: JSON as it came, or readable lines; its exit code.
int show(const opswall::control::ApiResponse &r, bool json);

class ApiCall {
public:
    ApiCall(const Args &args, const opswall::control::ClientSettings &settings,
            opswall::control::ApiClient &client, QString command);

    // One function per command (wallctl COMMAND SUB ID ...).
    int status() const;
    int nodes() const;
    int preset() const;
    int layout() const;
    int tile() const;
    int source() const;
    int feeds() const;
    int audio() const;
    int alert() const;
    int devices() const;
    int audit() const;
    int token() const;
    int lock() const;
    int panel() const;
    int output() const;
    int briefing() const;
    int schedule() const;
    int failback() const;

private:
    QString opt(const char *name) const { return a.options.value(QLatin1String(name)); }
    bool has(const char *name) const { return a.options.contains(QLatin1String(name)); }
    bool needId(const char *what) const;
    // --NAME options as numbers into body; a missing one is an error when required.
    bool numbers(QJsonObject *body, std::initializer_list<const char *> names, bool required) const;
    bool readJsonFile(const QString &path, QJsonObject *out) const;
    int get(const QString &path) const;
    int post(const QString &path, const QJsonObject &body = {}) const;
    int del(const QString &path) const;
    int unknown() const;
    int panelList() const;

    const Args &a;
    const opswall::control::ClientSettings &s;
    opswall::control::ApiClient &client;
    const QString cmd;
    const bool json;
    const QStringList &p;
    const QString sub;
    const QString id;
};

} // namespace wallctl
