// SDMX-ML 2.1 StructureSpecificData (the IMF ECOFIN DSD files GSO and the State Bank publish):
//   <message:DataSet> <Series INDICATOR=.. FREQ=.. UNIT_MULT=..> <Obs TIME_PERIOD OBS_VALUE/> ...
// Series keys and observations are XML attributes; observations are not always in time order.
//
// Two readers, one meaning:
// - parseSdmxMlFast (sdmx_ml_fast.cpp) scans the UTF-8 bytes in place: names and attribute
//   values are views into the document, an observation's period and value are read from those
//   views without a copy or an allocation. It checks well-formedness itself (UTF-8, XML
//   characters, tags, quoting, duplicate attributes, declared namespace prefixes, comments, one
//   root, nothing after it) and gives up (nullopt) on anything it does not check completely: any
//   error, DTDs, processing instructions, CDATA, character and non-predefined entity references,
//   attribute values that XML would normalise, names outside ASCII, another encoding.
// - parseSdmxMlReader is the general QXmlStreamReader path (streaming, no DTD or entity
//   expansion accepted). It reads whatever the fast path gave up on, so results and error
//   messages (with line and column) are always the reader's.
#include "feeds/adapters.h"

#include <QXmlStreamReader>

namespace opswall::feeds {

namespace {
ParseResult xmlError(const QXmlStreamReader &xml, const QString &message) {
    ParseResult r = detail::fail(message, xml.characterOffset());
    r.error.line = int(xml.lineNumber());
    r.error.column = int(xml.columnNumber());
    return r;
}
} // namespace

ParseResult detail::parseSdmxMlReader(QByteArrayView bytes, const FeedMapping &m,
                                      const ParseLimits &limits) {
    QXmlStreamReader xml(bytes.toByteArray());
    detail::SeriesCollector out(limits);
    ParseResult result;
    qsizetype current = -1;
    double scale = 1.0;
    int depth = 0;
    bool sawDataSet = false;
    bool sawRoot = false;
    while (!xml.atEnd()) {
        const QXmlStreamReader::TokenType tok = xml.readNext();
        if (tok == QXmlStreamReader::DTD || tok == QXmlStreamReader::EntityReference)
            return xmlError(xml, QStringLiteral("DTDs and entities are not accepted in a feed"));
        if (tok == QXmlStreamReader::EndElement) {
            --depth;
            if (xml.name() == QLatin1String("Series"))
                current = -1;
            continue;
        }
        if (tok != QXmlStreamReader::StartElement)
            continue;
        if (++depth > limits.maxDepth)
            return xmlError(
                xml, QStringLiteral("XML nested deeper than %1 levels").arg(limits.maxDepth));
        const QStringView name = xml.name();
        if (!sawRoot) {
            sawRoot = true;
            if (name != QLatin1String("StructureSpecificData") &&
                name != QLatin1String("GenericData"))
                return xmlError(xml,
                                QStringLiteral("not an SDMX-ML data message (root element <%1>)")
                                    .arg(xml.qualifiedName()));
            if (name == QLatin1String("GenericData"))
                return xmlError(
                    xml,
                    QStringLiteral(
                        "SDMX-ML GenericData is not supported; ask for StructureSpecificData"));
            continue;
        }
        if (name == QLatin1String("Prepared")) {
            result.source = xml.readElementText(QXmlStreamReader::SkipChildElements);
            --depth;
            continue;
        }
        if (name == QLatin1String("DataSet")) {
            sawDataSet = true;
            continue;
        }
        if (name == QLatin1String("Series")) {
            const QXmlStreamAttributes a = xml.attributes();
            const QString indicator = a.value(m.indicatorAttribute).toString();
            if (indicator.isEmpty())
                return xmlError(
                    xml,
                    QStringLiteral("<Series> without the %1 attribute").arg(m.indicatorAttribute));
            if (!m.includeIndicators.isEmpty() && !m.includeIndicators.contains(indicator)) {
                xml.skipCurrentElement();
                --depth;
                continue;
            }
            QStringList dims;
            for (const QString &d : m.dimensionAttributes)
                dims << a.value(d).toString();
            current = out.indexOf(indicator, dims.join(QLatin1Char('.')));
            if (current < 0)
                return xmlError(xml, out.error());
            int unitMult = 0;
            if (a.hasAttribute(QLatin1String("UNIT_MULT"))) {
                bool ok = false;
                unitMult = a.value(QLatin1String("UNIT_MULT")).toInt(&ok);
                if (!ok || unitMult < -15 || unitMult > 15)
                    return xmlError(
                        xml,
                        QStringLiteral("UNIT_MULT '%1' is not a power of ten between -15 and 15")
                            .arg(a.value(QLatin1String("UNIT_MULT")).toString().left(20)));
            }
            scale = m.applyUnitMult ? std::pow(10.0, unitMult) : 1.0;
            out.at(current).unitMult = m.applyUnitMult ? 0 : unitMult;
            for (const QXmlStreamAttribute &attr : a)
                out.at(current).attributes.insert(attr.name().toString(), attr.value().toString());
            continue;
        }
        if (name == QLatin1String("Obs")) {
            if (current < 0)
                return xmlError(xml, QStringLiteral("<Obs> outside a <Series>"));
            const QXmlStreamAttributes a = xml.attributes();
            const QStringView tp = a.value(QLatin1String("TIME_PERIOD"));
            const std::optional<Period> p = Period::parse(tp);
            if (!p)
                return xmlError(
                    xml, QStringLiteral("TIME_PERIOD '%1' is not a period").arg(tp.left(40)));
            const QStringView ov = a.value(QLatin1String("OBS_VALUE"));
            if (ov.isEmpty() || ov == QLatin1String("NaN"))
                continue; // SDMX marks a missing observation with NaN or no value
            const std::optional<double> v = parseDecimal(ov);
            if (!v)
                return xmlError(xml,
                                QStringLiteral("OBS_VALUE '%1' is not a number").arg(ov.left(40)));
            if (!out.addAt(current, Observation{*p, *v * scale}))
                return xmlError(xml, out.error());
            continue;
        }
    }
    if (xml.hasError())
        return xmlError(xml, QStringLiteral("malformed XML: %1").arg(xml.errorString()));
    if (!sawDataSet)
        return detail::fail(QStringLiteral("SDMX message has no <DataSet>"));
    const QString source = result.source;
    result.series = out.take();
    result.source = source;
    return result;
}

ParseResult parseSdmxMl(QByteArrayView bytes, const FeedMapping &m, const ParseLimits &limits) {
    if (bytes.size() > limits.maxBytes)
        return detail::fail(QStringLiteral("document of %1 bytes is over the %2-byte limit")
                                .arg(bytes.size())
                                .arg(limits.maxBytes));
    if (std::optional<ParseResult> fast = detail::parseSdmxMlFast(bytes, m, limits))
        return std::move(*fast);
    return detail::parseSdmxMlReader(bytes, m, limits);
}

} // namespace opswall::feeds
