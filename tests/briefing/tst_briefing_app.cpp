// Briefings on the real opswall (tests/rendering/appundertest.h: offscreen, demo wall, presets and
// briefing, no demo services): a full run over the HTTP API with its WebSocket events and the
// control lock, a full run over the line protocol, wallctl, step pictures drawn by the wall's
// renderer (focus dims the rest), the PDF record checked on pdftoppm's pixels, and the presenter
// page in headless Chromium (tests/briefing/presenter/present_check.mjs).
#include "appundertest.h"

#include <QDir>
#include <QImage>
#include <QStandardPaths>
#include <QTcpSocket>
#include <QWebSocket>

using namespace opswall;
using apptest::ApiClient;
using apptest::ApiResponse;

namespace {

// A step recalls a preset, which rebuilds every tile: on a loaded machine that has taken more than
// the line helper's default 3 s, so the line protocol's stepping replies get longer.
constexpr int kStepWaitMs = 15000;

QJsonObject current(const apptest::Wall &app) {
    return jsonOf(app.api("GET", QStringLiteral("/briefings/current")).body);
}

// Mean brightness (0..255) of an image.
double brightness(const QImage &image) {
    const QImage small = image.scaled(160, 90).convertToFormat(QImage::Format_RGB32);
    double sum = 0;
    for (int y = 0; y < small.height(); ++y)
        for (int x = 0; x < small.width(); ++x)
            sum += qGray(small.pixel(x, y));
    return sum / (small.width() * small.height());
}

// How many pixels are close to the wall's accent colour (#e0a526), the focus outline.
bool isAccent(QRgb p) {
    return std::abs(qRed(p) - 0xe0) < 20 && std::abs(qGreen(p) - 0xa5) < 20 &&
           std::abs(qBlue(p) - 0x26) < 30;
}

// Pixels in the theme's accent colour in `image` that are not accent-coloured in `before`: the
// focus outline. (Accent-coloured parts of the layout itself, such as the alert list's badges and
// the title marks, are there in both, or dimmed in the focused picture.)
int newAccentPixels(const QImage &image, const QImage &before) {
    const QImage rgb = image.convertToFormat(QImage::Format_RGB32);
    const QImage base = before.convertToFormat(QImage::Format_RGB32);
    int n = 0;
    for (int y = 0; y < std::min(rgb.height(), base.height()); ++y)
        for (int x = 0; x < std::min(rgb.width(), base.width()); ++x)
            if (isAccent(rgb.pixel(x, y)) && !isAccent(base.pixel(x, y)))
                ++n;
    return n;
}

int distinctColours(const QImage &image) {
    const QImage small = image.scaled(200, 120).convertToFormat(QImage::Format_RGB32);
    QSet<QRgb> colours;
    for (int y = 0; y < small.height(); ++y)
        for (int x = 0; x < small.width(); ++x)
            colours.insert(small.pixel(x, y) & 0xf0f0f0);
    return int(colours.size());
}

} // namespace

class TestBriefingApp : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanup();
    void fullRunOverTheApi();
    void fullRunOverTheLineProtocol();
    void wallctlRunsABriefing();
    void stepPicturesAreDrawnByTheWallsRenderer();
    void pdfRecordHasOnePagePerStepShowingItsTiles();
    void presenterPageInChromium();
    void twoPresentersInChromium();
    void blankStepPictureIsTheBlankScreen();
    void saveAgainstAnOldRevisionIsAConflict();
    void schedulesOverWallctl();

private:
    apptest::Wall m_app;
    QString m_leader;
};

void TestBriefingApp::initTestCase() {
    QString why;
    QVERIFY2(m_app.start(&why), qPrintable(why));
    QVERIFY2(m_app.makeRoleTokens(&why), qPrintable(why));
    m_leader = m_app.tokens[Role::Leader];
    const QJsonArray list =
        jsonOf(m_app.api("GET", QStringLiteral("/briefings")).body)["items"].toArray();
    QCOMPARE(list.size(), 1); // the demo's briefing
    QCOMPARE(list[0]["id"].toInt(), 1);
    QCOMPARE(list[0]["steps"].toInt(), 8);
}

