// A feed alert starts a briefing, end to end on the real opswall: its real demo feed service
// (opswall-feedservice, an HTTP server on a free port) serves the GSO monthly figures from a copy
// of the demo data; an alert rule (POST /schedules, "onAlert") waits for CPI above its target;
// the figure served is then raised past the indicator rule's threshold (104.5), the wall's
// fetcher reads it on its next poll, AlertManager raises the alert, and the Scheduler (wired in
// app/shell/services.cpp) starts the briefing at the rule's step as "rule:<name>", audited, with
// no lock taken. Nothing here calls Scheduler::onAlert directly.
#include "appundertest.h"

#include <QDir>
#include <QRegularExpression>

using namespace opswall;
using apptest::ApiResponse;

namespace {
bool copyTree(const QString &from, const QString &to) {
    QProcess cp;
    cp.start(QStringLiteral("cp"), {QStringLiteral("-R"), from, to});
    return cp.waitForFinished(60000) && cp.exitCode() == 0;
}

bool rewrite(const QString &path, const std::function<QByteArray(QByteArray)> &change) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return false;
    const QByteArray before = f.readAll();
    f.close();
    const QByteArray after = change(before);
    if (after == before || !f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    return f.write(after) == after.size();
}
} // namespace

class TestBriefingAlert : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void aFeedAlertStartsTheBriefingThroughTheRule();

private:
    QJsonObject indicator(const QString &code) const {
        for (const QJsonValue &i :
             jsonOf(m_app.api("GET", QStringLiteral("/indicators")).body)["items"].toArray())
            if (i[QStringLiteral("id")].toString() == code)
                return i.toObject();
        return {};
    }
    QJsonArray alertsFor(const QString &code) const {
        QJsonArray out;
        for (const QJsonValue &a :
             jsonOf(m_app.api("GET", QStringLiteral("/alerts")).body)["items"].toArray())
            if (a[QStringLiteral("indicator")].toString() == code)
                out.append(a);
        return out;
    }

    apptest::Wall m_app;
    QString m_csv;
};

void TestBriefingAlert::initTestCase() {
    // The wall's assets, copied so the data its feed service serves can change under it; the
    // monthly feed polled every 5 s (the definitions' minimum) instead of every 5 minutes.
    const QString assets = m_app.dir.filePath(QStringLiteral("assets"));
    QVERIFY(copyTree(QStringLiteral(OPSWALL_ASSETS_DIR), assets));
    m_csv = assets + QStringLiteral("/demo/indicators/gso-monthly-national-2024-01_2025-02.csv");
    QVERIFY(rewrite(assets + QStringLiteral("/demo/demo-feeds.json"), [](QByteArray json) {
        QJsonObject doc = QJsonDocument::fromJson(json).object();
        QJsonArray feeds = doc[QStringLiteral("feeds")].toArray();
        for (qsizetype i = 0; i < feeds.size(); ++i) {
            QJsonObject f = feeds[i].toObject();
            if (f[QStringLiteral("id")].toString() == QLatin1String("gso-monthly"))
                f[QStringLiteral("intervalSecs")] = 5;
            feeds[i] = f;
        }
        doc[QStringLiteral("feeds")] = feeds;
        return QJsonDocument(doc).toJson();
    }));
    m_app.demoServices = true;
    m_app.extraArgs = {QStringLiteral("--assets"), assets};
    QString why;
    QVERIFY2(m_app.start(&why), qPrintable(why));
    // The feed service answered and the figure is the published one (102.9, under 104.5).
    QTRY_VERIFY_WITH_TIMEOUT(
        indicator(QStringLiteral("CPI_YOY_INDEX"))[QStringLiteral("hasData")].toBool(), 30000);
    QVERIFY2(indicator(QStringLiteral("CPI_YOY_INDEX"))[QStringLiteral("valueTextEn")]
                 .toString()
                 .contains(QStringLiteral("102.9")),
             QJsonDocument(indicator(QStringLiteral("CPI_YOY_INDEX"))).toJson().constData());
    // (The tokens after the start-up's first burst of feeds, maps and tiles.)
    QVERIFY2(m_app.makeRoleTokens(&why), qPrintable(why));
}

