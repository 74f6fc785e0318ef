// What the operator console needs from the wall, against the real opswall process: pictures of
// the outputs (GET /outputs/{i}/snapshot), the live layout with its revision (GET /layout), a
// whole layout published as one action against its base revision (PUT /layout), and a preset
// renamed or marked for leaders (PATCH /presets/{id}).
#include "appundertest.h"

#include <QImage>
#include <QJsonArray>

namespace {
// A layout of one red colour tile, without a frame, over the first display (the top-left
// 1200 x 670 mm of the demo wall, at the top-left of output 0), and nothing else.
QJsonObject redOverFirstDisplay(const QString &name) {
    const QJsonObject rect{{QStringLiteral("x"), 0},
                           {QStringLiteral("y"), 0},
                           {QStringLiteral("width"), 1200},
                           {QStringLiteral("height"), 670}};
    const QJsonObject red{{QStringLiteral("id"), QStringLiteral("red")},
                          {QStringLiteral("kind"), QStringLiteral("color")},
                          {QStringLiteral("frame"), false},
                          {QStringLiteral("rect"), rect},
                          {QStringLiteral("binding"),
                           QJsonObject{{QStringLiteral("color"), QStringLiteral("#ff0000")}}}};
    return {{QStringLiteral("schemaVersion"), 1},
            {QStringLiteral("kind"), QStringLiteral("opswall.layout")},
            {QStringLiteral("name"), name},
            {QStringLiteral("tiles"), QJsonArray{red}}};
}
} // namespace

class TestConsoleApi : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void snapshotIsAJpegOfTheOutputsOwnWindow();
    void snapshotRefusesBadRequestsByName();
    void snapshotOfAWallRunningAsOnePreviewWindow();
    void layoutIsPublishedAsOneActionAgainstItsBase();
    void publishAfterAConcurrentChangeIsRefusedNamingWhoChangedWhat();
    void presetIsRenamedAndMarkedForLeaders();

private:
    apptest::Wall m_app;
    QJsonObject live(const QString &token = {}) const {
        const auto r = token.isEmpty()
                           ? m_app.api("GET", QStringLiteral("/layout"))
                           : m_app.client(token).request("GET", QStringLiteral("/layout"));
        return jsonOf(r.body);
    }
};

void TestConsoleApi::initTestCase() {
    QString why;
    QVERIFY2(m_app.start(&why), qPrintable(why));
    QVERIFY2(m_app.makeRoleTokens(&why), qPrintable(why));
}