void TestBriefingApp::cleanup() {
    // Whatever a test left running ends, so the next one starts from an unlocked wall.
    m_app.api("DELETE", QStringLiteral("/lock")); // an admin may release anyone's lock
    if (current(m_app)["active"].toBool())
        m_app.api("POST", QStringLiteral("/briefings/current/end"));
}

void TestBriefingApp::fullRunOverTheApi() {
    ApiClient leader = m_app.client(m_leader);
    QWebSocket ws;
    QList<QJsonObject> events;
    connect(&ws, &QWebSocket::textMessageReceived,
            [&events](const QString &m) { events.append(jsonOf(m.toUtf8())); });
    ws.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/api/v1/events?access_token=%2")
                     .arg(m_app.port)
                     .arg(m_app.tokens[Role::Viewer])));
    QTRY_VERIFY_WITH_TIMEOUT(!events.isEmpty(), 5000); // hello

    ApiResponse r = leader.request("POST", QStringLiteral("/briefings/1/start"));
    QVERIFY2(r.status == 200, r.body.constData());
    const QJsonObject started = jsonOf(r.body);
    QCOMPARE(started["briefing"]["step"].toInt(), 1);
    // The lock is the leader's; the wall shows the first step.
    const QJsonObject lock = jsonOf(m_app.api("GET", QStringLiteral("/lock")).body);
    QVERIFY2(lock.value(QStringLiteral("holder")).toString() == QStringLiteral("e2e-leader"),
             QJsonDocument(lock).toJson().constData());
    QCOMPARE(jsonOf(m_app.api("GET", QStringLiteral("/status")).body)["layout"].toString(),
             QStringLiteral("Mở đầu giao ban"));

    QCOMPARE(leader.request("POST", QStringLiteral("/briefings/1/next")).status, 200);
    QCOMPARE(leader.request("POST", QStringLiteral("/briefings/1/goto"), {{"step", 4}}).status,
             200);
    QCOMPARE(leader.request("POST", QStringLiteral("/briefings/current/previous")).status, 200);
    QCOMPARE(leader.request("POST", QStringLiteral("/briefings/1/blank")).status, 200);
    QCOMPARE(current(m_app)["blank"].toBool(), true);
    QCOMPARE(leader.request("POST", QStringLiteral("/briefings/1/unblank")).status, 200);
    QCOMPARE(current(m_app)["step"].toInt(), 3);
    QCOMPARE(jsonOf(m_app.api("GET", QStringLiteral("/status")).body)["layout"].toString(),
             QStringLiteral("Tổng quan kinh tế"));

    // Refused to others, with the reason: a viewer by role, an operator by the leader's lock.
    r = m_app.client(m_app.tokens[Role::Viewer])
            .request("POST", QStringLiteral("/briefings/1/next"));
    QCOMPARE(r.status, 403);
    QVERIFY(jsonOf(r.body)["message"].toString().contains(QStringLiteral("viewer")));
    r = m_app.client(m_app.tokens[Role::Operator])
            .request("POST", QStringLiteral("/briefings/1/next"));
    QCOMPARE(r.status, 423);
    QVERIFY(jsonOf(r.body)["message"].toString().contains(QStringLiteral("e2e-leader")));
    r = m_app.client(m_app.tokens[Role::Technician])
            .request("POST", QStringLiteral("/briefings/1/start"));
    QCOMPARE(r.status, 403);
    // Stepping past the end is a clear conflict, not a silent no-op.
    QCOMPARE(leader.request("POST", QStringLiteral("/briefings/1/goto"), {{"step", 8}}).status,
             200);
    r = leader.request("POST", QStringLiteral("/briefings/1/next"));
    QCOMPARE(r.status, 409);
    QVERIFY(jsonOf(r.body)["message"].toString().contains(QStringLiteral("last step")));

    QCOMPARE(leader.request("POST", QStringLiteral("/briefings/1/end")).status, 200);
    QCOMPARE(current(m_app)["active"].toBool(), false);
    QVERIFY2(!jsonOf(m_app.api("GET", QStringLiteral("/lock")).body)["locked"].toBool(),
             "the end released the lock");
    QCOMPARE(m_app.client(m_app.tokens[Role::Operator])
                 .request("POST", QStringLiteral("/presets/1/recall"))
                 .status,
             200);

    // The events carried every step, in order, with who stepped it.
    QList<int> steps;
    QTRY_VERIFY_WITH_TIMEOUT(std::any_of(events.begin(), events.end(),
                                         [](const QJsonObject &e) {
                                             return e["type"] == QStringLiteral("briefing.end");
                                         }),
                             5000);
    for (const QJsonObject &e : events)
        if (e["type"].toString().startsWith(QStringLiteral("briefing.")) &&
            e["briefing"]["active"].toBool()) {
            steps << e["briefing"]["step"].toInt();
            QCOMPARE(e["by"].toString(), QStringLiteral("e2e-leader"));
        }
    QCOMPARE(steps, (QList<int>{1, 2, 4, 3, 3, 3, 8}));
    // The run's record.
    const QJsonObject b = jsonOf(m_app.api("GET", QStringLiteral("/briefings/1")).body);
    QList<int> shown;
    for (const QJsonValue &s : b["lastRun"]["shown"].toArray())
        shown << s["step"].toInt();
    QCOMPARE(shown, (QList<int>{1, 2, 4, 3, 8}));
    // And the audit rows.
    const QJsonArray audit =
        jsonOf(m_app.api("GET", QStringLiteral("/audit?action=briefing.&limit=100")).body)["items"]
            .toArray();
    QVERIFY2(audit.size() >= 10, QJsonDocument(audit).toJson().left(400).constData());
}

