#include "wallclock.h"

#include <QTimer>

namespace opswall::qml {

QString formatLongDate(QDate date, const QString &language) {
    if (!date.isValid())
        return {};
    if (language == QLatin1String("en")) {
        static const char *const days[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                           "Friday", "Saturday", "Sunday"};
        static const char *const months[] = {"January",   "February", "March",    "April",
                                             "May",       "June",     "July",     "August",
                                             "September", "October",  "November", "December"};
        return QStringLiteral("%1, %2 %3 %4")
            .arg(QString::fromLatin1(days[date.dayOfWeek() - 1]))
            .arg(date.day())
            .arg(QString::fromLatin1(months[date.month() - 1]))
            .arg(date.year());
    }
    static const char16_t *const days[] = {u"Thứ Hai", u"Thứ Ba",  u"Thứ Tư",  u"Thứ Năm",
                                           u"Thứ Sáu", u"Thứ Bảy", u"Chủ Nhật"};
    return QStringLiteral("%1, ngày %2 tháng %3 năm %4")
        .arg(QString::fromUtf16(days[date.dayOfWeek() - 1]))
        .arg(date.day(), 2, 10, QLatin1Char('0'))
        .arg(date.month(), date.month() <= 2 ? 2 : 1, 10, QLatin1Char('0'))
        .arg(date.year());
}

QString formatTime(QTime time) {
    return time.toString(QStringLiteral("HH:mm:ss"));
}

WallClock::WallClock(QObject *parent)
    : QObject(parent) {
    // Fire just after each second boundary so every clock on the wall turns over together.
    m_timer.setTimerType(Qt::PreciseTimer);
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        Q_EMIT tick();
        arm();
    });
    arm();
}

void WallClock::arm() {
    m_timer.start(1000 - QTime::currentTime().msec() + 5);
}

void WallClock::setRunning(bool running) {
    if (running == m_running)
        return;
    m_running = running;
    if (running) {
        Q_EMIT tick(); // the time now (a text that did not change is not laid out again)
        arm();
    } else {
        m_timer.stop();
    }
    Q_EMIT runningChanged();
}

void WallClock::setTimeZone(const QString &name) {
    if (name == m_zoneName)
        return;
    m_zoneName = name;
    m_zone = QTimeZone(name.toUtf8());
    Q_EMIT timeZoneChanged();
    Q_EMIT tick();
}

void WallClock::setLanguage(const QString &language) {
    if (language == m_language)
        return;
    m_language = language;
    Q_EMIT languageChanged();
    Q_EMIT tick();
}

QDateTime WallClock::now() const {
    const QDateTime utc = QDateTime::currentDateTimeUtc();
    return m_zone.isValid() ? utc.toTimeZone(m_zone) : utc;
}

QString WallClock::timeText() const {
    return formatTime(now().time());
}

QString WallClock::dateText() const {
    return formatLongDate(now().date(), m_language);
}

} // namespace opswall::qml
