// CSV with a column mapping: RFC 4180 quoting, UTF-8 with or without BOM, header names matched
// after Unicode normalisation (Vietnamese headers typed on another keyboard are often NFD),
// decimal point or decimal comma, long format (one value column) or wide (one column per
// indicator).
#include "feeds/adapters.h"

#include <deque>

namespace opswall::feeds {

namespace {

// The fields of one row: views into the decoded text (or into CsvTable::unescaped).
struct RowView {
    const QStringView *cells = nullptr;
    qsizetype count = 0;
    qsizetype size() const { return count; }
    QStringView operator[](qsizetype i) const { return cells[i]; }
};

// Every field of the document as a view, rows one after another: no string per field, only for
// quoted fields with doubled quotes inside.
struct CsvTable {
    QList<QStringView> cells;
    QList<qsizetype> rowStart; // index of each row's first field in cells
    QList<int> lines;          // 1-based source line of each row
    std::deque<QString> unescaped;
    QString error;
    int errorLine = 0;

    qsizetype rows() const { return lines.size(); }
    RowView row(qsizetype r) const {
        const qsizetype end = r + 1 < rowStart.size() ? rowStart[r + 1] : cells.size();
        return RowView{cells.constData() + rowStart[r], end - rowStart[r]};
    }
};

// A field as a string: null when empty, as the tokenizer's strings used to be.
QString owned(QStringView field) {
    return field.isEmpty() ? QString() : field.toString();
}

QChar detectDelimiter(QStringView firstLine) {
    int counts[3] = {0, 0, 0};
    const QChar cands[3] = {QLatin1Char(','), QLatin1Char(';'), QLatin1Char('\t')};
    bool quoted = false;
    for (QChar c : firstLine) {
        if (c == QLatin1Char('"'))
            quoted = !quoted;
        for (int k = 0; k < 3 && !quoted; ++k)
            if (c == cands[k])
                ++counts[k];
    }
    int best = 0;
    for (int k = 1; k < 3; ++k)
        if (counts[k] > counts[best])
            best = k;
    return cands[best];
}

CsvTable tokenize(const QString &text, QChar delim, std::int64_t maxCells) {
    CsvTable t;
    const QChar *data = text.constData();
    qsizetype fieldFrom = 0; // first character of the field (inside the quotes when quoted)
    qsizetype fieldTo = 0;   // one past its last character
    bool escaped = false;    // a quoted field with "" inside: unescape on its end
    qsizetype rowFirst = 0;  // index in cells of the current row's first field
    bool quoted = false, fieldStarted = false, afterQuote = false;
    int line = 1, rowLine = 1;
    std::int64_t cells = 0;
    auto endField = [&] {
        QStringView field(data + fieldFrom, fieldTo - fieldFrom);
        if (escaped) {
            t.unescaped.push_back(
                field.toString().replace(QStringLiteral("\"\""), QStringLiteral("\"")));
            field = t.unescaped.back();
        }
        t.cells.push_back(field);
        fieldStarted = false;
        afterQuote = false;
        escaped = false;
        ++cells;
    };
    auto endRow = [&] {
        endField();
        if (t.cells.size() - rowFirst == 1 && t.cells.back().isEmpty()) { // skip blank lines
            t.cells.pop_back();
        } else {
            t.rowStart.push_back(rowFirst);
            t.lines.push_back(rowLine);
        }
        rowFirst = t.cells.size();
    };
    const qsizetype n = text.size();
    for (qsizetype i = 0; i < n; ++i) {
        const QChar c = data[i];
        if (cells > maxCells) {
            t.error = QStringLiteral("more than %1 cells").arg(maxCells);
            t.errorLine = line;
            return t;
        }
        if (!fieldStarted)
            fieldFrom = fieldTo = i;
        if (quoted) {
            if (c == QLatin1Char('"')) {
                if (i + 1 < n && data[i + 1] == QLatin1Char('"')) {
                    escaped = true;
                    ++i;
                    fieldTo = i + 1;
                } else {
                    quoted = false;
                    afterQuote = true;
                }
            } else {
                if (c == QLatin1Char('\n'))
                    ++line;
                fieldTo = i + 1;
            }
            continue;
        }
        if (c == QLatin1Char('"') && !fieldStarted) {
            quoted = true;
            fieldStarted = true;
            fieldFrom = fieldTo = i + 1;
        } else if (c == delim) {
            endField();
        } else if (c == QLatin1Char('\r') && i + 1 < n && data[i + 1] == QLatin1Char('\n')) {
            continue;
        } else if (c == QLatin1Char('\n') || c == QLatin1Char('\r')) {
            endRow();
            ++line;
            rowLine = line;
        } else {
            if (afterQuote) {
                t.error = QStringLiteral("text after a closing quote");
                t.errorLine = line;
                return t;
            }
            fieldTo = i + 1;
            fieldStarted = true;
        }
    }
    if (quoted) {
        t.error = QStringLiteral("unterminated quoted field (truncated file?)");
        t.errorLine = rowLine;
        return t;
    }
    if (fieldStarted || t.cells.size() > rowFirst)
        endRow();
    return t;
}

QString normalizedKey(const QString &s) {
    return s.trimmed().normalized(QString::NormalizationForm_C).toCaseFolded();
}

ParseResult rowError(const QString &message, int line, const QString &column = {}) {
    ParseResult r = detail::fail(message);
    r.error.line = line;
    r.error.column = 0;
    r.error.where = column.isEmpty() ? QStringLiteral("line %1").arg(line)
                                     : QStringLiteral("line %1, column '%2'").arg(line).arg(column);
    r.error.line = 0; // the where text carries the line
    return r;
}

} // namespace

ParseResult parseCsv(QByteArrayView bytes, const FeedMapping &m, const ParseLimits &limits) {
    if (bytes.size() > limits.maxBytes)
        return detail::fail(QStringLiteral("document of %1 bytes is over the %2-byte limit")
                                .arg(bytes.size())
                                .arg(limits.maxBytes));
    if (bytes.startsWith("\xFF\xFE") || bytes.startsWith("\xFE\xFF"))
        return detail::fail(QStringLiteral("file is UTF-16; feeds must be UTF-8"), 0);
    std::int64_t skip = 0;
    if (bytes.startsWith("\xEF\xBB\xBF"))
        skip = 3;
    const QByteArrayView body = bytes.sliced(skip);
    if (const std::int64_t bad = detail::firstInvalidUtf8(body); bad >= 0)
        return detail::fail(QStringLiteral("not valid UTF-8 (wrong encoding, e.g. Windows-1258?)"),
                            bad + skip);
    const QString text = QString::fromUtf8(body);
    const QChar delim = m.delimiter.isNull()
                            ? detectDelimiter(QStringView(text).left(
                                  qMax<qsizetype>(0, text.indexOf(QLatin1Char('\n')))))
                            : m.delimiter;
    const CsvTable t = tokenize(text, delim, limits.maxPoints * 4 + 1024);
    if (!t.error.isEmpty())
        return rowError(t.error, t.errorLine);
    if (t.rows() == 0)
        return detail::fail(QStringLiteral("empty CSV: no header row"));
    QStringList header;
    for (qsizetype i = 0; i < t.row(0).size(); ++i)
        header << owned(t.row(0)[i]);
    auto columnIndex = [&](const QString &name) -> int {
        const QString key = normalizedKey(name);
        for (qsizetype i = 0; i < header.size(); ++i)
            if (normalizedKey(header[i]) == key)
                return int(i);
        return -1;
    };
    auto need = [&](const QString &name, int *idx) -> QString {
        *idx = -1;
        if (name.isEmpty())
            return {};
        *idx = columnIndex(name);
        if (*idx < 0)
            return QStringLiteral("no column '%1' in the header (columns: %2)")
                .arg(name, header.join(QStringLiteral(", ")).left(200));
        return {};
    };
    int timeIdx = -1, indIdx = -1, unitIdx = -1, filterIdx = -1;
    QString err;
    if (!(err = need(m.filterField, &filterIdx)).isEmpty() ||
        !(err = need(m.timeField, &timeIdx)).isEmpty() ||
        !(err = need(m.indicatorField, &indIdx)).isEmpty() ||
        !(err = need(m.unitField, &unitIdx)).isEmpty())
        return rowError(err, t.lines.front());
    if (m.timeField.isEmpty() && m.fixedPeriod.isEmpty())
        return detail::fail(QStringLiteral("mapping has neither timeField nor fixedPeriod"));
    QList<int> dimIdx;
    for (const QString &d : m.dimensionFields) {
        int i = -1;
        if (!(err = need(d, &i)).isEmpty())
            return rowError(err, t.lines.front());
        dimIdx << i;
    }
    QList<ValueColumn> columns = m.valueColumns;
    if (columns.isEmpty()) {
        if (m.valueField.isEmpty())
            return detail::fail(QStringLiteral("mapping has neither valueField nor valueColumns"));
        columns << ValueColumn{m.valueField, m.indicator};
    }
    QList<int> valueIdx;
    for (const ValueColumn &c : columns) {
        int i = -1;
        if (!(err = need(c.column, &i)).isEmpty())
            return rowError(err, t.lines.front());
        valueIdx << i;
    }
    const std::optional<Period> fixed = Period::parse(m.fixedPeriod);
    detail::SeriesCollector out(limits);
    for (qsizetype r = 1; r < t.rows(); ++r) {
        const RowView row = t.row(r);
        const int line = t.lines[r];
        if (row.size() != header.size())
            return rowError(QStringLiteral("row has %1 fields, the header has %2")
                                .arg(row.size())
                                .arg(header.size()),
                            line);
        if (filterIdx >= 0 && !m.filterValues.contains(row[filterIdx].trimmed()))
            continue;
        Period period;
        if (timeIdx >= 0) {
            const std::optional<Period> p = Period::parse(row[timeIdx]);
            if (!p)
                return rowError(QStringLiteral("'%1' is not a period").arg(row[timeIdx].left(40)),
                                line, header[timeIdx]);
            period = *p;
        } else {
            period = *fixed;
        }
        QString dimension;
        for (qsizetype k = 0; k < dimIdx.size(); ++k) {
            if (k > 0)
                dimension += QLatin1Char('.');
            dimension += row[dimIdx[k]].trimmed();
        }
        const QString unit = unitIdx >= 0 ? owned(row[unitIdx]) : m.unit;
        for (qsizetype c = 0; c < columns.size(); ++c) {
            const QString indicator =
                indIdx >= 0 ? owned(row[indIdx].trimmed()) : columns[c].indicator;
            if (indicator.isEmpty())
                return rowError(QStringLiteral("no indicator"), line);
            if (!m.includeIndicators.isEmpty() && !m.includeIndicators.contains(indicator))
                continue;
            const QStringView cell = row[valueIdx[c]].trimmed();
            if (cell.isEmpty() || cell == QLatin1String("-") || cell == QLatin1String(".."))
                continue; // not published
            const std::optional<double> v = parseDecimal(cell, m.decimalComma);
            if (!v)
                return rowError(
                    QStringLiteral("'%1' is not a number%2")
                        .arg(cell.left(40), m.decimalComma
                                                ? QStringLiteral(" (decimal comma expected)")
                                                : QString()),
                    line, header[valueIdx[c]]);
            if (!out.add(indicator, dimension, Observation{period, *v}, unit))
                return rowError(out.error(), line);
        }
    }
    ParseResult result;
    result.series = out.take();
    return result;
}

} // namespace opswall::feeds