void TestBriefingApp::fullRunOverTheLineProtocol() {
    QTcpSocket av;
    QVERIFY(connectLine(av, m_app.port + 1));
    QVERIFY(lineCommand(av, "LOGIN " + m_leader.toLatin1()).startsWith("OK LOGIN"));
    QByteArray reply = lineCommand(av, "BRIEFING START 1", kStepWaitMs);
    QVERIFY2(reply.startsWith("OK BRIEFING") && reply.contains("step=1") &&
                 reply.contains("steps=8"),
             reply.constData());
    reply = lineCommand(av, "BRIEFING NEXT", kStepWaitMs);
    QVERIFY2(reply.contains("step=2"), reply.constData());
    reply = lineCommand(av, "BRIEFING GOTO 6", kStepWaitMs);
    QVERIFY2(reply.contains("step=6"), reply.constData());
    reply = lineCommand(av, "BRIEFING PREVIOUS", kStepWaitMs);
    QVERIFY2(reply.contains("step=5"), reply.constData());
    reply = lineCommand(av, "BRIEFING BLANK", kStepWaitMs);
    QVERIFY2(reply.contains("blank=1"), reply.constData());
    reply = lineCommand(av, "STATUS");
    QVERIFY2(reply.contains("briefingStep=5") && reply.contains("briefingBlank=1") &&
                 reply.contains("lockedBy=e2e-leader"),
             reply.constData());
    reply = lineCommand(av, "BRIEFING UNBLANK", kStepWaitMs);
    QVERIFY2(reply.contains("blank=0"), reply.constData());
    reply = lineCommand(av, "BRIEFING GOTO 99", kStepWaitMs);
    QVERIFY2(reply.startsWith("ERR invalid"), reply.constData());
    reply = lineCommand(av, "BRIEFING SIDEWAYS", kStepWaitMs);
    QVERIFY2(reply.startsWith("ERR usage"), reply.constData());
    // A viewer's panel is refused with the reason.
    QTcpSocket viewer;
    QVERIFY(connectLine(viewer, m_app.port + 1));
    QVERIFY(lineCommand(viewer, "LOGIN " + m_app.tokens[Role::Viewer].toLatin1())
                .startsWith("OK LOGIN"));
    reply = lineCommand(viewer, "BRIEFING NEXT");
    QVERIFY2(reply.startsWith("ERR forbidden") && reply.contains("viewer"), reply.constData());
    QCOMPARE(current(m_app)["step"].toInt(), 5);
    reply = lineCommand(av, "BRIEFING END", kStepWaitMs);
    QVERIFY2(reply.startsWith("OK BRIEFING"), reply.constData());
    QCOMPARE(current(m_app)["active"].toBool(), false);
    QVERIFY(lineCommand(av, "STATUS").contains("locked=0"));
}

