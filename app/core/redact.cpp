#include "core/redact.h"

#include <QtGlobal>

#include <initializer_list>

namespace opswall {

namespace {

bool schemeChar(QChar c) {
    return c.isLetterOrNumber() || c == u'+' || c == u'-' || c == u'.';
}

// Where a URI ends inside free text or JSON-ish text.
bool uriEnd(QChar c) {
    return c.isSpace() || c == u'"' || c == u'\'' || c == u'<' || c == u'>' || c == u'`' ||
           c == u')' || c == u']' || c == u'}' || c == u',';
}

bool authorityEnd(QChar c) {
    return uriEnd(c) || c == u'/' || c == u'?' || c == u'#';
}

// Query parameter names whose values are credentials.
bool secretParam(QStringView name) {
    for (const char *s : {"password", "passwd", "pwd", "pass", "passphrase", "secret", "token",
                          "access_token", "accesstoken", "apikey", "api_key", "api-key", "key",
                          "auth", "authorization", "sig", "signature", "credential", "credentials"})
        if (name.compare(QLatin1String(s), Qt::CaseInsensitive) == 0)
            return true;
    return false;
}

// Redacts the URI that starts at `start` (its scheme) in `text`, whose "://" is at `sep`.
// Appends to out and returns the index just past the URI.
qsizetype redactOne(const QString &text, qsizetype start, qsizetype sep, QString *out) {
    out->append(QStringView(text).mid(start, sep + 3 - start));
    qsizetype i = sep + 3;
    qsizetype authEnd = i;
    while (authEnd < text.size() && !authorityEnd(text[authEnd]))
        ++authEnd;
    const QStringView authority = QStringView(text).mid(i, authEnd - i);
    const qsizetype at = authority.lastIndexOf(u'@');
    if (at >= 0) {
        const QStringView userinfo = authority.left(at);
        const qsizetype colon = userinfo.indexOf(u':');
        if (colon >= 0)
            out->append(userinfo.left(colon + 1));
        out->append(QStringView(kRedacted));
        out->append(authority.mid(at));
    } else {
        out->append(authority);
    }
    i = authEnd;
    // Path, then query parameters, until the URI ends.
    while (i < text.size() && !uriEnd(text[i])) {
        const QChar c = text[i];
        out->append(c);
        ++i;
        if (c != u'?' && c != u'&' && c != u';')
            continue;
        qsizetype eq = i;
        while (eq < text.size() && !uriEnd(text[eq]) && text[eq] != u'=' && text[eq] != u'&' &&
               text[eq] != u'#')
            ++eq;
        if (eq >= text.size() || text[eq] != u'=')
            continue;
        const QStringView name = QStringView(text).mid(i, eq - i);
        out->append(name);
        out->append(u'=');
        i = eq + 1;
        qsizetype valueEnd = i;
        while (valueEnd < text.size() && !uriEnd(text[valueEnd]) && text[valueEnd] != u'&' &&
               text[valueEnd] != u'#' && text[valueEnd] != u';')
            ++valueEnd;
        if (secretParam(name) && valueEnd > i)
            out->append(QStringView(kRedacted));
        else
            out->append(QStringView(text).mid(i, valueEnd - i));
        i = valueEnd;
    }
    return i;
}

QtMessageHandler g_previousHandler = nullptr;

void redactingHandler(QtMsgType type, const QMessageLogContext &context, const QString &message) {
    g_previousHandler(type, context, mayHoldSecret(message) ? redactText(message) : message);
}

} // namespace

bool mayHoldSecret(const QString &text) {
    return text.contains(QLatin1String("://"));
}

QString redactText(const QString &text) {
    if (!mayHoldSecret(text))
        return text;
    QString out;
    out.reserve(text.size());
    qsizetype copied = 0;
    qsizetype from = 0;
    for (;;) {
        const qsizetype sep = text.indexOf(QLatin1String("://"), from);
        if (sep < 0)
            break;
        qsizetype start = sep;
        while (start > copied && schemeChar(text[start - 1]))
            --start;
        if (start == sep || !text[start].isLetter()) { // "://" without a scheme: not a URI
            from = sep + 3;
            continue;
        }
        out.append(QStringView(text).mid(copied, start - copied));
        copied = redactOne(text, start, sep, &out);
        from = copied;
    }
    out.append(QStringView(text).mid(copied));
    return out;
}

QString redactUri(const QString &uri) {
    return redactText(uri);
}

bool isSecretKey(const QString &key) {
    QString k = key.toLower();
    k.remove(u'_');
    k.remove(u'-');
    for (const char *s : {"password", "passwd", "passphrase", "secret", "authorization", "apikey",
                          "accesstoken", "bearer", "credential", "privatekey"})
        if (k.contains(QLatin1String(s)))
            return true;
    return k == QLatin1String("token") || k == QLatin1String("pwd") || k == QLatin1String("pass");
}

QJsonArray redactJson(const QJsonArray &array) {
    QJsonArray out;
    for (const QJsonValue &v : array)
        out.append(redactJson(v));
    return out;
}

QJsonObject redactJson(const QJsonObject &object) {
    QJsonObject out;
    for (auto it = object.begin(); it != object.end(); ++it) {
        const bool secret = isSecretKey(it.key()) && !it->isNull() && !it->isBool() &&
                            !(it->isString() && it->toString().isEmpty()) && !it->isObject() &&
                            !it->isArray();
        out.insert(it.key(),
                   secret ? QJsonValue(QString::fromUtf16(kRedacted)) : redactJson(it.value()));
    }
    return out;
}

QJsonValue redactJson(const QJsonValue &value) {
    switch (value.type()) {
    case QJsonValue::String:
        return redactText(value.toString());
    case QJsonValue::Object:
        return redactJson(value.toObject());
    case QJsonValue::Array:
        return redactJson(value.toArray());
    default:
        return value;
    }
}

void installLogRedaction() {
    if (g_previousHandler)
        return;
    g_previousHandler = qInstallMessageHandler(redactingHandler); // Qt 6: never null
}

} // namespace opswall
