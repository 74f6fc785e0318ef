#pragma once
// One period type for every feed format: a year ("2024"), a quarter ("2024-Q3"), a month
// ("2024-03"), a day ("2024-03-15") or an instant ("2024-03-15T08:30:00Z"). A period is ordered
// by its start instant, then by its length (a year sorts before its first month).

#include <QDateTime>
#include <QString>
#include <QStringView>

#include <compare>
#include <cstdint>
#include <optional>

namespace opswall::feeds {

enum class PeriodKind { Invalid = 0, Year, Quarter, Month, Day, Instant };

class Period {
public:
    Period() = default;
    static Period year(int y);
    static Period quarter(int y, int q);
    static Period month(int y, int m);
    static Period day(QDate d);
    static Period instant(const QDateTime &t);
    // Rebuilds a period from its storage key (kind, startSecs()); invalid if kind is invalid.
    static Period fromKey(int kind, std::int64_t startSecs);

    // Accepts YYYY, YYYY-Qn, YYYYQn, YYYY-Mmm (SDMX), YYYY-MM, YYYY-MM-DD, ISO 8601 date-times
    // (with Z or an offset; without, UTC is assumed), and MM/YYYY as used in Vietnamese tables.
    static std::optional<Period> parse(QStringView text);

    bool isValid() const { return m_kind != PeriodKind::Invalid; }
    PeriodKind kind() const { return m_kind; }
    // UTC seconds since the epoch of the period's first instant: the sort and storage key.
    std::int64_t startSecs() const { return m_startSecs; }
    QDateTime start() const;
    int yearNumber() const;
    // The same period one step earlier (previous month/quarter/year/day); invalid for instants.
    Period previous() const;
    // The same period a year earlier (month m of y-1, ...); invalid for instants.
    Period sameLastYear() const;
    // Fraction of its year elapsed at the end of this period (month 3 -> 0.25); for a year 1.0.
    double yearFractionAtEnd() const;
    // Canonical text: 2024, 2024-Q3, 2024-03, 2024-03-15, 2024-03-15T08:30:00Z.
    QString toString() const;

    friend bool operator==(const Period &a, const Period &b) = default;
    friend std::strong_ordering operator<=>(const Period &a, const Period &b) {
        if (auto c = a.m_startSecs <=> b.m_startSecs; c != 0)
            return c;
        return a.m_kind <=> b.m_kind;
    }

private:
    PeriodKind m_kind = PeriodKind::Invalid;
    std::int64_t m_startSecs = 0;
};

QString periodKindName(PeriodKind kind);

} // namespace opswall::feeds
