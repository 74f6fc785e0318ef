// Indicators, targets and alert rules: the pure evaluation on real figures, and the alert
// lifecycle (raised once, acknowledged, cleared, persisted) with the signals the audit log uses.
#include "feeds/adapters.h"
#include "feeds/alerts.h"
#include "feeds/feedhub.h"
#include "gsomonthly.h"
#include "store/database.h"
#include "store/guithreadwaits.h"
#include "store/storethread.h"

#include "../support/testfiles.h"

#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace opswall::feeds;
using opswall::testsupport::readFileOrDie;

namespace {

StoredPoint point(const char *period, double v) {
    return StoredPoint{*Period::parse(QString::fromLatin1(period)), v, 1, 0};
}

AlertRule rule(const char *json) {
    QString err;
    auto r =
        AlertRule::fromJson(QJsonDocument::fromJson(json).object(), QStringLiteral("rule"), &err);
    if (!r)
        qFatal("%s", qPrintable(err));
    return *r;
}

const QDateTime kNow(QDate(2025, 3, 5), QTime(9, 0), Qt::UTC);

// Starts hub with the demo's feeds and indicators (imported at a first start).
bool startWithDemoDocuments(FeedHub &hub, QString *error) {
    const QString src =
        qEnvironmentVariable("OPSWALL_SOURCE_DIR") + QStringLiteral("/assets/demo/");
    return hub.start({src + QStringLiteral("demo-feeds.json"),
                      src + QStringLiteral("demo-indicators.json"),
                      {},
                      {}},
                     error);
}
} // namespace

class TestAlerts : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;

