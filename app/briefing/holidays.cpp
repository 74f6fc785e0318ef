#include "briefing/holidays.h"

#include <algorithm>

namespace opswall::briefing {

namespace {

struct LunarYear {
    int year;
    int tetMonth, tetDay;   // the first day of the first lunar month (Tết)
    int hungMonth, hungDay; // the 10th day of the third lunar month
};

// Gregorian dates of Tết and of the Hùng Kings' day, from the Vietnamese lunar calendar (UTC+7),
// checked against the lunar calendar computed in tst_briefing_schedule. 2030: the new moon falls
// shortly after 23:00 on 2 February in Viet Nam (UTC+7) and after midnight in China (UTC+8), so
// Viet Nam's Tết is 2 February, a day before China's.
constexpr LunarYear kLunar[] = {
    {2024, 2, 10, 4, 18}, {2025, 1, 29, 4, 7},  {2026, 2, 17, 4, 26}, {2027, 2, 6, 4, 16},
    {2028, 1, 26, 4, 4},  {2029, 2, 13, 4, 23}, {2030, 2, 2, 4, 12},  {2031, 1, 23, 4, 1},
    {2032, 2, 11, 4, 19}, {2033, 1, 31, 4, 9},  {2034, 2, 19, 4, 28}, {2035, 2, 8, 4, 17},
};

bool weekend(QDate d) {
    return d.dayOfWeek() >= 6;
}

} // namespace

bool holidaysKnown(QDate date) {
    return date.isValid() && date.year() >= kHolidayFirstYear && date.year() <= kHolidayLastYear;
}

std::optional<QList<Holiday>> vietnamHolidays(int year) {
    const auto lunar = std::find_if(std::begin(kLunar), std::end(kLunar),
                                    [year](const LunarYear &l) { return l.year == year; });
    if (lunar == std::end(kLunar))
        return std::nullopt;
    QList<Holiday> days;
    days.append(
        {QDate(year, 1, 1), QStringLiteral("Tết Dương lịch"), QStringLiteral("New Year's Day")});
    const QDate tet(year, lunar->tetMonth, lunar->tetDay);
    days.append({tet.addDays(-1), QStringLiteral("Tết Nguyên Đán (30 Tết)"),
                 QStringLiteral("Lunar New Year's Eve")});
    for (int i = 0; i < 4; ++i)
        days.append({tet.addDays(i), QStringLiteral("Tết Nguyên Đán (mùng %1)").arg(i + 1),
                     QStringLiteral("Lunar New Year (day %1)").arg(i + 1)});
    days.append({QDate(year, lunar->hungMonth, lunar->hungDay), QStringLiteral("Giỗ Tổ Hùng Vương"),
                 QStringLiteral("Hùng Kings' Commemoration")});
    days.append({QDate(year, 4, 30), QStringLiteral("Ngày Giải phóng miền Nam"),
                 QStringLiteral("Reunification Day")});
    days.append({QDate(year, 5, 1), QStringLiteral("Ngày Quốc tế Lao động"),
                 QStringLiteral("International Labour Day")});
    const QDate national(year, 9, 2);
    days.append({national, QStringLiteral("Quốc khánh"), QStringLiteral("National Day")});
    // The adjacent day joins the holiday to a weekend where it can: the 1st when the 2nd is a
    // Tuesday, Wednesday, Friday or Saturday; else the 3rd.
    const int dow = national.dayOfWeek();
    const QDate adjacent =
        (dow == 2 || dow == 3 || dow == 5 || dow == 6) ? national.addDays(-1) : national.addDays(1);
    days.append({adjacent, QStringLiteral("Quốc khánh (ngày liền kề)"),
                 QStringLiteral("National Day (adjacent day)")});
    std::sort(days.begin(), days.end(),
              [](const Holiday &a, const Holiday &b) { return a.date < b.date; });
    // A holiday on a weekend gives the next working day that is not itself a holiday.
    QList<Holiday> compensation;
    auto isOff = [&](QDate d) {
        for (const Holiday &h : days)
            if (h.date == d)
                return true;
        for (const Holiday &h : compensation)
            if (h.date == d)
                return true;
        return false;
    };
    for (const Holiday &h : days) {
        if (!weekend(h.date))
            continue;
        QDate d = h.date.addDays(1);
        while (weekend(d) || isOff(d))
            d = d.addDays(1);
        compensation.append({d, QStringLiteral("Nghỉ bù (%1)").arg(h.nameVi),
                             QStringLiteral("Day off in lieu (%1)").arg(h.nameEn)});
    }
    days.append(compensation);
    std::sort(days.begin(), days.end(),
              [](const Holiday &a, const Holiday &b) { return a.date < b.date; });
    return days;
}

std::optional<Holiday> vietnamHoliday(QDate date) {
    const auto year = holidaysKnown(date) ? vietnamHolidays(date.year()) : std::nullopt;
    if (!year)
        return std::nullopt;
    for (const Holiday &h : *year)
        if (h.date == date)
            return h;
    return std::nullopt;
}

} // namespace opswall::briefing