void TestBriefingAlert::aFeedAlertStartsTheBriefingThroughTheRule() {
    QCOMPARE(alertsFor(QStringLiteral("CPI_YOY_INDEX")).size(), 0);
    QVERIFY(
        !jsonOf(m_app.api("GET", QStringLiteral("/briefings/current")).body)["active"].toBool());
    // An operator adds the rule: a CPI warning starts the economy briefing at its second step.
    const ApiResponse added =
        m_app.client(m_app.tokens[Role::Operator])
            .request(
                "POST", QStringLiteral("/schedules"),
                {{QStringLiteral("schedule"),
                  QJsonObject{
                      {QStringLiteral("id"), QStringLiteral("cpi-over-target")},
                      {QStringLiteral("name"), QStringLiteral("Lạm phát vượt mục tiêu")},
                      {QStringLiteral("onAlert"),
                       QJsonObject{{QStringLiteral("severity"), QStringLiteral("warning")},
                                   {QStringLiteral("indicator"), QStringLiteral("CPI_YOY_INDEX")}}},
                      {QStringLiteral("action"),
                       QJsonObject{{QStringLiteral("type"), QStringLiteral("briefing.start")},
                                   {QStringLiteral("params"),
                                    QJsonObject{{QStringLiteral("id"), 1},
                                                {QStringLiteral("step"), 2}}}}}}}});
    QVERIFY2(added.status == 201, added.body.constData());
    // Nothing fires while the figure stays under the threshold (two polls).
    QTest::qWait(11000);
    QVERIFY(
        !jsonOf(m_app.api("GET", QStringLiteral("/briefings/current")).body)["active"].toBool());

    // The feed service now serves February's CPI at 105.2 (the file on disk changes).
    QVERIFY(rewrite(m_csv, [](QByteArray csv) {
        return csv.replace("2025-02,CPI_YOY_INDEX,102.913148,", "2025-02,CPI_YOY_INDEX,105.2,");
    }));
    QTRY_VERIFY_WITH_TIMEOUT(
        jsonOf(m_app.api("GET", QStringLiteral("/briefings/current")).body)["active"].toBool(),
        30000);
    const QJsonObject current = jsonOf(m_app.api("GET", QStringLiteral("/briefings/current")).body);
    QCOMPARE(current[QStringLiteral("id")].toInt(), 1);
    QCOMPARE(current[QStringLiteral("step")].toInt(), 2);
    QCOMPARE(current[QStringLiteral("startedBy")].toString(),
             QStringLiteral("rule:Lạm phát vượt mục tiêu"));
    // The wall shows step 2's preset; the rule took no lock (leaders step it).
    QCOMPARE(jsonOf(m_app.api("GET", QStringLiteral("/status")).body)["layout"].toString(),
             QStringLiteral("Tổng quan kinh tế"));
    QVERIFY(!jsonOf(m_app.api("GET", QStringLiteral("/lock")).body)["locked"].toBool());
    // The alert that did it is the wall's own, raised from the served figure.
    const QJsonArray alerts = alertsFor(QStringLiteral("CPI_YOY_INDEX"));
    QCOMPARE(alerts.size(), 1);
    QCOMPARE(alerts[0][QStringLiteral("severity")].toString(), QStringLiteral("warning"));
    QVERIFY(indicator(QStringLiteral("CPI_YOY_INDEX"))[QStringLiteral("valueTextEn")]
                .toString()
                .contains(QStringLiteral("105.2")));
    // Audited as the rule.
    const QByteArray audit =
        m_app.api("GET", QStringLiteral("/audit?action=briefing.start&limit=10")).body;
    QVERIFY2(audit.contains("rule:L"), audit.left(600).constData());
    // A leader steps on from there.
    QCOMPARE(m_app.client(m_app.tokens[Role::Leader])
                 .request("POST", QStringLiteral("/briefings/current/next"))
                 .status,
             200);
    QCOMPARE(jsonOf(m_app.api("GET", QStringLiteral("/briefings/current")).body)["step"].toInt(),
             3);
    // Raised once: later polls of the same figure start nothing again.
    QCOMPARE(m_app.api("POST", QStringLiteral("/briefings/current/end")).status, 200);
    QTest::qWait(11000);
    QVERIFY(
        !jsonOf(m_app.api("GET", QStringLiteral("/briefings/current")).body)["active"].toBool());
}

QTEST_GUILESS_MAIN(TestBriefingAlert)
#include "tst_briefing_alert.moc"
