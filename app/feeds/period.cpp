#include "feeds/period.h"

namespace opswall::feeds {

namespace {
constexpr int kMinYear = 1000;
constexpr int kMaxYear = 9999;

// Midnight UTC of a valid date, in seconds since the epoch (the Julian day of 1970-01-01 is
// 2440588): what QDateTime(d, QTime(0, 0), Qt::UTC).toSecsSinceEpoch() gives, without building a
// QDateTime for every observation a feed parses.
std::int64_t secsOf(QDate d) {
    return (d.toJulianDay() - 2440588) * 86400;
}

bool yearOk(int y) {
    return y >= kMinYear && y <= kMaxYear;
}
} // namespace

Period Period::year(int y) {
    Period p;
    if (!yearOk(y))
        return p;
    p.m_kind = PeriodKind::Year;
    p.m_startSecs = secsOf(QDate(y, 1, 1));
    return p;
}

Period Period::quarter(int y, int q) {
    Period p;
    if (!yearOk(y) || q < 1 || q > 4)
        return p;
    p.m_kind = PeriodKind::Quarter;
    p.m_startSecs = secsOf(QDate(y, (q - 1) * 3 + 1, 1));
    return p;
}

Period Period::month(int y, int m) {
    Period p;
    if (!yearOk(y) || m < 1 || m > 12)
        return p;
    p.m_kind = PeriodKind::Month;
    p.m_startSecs = secsOf(QDate(y, m, 1));
    return p;
}

Period Period::day(QDate d) {
    Period p;
    if (!d.isValid() || !yearOk(d.year()))
        return p;
    p.m_kind = PeriodKind::Day;
    p.m_startSecs = secsOf(d);
    return p;
}

Period Period::instant(const QDateTime &t) {
    Period p;
    if (!t.isValid() || !yearOk(t.toUTC().date().year()))
        return p;
    p.m_kind = PeriodKind::Instant;
    p.m_startSecs = t.toSecsSinceEpoch();
    return p;
}

Period Period::fromKey(int kind, std::int64_t startSecs) {
    Period p;
    if (kind < int(PeriodKind::Year) || kind > int(PeriodKind::Instant))
        return p;
    p.m_kind = PeriodKind(kind);
    p.m_startSecs = startSecs;
    return p;
}

namespace {
// Reads exactly n ASCII digits at text[pos]; -1 if any is not a digit.
int digitsAt(QStringView text, qsizetype pos, int n) {
    if (pos + n > text.size())
        return -1;
    int v = 0;
    for (int i = 0; i < n; ++i) {
        const char16_t c = text[pos + i].unicode();
        if (c < u'0' || c > u'9')
            return -1;
        v = v * 10 + (c - u'0');
    }
    return v;
}
} // namespace

std::optional<Period> Period::parse(QStringView input) {
    // Hand-written rather than regular expressions: this runs once per observation (17,206 times
    // for METVNM.xml) and dominated the parse time.
    const QStringView text = input.trimmed();
    const qsizetype n = text.size();
    if (n == 0 || n > 40)
        return std::nullopt;
    Period p;
    const int y = digitsAt(text, 0, 4);
    if (y >= 0 && n == 4) {
        p = year(y);
    } else if (y >= 0 && n == 7 && text[4] == u'-' && (text[5] == u'Q' || text[5] == u'q')) {
        p = quarter(y, digitsAt(text, 6, 1));
    } else if (y >= 0 && n == 6 && (text[4] == u'Q' || text[4] == u'q')) {
        p = quarter(y, digitsAt(text, 5, 1));
    } else if (y >= 0 && n == 7 && text[4] == u'-') {
        p = month(y, digitsAt(text, 5, 2));
    } else if (y >= 0 && n == 8 && text[4] == u'-' && text[5] == u'M') {
        p = month(y, digitsAt(text, 6, 2));
    } else if (y >= 0 && n == 10 && text[4] == u'-' && text[7] == u'-') {
        const int m = digitsAt(text, 5, 2), d = digitsAt(text, 8, 2);
        if (m >= 0 && d >= 0)
            p = day(QDate(y, m, d));
    } else if (const qsizetype slash = text.indexOf(u'/');
               slash > 0 && slash <= 2 && n == slash + 5) {
        const int m = digitsAt(text, 0, int(slash)), yy = digitsAt(text, slash + 1, 4);
        if (m >= 0 && yy >= 0)
            p = month(yy, m);
    } else if (y >= 0 && n > 10 && text[10] == u'T') {
        QDateTime t = QDateTime::fromString(text.toString(), Qt::ISODateWithMs);
        if (t.isValid() && t.timeSpec() == Qt::LocalTime)
            t.setTimeSpec(Qt::UTC); // no offset given: feeds publish UTC
        p = instant(t);
    }
    if (!p.isValid())
        return std::nullopt;
    return p;
}

QDateTime Period::start() const {
    return QDateTime::fromSecsSinceEpoch(m_startSecs, Qt::UTC);
}

int Period::yearNumber() const {
    return start().date().year();
}

Period Period::previous() const {
    const QDate d = start().date();
    switch (m_kind) {
    case PeriodKind::Year:
        return year(d.year() - 1);
    case PeriodKind::Quarter:
        return d.month() == 1 ? quarter(d.year() - 1, 4) : quarter(d.year(), (d.month() - 1) / 3);
    case PeriodKind::Month:
        return d.month() == 1 ? month(d.year() - 1, 12) : month(d.year(), d.month() - 1);
    case PeriodKind::Day:
        return day(d.addDays(-1));
    case PeriodKind::Instant:
    case PeriodKind::Invalid:
        break;
    }
    return {};
}

Period Period::sameLastYear() const {
    const QDate d = start().date();
    switch (m_kind) {
    case PeriodKind::Year:
        return year(d.year() - 1);
    case PeriodKind::Quarter:
        return quarter(d.year() - 1, (d.month() - 1) / 3 + 1);
    case PeriodKind::Month:
        return month(d.year() - 1, d.month());
    case PeriodKind::Day:
        return day(d.addYears(-1));
    case PeriodKind::Instant:
    case PeriodKind::Invalid:
        break;
    }
    return {};
}

double Period::yearFractionAtEnd() const {
    const QDate d = start().date();
    switch (m_kind) {
    case PeriodKind::Year:
        return 1.0;
    case PeriodKind::Quarter:
        return ((d.month() - 1) / 3 + 1) / 4.0;
    case PeriodKind::Month:
        return d.month() / 12.0;
    case PeriodKind::Day:
        return double(d.dayOfYear()) / d.daysInYear();
    case PeriodKind::Instant: {
        const QDateTime t = start();
        const double secs = QDateTime(QDate(d.year(), 1, 1), QTime(0, 0), Qt::UTC).secsTo(t);
        return secs / (double(d.daysInYear()) * 86400.0);
    }
    case PeriodKind::Invalid:
        break;
    }
    return 0.0;
}

QString Period::toString() const {
    const QDate d = start().date();
    switch (m_kind) {
    case PeriodKind::Year:
        return QString::number(d.year());
    case PeriodKind::Quarter:
        return QStringLiteral("%1-Q%2").arg(d.year()).arg((d.month() - 1) / 3 + 1);
    case PeriodKind::Month:
        return QStringLiteral("%1-%2").arg(d.year()).arg(d.month(), 2, 10, QLatin1Char('0'));
    case PeriodKind::Day:
        return d.toString(Qt::ISODate);
    case PeriodKind::Instant:
        return start().toString(Qt::ISODate);
    case PeriodKind::Invalid:
        break;
    }
    return {};
}

QString periodKindName(PeriodKind kind) {
    switch (kind) {
    case PeriodKind::Year:
        return QStringLiteral("year");
    case PeriodKind::Quarter:
        return QStringLiteral("quarter");
    case PeriodKind::Month:
        return QStringLiteral("month");
    case PeriodKind::Day:
        return QStringLiteral("day");
    case PeriodKind::Instant:
        return QStringLiteral("instant");
    case PeriodKind::Invalid:
        break;
    }
    return QStringLiteral("invalid");
}

} // namespace opswall::feeds