void TestConsoleApi::snapshotIsAJpegOfTheOutputsOwnWindow() {
    // A red colour tile over the first display (top-left of output 0) and nothing else.
    const QJsonObject wall = jsonOf(m_app.api("GET", QStringLiteral("/wall")).body);
    const QJsonArray outputs = wall.value(QStringLiteral("outputs")).toArray();
    QVERIFY2(outputs.size() >= 2, "the demo wall has two outputs");
    const QJsonObject out0 = outputs[0].toObject();
    const int outW = out0[QStringLiteral("width")].toInt();
    const int outH = out0[QStringLiteral("height")].toInt();
    QVERIFY2(outW > 0 && outH > 0, QJsonDocument(out0).toJson().constData());
    auto put = m_app.api(
        "PUT", QStringLiteral("/layout"),
        {{QStringLiteral("layout"), redOverFirstDisplay(QStringLiteral("snapshot test"))}});
    QVERIFY2(put.status == 200, put.body.constData());
    QTest::qWait(300); // a frame or two

    // The viewer may look.
    const auto r = m_app.client(m_app.tokens[opswall::Role::Viewer])
                       .request("GET", QStringLiteral("/outputs/0/snapshot?width=320"));
    QCOMPARE(r.status, 200);
    QVERIFY2(r.body.startsWith("\xff\xd8"), "a JPEG starts with FF D8");
    QImage image;
    QVERIFY(image.loadFromData(r.body, "JPEG"));
    QCOMPARE(image.width(), 320);
    // The output's own shape (3840 x 3240 on the demo wall), not the preview's.
    QVERIFY2(qAbs(image.height() - 320 * outH / outW) <= 1,
             qPrintable(QStringLiteral("%1x%2").arg(image.width()).arg(image.height())));
    // Red where the tile is (top-left display), not red in the bottom-right of output 0.
    const QColor inTile = image.pixelColor(20, 20);
    QVERIFY2(inTile.red() > 200 && inTile.green() < 60 && inTile.blue() < 60,
             qPrintable(inTile.name()));
    const QColor outside = image.pixelColor(image.width() - 10, image.height() - 10);
    QVERIFY2(outside.red() < 120, qPrintable(outside.name()));
    // Output 1 shows no red at all.
    const auto r1 = m_app.api("GET", QStringLiteral("/outputs/1/snapshot?width=200"));
    QCOMPARE(r1.status, 200);
    QImage image1;
    QVERIFY(image1.loadFromData(r1.body, "JPEG"));
    QCOMPARE(image1.width(), 200);
    QVERIFY(image1.pixelColor(20, 20).red() < 120);
    // wallctl writes the same picture to a file.
    const QString file = m_app.dir.filePath(QStringLiteral("output0.jpg"));
    const apptest::Run run = m_app.wallctl({QStringLiteral("output"), QStringLiteral("snapshot"),
                                            QStringLiteral("0"), QStringLiteral("--width"),
                                            QStringLiteral("240"), QStringLiteral("--out"), file});
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QImage fromFile;
    QVERIFY(fromFile.load(file, "JPEG"));
    QCOMPARE(fromFile.width(), 240);
    QVERIFY(fromFile.pixelColor(15, 15).red() > 200);
    // A width the wall refuses: exit 1 and the field named.
    const apptest::Run bad = m_app.wallctl(
        {QStringLiteral("output"), QStringLiteral("snapshot"), QStringLiteral("0"),
         QStringLiteral("--width"), QStringLiteral("99999"), QStringLiteral("--out"), file});
    QVERIFY2(bad.exitCode != 0 && (bad.out + bad.err).contains("width"), bad.err.constData());
    // The default width.
    QImage image2;
    QVERIFY(image2.loadFromData(m_app.api("GET", QStringLiteral("/outputs/0/snapshot")).body));
    QCOMPARE(image2.width(), 640);
}

void TestConsoleApi::snapshotRefusesBadRequestsByName() {
    struct Case {
        const char *path;
        int status;
        const char *field;
    } cases[] = {
        {"/outputs/0/snapshot?width=0", 400, "width"},
        {"/outputs/0/snapshot?width=5000", 400, "width"},
        {"/outputs/0/snapshot?width=wide", 400, "width"},
        {"/outputs/0/snapshot?height=10", 400, "height"},
        {"/outputs/x/snapshot", 400, "index"},
        {"/outputs/-1/snapshot", 400, "index"},
        {"/outputs/7/snapshot", 404, "index"},
    };
    for (const Case &c : cases) {
        const auto r = m_app.api("GET", QString::fromLatin1(c.path));
        QVERIFY2(r.status == c.status,
                 qPrintable(QString::fromLatin1(c.path) + u' ' + QString::number(r.status) + u' ' +
                            QString::fromUtf8(r.body)));
        QCOMPARE(jsonOf(r.body).value(QStringLiteral("field")).toString(),
                 QString::fromLatin1(c.field));
    }
    // The message says how many outputs there are.
    const auto r = m_app.api("GET", QStringLiteral("/outputs/7/snapshot"));
    QVERIFY2(r.body.contains("the wall has 2"), r.body.constData());
    // No token, no picture.
    opswall::control::ClientSettings s;
    s.baseUrl = m_app.url;
    QCOMPARE(
        opswall::control::ApiClient(s).request("GET", QStringLiteral("/outputs/0/snapshot")).status,
        401);
}

