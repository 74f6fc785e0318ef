#include "feedservice/feedservice.h"

#include "feeds/adapters.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QWebSocket>

#include <algorithm>
#include <array>
#include <cmath>

namespace opswall::feedservice {

using namespace opswall::feeds;

namespace {
QByteArray contentTypeFor(const QString &path) {
    if (path.endsWith(QLatin1String(".csv")))
        return "text/csv; charset=utf-8";
    if (path.endsWith(QLatin1String(".xml")))
        return "application/xml";
    if (path.endsWith(QLatin1String(".json")))
        return "application/json";
    return "application/octet-stream";
}

// Deterministic pseudo-random in [0,1) from a key (simulated series stay the same across restarts).
double noise(quint64 key) {
    key ^= key >> 33;
    key *= 0xff51afd7ed558ccdULL;
    key ^= key >> 33;
    key *= 0xc4ceb9fe1a85ec53ULL;
    key ^= key >> 33;
    return double(key % 1000000) / 1000000.0;
}

// Vietnam's time (Asia/Ho_Chi_Minh): UTC+7 all year, no daylight saving since 1975, so a fixed
// offset needs no time zone database.
constexpr int kVietnamOffsetSecs = 7 * 3600;

// Weight of each minute of the Vietnamese day in a day's registrations (simulated; only the
// day's total is GSO's): most during office hours (08:00-17:00, about one a minute), some in the
// evening and early morning and a few at night through the online portal.
double minuteWeight(int minute) {
    if (minute < 6 * 60)
        return 0.04; // 00:00-06:00
    if (minute < 8 * 60)
        return 0.2; // 06:00-08:00
    if (minute < 17 * 60)
        return 1.0; // office hours
    if (minute < 22 * 60)
        return 0.2; // 17:00-22:00
    return 0.08;    // 22:00-24:00
}

// The share of a day's registrations made before minute `minute` (0..1440) of the day.
double dayShare(int minute) {
    static const std::array<double, 1441> cumulative = [] {
        std::array<double, 1441> c{};
        for (int m = 0; m < 1440; ++m)
            c[std::size_t(m) + 1] = c[std::size_t(m)] + minuteWeight(m);
        for (double &v : c)
            v /= c[1440];
        return c;
    }();
    return cumulative[std::size_t(qBound(0, minute, 1440))];
}
} // namespace

FeedService::FeedService(FeedServiceOptions options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_dir(m_options.dataDir)
    , m_started(m_options.clock ? m_options.clock() : QDateTime::currentDateTimeUtc()) {
    // Daily new registrations from GSO's monthly table: Feb 2025 YTD minus Jan 2025 YTD, over the
    // 15 working days of February 2025 after the Tết holiday.
    QFile f(m_dir.filePath(QStringLiteral("gso-monthly-national-2024-01_2025-02.csv")));
    if (f.open(QIODevice::ReadOnly)) {
        FeedMapping m;
        m.timeField = QStringLiteral("period");
        m.valueField = QStringLiteral("value");
        m.indicatorField = QStringLiteral("indicator");
        m.includeIndicators = {QStringLiteral("ENT_NEW_YTD")};
        const ParseResult r = parseCsv(f.readAll(), m, {});
        if (const Series *s = r.find(QStringLiteral("ENT_NEW_YTD")); s && s->points.size() >= 2) {
            const double feb = s->points.back().value - s->points[s->points.size() - 2].value;
            m_dailyRegistrations = int(std::lround(feb / 15.0));
        }
    }
    // In real time, while offices are open in Vietnam, the replay is the Vietnamese day's own
    // time; outside office hours, and faster, the replay runs that day's office hours from 08:00
    // (a counter that moves about once a minute at any hour the demo starts).
    m_replayFrom = m_started.toOffsetFromUtc(kVietnamOffsetSecs);
    const QTime local = m_replayFrom.time();
    if (m_options.liveTickMs != 60000 || local < QTime(8, 0) || local >= QTime(17, 0))
        m_replayFrom.setTime(QTime(8, 0));
    m_liveTimer.setInterval(m_options.liveTickMs);
    connect(&m_liveTimer, &QTimer::timeout, this, &FeedService::tick);
}

bool FeedService::check(QString *error) const {
    for (const char *f : {"gso-monthly-national-2024-01_2025-02.csv", "gso-sdmx/CPIVNM.xml",
                          "worldbank-wdi-VNM-annual.csv"}) {
        if (!QFileInfo::exists(m_dir.filePath(QLatin1String(f)))) {
            *error = QStringLiteral("%1 not found in %2 (pass --data shared/data/indicators)")
                         .arg(QLatin1String(f), m_dir.absolutePath());
            return false;
        }
    }
    return true;
}

void FeedService::attach(HttpServer *server) {
    m_server = server;
    // The same live counter over WebSocket at ws://host:port/live/enterprises.
    server->enableWebSockets();
    connect(server, &HttpServer::webSocketJoined, this,
            [this](const QByteArray &channel, QWebSocket *ws) {
                if (channel == "enterprises")
                    ws->sendTextMessage(liveJson());
            });
    m_liveTimer.start();
}

HttpResponse FeedService::handle(const HttpRequest &req) {
    const QString p = req.path;
    if (p == QLatin1String("/healthz"))
        return HttpResponse::text(200, "ok\n");
    if (p.startsWith(QLatin1String("/files/")))
        return serveFile(req, p.mid(7));
    if (p.startsWith(QLatin1String("/sdmx-json/")))
        return sdmxJson(req, p.mid(11));
    static const QString wb = QStringLiteral("/worldbank/v2/country/VNM/indicator/");
    if (p.startsWith(wb))
        return worldBank(req, p.mid(wb.size()));
    if (p == QLatin1String("/simulated/procurement.json"))
        return simulated(req, QStringLiteral("procurement"));
    if (p == QLatin1String("/simulated/reporting.json"))
        return simulated(req, QStringLiteral("reporting"));
    if (p == QLatin1String("/simulated/projects.json"))
        return simulatedProjects(req);
    if (p == QLatin1String("/live/enterprises"))
        return liveStream(req);
    return HttpResponse::text(404, "no such feed\n");
}

HttpResponse FeedService::serveBytes(const HttpRequest &req, const QByteArray &body,
                                     const QDateTime &modified, const QByteArray &contentType) {
    const QByteArray etag =
        '"' + QCryptographicHash::hash(body, QCryptographicHash::Sha1).toHex().left(20) + '"';
    const QByteArray lastModified = httpDate(modified);
    HttpResponse r;
    r.setHeader("ETag", etag);
    r.setHeader("Last-Modified", lastModified);
    r.setHeader("Cache-Control", "max-age=0, must-revalidate");
    const QByteArray inm = req.header("If-None-Match");
    const QByteArray ims = req.header("If-Modified-Since");
    if ((!inm.isEmpty() && (inm == etag || inm == "*")) ||
        (inm.isEmpty() && !ims.isEmpty() && ims == lastModified)) {
        r.status = 304;
        return r;
    }
    r.setHeader("Content-Type", contentType);
    r.setHeader("Vary", "Accept-Encoding");
    if (req.header("Accept-Encoding").contains("gzip") && body.size() > 1024) {
        r.body = gzipCompress(body);
        r.setHeader("Content-Encoding", "gzip");
    } else {
        r.body = body;
    }
    return r;
}

HttpResponse FeedService::serveFile(const HttpRequest &req, const QString &rel) {
    if (rel.contains(QLatin1String("..")) || rel.startsWith(QLatin1Char('/')) ||
        rel.contains(QLatin1Char('\\')))
        return HttpResponse::text(400, "bad path\n");
    const QString path = m_dir.filePath(rel);
    QFile f(path);
    if (!QFileInfo(path).isFile() || !f.open(QIODevice::ReadOnly))
        return HttpResponse::text(404, "no such file\n");
    return serveBytes(req, f.readAll(), QFileInfo(path).lastModified(), contentTypeFor(rel));
}

HttpResponse FeedService::sdmxJson(const HttpRequest &req, const QString &name) {
    static const QRegularExpression ok(QStringLiteral("^[A-Za-z_]+$"));
    if (!ok.match(name).hasMatch())
        return HttpResponse::text(400, "bad dataset name\n");
    const QString path = m_dir.filePath(QStringLiteral("gso-sdmx/%1.xml").arg(name));
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return HttpResponse::text(404, "no such dataset\n");
    QByteArray &cached = m_cache[QStringLiteral("sdmx-json/") + name];
    if (cached.isEmpty()) {
        FeedMapping m;
        m.dimensionAttributes = {QStringLiteral("FREQ")};
        const ParseResult r = parseSdmxMl(f.readAll(), m, {});
        if (!r.ok())
            return HttpResponse::text(500, r.error.toString().toUtf8());
        SdmxJsonHeader header;
        header.id = name;
        header.prepared = r.source;
        header.name = QStringLiteral("%1 (SDMX-JSON view of the GSO SDMX-ML file)").arg(name);
        cached = toSdmxJson(r.series, header);
    }
    return serveBytes(req, cached, QFileInfo(path).lastModified(),
                      "application/vnd.sdmx.data+json;version=1.0.0");
}

HttpResponse FeedService::worldBank(const HttpRequest &req, const QString &indicator) {
    auto apiError = [&](const QString &id, const QString &key, const QString &value) {
        // The World Bank API reports errors with HTTP 200 and this body.
        HttpResponse r;
        r.setHeader("Content-Type", "application/json;charset=utf-8");
        r.body = QJsonDocument(QJsonArray{QJsonObject{
                                   {QStringLiteral("message"),
                                    QJsonArray{QJsonObject{{QStringLiteral("id"), id},
                                                           {QStringLiteral("key"), key},
                                                           {QStringLiteral("value"), value}}}}}})
                     .toJson(QJsonDocument::Compact);
        return r;
    };
    QFile f(m_dir.filePath(QStringLiteral("worldbank-wdi-VNM-annual.csv")));
    if (!f.open(QIODevice::ReadOnly))
        return HttpResponse::text(503, "data missing\n");
    FeedMapping m;
    m.timeField = QStringLiteral("year");
    m.valueField = QStringLiteral("value");
    m.indicatorField = QStringLiteral("indicator_code");
    m.includeIndicators = {indicator};
    const ParseResult parsed = parseCsv(f.readAll(), m, {});
    const Series *s = parsed.find(indicator);
    if (!s)
        return apiError(QStringLiteral("120"), QStringLiteral("Invalid value"),
                        QStringLiteral("The provided parameter value is not valid"));
    bool okPer = false, okPage = false;
    const int perPage =
        qBound(1, req.query.queryItemValue(QStringLiteral("per_page")).toInt(&okPer), 1000);
    const int page = qMax(1, req.query.queryItemValue(QStringLiteral("page")).toInt(&okPage));
    const int per = okPer ? perPage : 50;
    QList<Observation> newestFirst(s->points.rbegin(), s->points.rend());
    const int total = int(newestFirst.size());
    const int pages = (total + per - 1) / per;
    QJsonArray rows;
    for (int i = (page - 1) * per; i < qMin(total, page * per); ++i)
        rows.append(QJsonObject{
            {QStringLiteral("indicator"),
             QJsonObject{{QStringLiteral("id"), indicator}, {QStringLiteral("value"), indicator}}},
            {QStringLiteral("country"),
             QJsonObject{{QStringLiteral("id"), QStringLiteral("VN")},
                         {QStringLiteral("value"), QStringLiteral("Viet Nam")}}},
            {QStringLiteral("countryiso3code"), QStringLiteral("VNM")},
            {QStringLiteral("date"), newestFirst[i].period.toString()},
            {QStringLiteral("value"), newestFirst[i].value},
            {QStringLiteral("unit"), QString()},
            {QStringLiteral("obs_status"), QString()},
            {QStringLiteral("decimal"), 1}});
    const QJsonObject meta{{QStringLiteral("page"), page},
                           {QStringLiteral("pages"), pages},
                           {QStringLiteral("per_page"), per},
                           {QStringLiteral("total"), total},
                           {QStringLiteral("sourceid"), QStringLiteral("2")},
                           {QStringLiteral("lastupdated"), QStringLiteral("2025-07-01")}};
    HttpResponse r;
    r.setHeader("Content-Type", "application/json;charset=utf-8");
    r.body = QJsonDocument(QJsonArray{meta, rows.isEmpty() ? QJsonValue() : QJsonValue(rows)})
                 .toJson(QJsonDocument::Compact);
    return r;
}

HttpResponse FeedService::simulated(const HttpRequest &req, const QString &which) {
    // No real data exists for these systems in the demo: the document says so at the top and on
    // every record, and the feed definition is marked simulated, so the wall labels the tiles.
    const QDate today = QDate::currentDate();
    const QTime now = QTime::currentTime();
    const double dayFraction =
        qBound(0.0, (now.msecsSinceStartOfDay() / 3600000.0 - 8.0) / 9.0, 1.0);
    QJsonArray records;
    for (int back = 30; back >= 0; --back) {
        const QDate d = today.addDays(-back);
        const quint64 key = quint64(d.toJulianDay()) * 31 + quint64(which.size());
        const double frac = back == 0 ? dayFraction : 1.0;
        auto rec = [&](const char *indicator, double value, const char *unit) {
            records.append(QJsonObject{{QStringLiteral("date"), d.toString(Qt::ISODate)},
                                       {QStringLiteral("indicator"), QLatin1String(indicator)},
                                       {QStringLiteral("value"), value},
                                       {QStringLiteral("unit"), QLatin1String(unit)},
                                       {QStringLiteral("simulated"), true}});
        };
        const bool weekend = d.dayOfWeek() >= 6;
        if (which == QLatin1String("procurement")) {
            rec("PROC_TENDERS_PUBLISHED",
                std::round((weekend ? 40 : 420 + 160 * noise(key)) * frac), "packages");
            rec("PROC_CONTRACT_VALUE_BN_VND",
                std::round((weekend ? 150 : 2600 + 1900 * noise(key + 1)) * frac), "bn VND");
            rec("PROC_E_PROCUREMENT_PCT", std::round(920 + 60 * noise(key + 2)) / 10.0, "%");
        } else {
            rec("REPORTS_RECEIVED", std::round((weekend ? 3 : 60 + 40 * noise(key)) * frac),
                "reports");
            rec("REPORTS_ON_TIME_PCT", std::round(800 + 180 * noise(key + 3)) / 10.0, "%");
        }
    }
    const QJsonObject doc{
        {QStringLiteral("simulated"), true},
        {QStringLiteral("note"),
         QStringLiteral("SIMULATED values: no real data source for %1 in the demo. "
                        "Dữ liệu mô phỏng, không phải số liệu thật.")
             .arg(which)},
        {QStringLiteral("records"), records}};
    return serveBytes(req, QJsonDocument(doc).toJson(QJsonDocument::Compact),
                      QDateTime(today, QTime(now.hour(), now.minute())), "application/json");
}

HttpResponse FeedService::simulatedProjects(const HttpRequest &req) {
    // Investment supervision (the fifth national database) has no real feed in the demo: six
    // key projects with a made-up schedule, progress and disbursement for the last 12 months,
    // labelled simulated like the other simulated systems. Deterministic by month, so a test and
    // a screenshot see the same values all month.
    struct Project {
        const char *id;
        int startMonthsAgo; // when works started
        int durationMonths; // the schedule
        double pace;        // actual progress per scheduled progress
        double disburseLag; // disbursement share of progress
    };
    static const Project projects[] = {
        {"DA-01", 30, 48, 0.97, 0.92}, {"DA-02", 20, 36, 0.78, 0.70},
        {"DA-03", 40, 44, 1.00, 0.95}, {"DA-04", 14, 30, 0.62, 0.55},
        {"DA-05", 26, 40, 0.90, 0.85}, {"DA-06", 10, 24, 1.05, 0.90}};
    const QDate today = QDate::currentDate();
    const QDate thisMonth(today.year(), today.month(), 1);
    QJsonArray records;
    for (int back = 11; back >= 0; --back) {
        const QDate d = thisMonth.addMonths(-back);
        for (const Project &pr : projects) {
            const int elapsed = pr.startMonthsAgo - back;
            if (elapsed < 0)
                continue;
            const double planned = std::min(100.0, 100.0 * elapsed / pr.durationMonths);
            const double actual = std::min(100.0, planned * pr.pace);
            // Months behind: how long ago the schedule stood where the works stand now.
            const double slip = std::max(0.0, (planned - actual) / 100.0 * pr.durationMonths);
            auto rec = [&](const char *indicator, double value, const char *unit) {
                records.append(QJsonObject{{QStringLiteral("date"), d.toString(Qt::ISODate)},
                                           {QStringLiteral("project"), QLatin1String(pr.id)},
                                           {QStringLiteral("indicator"), QLatin1String(indicator)},
                                           {QStringLiteral("value"), std::round(value * 10) / 10},
                                           {QStringLiteral("unit"), QLatin1String(unit)},
                                           {QStringLiteral("simulated"), true}});
            };
            rec("PROJ_PLANNED_PCT", planned, "%");
            rec("PROJ_PROGRESS_PCT", actual, "%");
            rec("PROJ_DISBURSED_PCT", actual * pr.disburseLag, "%");
            rec("PROJ_SLIP_MONTHS", slip, "months");
        }
    }
    const QJsonObject doc{
        {QStringLiteral("simulated"), true},
        {QStringLiteral("note"),
         QStringLiteral("SIMULATED values: no real investment-supervision feed in the demo. "
                        "Dữ liệu mô phỏng, không phải số liệu thật.")},
        {QStringLiteral("records"), records}};
    return serveBytes(req, QJsonDocument(doc).toJson(QJsonDocument::Compact),
                      QDateTime(thisMonth, QTime(0, 0)), "application/json");
}

int liveCountAt(int dailyRegistrations, const QTime &vietnamTime) {
    const int minute = vietnamTime.hour() * 60 + vietnamTime.minute();
    return int(std::lround(dailyRegistrations * dayShare(minute)));
}

QDateTime FeedService::replayNow() const {
    const QDateTime now = m_options.clock ? m_options.clock() : QDateTime::currentDateTimeUtc();
    const qint64 realMs = m_started.msecsTo(now); // a clock set back goes back
    // One replayed minute per tick.
    const qint64 replayedMs = realMs * 60000 / std::max(1, m_options.liveTickMs);
    return m_replayFrom.addMSecs(replayedMs);
}

int FeedService::liveCount() const {
    return liveCountAt(m_dailyRegistrations, replayNow().time());
}

QString FeedService::liveJson() const {
    const QDateTime at = replayNow();
    const QJsonObject o{
        {QStringLiteral("indicator"), QStringLiteral("ENT_NEW_TODAY")},
        {QStringLiteral("value"), liveCountAt(m_dailyRegistrations, at.time())},
        {QStringLiteral("unit"), QStringLiteral("enterprises")},
        // The Vietnamese day the count is about (not this machine's date: at 17:00 UTC a new
        // day starts in Vietnam).
        {QStringLiteral("period"), at.date().toString(Qt::ISODate)},
        {QStringLiteral("replayMinute"), at.time().toString(QStringLiteral("HH:mm"))},
        {QStringLiteral("simulatedDistribution"), true}};
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

QByteArray FeedService::liveEvent() const {
    return "event: count\nid: " + QByteArray::number(m_eventId) + "\ndata: " + liveJson().toUtf8() +
           "\n\n";
}

HttpResponse FeedService::liveStream(const HttpRequest &) {
    HttpResponse r;
    r.setHeader("Content-Type", "text/event-stream; charset=utf-8");
    r.sseChannel = "enterprises";
    r.body = "retry: 2000\n\n" + liveEvent();
    return r;
}

void FeedService::tick() {
    // The count at the replayed moment (liveJson), to every listener.
    ++m_eventId;
    if (m_server) {
        m_server->publish("enterprises", liveEvent());
        m_server->publish("enterprises", ": keep-alive\n\n");
        m_server->publishText("enterprises", liveJson());
    }
}

} // namespace opswall::feedservice