void TestBriefingApp::wallctlRunsABriefing() {
    apptest::Run r = m_app.wallctl({"briefing", "list"}, m_leader);
    QVERIFY2(r.exitCode == 0 && r.out.contains("Tình hình kinh tế"), r.out.constData());
    r = m_app.wallctl({"briefing", "start", "1", "--step", "2"}, m_leader);
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QVERIFY(m_app.wallctl({"briefing", "next"}, m_leader).exitCode == 0);
    QVERIFY(m_app.wallctl({"briefing", "goto", "7"}, m_leader).exitCode == 0);
    r = m_app.wallctl({"briefing", "current", "--json"}, m_leader);
    QCOMPARE(apptest::json(r)["step"].toInt(), 7);
    QCOMPARE(apptest::json(r)["stepTitle"].toObject()["en"].toString(),
             QStringLiteral("Live link to a province"));
    // Refused to a viewer: exit status 4 and the reason on stderr.
    r = m_app.wallctl({"briefing", "next"}, m_app.tokens[Role::Viewer]);
    QCOMPARE(r.exitCode, 4);
    QVERIFY(r.err.contains("viewer"));
    QVERIFY(m_app.wallctl({"briefing", "end"}, m_leader).exitCode == 0);
    // A document round trip: get, put back as a new revision, refuse a broken one by field.
    r = m_app.wallctl({"briefing", "get", "1", "--json"});
    QCOMPARE(r.exitCode, 0);
    QTemporaryDir dir;
    QFile f(dir.filePath(QStringLiteral("b.json")));
    QJsonObject doc = apptest::json(r)["briefing"].toObject();
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(QJsonDocument(doc).toJson());
    f.close();
    r = m_app.wallctl({"briefing", "put", f.fileName(), "--id", "1"});
    QVERIFY2(r.exitCode == 0 && r.out.contains("revision: 2"), r.out + r.err);
    QJsonArray steps = doc["steps"].toArray();
    QJsonObject s0 = steps[0].toObject();
    s0["focus"] = QStringLiteral("nowhere");
    steps[0] = s0;
    doc["steps"] = steps;
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(QJsonDocument(doc).toJson());
    f.close();
    r = m_app.wallctl({"briefing", "put", f.fileName(), "--id", "1"});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("briefing.steps[0].focus"), r.err.constData());
}

void TestBriefingApp::stepPicturesAreDrawnByTheWallsRenderer() {
    const QString before =
        jsonOf(m_app.api("GET", QStringLiteral("/status")).body)["layout"].toString();
    auto picture = [this](int step) {
        const ApiResponse r =
            m_app.client(m_app.tokens[Role::Viewer])
                .request("GET", QStringLiteral("/briefings/1/steps/%1/picture").arg(step));
        return r.status == 200 ? QImage::fromData(r.body, "PNG") : QImage();
    };
    // Steps 2 and 3 show the same preset; step 3 puts the disbursement tile in focus.
    const QImage plain = picture(2);
    const QImage focused = picture(3);
    QVERIFY(!plain.isNull() && !focused.isNull());
    const QString dir = qEnvironmentVariable("BRIEFING_SCREENSHOTS");
    if (!dir.isEmpty()) {
        QDir().mkpath(dir);
        plain.save(dir + QStringLiteral("/step-2.png"));
        focused.save(dir + QStringLiteral("/step-3-focus.png"));
        picture(4).save(dir + QStringLiteral("/step-4-focus.png"));
    }
    QCOMPARE(plain.width(), 1280);
    QVERIFY2(distinctColours(plain) > 20, "the picture shows tiles, not a blank");
    QVERIFY2(brightness(focused) < brightness(plain) * 0.8,
             qPrintable(QStringLiteral("focus dims the rest: %1 vs %2")
                            .arg(brightness(focused))
                            .arg(brightness(plain))));
    QVERIFY2(newAccentPixels(focused, plain) > 200, "the focus is outlined");
    // Drawing pictures never touches the live wall.
    QCOMPARE(jsonOf(m_app.api("GET", QStringLiteral("/status")).body)["layout"].toString(), before);
    QCOMPARE(m_app.api("GET", QStringLiteral("/briefings/1/steps/9/picture")).status, 404);
    QCOMPARE(m_app.api("GET", QStringLiteral("/briefings/7/steps/1/picture")).status, 404);
}

