#pragma once
// A clock for clock tiles: the time and the date in a time zone, worded in Vietnamese or English.
// It ticks once a second while running; a clock tile runs it only while it is shown (a tile kept
// built and hidden, or built ahead of a recall, runs no timer), and a clock started again ticks at
// once, so the tile shows the time of the frame it is shown in.

#include <QDate>
#include <QObject>
#include <QString>
#include <QTime>
#include <QTimeZone>
#include <QTimer>
#include <QtQml/qqmlregistration.h>

namespace opswall::qml {

// "Thứ Hai, ngày 23 tháng 11 năm 2026" / "Monday, 23 November 2026"
QString formatLongDate(QDate date, const QString &language);
// "14:05:09" (24-hour in both languages, as Vietnamese and government use prefer)
QString formatTime(QTime time);

class WallClock : public QObject {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QString timeZone READ timeZone WRITE setTimeZone NOTIFY timeZoneChanged)
    Q_PROPERTY(QString language READ language WRITE setLanguage NOTIFY languageChanged)
    Q_PROPERTY(QString timeText READ timeText NOTIFY tick)
    Q_PROPERTY(QString dateText READ dateText NOTIFY tick)
    Q_PROPERTY(bool valid READ valid NOTIFY timeZoneChanged)
    Q_PROPERTY(bool running READ running WRITE setRunning NOTIFY runningChanged)
public:
    explicit WallClock(QObject *parent = nullptr);

    QString timeZone() const { return m_zoneName; }
    void setTimeZone(const QString &name);
    QString language() const { return m_language; }
    void setLanguage(const QString &language);
    QString timeText() const;
    QString dateText() const;
    bool valid() const { return m_zone.isValid(); }
    bool running() const { return m_running; }
    void setRunning(bool running);

Q_SIGNALS:
    void tick();
    void timeZoneChanged();
    void languageChanged();
    void runningChanged();

private:
    QDateTime now() const;
    void arm();
    QTimer m_timer;
    QString m_zoneName = QStringLiteral("Asia/Ho_Chi_Minh");
    QTimeZone m_zone{"Asia/Ho_Chi_Minh"};
    QString m_language = QStringLiteral("vi");
    bool m_running = true;
};

} // namespace opswall::qml
