#include "nodes/standbyprotocol.h"

#include <QJsonDocument>
#include <QRegularExpression>
#include <QtEndian>

namespace opswall::nodes::standby {

namespace {
qint64 maxPayload(FrameType type) {
    switch (type) {
    case FrameType::Hello:
    case FrameType::Welcome:
    case FrameType::Refused:
    case FrameType::Fenced:
    case FrameType::Promote:
        return kMaxJsonBytes;
    case FrameType::Snapshot:
        return 8 + kMaxSnapshotBytes;
    case FrameType::Changes:
        return 8 + kMaxChangesBytes;
    case FrameType::Heartbeat:
        return 16;
    case FrameType::Ack:
        return 8;
    case FrameType::Invalid:
        break;
    }
    return -1;
}

FrameType typeOf(char c) {
    switch (c) {
    case 'H':
    case 'W':
    case 'R':
    case 'F':
    case 'S':
    case 'C':
    case 'B':
    case 'A':
    case 'P':
        return FrameType(c);
    default:
        return FrameType::Invalid;
    }
}

QByteArray be64(quint64 v) {
    QByteArray out(8, Qt::Uninitialized);
    qToBigEndian(v, out.data());
    return out;
}
} // namespace

QByteArray encode(FrameType type, const QByteArray &payload) {
    QByteArray out(5, Qt::Uninitialized);
    qToBigEndian(quint32(payload.size() + 1), out.data());
    out[4] = char(type);
    out.append(payload);
    return out;
}

QByteArray encodeJson(FrameType type, const QJsonObject &object) {
    return encode(type, QJsonDocument(object).toJson(QJsonDocument::Compact));
}

QByteArray encodeSeq(FrameType type, quint64 seq, const QByteArray &bytes) {
    return encode(type, be64(seq) + bytes);
}

QByteArray encodeHeartbeat(quint64 seq, qint64 epoch) {
    return encode(FrameType::Heartbeat, be64(seq) + be64(quint64(epoch)));
}

std::optional<quint64> seqOf(const QByteArray &payload) {
    if (payload.size() < 8)
        return std::nullopt;
    return qFromBigEndian<quint64>(payload.constData());
}

std::optional<QJsonObject> jsonOf(const QByteArray &payload, QString *why) {
    if (payload.size() > kMaxJsonBytes) {
        *why = QStringLiteral("a message longer than %1 bytes").arg(kMaxJsonBytes);
        return std::nullopt;
    }
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(payload, &pe);
    if (pe.error != QJsonParseError::NoError || !doc.isObject()) {
        *why = QStringLiteral("a message that is not a JSON object");
        return std::nullopt;
    }
    return doc.object();
}

FrameReader::Status FrameReader::next(Frame *frame, QString *why) {
    if (m_broken) {
        *why = QStringLiteral("the link is broken");
        return Status::Error;
    }
    if (m_buffer.size() < 5)
        return Status::NeedMore;
    const quint32 length = qFromBigEndian<quint32>(m_buffer.constData());
    const FrameType type = typeOf(m_buffer.at(4));
    const qint64 bound = maxPayload(type);
    if (type == FrameType::Invalid || length < 1 || qint64(length) - 1 > bound) {
        m_broken = true;
        *why = type == FrameType::Invalid
                   ? QStringLiteral("a frame of unknown type %1").arg(int(uchar(m_buffer.at(4))))
                   : QStringLiteral("a frame of %1 bytes, over the bound of its type").arg(length);
        return Status::Error;
    }
    if (m_buffer.size() < qsizetype(4 + length))
        return Status::NeedMore;
    frame->type = type;
    frame->payload = m_buffer.mid(5, qsizetype(length) - 1);
    m_buffer.remove(0, qsizetype(4 + length));
    return Status::Frame;
}

QJsonObject helloJson(const Hello &hello) {
    return {
        {QStringLiteral("version"), kProtocolVersion}, {QStringLiteral("id"), hello.id},
        {QStringLiteral("token"), hello.token},        {QStringLiteral("epoch"), hello.epoch},
        {QStringLiteral("active"), hello.active},      {QStringLiteral("schema"), hello.schema}};
}

std::optional<Hello> parseHello(const QJsonObject &o, QString *why) {
    static const QRegularExpression idRe(QStringLiteral("^[A-Za-z0-9._@-]{1,64}$"));
    if (o.value(QStringLiteral("version")).toInt() != kProtocolVersion) {
        *why = QStringLiteral("not a hello of version %1").arg(kProtocolVersion);
        return std::nullopt;
    }
    Hello h;
    h.id = o.value(QStringLiteral("id")).toString();
    h.token = o.value(QStringLiteral("token")).toString();
    const QJsonValue epoch = o.value(QStringLiteral("epoch"));
    h.epoch = epoch.toInteger(-1);
    h.active = o.value(QStringLiteral("active")).toBool();
    h.schema = o.value(QStringLiteral("schema")).toObject();
    if (!idRe.match(h.id).hasMatch()) {
        *why = QStringLiteral("the id must be 1-64 letters, digits, '-', '_', '.' or '@'");
        return std::nullopt;
    }
    if (h.token.isEmpty() || h.token.size() > 512) {
        *why = QStringLiteral("no token");
        return std::nullopt;
    }
    if (!epoch.isDouble() || h.epoch < 0) {
        *why = QStringLiteral("no epoch");
        return std::nullopt;
    }
    return h;
}

} // namespace opswall::nodes::standby
