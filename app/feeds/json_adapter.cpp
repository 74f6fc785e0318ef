// Generic JSON: an array of records somewhere in the document, each record giving the period, the
// value and optionally the indicator and breakdown fields (dotted paths inside the record).
#include "feeds/adapters.h"

#include <QJsonArray>

namespace opswall::feeds {

namespace detail {

bool readJsonDocument(QByteArrayView bytes, const ParseLimits &limits, QJsonDocument *doc,
                      ParseResult *error) {
    if (bytes.size() > limits.maxBytes) {
        *error = fail(QStringLiteral("document of %1 bytes is over the %2-byte limit")
                          .arg(bytes.size())
                          .arg(limits.maxBytes));
        return false;
    }
    if (const std::int64_t bad = firstInvalidUtf8(bytes); bad >= 0) {
        *error = fail(QStringLiteral("not valid UTF-8 (wrong encoding?)"), bad);
        return false;
    }
    std::int64_t where = -1;
    if (jsonDepth(bytes, limits.maxDepth, &where) > limits.maxDepth) {
        *error =
            fail(QStringLiteral("JSON nested deeper than %1 levels").arg(limits.maxDepth), where);
        return false;
    }
    QJsonParseError pe;
    *doc = QJsonDocument::fromJson(bytes.toByteArray(), &pe);
    if (pe.error != QJsonParseError::NoError) {
        *error = fail(QStringLiteral("malformed JSON: %1").arg(pe.errorString()), pe.offset);
        return false;
    }
    return true;
}

std::optional<double> jsonNumber(const QJsonValue &v, bool *isNull, QString *error) {
    *isNull = false;
    if (v.isNull()) {
        *isNull = true;
        return std::nullopt;
    }
    if (v.isDouble())
        return v.toDouble();
    if (v.isString()) {
        if (auto d = parseDecimal(v.toString()))
            return d;
        *error = QStringLiteral("'%1' is not a number").arg(v.toString().left(40));
        return std::nullopt;
    }
    *error = QStringLiteral("expected a number, got %1").arg(jsonTypeName(v));
    return std::nullopt;
}

} // namespace detail

namespace {

// Resolves "a.b[2].c" inside v; Undefined when absent.
QJsonValue resolve(const QJsonValue &root, const QString &path) {
    if (path.isEmpty())
        return root;
    QJsonValue v = root;
    for (const QString &partRaw : path.split(QLatin1Char('.'))) {
        QString part = partRaw;
        int index = -1;
        if (const qsizetype b = part.indexOf(QLatin1Char('['));
            b >= 0 && part.endsWith(QLatin1Char(']'))) {
            bool ok = false;
            index = part.mid(b + 1, part.size() - b - 2).toInt(&ok);
            if (!ok)
                return QJsonValue(QJsonValue::Undefined);
            part = part.left(b);
        }
        if (!part.isEmpty()) {
            if (!v.isObject())
                return QJsonValue(QJsonValue::Undefined);
            v = v.toObject().value(part);
        }
        if (index >= 0) {
            if (!v.isArray() || index >= v.toArray().size())
                return QJsonValue(QJsonValue::Undefined);
            v = v.toArray().at(index);
        }
    }
    return v;
}

QString scalarText(const QJsonValue &v) {
    if (v.isString())
        return v.toString();
    if (v.isDouble())
        return QString::number(v.toDouble(), 'g', 15);
    return {};
}

} // namespace

ParseResult parseJson(QByteArrayView bytes, const FeedMapping &m, const ParseLimits &limits) {
    ParseResult result;
    QJsonDocument doc;
    if (!detail::readJsonDocument(bytes, limits, &doc, &result))
        return result;
    const QJsonValue root = doc.isArray() ? QJsonValue(doc.array()) : QJsonValue(doc.object());
    const QJsonValue list = resolve(root, m.seriesPath);
    const QString base =
        m.seriesPath.isEmpty() ? QStringLiteral("$") : QStringLiteral("$.") + m.seriesPath;
    if (!list.isArray())
        return detail::fail(
            QStringLiteral("expected an array of records, got %1").arg(detail::jsonTypeName(list)),
            -1, base);
    if (m.valueColumns.isEmpty() && m.valueField.isEmpty())
        return detail::fail(QStringLiteral("mapping has neither valueField nor valueColumns"));
    if (m.timeField.isEmpty() && m.fixedPeriod.isEmpty())
        return detail::fail(QStringLiteral("mapping has neither timeField nor fixedPeriod"));

    QList<ValueColumn> columns = m.valueColumns;
    if (columns.isEmpty())
        columns << ValueColumn{m.valueField, m.indicator};
    const std::optional<Period> fixed = Period::parse(m.fixedPeriod);
    detail::SeriesCollector out(limits);
    const QJsonArray records = list.toArray();
    for (qsizetype i = 0; i < records.size(); ++i) {
        const QString at = QStringLiteral("%1[%2]").arg(base).arg(i);
        if (!records[i].isObject())
            return detail::fail(QStringLiteral("expected a record object, got %1")
                                    .arg(detail::jsonTypeName(records[i])),
                                -1, at);
        const QJsonValue rec = records[i];
        if (!m.filterField.isEmpty() &&
            !m.filterValues.contains(scalarText(resolve(rec, m.filterField))))
            continue;
        Period period;
        if (!m.timeField.isEmpty()) {
            const QJsonValue t = resolve(rec, m.timeField);
            const std::optional<Period> p = Period::parse(scalarText(t));
            if (!p)
                return detail::fail(
                    QStringLiteral("'%1' is not a period").arg(scalarText(t).left(40)), -1,
                    at + QLatin1Char('.') + m.timeField);
            period = *p;
        } else {
            period = *fixed;
        }
        QStringList dims;
        for (const QString &f : m.dimensionFields)
            dims << scalarText(resolve(rec, f));
        const QString dimension = dims.join(QLatin1Char('.'));
        const QString unit = m.unitField.isEmpty() ? m.unit : scalarText(resolve(rec, m.unitField));
        for (const ValueColumn &c : columns) {
            QString indicator = c.indicator;
            if (!m.indicatorField.isEmpty())
                indicator = scalarText(resolve(rec, m.indicatorField));
            if (indicator.isEmpty())
                return detail::fail(QStringLiteral("record has no indicator"), -1, at);
            if (!m.includeIndicators.isEmpty() && !m.includeIndicators.contains(indicator))
                continue;
            bool isNull = false;
            QString err;
            const std::optional<double> v =
                detail::jsonNumber(resolve(rec, c.column), &isNull, &err);
            if (isNull)
                continue; // no figure published for this period
            if (!v)
                return detail::fail(err, -1, at + QLatin1Char('.') + c.column);
            if (!out.add(indicator, dimension, Observation{period, *v}, unit))
                return detail::fail(out.error(), -1, at);
        }
    }
    result.series = out.take();
    return result;
}

} // namespace opswall::feeds
