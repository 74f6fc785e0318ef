// The briefing document and its store: every valid fixture loads (tests/briefing/fixtures/valid,
// v<N>-*.json), every known-bad fixture is refused at the field its "expect" names, the demo
// briefing is valid over the demo wall and presets, documents round-trip, and the store keeps
// every version and each run's record of steps shown.
#include "briefingtesting.h"

#include <QDir>

using namespace opswall;
using namespace opswall::briefing;
using namespace opswall::briefing::testing;

namespace {

QString fixtures() {
    return sourceDir() + QStringLiteral("/tests/briefing/fixtures");
}

QString dump(const QList<wall::Issue> &issues) {
    QStringList lines;
    for (const wall::Issue &i : issues)
        lines << i.toString();
    return lines.join(u'\n');
}

} // namespace

class TestBriefingDocument : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init() { m_rig = std::make_unique<Rig>(); }
    void cleanup() { m_rig.reset(); }
    void validFixturesLoad_data();
    void validFixturesLoad();
    void badFixturesAreRefusedAtTheirField_data();
    void badFixturesAreRefusedAtTheirField();
    void demoBriefingIsValid();
    void roundTripGivesAnEqualBriefing();
    void englishFallsBackToVietnamese();
    void storeKeepsEveryVersion();
    void storeRecordsRuns();
    void aSavedBriefingSurvivesReopening();

private:
    std::unique_ptr<Rig> m_rig;
};

void TestBriefingDocument::validFixturesLoad_data() {
    QTest::addColumn<QString>("file");
    const QStringList files =
        QDir(fixtures() + "/valid").entryList({QStringLiteral("*.json")}, QDir::Files);
    QVERIFY(files.size() >= 2);
    for (const QString &f : files)
        QTest::newRow(qPrintable(f)) << f;
}

void TestBriefingDocument::validFixturesLoad() {
    QFETCH(QString, file);
    const int version = file.section(u'-', 0, 0).mid(1).toInt();
    QVERIFY2(version >= 1 && version <= kBriefingSchemaVersion, qPrintable(file));
    const QJsonObject doc = readJson(fixtures() + "/valid/" + file);
    QCOMPARE(doc.value(QStringLiteral("schemaVersion")).toInt(), version);
    const BriefingParse p = m_rig->runner->parse(doc);
    QVERIFY2(p.ok(), qPrintable(dump(p.issues)));
    QCOMPARE(p.briefing.steps.size(), doc.value(QStringLiteral("steps")).toArray().size());
}

void TestBriefingDocument::badFixturesAreRefusedAtTheirField_data() {
    QTest::addColumn<QString>("file");
    const QStringList files =
        QDir(fixtures() + "/bad").entryList({QStringLiteral("*.json")}, QDir::Files);
    QVERIFY(files.size() >= 15);
    for (const QString &f : files)
        QTest::newRow(qPrintable(f)) << f;
}

void TestBriefingDocument::badFixturesAreRefusedAtTheirField() {
    QFETCH(QString, file);
    // Each bad fixture is {"expect": {"field", "message"}, "document": {...}}: one mistake, and
    // where the validator must point.
    const QJsonObject fixture = readJson(fixtures() + "/bad/" + file);
    const QString field = fixture["expect"]["field"].toString();
    const QString message = fixture["expect"]["message"].toString();
    QVERIFY2(!field.isEmpty(), "the fixture names no expected field");
    const BriefingParse p = m_rig->runner->parse(fixture["document"].toObject());
    QVERIFY2(!p.ok(), "a bad document was accepted");
    bool found = false;
    for (const wall::Issue &i : p.issues)
        found = found || (i.path == field && i.message.contains(message));
    QVERIFY2(
        found,
        qPrintable(
            QStringLiteral("expected %1: …%2…\ngot:\n%3").arg(field, message, dump(p.issues))));
    // Through the dispatcher the refusal names the field within the request ("briefing.…").
    const ActionResult r =
        m_rig->run("briefing.save", kOperator, {{QStringLiteral("briefing"), fixture["document"]}});
    QVERIFY(!r.ok);
    QCOMPARE(r.code, QStringLiteral("invalid"));
    QVERIFY2(r.field.startsWith(QStringLiteral("briefing")), describe(r).constData());
    QVERIFY(m_rig->briefings->list().isEmpty()); // nothing half-saved
}