void TestConsoleApi::snapshotOfAWallRunningAsOnePreviewWindow() {
    // The same red tile over the first display, on a wall drawn as one --preview window: the
    // picture of output 0 is cut out of the preview (each display's active area into its region).
    apptest::Wall preview;
    preview.extraArgs = {QStringLiteral("--preview")};
    QString why;
    QVERIFY2(preview.start(&why), qPrintable(why));
    const QJsonObject wall = jsonOf(preview.api("GET", QStringLiteral("/wall")).body);
    const QJsonObject out0 = wall.value(QStringLiteral("outputs")).toArray()[0].toObject();
    const int outW = out0[QStringLiteral("width")].toInt();
    const int outH = out0[QStringLiteral("height")].toInt();
    const auto put = preview.api(
        "PUT", QStringLiteral("/layout"),
        {{QStringLiteral("layout"), redOverFirstDisplay(QStringLiteral("preview snapshot"))}});
    QVERIFY2(put.status == 200, put.body.constData());
    QTest::qWait(300);
    const auto r = preview.api("GET", QStringLiteral("/outputs/0/snapshot?width=320"));
    QVERIFY2(r.status == 200, r.body.constData()); // was 503 before: no output window
    QImage image;
    QVERIFY(image.loadFromData(r.body, "JPEG"));
    QCOMPARE(image.width(), 320);
    QVERIFY(qAbs(image.height() - 320 * outH / outW) <= 1);
    image.save(preview.dir.filePath(QStringLiteral("preview-output0.png")));
    const QColor inTile = image.pixelColor(20, 20);
    QVERIFY2(inTile.red() > 200 && inTile.green() < 60 && inTile.blue() < 60,
             qPrintable(inTile.name()));
    const QColor outside = image.pixelColor(image.width() - 10, image.height() - 10);
    QVERIFY2(outside.red() < 120, qPrintable(outside.name()));
    QImage image1;
    QVERIFY(image1.loadFromData(
        preview.api("GET", QStringLiteral("/outputs/1/snapshot?width=200")).body, "JPEG"));
    QVERIFY(image1.pixelColor(20, 20).red() < 120);
    QVERIFY(preview.stop());
}

