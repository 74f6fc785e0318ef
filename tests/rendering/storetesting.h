#pragma once
// What the store tests of the real opswall share (tst_app_store_thread, tst_app_store_refused):
// a panel to bind, and the GUI thread's waits on the disk, reads and frames measured.
#include "appundertest.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpServer>

#include <algorithm>
#include <vector>

namespace apptest {

// The "items" of a list the API answers (GET /presets, /briefings…), as the admin.
inline QJsonArray itemsOf(const Wall &w, const QString &path) {
    return jsonOf(w.api("GET", path).body)[QStringLiteral("items")].toArray();
}

// A button panel "desk" (a Stream Deck over TCP, page "main", no buttons), not connected: nothing
// listens on its port. Written to the wall's folder and passed with --panels, so that a
// panel.bind is a write the store makes. False when the file cannot be written.
inline bool useDeskPanel(Wall &w) {
    QTcpServer closed; // a port that was free a moment ago
    if (!closed.listen(QHostAddress::LocalHost, 0))
        return false;
    const quint16 deckPort = closed.serverPort();
    closed.close();
    const QJsonObject panels{
        {QStringLiteral("kind"), QStringLiteral("opswall.panels")},
        {QStringLiteral("schemaVersion"), 1},
        {QStringLiteral("panels"),
         QJsonArray{
             QJsonObject{{QStringLiteral("id"), QStringLiteral("desk")},
                         {QStringLiteral("name"), QStringLiteral("Desk")},
                         {QStringLiteral("type"), QStringLiteral("streamdeck-tcp")},
                         {QStringLiteral("host"), QStringLiteral("127.0.0.1")},
                         {QStringLiteral("port"), deckPort},
                         {QStringLiteral("role"), QStringLiteral("operator")},
                         {QStringLiteral("pages"),
                          QJsonArray{QJsonObject{{QStringLiteral("id"), QStringLiteral("main")},
                                                 {QStringLiteral("buttons"), QJsonArray{}}}}}}}}};
    const QString path = w.dir.filePath(QStringLiteral("panels.json"));
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(QJsonDocument(panels).toJson()) < 0)
        return false;
    f.close();
    w.extraArgs << QStringLiteral("--panels") << path;
    return true;
}

// What GET /metrics says of the GUI thread's waits on the disk (a statement, a store-thread job);
// -1 when the family is missing.
inline double guiThreadWaits(const Wall &w) {
    const QByteArray text = w.api("GET", QStringLiteral("/metrics")).body;
    for (const QByteArray &line : text.split('\n'))
        if (line.startsWith("opswall_store_gui_thread_waits_total "))
            return line.mid(line.indexOf(' ') + 1).trimmed().toDouble();
    return -1;
}

// The q-quantile (0..1) of samples; 0 when there are none.
template<typename T>
T quantile(std::vector<T> samples, double q) {
    if (samples.empty())
        return T{};
    std::sort(samples.begin(), samples.end());
    return samples[std::min(samples.size() - 1, std::size_t(q * double(samples.size())))];
}

// The reads and frames of one phase of the test: each read's time, and for each /health answer
// the longest gap between two frames of any output in the last second and the frame rate.
struct Figures {
    std::vector<qint64> readMs;
    std::vector<qint64> frameGapMs;
    std::vector<double> fps;
    qint64 read(double q) const { return quantile(readMs, q); }
    qint64 frameGap(double q) const { return quantile(frameGapMs, q); }
    double framesPerSecond(double q) const { return quantile(fps, q); }
};

// One GET of each path, timed; false (with *error) when one did not answer 200.
inline bool readRound(const Wall &w, const QStringList &paths, Figures *f, QString *error) {
    for (const QString &path : paths) {
        QElapsedTimer t;
        t.start();
        const ApiResponse r = w.api("GET", path);
        f->readMs.push_back(t.elapsed());
        if (r.status != 200) {
            *error = QStringLiteral("GET %1: %2 %3")
                         .arg(path)
                         .arg(r.status)
                         .arg(QString::fromUtf8(r.body));
            return false;
        }
        if (path == QLatin1String("/health")) {
            const QJsonObject h = jsonOf(r.body);
            f->fps.push_back(h.value(QStringLiteral("fps")).toDouble());
            qint64 gap = 0;
            for (const QJsonValue &o : h.value(QStringLiteral("outputs")).toArray())
                gap = std::max(gap, qint64(o[QStringLiteral("longestFrameMs")].toDouble()));
            f->frameGapMs.push_back(gap);
        }
    }
    return true;
}

// Read rounds (readRound, 50 ms apart) for at least ms and until three /health answers are in:
// the fast-disk baseline of a slow-disk test. False (with *error) when a read did not answer 200.
inline bool readFor(const Wall &w, const QStringList &paths, qint64 ms, Figures *f,
                    QString *error) {
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < ms || f->fps.size() < 3) {
        if (!readRound(w, paths, f, error))
            return false;
        QTest::qWait(50);
    }
    return true;
}

} // namespace apptest