void TestBriefingApp::pdfRecordHasOnePagePerStepShowingItsTiles() {
    const QString pdftoppm = QStandardPaths::findExecutable(QStringLiteral("pdftoppm"));
    if (pdftoppm.isEmpty())
        QSKIP("pdftoppm (poppler-utils) is not installed: cannot read the PDF's pixels");
    // A short run first, so the record has times and names.
    ApiClient leader = m_app.client(m_leader);
    QCOMPARE(leader.request("POST", QStringLiteral("/briefings/1/start")).status, 200);
    QCOMPARE(leader.request("POST", QStringLiteral("/briefings/1/next")).status, 200);
    QCOMPARE(leader.request("POST", QStringLiteral("/briefings/1/end")).status, 200);
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("record.pdf"));
    const apptest::Run r =
        m_app.wallctl({"briefing", "export", "1", "--pdf", file, "--timeout", "60"}, m_leader);
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QProcess p;
    p.start(pdftoppm, {QStringLiteral("-r"), QStringLiteral("40"), QStringLiteral("-png"), file,
                       dir.filePath(QStringLiteral("page"))});
    QVERIFY(p.waitForFinished(60000));
    QCOMPARE(p.exitCode(), 0);
    const QStringList pages =
        QDir(dir.path()).entryList({QStringLiteral("page*.png")}, QDir::Files, QDir::Name);
    QCOMPARE(pages.size(), 8); // one per step
    QList<QImage> images;
    for (const QString &name : pages) {
        const QImage page(dir.filePath(name));
        QVERIFY(!page.isNull());
        QVERIFY(page.width() > page.height()); // landscape
        // The middle of the page is the wall's picture: dark wall colours and many of them.
        const QImage middle =
            page.copy(page.width() / 5, page.height() / 3, page.width() * 3 / 5, page.height() / 3);
        QVERIFY2(brightness(middle) < 120,
                 qPrintable(name + QStringLiteral(" has no wall picture")));
        QVERIFY2(distinctColours(middle) > 12,
                 qPrintable(name + QStringLiteral(" shows no tiles")));
        images << middle;
    }
    QVERIFY2(images[0] != images[1] && images[1] != images[5], "each page shows its own step");
    const QString shots = qEnvironmentVariable("BRIEFING_SCREENSHOTS");
    if (!shots.isEmpty())
        QFile::copy(dir.filePath(pages[1]), shots + QStringLiteral("/pdf-page-2.png"));
    // The same document over the API.
    const ApiResponse api = m_app.api("GET", QStringLiteral("/briefings/1/export.pdf"));
    QCOMPARE(api.status, 200);
    QVERIFY(api.body.startsWith("%PDF-"));
}

void TestBriefingApp::presenterPageInChromium() {
    const QString node = QStandardPaths::findExecutable(QStringLiteral("node"));
    if (node.isEmpty())
        QSKIP("node is not installed");
    // The page itself is served without a token.
    const QByteArray html = rawExchange(m_app.port, "GET /present/ HTTP/1.1\r\nHost: x\r\n"
                                                    "Connection: close\r\n\r\n");
    QCOMPARE(statusOf(html), 200);
    QVERIFY(html.contains("present.js"));
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("OPSWALL_URL"), m_app.url);
    env.insert(QStringLiteral("LEADER_TOKEN"), m_leader);
    env.insert(QStringLiteral("WALLCTL"), QStringLiteral(WALLCTL_PATH));
    env.insert(QStringLiteral("OUT_DIR"),
               qEnvironmentVariable("BRIEFING_SCREENSHOTS", m_app.dir.filePath("shots")));
    p.setProcessEnvironment(env);
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(node, {QStringLiteral(PRESENT_CHECK)});
    QVERIFY(p.waitForFinished(120000));
    const QByteArray said = p.readAll();
    if (p.exitCode() == 77)
        QSKIP(said.constData());
    QVERIFY2(p.exitCode() == 0, said.constData());
}

