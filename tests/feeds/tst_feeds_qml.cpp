// QML tests of OpsWall.Indicators (KpiTile, LineChartTile) over a real FeedHub whose store holds
// the real GSO monthly table. Custom main: Qt Charts needs QApplication (STACK-NOTES.md).
#include "../support/testfiles.h"
#include "core/engineservices.h"
#include "feeds/adapters.h"
#include "feeds/feedhub.h"
#include "gsomonthly.h"
#include "indicatordata.h"
#include "store/database.h"

#include <QApplication>
#include <QFile>
#include <QNetworkAccessManager>
#include <QQmlContext>
#include <QQmlEngine>
#include <QQmlExtensionPlugin>
#include <QTemporaryDir>
#include <QtPlugin>
#include <QtQuickTest>

Q_IMPORT_QML_PLUGIN(OpsWall_IndicatorsPlugin)
#ifdef OPSWALL_TEST_MAPS
Q_IMPORT_QML_PLUGIN(OpsWall_MapsPlugin)
#endif

using namespace opswall::feeds;

namespace {
// Ingests a CSV file of the shared indicator data, read with mapping m, as feed feedId fetched
// at fetchedAt; a file that is missing or does not parse ends the test naming it.
void ingestCsv(FeedHub &hub, const QString &feedId, const QString &file, const FeedMapping &m,
               const QDateTime &fetchedAt) {
    const ParseResult r = parseCsv(opswall::testsupport::readIndicatorFile(file), m, {});
    if (!r.ok())
        qFatal("%s: %s", qPrintable(file), qPrintable(r.error.message));
    hub.series().ingest(feedId, r.series, fetchedAt);
}

// A CSV table of one period with a row per province (its code in codeColumn) and one value
// column read as indicator, ingested as feed.
struct ProvinceTable {
    const char *feed, *file, *period, *codeColumn, *column, *indicator;
};

void ingestProvinceTable(FeedHub &hub, const ProvinceTable &t, const QDateTime &fetchedAt) {
    FeedMapping m;
    m.fixedPeriod = QString::fromLatin1(t.period);
    m.dimensionFields = {QString::fromLatin1(t.codeColumn)};
    ValueColumn value;
    value.column = QString::fromLatin1(t.column);
    value.indicator = QString::fromLatin1(t.indicator);
    m.valueColumns = {value};
    ingestCsv(hub, QString::fromLatin1(t.feed), QString::fromLatin1(t.file), m, fetchedAt);
}
} // namespace

// What a feed does when it delivers: new values in the store, then the scheduler says so on the
// GUI thread (FeedScheduler::stored), which the read model merges and the tiles of that
// indicator are told (no other call).
class TestFeed : public QObject {
    Q_OBJECT
public:
    explicit TestFeed(FeedHub *hub)
        : m_hub(hub) {}
    Q_INVOKABLE void deliver(const QString &indicator, const QString &dimension,
                             const QString &period, double value) {
        Series s;
        s.indicator = indicator;
        s.dimension = dimension;
        s.points << Observation{*Period::parse(period), value};
        const QDateTime now = QDateTime::currentDateTimeUtc();
        m_hub->series().ingest(QStringLiteral("test-feed"), {s}, now);
        Q_EMIT m_hub->scheduler()->stored(QStringLiteral("test-feed"), {s}, now,
                                          IngestMode::KeepRevisions);
    }

private:
    FeedHub *m_hub;
};

class Setup : public QObject {
    Q_OBJECT
public Q_SLOTS:
    void qmlEngineAvailable(QQmlEngine *engine) {
        engine->addImportPath(QStringLiteral("qrc:/"));
        m_db = std::make_unique<opswall::store::Database>(
            m_dir.filePath(QStringLiteral("qml.sqlite")));
        m_hub = std::make_unique<FeedHub>(*m_db, &m_nam);
        QString err;
        QFile ind(qEnvironmentVariable("OPSWALL_SOURCE_DIR") +
                  QStringLiteral("/assets/demo/demo-indicators.json"));
        if (!ind.open(QIODevice::ReadOnly) || !m_hub->alerts()->importJson(ind.readAll(), &err))
            qFatal("indicators: %s", qPrintable(err));
        // Fetched two days ago and never since: tiles must show the values with a stale marker.
        const ParseResult monthly = opswall::feeds::testing::gsoMonthlyNational();
        if (!monthly.ok())
            qFatal("the GSO table: %s", qPrintable(monthly.error.message));
        m_hub->series().ingest(QStringLiteral("gso-monthly"), monthly.series,
                               QDateTime::currentDateTimeUtc().addDays(-2));
        Series sim;
        sim.indicator = QStringLiteral("PROC_TENDERS_PUBLISHED");
        sim.points << Observation{Period::day(QDate::currentDate()), 431};
        m_hub->series().ingest(QStringLiteral("sim-procurement"), {sim},
                               QDateTime::currentDateTimeUtc());
        const ProvinceTable provinceTables[] = {
            // The industrial-employment index of every province (Dec 2024), for the ranked
            // table and the bar chart.
            {"gso-industrial-employment-provinces",
             "gso-2024-12-industrial-employment-index-by-province.csv", "2024-12", "gso_code",
             "index_vs_same_month_prev_year", "IND_EMP_YOY_INDEX"},
            // The weights of 34-unit maps of the index: employed persons by province in 2024
            // (EMPLOYED_THOUSAND, NSO table E02.45), read from the real file as the demo feed
            // does.
            {"gso-population-provinces", "gso-population-by-province.csv", "2024", "province_code",
             "employed_thousand", "EMPLOYED_THOUSAND"},
        };
        for (const ProvinceTable &t : provinceTables)
            ingestProvinceTable(*m_hub, t, QDateTime::currentDateTimeUtc());
        // The behind-plan rule on the real February 2025 disbursement raises a critical alert.
        m_hub->alerts()->evaluate(QDateTime::currentDateTimeUtc());
        m_data = new opswall::indicators::IndicatorData(m_hub.get(), this);
        m_data->setProvinceNames({{QStringLiteral("01"), QStringLiteral("Hà Nội")},
                                  {QStringLiteral("79"), QStringLiteral("TP. Hồ Chí Minh")}});
        opswall::provide(engine, m_data);
        m_feed = std::make_unique<TestFeed>(m_hub.get());
        engine->rootContext()->setContextProperty(QStringLiteral("testFeed"), m_feed.get());
        engine->rootContext()->setContextProperty(QStringLiteral("testHasMaps"),
#ifdef OPSWALL_TEST_MAPS
                                                  true);
#else
                                                  false);
#endif
    }

private:
    QTemporaryDir m_dir;
    QNetworkAccessManager m_nam;
    std::unique_ptr<opswall::store::Database> m_db;
    std::unique_ptr<FeedHub> m_hub;
    opswall::indicators::IndicatorData *m_data = nullptr;
    std::unique_ptr<TestFeed> m_feed;
};

int main(int argc, char **argv) {
    QApplication app(argc, argv);
    Setup setup;
    return quick_test_main_with_setup(argc, argv, "tst_feeds_qml", OPSWALL_QML_TEST_DIR, &setup);
}

#include "tst_feeds_qml.moc"