void TestConsoleApi::layoutIsPublishedAsOneActionAgainstItsBase() {
    QVERIFY(!m_app.recallPreset(QStringLiteral("Họp trực tuyến")).isEmpty());
    const QJsonObject base = live(m_app.tokens[opswall::Role::Operator]);
    QVERIFY(base.contains(QStringLiteral("revision")));
    QVERIFY(!base.value(QStringLiteral("instance")).toString().isEmpty());
    QJsonObject layout = base.value(QStringLiteral("layout")).toObject();
    QJsonArray tiles = layout.value(QStringLiteral("tiles")).toArray();
    QVERIFY(tiles.size() >= 2);
    // Three changes at once: one tile moved, one removed, one added.
    QJsonObject moved = tiles[0].toObject();
    QJsonObject rect = moved.value(QStringLiteral("rect")).toObject();
    rect.insert(QStringLiteral("x"), rect.value(QStringLiteral("x")).toDouble() + 50);
    moved.insert(QStringLiteral("rect"), rect);
    const QString movedId = moved.value(QStringLiteral("id")).toString();
    const QString removedId = tiles[1].toObject().value(QStringLiteral("id")).toString();
    tiles[0] = moved;
    tiles.removeAt(1);
    tiles.append(QJsonObject{{QStringLiteral("id"), QStringLiteral("console-clock")},
                             {QStringLiteral("kind"), QStringLiteral("clock")},
                             {QStringLiteral("title"), QStringLiteral("Giờ Hà Nội")},
                             {QStringLiteral("rect"), QJsonObject{{QStringLiteral("x"), 10},
                                                                  {QStringLiteral("y"), 10},
                                                                  {QStringLiteral("width"), 400},
                                                                  {QStringLiteral("height"), 200}}},
                             {QStringLiteral("binding"), QJsonObject{}}});
    layout.insert(QStringLiteral("tiles"), tiles);
    const auto before = jsonOf(m_app.api("GET", QStringLiteral("/audit?limit=5000")).body)
                            .value(QStringLiteral("items"))
                            .toArray()
                            .size();
    const auto r =
        m_app.client(m_app.tokens[opswall::Role::Operator])
            .request("PUT", QStringLiteral("/layout"),
                     {{QStringLiteral("layout"), layout},
                      {QStringLiteral("baseRevision"), base[QStringLiteral("revision")]},
                      {QStringLiteral("baseInstance"), base[QStringLiteral("instance")]}});
    QVERIFY2(r.status == 200, r.body.constData());
    const QStringList ids = m_app.liveTileIds();
    QVERIFY(ids.contains(QStringLiteral("console-clock")));
    QVERIFY(!ids.contains(removedId));
    const QJsonObject now = live();
    for (const QJsonValue &t : now[QStringLiteral("layout")][QStringLiteral("tiles")].toArray())
        if (t[QStringLiteral("id")].toString() == movedId)
            QCOMPARE(t[QStringLiteral("rect")][QStringLiteral("x")].toDouble(),
                     rect.value(QStringLiteral("x")).toDouble());
    QVERIFY(now[QStringLiteral("revision")].toInteger() >
            base[QStringLiteral("revision")].toInteger());
    // One audited action, one undo step.
    const QJsonArray audit = jsonOf(m_app.api("GET", QStringLiteral("/audit?limit=5000")).body)
                                 .value(QStringLiteral("items"))
                                 .toArray();
    QCOMPARE(audit.size(), before + 1);
    QCOMPARE(audit.last()[QStringLiteral("action")].toString(), QStringLiteral("layout.set"));
    QCOMPARE(m_app.api("POST", QStringLiteral("/layouts/undo")).status, 200);
    QVERIFY(m_app.liveTileIds().contains(removedId));
    // A layout the wall refuses names the field; nothing changes.
    QJsonArray bad = tiles;
    QJsonObject badTile = bad[0].toObject();
    badTile.insert(QStringLiteral("kind"), QStringLiteral("hologram"));
    bad[0] = badTile;
    layout.insert(QStringLiteral("tiles"), bad);
    const QJsonObject base2 = live();
    const auto refused =
        m_app.api("PUT", QStringLiteral("/layout"),
                  {{QStringLiteral("layout"), layout},
                   {QStringLiteral("baseRevision"), base2[QStringLiteral("revision")]}});
    QCOMPARE(refused.status, 400);
    QVERIFY2(jsonOf(refused.body).value(QStringLiteral("field")).toString().contains(u"kind"),
             refused.body.constData());
    QCOMPARE(live()[QStringLiteral("revision")], base2[QStringLiteral("revision")]);
    // The viewer may read the layout but not publish.
    const auto viewer = m_app.client(m_app.tokens[opswall::Role::Viewer])
                            .request("PUT", QStringLiteral("/layout"),
                                     {{QStringLiteral("layout"), base[QStringLiteral("layout")]}});
    QCOMPARE(viewer.status, 403);
}