// Two presenters, each on their own page: one holds the lock, the other follows every step and
// is refused with the holder's name, then takes over after a release; the deputy's short lock
// warns and runs out, and the leader takes over again (present_two.mjs).
void TestBriefingApp::twoPresentersInChromium() {
    const QString node = QStandardPaths::findExecutable(QStringLiteral("node"));
    if (node.isEmpty())
        QSKIP("node is not installed");
    const ApiResponse t = m_app.api("POST", QStringLiteral("/tokens"),
                                    {{QStringLiteral("name"), QStringLiteral("e2e-deputy")},
                                     {QStringLiteral("role"), QStringLiteral("leader")}});
    QVERIFY2(t.status == 201, t.body.constData());
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("OPSWALL_URL"), m_app.url);
    env.insert(QStringLiteral("LEADER_TOKEN"), m_leader);
    env.insert(QStringLiteral("DEPUTY_TOKEN"), jsonOf(t.body)[QStringLiteral("token")].toString());
    env.insert(QStringLiteral("OUT_DIR"),
               qEnvironmentVariable("BRIEFING_SCREENSHOTS", m_app.dir.filePath("shots")));
    p.setProcessEnvironment(env);
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(node, {QStringLiteral(PRESENT_TWO)});
    QVERIFY(p.waitForFinished(180000));
    const QByteArray said = p.readAll();
    if (p.exitCode() == 77)
        QSKIP(said.constData());
    QVERIFY2(p.exitCode() == 0, said.constData());
}

// While blanked, the room sees the calm black screen: the step picture asked with ?blank=1 is
// that screen (dark, few colours, the organisation's name in light letters), not the step.
void TestBriefingApp::blankStepPictureIsTheBlankScreen() {
    auto picture = [this](const QString &query) {
        const ApiResponse r =
            m_app.client(m_app.tokens[Role::Viewer])
                .request("GET", QStringLiteral("/briefings/1/steps/2/picture") + query);
        return r.status == 200 ? QImage::fromData(r.body, "PNG") : QImage();
    };
    const QImage shown = picture(QString());
    const QImage blank = picture(QStringLiteral("?blank=1"));
    QVERIFY(!shown.isNull() && !blank.isNull());
    const QString dir = qEnvironmentVariable("BRIEFING_SCREENSHOTS");
    if (!dir.isEmpty())
        blank.save(dir + QStringLiteral("/step-2-blank.png"));
    QCOMPARE(blank.size(), shown.size());
    QVERIFY2(
        brightness(blank) < 25 && brightness(blank) < brightness(shown) * 0.5,
        qPrintable(
            QStringLiteral("blank %1, shown %2").arg(brightness(blank)).arg(brightness(shown))));
    // Nearly all black (the bezels and the letters are the rest); the step is far from it.
    auto blackShare = [](const QImage &image) {
        const QImage rgb = image.convertToFormat(QImage::Format_RGB32);
        qint64 black = 0;
        for (int y = 0; y < rgb.height(); ++y)
            for (int x = 0; x < rgb.width(); ++x)
                if (qGray(rgb.pixel(x, y)) < 12)
                    ++black;
        return double(black) / double(qint64(rgb.width()) * rgb.height());
    };
    QVERIFY2(blackShare(blank) > 0.9 && blackShare(shown) < 0.6,
             qPrintable(QStringLiteral("black: %1 blank, %2 shown")
                            .arg(blackShare(blank))
                            .arg(blackShare(shown))));
    // The organisation's name: light pixels in the middle band, none of the step's tiles.
    const QImage rgb = blank.convertToFormat(QImage::Format_RGB32);
    int light = 0;
    for (int y = rgb.height() / 3; y < rgb.height() * 2 / 3; ++y)
        for (int x = 0; x < rgb.width(); ++x)
            if (qGray(rgb.pixel(x, y)) > 160)
                ++light;
    QVERIFY2(light > 200, qPrintable(QStringLiteral("%1 light pixels").arg(light)));
    // ?blank=0 or anything else is the step itself.
    QCOMPARE(picture(QStringLiteral("?blank=0")).size(), shown.size());
    QVERIFY(brightness(picture(QStringLiteral("?blank=0"))) > brightness(blank) * 2);
}

