#pragma once
// Viet Nam's public holidays, for schedules that skip them (pure; no clock, no I/O).
// Labour Code 2019, article 112: 1 January; Tết Nguyên Đán, 5 days (here: the last day of the
// lunar year and the first four days of the new one); the Hùng Kings' Commemoration (10th day of
// the 3rd lunar month); 30 April; 1 May; National Day, 2 September and one adjacent day; and a
// holiday falling on a Saturday or Sunday gives the next working day off.
//
// Lunar dates come from a table for 2024-2035 (kFirstYear..kLastYear); outside it there is no
// answer (nullopt) rather than a guess. The Government's yearly decision may move days (bridging
// days, which day goes with 2 September): a schedule lists such dates in "skipDates".

#include <QDate>
#include <QList>
#include <QString>

#include <optional>

namespace opswall::briefing {

struct Holiday {
    QDate date;
    QString nameVi;
    QString nameEn;
};

inline constexpr int kHolidayFirstYear = 2024;
inline constexpr int kHolidayLastYear = 2035;

// Every day off of the year, in date order (compensatory days included); nullopt for a year
// outside the table.
std::optional<QList<Holiday>> vietnamHolidays(int year);
// The holiday on date, if any; nullopt also for dates outside the table's years.
std::optional<Holiday> vietnamHoliday(QDate date);
// Whether the table covers date's year.
bool holidaysKnown(QDate date);

} // namespace opswall::briefing
