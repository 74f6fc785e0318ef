// wallctl feed test [--format F] [--mapping FILE] [--timeout-ms MS] [--max-bytes N] URL
// Fetches a feed once with the wall's own fetcher and adapters, prints the parsed series as JSON
// on stdout, or the error on stderr with a non-zero exit (1 failed, 2 usage, 3 unreachable).
#include "commands.h"

#include "feeds/adapters.h"
#include "feeds/fetcher.h"

#include <QCoreApplication>
#include <QFile>
#include <QJsonDocument>
#include <QNetworkAccessManager>

#include <cstdio>

namespace {
void usage(std::FILE *out) {
    std::fputs(
        "usage: wallctl feed test [--format json|csv|sdmx-ml|sdmx-json|worldbank] [--mapping "
        "FILE]\n"
        "                        [--timeout-ms MS] [--max-bytes N] URL\n"
        "Fetches URL once, parses it and prints the series as JSON (or the error, exit != 0).\n"
        "The format is guessed from the URL when not given (.csv, .xml, api.worldbank.org).\n"
        "FILE is a feed mapping as in a feed definition's \"mapping\" object.\n",
        out);
}

opswall::feeds::Format guessFormat(const QUrl &url) {
    using opswall::feeds::Format;
    const QString path = url.path().toLower();
    if (path.endsWith(QLatin1String(".csv")))
        return Format::Csv;
    if (path.endsWith(QLatin1String(".xml")))
        return Format::SdmxMl;
    if (url.host().contains(QLatin1String("worldbank")) ||
        path.contains(QLatin1String("/v2/country/")))
        return Format::WorldBank;
    if (path.contains(QLatin1String("sdmx-json")))
        return Format::SdmxJson;
    return Format::Invalid;
}

int fail(int code, const QString &message) {
    std::fprintf(stderr, "wallctl feed: %s\n", qPrintable(message));
    return code;
}
} // namespace

int wallctl::feedMain(int argc, char **argv) {
    using namespace opswall::feeds;
    if (argc < 2 || QByteArray(argv[1]) == "--help" || QByteArray(argv[1]) == "-h") {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? Usage : Ok;
    }
    if (QByteArray(argv[1]) != "test") {
        usage(stderr);
        return Usage;
    }
    int qargc = 1;
    QCoreApplication app(qargc, argv);
    Format format = Format::Invalid;
    QString mappingPath, urlText;
    int timeoutMs = 20000;
    qint64 maxBytes = 64 * 1024 * 1024;
    for (int i = 2; i < argc; ++i) {
        const QByteArray a = argv[i];
        const bool hasValue = i + 1 < argc;
        if (a == "--format" && hasValue) {
            format = formatFromName(QString::fromUtf8(argv[++i]));
            if (format == Format::Invalid)
                return fail(
                    Usage,
                    QStringLiteral("unknown format '%1' (json, csv, sdmx-ml, sdmx-json, worldbank)")
                        .arg(QString::fromUtf8(argv[i])));
        } else if (a == "--mapping" && hasValue) {
            mappingPath = QString::fromLocal8Bit(argv[++i]);
        } else if (a == "--timeout-ms" && hasValue) {
            timeoutMs = QByteArray(argv[++i]).toInt();
        } else if (a == "--max-bytes" && hasValue) {
            maxBytes = QByteArray(argv[++i]).toLongLong();
        } else if (!a.startsWith("--") && urlText.isEmpty()) {
            urlText = QString::fromUtf8(a);
        } else {
            usage(stderr);
            return Usage;
        }
    }
    const QUrl url(urlText, QUrl::StrictMode);
    if (urlText.isEmpty() || !url.isValid() ||
        (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")))
        return fail(Usage, QStringLiteral("give an http or https URL"));
    if (timeoutMs < 100 || maxBytes < 1024)
        return fail(Usage, QStringLiteral("--timeout-ms must be >= 100 and --max-bytes >= 1024"));
    if (format == Format::Invalid)
        format = guessFormat(url);
    if (format == Format::Invalid)
        return fail(Usage, QStringLiteral("cannot guess the format from the URL: give --format"));
    FeedMapping mapping;
    if (!mappingPath.isEmpty()) {
        QFile f(mappingPath);
        if (!f.open(QIODevice::ReadOnly))
            return fail(Usage, QStringLiteral("%1: %2").arg(mappingPath, f.errorString()));
        QJsonParseError pe;
        const QJsonDocument doc = QJsonDocument::fromJson(f.read(1 << 20), &pe);
        if (pe.error != QJsonParseError::NoError || !doc.isObject())
            return fail(
                Usage,
                QStringLiteral("%1: not a JSON object (%2)").arg(mappingPath, pe.errorString()));
        QString err;
        mapping = FeedMapping::fromJson(doc.object(), &err);
        if (!err.isEmpty())
            return fail(Usage, QStringLiteral("%1: %2").arg(mappingPath, err));
    } else if (format == Format::Csv || format == Format::Json) {
        return fail(Usage,
                    QStringLiteral("%1 feeds need --mapping FILE (timeField, valueField, ...)")
                        .arg(formatName(format)));
    }

    QNetworkAccessManager nam;
    HttpFetcher fetcher(&nam);
    FetchRequest req;
    req.url = url;
    req.timeoutMs = timeoutMs;
    req.maxBytes = maxBytes;
    int exitCode = Failed;
    fetcher.fetch(req, [&](const FetchResult &r) {
        if (!r.ok()) {
            exitCode =
                fail(r.transient() && r.outcome != FetchOutcome::HttpError ? Unreachable : Failed,
                     QStringLiteral("%1: %2").arg(url.toString(), r.error));
        } else {
            ParseLimits limits;
            limits.maxBytes = maxBytes;
            const ParseResult parsed = parseFeed(format, r.body, mapping, limits);
            if (!parsed.ok()) {
                exitCode = fail(Failed, QStringLiteral("cannot read the %1 document: %2")
                                            .arg(formatName(format), parsed.error.toString()));
            } else {
                QJsonObject o = seriesToJson(parsed);
                o.insert(QStringLiteral("url"), r.finalUrl.toString());
                o.insert(QStringLiteral("format"), formatName(format));
                std::fputs(QJsonDocument(o).toJson(QJsonDocument::Indented).constData(), stdout);
                exitCode = Ok;
            }
        }
        QCoreApplication::quit();
    });
    app.exec();
    return exitCode;
}
