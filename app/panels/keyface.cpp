#include "panels/keyface.h"

#include <QBuffer>
#include <QFont>
#include <QFontMetrics>
#include <QPainter>
#include <QPainterPath>
#include <QTransform>

namespace opswall::panels {

namespace {
// The console's palette: dark keys, a green "live" fill, amber for the lock, red for alerts.
const QColor kBackground(0x1B, 0x24, 0x30);
const QColor kActive(0x1F, 0x7A, 0x4D);
const QColor kLock(0xE8, 0xA3, 0x17);
const QColor kAlert(0xD6, 0x36, 0x36);
const QColor kText(0xF2, 0xF4, 0xF7);
const QColor kMuted(0x8A, 0x97, 0xA8);

void drawPadlock(QPainter &p, const QRectF &r) {
    p.save();
    p.setPen(QPen(kLock, r.width() * 0.14));
    p.setBrush(Qt::NoBrush);
    const QRectF shackle(r.left() + r.width() * 0.22, r.top(), r.width() * 0.56, r.height() * 0.6);
    p.drawArc(shackle, 0, 180 * 16);
    p.setPen(Qt::NoPen);
    p.setBrush(kLock);
    p.drawRoundedRect(QRectF(r.left(), r.top() + r.height() * 0.38, r.width(), r.height() * 0.62),
                      2, 2);
    p.restore();
}

// The largest pixel size (from `start` down) at which the label fits the box in two lines.
QFont fitFont(const QString &text, const QRectF &box, int start) {
    QFont f(QStringLiteral("Noto Sans"));
    f.setBold(true);
    for (int px = start; px >= 8; --px) {
        f.setPixelSize(px);
        const QFontMetrics m(f);
        const QRect need = m.boundingRect(box.toRect(), Qt::AlignCenter | Qt::TextWordWrap, text);
        if (need.width() <= box.width() && need.height() <= box.height() &&
            need.height() <= m.lineSpacing() * 2 + 1)
            return f;
    }
    f.setPixelSize(8);
    return f;
}
} // namespace

QImage renderKeyFace(const KeyFace &face, QSize size) {
    QImage img(size, QImage::Format_RGB32);
    img.fill(face.active ? kActive : kBackground);
    if (face.kind == KeyFace::Kind::Empty)
        return img;
    QPainter p(&img);
    p.setRenderHint(QPainter::Antialiasing);
    p.setRenderHint(QPainter::TextAntialiasing);
    const qreal w = size.width(), h = size.height();
    const qreal pad = w * 0.06;
    const bool hasPicture = !face.thumbnail.isEmpty() || face.kind == KeyFace::Kind::Page;
    const bool badge = face.kind == KeyFace::Kind::Alert && face.alertCount > 0;
    const QRectF labelBox = hasPicture ? QRectF(pad, h * 0.56, w - 2 * pad, h * 0.42)
                            : badge    ? QRectF(pad, h * 0.38, w - 2 * pad, h * 0.58)
                                       : QRectF(pad, pad, w - 2 * pad, h - 2 * pad);
    if (!face.thumbnail.isEmpty()) {
        // The preset's tiles on a 16:9 canvas, in the top half.
        const qreal tw = w - 2 * pad, th = std::min(h * 0.48, tw * 9.0 / 16.0);
        const QRectF canvas((w - tw) / 2, pad, tw, th);
        p.setPen(QPen(face.active ? kText : kMuted, 1));
        p.setBrush(Qt::NoBrush);
        p.drawRect(canvas);
        p.setPen(Qt::NoPen);
        p.setBrush(face.active ? QColor(255, 255, 255, 200) : QColor(0x5B, 0x6B, 0x80));
        for (const QRectF &t : face.thumbnail) {
            const QRectF r(canvas.left() + t.left() * canvas.width(),
                           canvas.top() + t.top() * canvas.height(), t.width() * canvas.width(),
                           t.height() * canvas.height());
            p.drawRect(r.adjusted(0.75, 0.75, -0.75, -0.75));
        }
    } else if (face.kind == KeyFace::Kind::Page) {
        p.setPen(QPen(kText, w * 0.05, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
        QPainterPath arrow;
        arrow.moveTo(w * 0.42, h * 0.14);
        arrow.lineTo(w * 0.58, h * 0.30);
        arrow.lineTo(w * 0.42, h * 0.46);
        p.drawPath(arrow);
    }
    if (!face.label.isEmpty()) {
        p.setFont(fitFont(face.label, labelBox, int(h * (hasPicture || badge ? 0.17 : 0.22))));
        p.setPen(kText);
        p.drawText(labelBox, Qt::AlignCenter | Qt::TextWordWrap, face.label);
    }
    if (face.locked) {
        // The lock holds changes back: an amber frame and a padlock in the corner.
        p.setPen(QPen(kLock, std::max(2.0, w * 0.03)));
        p.setBrush(Qt::NoBrush);
        p.drawRect(QRectF(1, 1, w - 2, h - 2));
        drawPadlock(p, QRectF(w - pad - w * 0.14, pad * 0.6, w * 0.14, w * 0.16));
    }
    if (badge) {
        const qreal d = w * 0.3;
        const QRectF circle(w - pad - d, h * 0.04, d, d);
        p.setPen(Qt::NoPen);
        p.setBrush(kAlert);
        p.drawEllipse(circle);
        QFont f(QStringLiteral("Noto Sans"));
        f.setBold(true);
        f.setPixelSize(int(d * 0.55));
        p.setFont(f);
        p.setPen(kText);
        p.drawText(circle, Qt::AlignCenter,
                   face.alertCount > 99 ? QStringLiteral("99+") : QString::number(face.alertCount));
    }
    return img;
}

QByteArray encodeKeyFace(const QImage &upright, const drivers::streamdeck::Model &model) {
    using drivers::streamdeck::ImageFormat;
    using drivers::streamdeck::ImageTransform;
    QImage img = upright.scaled(model.keyWidthPx, model.keyHeightPx, Qt::IgnoreAspectRatio,
                                Qt::SmoothTransformation);
    switch (model.transform) {
    case ImageTransform::Rotate180:
        img = img.mirrored(true, true);
        break;
    case ImageTransform::FlipX:
        img = img.mirrored(true, false);
        break;
    case ImageTransform::Rotate90FlipY:
        // The device swaps x and y after flipping y; send the transpose with y flipped back.
        img = img.transformed(QTransform(0, 1, 1, 0, 0, 0)).mirrored(false, true);
        break;
    case ImageTransform::None:
    case ImageTransform::Invalid:
        break;
    }
    QByteArray out;
    QBuffer buffer(&out);
    buffer.open(QIODevice::WriteOnly);
    img.convertTo(QImage::Format_RGB888);
    img.save(&buffer, model.format == ImageFormat::Bmp ? "BMP" : "JPG", 90);
    return out;
}

} // namespace opswall::panels