// An editor saves against the revision it opened: someone else's save in between is a
// conflict naming the newer revision, and nothing is overwritten.
void TestBriefingApp::saveAgainstAnOldRevisionIsAConflict() {
    const QJsonObject before = jsonOf(m_app.api("GET", QStringLiteral("/briefings/1")).body);
    const int revision = before[QStringLiteral("revision")].toInt();
    QJsonObject doc = before[QStringLiteral("briefing")].toObject();
    ApiClient op = m_app.client(m_app.tokens[Role::Operator]);
    ApiResponse r =
        op.request("PUT", QStringLiteral("/briefings/1"),
                   {{QStringLiteral("briefing"), doc}, {QStringLiteral("baseRevision"), revision}});
    QVERIFY2(r.status == 200, r.body.constData());
    QCOMPARE(jsonOf(r.body)[QStringLiteral("revision")].toInt(), revision + 1);
    QJsonObject mine = doc;
    mine[QStringLiteral("title")] = QStringLiteral("Bản của tôi");
    r = op.request(
        "PUT", QStringLiteral("/briefings/1"),
        {{QStringLiteral("briefing"), mine}, {QStringLiteral("baseRevision"), revision}});
    QCOMPARE(r.status, 409);
    QCOMPARE(jsonOf(r.body)[QStringLiteral("field")].toString(), QStringLiteral("baseRevision"));
    QVERIFY2(jsonOf(r.body)[QStringLiteral("message")].toString().contains(
                 QStringLiteral("revision %1").arg(revision + 1)),
             r.body.constData());
    const QJsonObject after = jsonOf(m_app.api("GET", QStringLiteral("/briefings/1")).body);
    QCOMPARE(after[QStringLiteral("revision")].toInt(), revision + 1);
    QCOMPARE(after[QStringLiteral("briefing")][QStringLiteral("title")][QStringLiteral("vi")],
             doc[QStringLiteral("title")][QStringLiteral("vi")]);
    // Without baseRevision a save is last-writer-wins, as before.
    QCOMPARE(op.request("PUT", QStringLiteral("/briefings/1"), {{QStringLiteral("briefing"), doc}})
                 .status,
             200);
}

void TestBriefingApp::schedulesOverWallctl() {
    QTemporaryDir dir;
    QFile f(dir.filePath(QStringLiteral("s.json")));
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(R"({"id": "monday", "name": "Giao ban đầu tuần", "at": "08:00", "days": ["mon"],
               "action": {"type": "briefing.start", "params": {"id": 1}}})");
    f.close();
    // Operators schedule; a leader may not.
    apptest::Run r = m_app.wallctl({"schedule", "add", f.fileName()}, m_leader);
    QCOMPARE(r.exitCode, 4);
    r = m_app.wallctl({"schedule", "add", f.fileName()}, m_app.tokens[Role::Operator]);
    QVERIFY2(r.exitCode == 0, r.err.constData());
    r = m_app.wallctl({"schedule", "list", "--json"}, m_leader);
    const QJsonArray items = apptest::json(r)["items"].toArray();
    QCOMPARE(items.size(), 1);
    QCOMPARE(items[0]["at"].toString(), QStringLiteral("08:00"));
    QCOMPARE(items[0]["holidays"].toBool(), false);
    // A mistake is refused with its field.
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(R"({"id": "x", "at": "25:00", "days": ["mon"], "action": {"type": "preset.recall"}})");
    f.close();
    r = m_app.wallctl({"schedule", "add", f.fileName()}, m_app.tokens[Role::Operator]);
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("schedule.at"), r.err.constData());
    QCOMPARE(m_app.wallctl({"schedule", "remove", "monday"}, m_app.tokens[Role::Operator]).exitCode,
             0);
    QCOMPARE(m_app.wallctl({"schedule", "remove", "monday"}, m_app.tokens[Role::Operator]).exitCode,
             1);
}

QTEST_GUILESS_MAIN(TestBriefingApp)
#include "tst_briefing_app.moc"
