#pragma once
// Reads JSON documents while tracking the path of the value being read, so every validation
// error names the exact field at fault ("tiles[3].rect.w: must be greater than 0, got -5").

#include "core/jsontypes.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QSet>
#include <QString>
#include <QStringList>

#include <optional>

namespace opswall::wall {

struct Issue {
    QString path;    // e.g. "displays[2].bezelMm.left"; empty for the whole document
    QString message; // for a technician, in English
    QString toString() const {
        return path.isEmpty() ? message : path + QStringLiteral(": ") + message;
    }
};

class JsonReader {
public:
    explicit JsonReader(QList<Issue> *issues, QString path = {})
        : m_issues(issues)
        , m_path(std::move(path)) {}

    QString child(const QString &key) const {
        return m_path.isEmpty() ? key : m_path + QLatin1Char('.') + key;
    }
    QString index(qsizetype i) const { return m_path + QStringLiteral("[%1]").arg(i); }
    const QString &path() const { return m_path; }
    // Readers for a nested object or array element, reporting into the same issue list.
    JsonReader at(const QString &key) const { return JsonReader(m_issues, child(key)); }
    JsonReader at(qsizetype i) const { return JsonReader(m_issues, index(i)); }
    qsizetype issueCount() const { return m_issues->size(); }

    void error(const QString &path, const QString &message) const {
        m_issues->append({path, message});
    }

    // Each getter reports a missing/mistyped required field and returns nullopt.
    std::optional<double> number(const QJsonObject &o, const QString &key, bool required = true,
                                 std::optional<double> fallback = std::nullopt) const;
    std::optional<int> integer(const QJsonObject &o, const QString &key, bool required = true,
                               std::optional<int> fallback = std::nullopt) const;
    std::optional<QString> string(const QJsonObject &o, const QString &key, bool required = true,
                                  std::optional<QString> fallback = std::nullopt) const;
    std::optional<bool> boolean(const QJsonObject &o, const QString &key, bool required = true,
                                std::optional<bool> fallback = std::nullopt) const;
    std::optional<QJsonObject> object(const QJsonObject &o, const QString &key,
                                      bool required = true) const;
    std::optional<QJsonArray> array(const QJsonObject &o, const QString &key,
                                    bool required = true) const;
    // Reports every key of o that is not in known (typos must not be silently ignored).
    void rejectUnknown(const QJsonObject &o, const QStringList &known) const;

private:
    QList<Issue> *m_issues;
    QString m_path;
};

using opswall::jsonTypeName; // a JSON value's type in words (core/jsontypes.h)

} // namespace opswall::wall