private Q_SLOTS:
    void behindPlanOnRealDisbursement() {
        const AlertRule r = rule("{\"id\":\"p\",\"kind\":\"behindPlan\",\"indicator\":\"PUBINV_YTD_"
                                 "PCT_OF_PLAN\",\"tolerancePct\":5}");
        RuleInput in;
        // Feb 2025: 8.52 % of the annual plan disbursed, pro rata 16.7 %: behind.
        in.latest = point("2025-02", 8.518001);
        RuleOutcome o = evaluateRule(r, in);
        QVERIFY(o.firing);
        QVERIFY2(o.message.contains(
                     QStringLiteral("8.5% of the annual plan at 2025-02, pro rata 16.7%")),
                 qPrintable(o.message));
        // Dec 2024: 84.6 % against 100 %: behind; Jun 2024: 33.8 % against 50 % - 5: behind too.
        in.latest = point("2024-12", 84.626662);
        QVERIFY(evaluateRule(r, in).firing);
        // With an absolute target: PUBINV_YTD 73,176 bn of an 857,526 bn plan = 8.5 %.
        IndicatorMeta meta;
        meta.code = QStringLiteral("PUBINV_YTD");
        meta.target = 857525.6437;
        in.meta = meta;
        in.latest = point("2025-01", 73176.134);
        QVERIFY(!evaluateRule(r, in).firing); // 8.5 % done by end of January (8.3 % pro rata)
    }

    void forecastBehindPlanFiresMonthsBeforeTheYearEnds() {
        // February 2025 at the pace of 2024 ends the year at 94.3 % of the plan
        // (tests/feeds/tst_feeds_forecast.cpp has the arithmetic): below 95 %, so it fires in
        // February; at 96 % of the plan it would not.
        const AlertRule r = rule("{\"id\":\"f\",\"kind\":\"forecastBehindPlan\",\"indicator\":"
                                 "\"PUBINV_YTD\",\"threshold\":95}");
        QCOMPARE(r.kind, RuleKind::ForecastBehindPlan);
        RuleInput in;
        QVERIFY(!evaluateRule(r, in).firing); // no projection: nothing said
        in.yearEnd = forecast::projectYearEnd(
            std::vector<double>{35417.802, 73176.134},
            {31118.628, 59811.294, 97748.36522, 142842.75822, 190590.70022, 244405.63422,
             301478.74553, 363097.37485, 428067.94789, 495926.40105, 572049.82305, 661294.16324},
            857525.6437);
        const RuleOutcome o = evaluateRule(r, in);
        QVERIFY(o.firing);
        QVERIFY2(o.message.contains(QStringLiteral("at this pace 94.3% of the annual plan")),
                 qPrintable(o.message));
        in.yearEnd->pctOfPlan = 96;
        QVERIFY(!evaluateRule(r, in).firing);
        // The rule round-trips and a missing threshold is named.
        QString err;
        QCOMPARE(AlertRule::fromJson(r.toJson(), QStringLiteral("r"), &err)->threshold, 95.0);
        QVERIFY(!AlertRule::fromJson(
            QJsonDocument::fromJson("{\"id\":\"f\",\"kind\":\"forecastBehindPlan\","
                                    "\"indicator\":\"X\"}")
                .object(),
            QStringLiteral("rules[0]"), &err));
        QCOMPARE(err, QStringLiteral("rules[0].threshold: must be a number"));
    }

    void thresholdAndStale() {
        RuleInput in;
        in.latest = point("2025-02", 102.913148); // CPI_YOY_INDEX, Feb 2025
        QVERIFY(!evaluateRule(rule("{\"id\":\"c\",\"kind\":\"threshold\",\"indicator\":\"CPI_YOY_"
                                   "INDEX\",\"threshold\":104.5}"),
                              in)
                     .firing);
        QVERIFY(evaluateRule(rule("{\"id\":\"c\",\"kind\":\"threshold\",\"indicator\":\"CPI_YOY_"
                                  "INDEX\",\"threshold\":102.9}"),
                             in)
                    .firing);
        QVERIFY(evaluateRule(rule("{\"id\":\"c\",\"kind\":\"threshold\",\"indicator\":\"X\","
                                  "\"threshold\":103,\"direction\":\"below\"}"),
                             in)
                    .firing);

        const AlertRule stale =
            rule("{\"id\":\"s\",\"kind\":\"feedStale\",\"feedId\":\"gso\",\"staleMinutes\":30}");
        RuleInput s;
        s.now = kNow;
        QVERIFY(evaluateRule(stale, s).firing); // no status at all: no data yet
        FeedStatus st;
        st.lastSuccess = kNow.addSecs(-10 * 60);
        s.feed = st;
        QVERIFY(!evaluateRule(stale, s).firing);
        st.lastSuccess = kNow.addSecs(-40 * 60);
        st.lastError = QStringLiteral("server answered HTTP 503 Service Unavailable");
        s.feed = st;
        const RuleOutcome o = evaluateRule(stale, s);
        QVERIFY(o.firing);
        QVERIFY(o.message.contains(QStringLiteral("stale for 40 min: server answered HTTP 503")));
    }

    void lifecycleRaiseAcknowledgeClear() {
        opswall::store::Database db(m_dir.filePath(QStringLiteral("a.sqlite")));
        SeriesStore series(db);
        FeedStatus fresh;
        fresh.lastSuccess = kNow;
        AlertManager alerts(db, series, [&](const QString &) { return fresh; });
        QString err;
        QVERIFY2(
            alerts.importJson(readFileOrDie(qEnvironmentVariable("OPSWALL_SOURCE_DIR") +
                                            QStringLiteral("/assets/demo/demo-indicators.json")),
                              &err),
            qPrintable(err));
        QCOMPARE(alerts.indicator(QStringLiteral("CPI_YOY_INDEX"))->nameVi,
                 QStringLiteral("CPI so với cùng kỳ năm trước"));
        QVERIFY(alerts.indicator(QStringLiteral("PROC_TENDERS_PUBLISHED"))->simulated);

        const ParseResult r = opswall::feeds::testing::gsoMonthlyNational();
        series.ingest(QStringLiteral("gso-monthly"), r.series, kNow);

        QSignalSpy raised(&alerts, &AlertManager::alertRaised);
        QSignalSpy acked(&alerts, &AlertManager::alertAcknowledged);
        QSignalSpy cleared(&alerts, &AlertManager::alertCleared);
        QList<Alert> out = alerts.evaluate(kNow);
        QStringList ids;
        for (const Alert &a : out)
            ids << a.ruleId;
        // Real Feb 2025 figures: disbursement behind plan, and at this pace 94.3 % of the plan by
        // the year's end (under 95 %); CPI 102.9 under the 104.5 target; the simulated reporting
        // feed has no data yet; feeds are fresh.
        QCOMPARE(ids, (QStringList{QStringLiteral("pubinv-behind-plan"),
                                   QStringLiteral("pubinv-forecast-behind-plan")}));
        QCOMPARE(out.front().severity, Severity::Critical);
        QCOMPARE(out.back().severity, Severity::Warning);
        QCOMPARE(raised.size(), 2);
        QVERIFY(alerts.evaluate(kNow.addSecs(60)).isEmpty()); // raised once, not on every tick

        const std::int64_t id = out.front().id;
        QVERIFY(alerts.acknowledge(id, QStringLiteral("operator1"), kNow.addSecs(120)));
        QVERIFY(!alerts.acknowledge(id, QStringLiteral("operator2"), kNow.addSecs(130)));
        QCOMPARE(acked.size(), 1);
        QCOMPARE(acked.at(0).at(0).value<Alert>().acknowledgedBy, QStringLiteral("operator1"));

        // A revised figure back on plan clears the alert; the history stays.
        Series onPlan;
        onPlan.indicator = QStringLiteral("PUBINV_YTD_PCT_OF_PLAN");
        onPlan.points << Observation{*Period::parse(u"2025-02"), 16.0};
        series.ingest(QStringLiteral("gso-monthly"), {onPlan}, kNow.addDays(1));
        fresh.lastSuccess = kNow.addDays(1);
        alerts.evaluate(kNow.addDays(1));
        QCOMPARE(cleared.size(), 1);
        // The year-end projection of the amounts is unchanged: that alert stays open.
        QCOMPARE(alerts.openAlerts().size(), 1);
        QCOMPARE(alerts.openAlerts().front().ruleId, QStringLiteral("pubinv-forecast-behind-plan"));
        const QList<Alert> history = alerts.recentAlerts(10);
        QCOMPARE(history.size(), 2);
        const auto behind = std::find_if(history.cbegin(), history.cend(), [](const Alert &a) {
            return a.ruleId == QLatin1String("pubinv-behind-plan");
        });
        QVERIFY(behind != history.cend());
        QCOMPARE(behind->acknowledgedBy, QStringLiteral("operator1"));
        QVERIFY(behind->clearedAt.isValid());

        // The stale rule fires when the feed stops delivering.
        fresh.lastSuccess = kNow.addSecs(-3600);
        out = alerts.evaluate(kNow);
        QCOMPARE(out.size(), 2); // gso-monthly-stale and live-enterprises-stale
    }

    void feedHubImportsDemoDocumentsAtFirstStartOnly() {
        opswall::store::Database db(m_dir.filePath(QStringLiteral("hub.sqlite")));
        QNetworkAccessManager nam;
        {
            opswall::feeds::FeedHub hub(db, &nam);
            QString err;
            QVERIFY2(startWithDemoDocuments(hub, &err), qPrintable(err));
            QCOMPARE(hub.scheduler()->statuses().size(), 16);
            QCOMPARE(hub.alerts()->indicators().size(), 29);
            hub.stop();
        }
        opswall::feeds::FeedDefinitionStore defs(db);
        defs.remove(QStringLiteral("sim-procurement")); // an operator removed a feed
        opswall::feeds::FeedHub hub(db, &nam);
        QString err;
        QVERIFY(startWithDemoDocuments(hub, &err));
        QCOMPARE(hub.scheduler()->statuses().size(),
                 15); // not re-imported over the operator's list
        hub.stop();
    }

    // The wall's rules are evaluated against what is in memory: the rules, the indicators and the
    // series they watch (the read model, loaded at start); an evaluation that raises and clears
    // nothing runs no SQL statement on this (the application's) thread.
    void hubEvaluatesTheRulesWithoutReadingTheStore() {
        opswall::store::Database db(m_dir.filePath(QStringLiteral("inmemory.sqlite")));
        {
            SeriesStore series(db);
            series.ingest(QStringLiteral("gso-monthly"),
                          opswall::feeds::testing::gsoMonthlyNational().series, kNow);
        }
        QNetworkAccessManager nam;
        opswall::feeds::FeedHub hub(db, &nam);
        QString err;
        QVERIFY2(startWithDemoDocuments(hub, &err), qPrintable(err));
        // No event loop runs here: no fetch completes, the values above are what the rules see.
        const QList<Alert> first = hub.alerts()->evaluate(kNow); // raises: writes its rows
        QVERIFY(!first.isEmpty()); // the real figures are behind plan: the series were there
        const std::uint64_t before = opswall::store::guiThreadWaits();
        QVERIFY(hub.alerts()->evaluate(kNow.addSecs(60)).isEmpty());
        QCOMPARE(opswall::store::guiThreadWaits() - before, std::uint64_t(0));
        // A statement on this thread is counted (the count can move).
        QVERIFY(hub.alerts()->indicators().size() > 0);
        db.exec("SELECT 1");
        QCOMPARE(opswall::store::guiThreadWaits() - before, std::uint64_t(1));
        hub.stop();
    }

    // A render node's import of the controller's indicators (AlertManager::importJson): with
    // a store thread, nothing is read or written on this thread; the indicators and rules held
    // change, and indicatorsChanged is emitted, once the rows are committed there.
    void importLaterWaitsNotOnTheDisk() {
        const QString path = m_dir.filePath(QStringLiteral("later.sqlite"));
        opswall::store::Database db(path);
        QNetworkAccessManager nam;
        opswall::feeds::FeedHub hub(db, &nam);
        AlertManager &alerts = *hub.alerts();
        QVERIFY(alerts.indicators().isEmpty() && alerts.rules().isEmpty()); // held from here on
        opswall::store::StoreThread writer(path);
        db.setWriter(&writer);
        QSignalSpy changed(&alerts, &AlertManager::indicatorsChanged);
        const std::uint64_t before = opswall::store::guiThreadWaits();
        QString err;
        QVERIFY(!alerts.importJson("{\"schemaVersion\":1,\"rules\":[{\"id\":\"x\"}]}", &err));
        QVERIFY(err.startsWith(QStringLiteral("rules[0].")));
        const QByteArray doc =
            "{\"schemaVersion\":1,\"indicators\":[{\"code\":\"B\",\"nameVi\":\"b\",\"nameEn\""
            ":\"b\"},{\"code\":\"A\",\"nameVi\":\"a\",\"nameEn\":\"a\"}],\"rules\":[{\"id\":"
            "\"r\",\"kind\":\"threshold\",\"indicator\":\"A\",\"threshold\":1}]}";
        QVERIFY2(alerts.importJson(doc, &err), qPrintable(err));
        QVERIFY(alerts.indicators().isEmpty()); // not committed yet
        QVERIFY(changed.wait(5000));
        QCOMPARE(opswall::store::guiThreadWaits() - before, std::uint64_t(0));
        QCOMPARE(alerts.indicators().size(), 2);
        QCOMPARE(alerts.indicators().first().code, QStringLiteral("A")); // the table's order
        QCOMPARE(alerts.rules().size(), 1);
        db.setWriter(nullptr);
        // The table has what memory shows.
        opswall::feeds::FeedHub again(db, &nam);
        QCOMPARE(again.alerts()->indicators().size(), 2);
        QCOMPARE(again.alerts()->rules().size(), 1);
    }

    void documentValidationNamesTheField() {
        QString err;
        QVERIFY(!parseIndicatorDocument(
            "{\"schemaVersion\":1,\"rules\":[{\"id\":\"x\",\"kind\":\"sometimes\"}]}", &err));
        QCOMPARE(err, QStringLiteral("rules[0].kind: must be threshold, behindPlan, feedStale or "
                                     "forecastBehindPlan"));
        QVERIFY(!parseIndicatorDocument(
            "{\"schemaVersion\":1,\"indicators\":[{\"code\":\"X\",\"nameVi\":\"x\"}]}", &err));
        QCOMPARE(err, QStringLiteral("indicators[0].nameVi/nameEn: both names are required"));
        QVERIFY(
            !parseIndicatorDocument("{\"schemaVersion\":1,\"rules\":[{\"id\":\"x\",\"kind\":"
                                    "\"threshold\",\"indicator\":\"A\",\"threshold\":\"high\"}]}",
                                    &err));
        QCOMPARE(err, QStringLiteral("rules[0].threshold: must be a number"));
    }
};

QTEST_GUILESS_MAIN(TestAlerts)
#include "tst_feeds_alerts.moc"