void TestBriefingDocument::demoBriefingIsValid() {
    const QJsonObject doc = readJson(sourceDir() + "/assets/demo/briefings/economy.json");
    const BriefingParse p = m_rig->runner->parse(doc);
    QVERIFY2(p.ok(), qPrintable(dump(p.issues)));
    QVERIFY(p.briefing.steps.size() >= 6 && p.briefing.steps.size() <= 12);
    QVERIFY(p.briefing.title.vi.startsWith(QStringLiteral("Tình hình kinh tế – xã hội tháng")));
    QVERIFY(!p.briefing.title.en.isEmpty());
    QVERIFY(!p.briefing.organisation.vi.isEmpty());
    for (const Step &s : p.briefing.steps) {
        QVERIFY2(!s.notes.vi.isEmpty() && !s.notes.en.isEmpty(), qPrintable(s.title.vi));
        QVERIFY(s.plannedSeconds > 0);
        QString why;
        QVERIFY2(m_rig->runner->stepLayout(s, &why), qPrintable(why));
    }
}

void TestBriefingDocument::roundTripGivesAnEqualBriefing() {
    const BriefingParse p =
        m_rig->runner->parse(readJson(fixtures() + "/valid/v1-presets-and-layouts.json"));
    QVERIFY2(p.ok(), qPrintable(dump(p.issues)));
    const BriefingParse again = m_rig->runner->parse(briefingToJson(p.briefing));
    QVERIFY2(again.ok(), qPrintable(dump(again.issues)));
    QVERIFY(again.briefing == p.briefing);
    QCOMPARE(again.briefing.plannedSeconds(), 240);
}

void TestBriefingDocument::englishFallsBackToVietnamese() {
    const BriefingParse p =
        m_rig->runner->parse(readJson(fixtures() + "/valid/v1-presets-and-layouts.json"));
    QVERIFY(p.ok());
    QCOMPARE(p.briefing.steps[0].title.in(QStringLiteral("en")), QStringLiteral("Opening"));
    QCOMPARE(p.briefing.steps[2].title.in(QStringLiteral("en")), QStringLiteral("Họp trực tuyến"));
}

void TestBriefingDocument::storeKeepsEveryVersion() {
    const int id = m_rig->saveDemoBriefing();
    QJsonObject doc = readJson(sourceDir() + "/assets/demo/briefings/economy.json");
    QJsonArray steps = doc["steps"].toArray();
    steps.removeLast();
    doc["steps"] = steps;
    const ActionResult r =
        m_rig->run("briefing.save", kOperator, {{"id", id}, {QStringLiteral("briefing"), doc}});
    QVERIFY2(r.ok, describe(r).constData());
    QCOMPARE(r.data["revision"].toInt(), 2);
    QCOMPARE(m_rig->briefings->get(id)->briefing.steps.size(), steps.size());
    const auto revisions = m_rig->briefings->revisions(id);
    QCOMPARE(revisions.size(), 2);
    QCOMPARE(revisions[0].revision, 2);
    QCOMPARE(m_rig->briefings->revision(id, 1)->steps.size(), steps.size() + 1);
    // Saving over a briefing that does not exist loses nothing and says so.
    const ActionResult missing =
        m_rig->run("briefing.save", kOperator, {{"id", 999}, {QStringLiteral("briefing"), doc}});
    QCOMPARE(missing.code, QStringLiteral("not_found"));
    QCOMPARE(missing.field, QStringLiteral("id"));
    QCOMPARE(m_rig->briefings->list().size(), 1);
    // Deleted: gone with its history.
    QVERIFY(m_rig->run("briefing.delete", kOperator, {{"id", id}}).ok);
    QVERIFY(!m_rig->briefings->get(id));
    QVERIFY(m_rig->briefings->revisions(id).isEmpty());
}

void TestBriefingDocument::storeRecordsRuns() {
    const int id = m_rig->saveDemoBriefing();
    const qint64 run = m_rig->briefings->startRun(id, 1, QStringLiteral("minister"));
    m_rig->briefings->recordStep(run, 0, QStringLiteral("minister"), QStringLiteral("api"));
    m_rig->briefings->recordStep(run, 1, QStringLiteral("alice"), QStringLiteral("line"));
    m_rig->briefings->endRun(run);
    const auto r = m_rig->briefings->lastRun(id);
    QVERIFY(r);
    QCOMPARE(r->shown.size(), 2);
    QCOMPARE(r->shown[1].stepIndex, 1);
    QCOMPARE(r->shown[1].by, QStringLiteral("alice"));
    QCOMPARE(r->shown[1].via, QStringLiteral("line"));
    QVERIFY(r->endedAt.isValid());
}

void TestBriefingDocument::aSavedBriefingSurvivesReopening() {
    const int id = m_rig->saveDemoBriefing();
    const QString path = m_rig->db->path();
    m_rig->runner.reset();
    m_rig->briefings.reset();
    store::Database again(path);
    BriefingStore reopened(again);
    const auto b = reopened.get(id);
    QVERIFY(b);
    QCOMPARE(b->briefing.title.vi, QStringLiteral("Tình hình kinh tế – xã hội tháng 2 năm 2025"));
}

QTEST_GUILESS_MAIN(TestBriefingDocument)
#include "tst_briefing_document.moc"