void TestConsoleApi::publishAfterAConcurrentChangeIsRefusedNamingWhoChangedWhat() {
    QVERIFY(!m_app.recallPreset(QStringLiteral("Họp trực tuyến")).isEmpty());
    const QJsonObject base = live(m_app.tokens[opswall::Role::Operator]);
    // Meanwhile someone else moves a tile with wallctl.
    const apptest::Run moved = m_app.wallctl(
        {QStringLiteral("tile"), QStringLiteral("move"), QStringLiteral("vc-main"),
         QStringLiteral("--x"), QStringLiteral("30"), QStringLiteral("--y"), QStringLiteral("40")});
    QVERIFY2(moved.exitCode == 0, moved.err.constData());
    const QJsonObject after = live();
    const auto r =
        m_app.client(m_app.tokens[opswall::Role::Operator])
            .request("PUT", QStringLiteral("/layout"),
                     {{QStringLiteral("layout"), base[QStringLiteral("layout")]},
                      {QStringLiteral("baseRevision"), base[QStringLiteral("revision")]},
                      {QStringLiteral("baseInstance"), base[QStringLiteral("instance")]}});
    QCOMPARE(r.status, 409);
    const QJsonObject body = jsonOf(r.body);
    QCOMPARE(body[QStringLiteral("code")].toString(), QStringLiteral("conflict"));
    QVERIFY2(body[QStringLiteral("message")].toString().contains(QStringLiteral("vc-main")),
             r.body.constData());
    const QJsonArray changes = body[QStringLiteral("details")][QStringLiteral("changes")].toArray();
    QVERIFY2(!changes.isEmpty(), r.body.constData());
    QVERIFY(!changes.last()[QStringLiteral("by")].toString().isEmpty());
    QCOMPARE(changes.last()[QStringLiteral("what")].toString(), QStringLiteral("vc-main"));
    // The other operator's change is still live.
    QCOMPARE(live()[QStringLiteral("revision")], after[QStringLiteral("revision")]);
    for (const QJsonValue &t : live()[QStringLiteral("layout")][QStringLiteral("tiles")].toArray())
        if (t[QStringLiteral("id")].toString() == QLatin1String("vc-main"))
            QCOMPARE(t[QStringLiteral("rect")][QStringLiteral("x")].toDouble(), 30.0);
    // A base from another run of the wall is refused too.
    const auto stale =
        m_app.api("PUT", QStringLiteral("/layout"),
                  {{QStringLiteral("layout"), base[QStringLiteral("layout")]},
                   {QStringLiteral("baseRevision"), after[QStringLiteral("revision")]},
                   {QStringLiteral("baseInstance"), QStringLiteral("another-run")}});
    QCOMPARE(stale.status, 409);
    QVERIFY2(stale.body.contains("restarted"), stale.body.constData());
}

void TestConsoleApi::presetIsRenamedAndMarkedForLeaders() {
    const QString id = m_app.presetId(QStringLiteral("Họp trực tuyến"));
    QVERIFY(!id.isEmpty());
    const QJsonObject before = jsonOf(m_app.api("GET", QStringLiteral("/presets/") + id).body);
    auto r = m_app.client(m_app.tokens[opswall::Role::Operator])
                 .request("PATCH", QStringLiteral("/presets/") + id,
                          {{QStringLiteral("name"), QStringLiteral("Họp trực tuyến (sáng)")},
                           {QStringLiteral("forLeaders"), true}});
    QVERIFY2(r.status == 200, r.body.constData());
    const QJsonObject after = jsonOf(m_app.api("GET", QStringLiteral("/presets/") + id).body);
    QCOMPARE(after[QStringLiteral("name")].toString(), QStringLiteral("Họp trực tuyến (sáng)"));
    QCOMPARE(after[QStringLiteral("forLeaders")].toBool(), true);
    // Same layout, same id; a new revision of it.
    QCOMPARE(after[QStringLiteral("layout")][QStringLiteral("tiles")],
             before[QStringLiteral("layout")][QStringLiteral("tiles")]);
    QVERIFY(after[QStringLiteral("revision")].toInt() > before[QStringLiteral("revision")].toInt());
    // Back, so other tests find it by name.
    r = m_app.api("PATCH", QStringLiteral("/presets/") + id,
                  {{QStringLiteral("name"), QStringLiteral("Họp trực tuyến")},
                   {QStringLiteral("forLeaders"), before[QStringLiteral("forLeaders")].toBool()}});
    QCOMPARE(r.status, 200);
    QCOMPARE(m_app
                 .api("PATCH", QStringLiteral("/presets/99999"),
                      {{QStringLiteral("name"), QStringLiteral("x")}})
                 .status,
             404);
}

QTEST_MAIN(TestConsoleApi)
#include "tst_console_api.moc"
