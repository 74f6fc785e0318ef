#include "snapshotview.h"

#include <QPainter>

namespace opswall::console {

SnapshotView::SnapshotView(QQuickItem *parent)
    : QQuickPaintedItem(parent) {
    setOpaquePainting(false);
}

void SnapshotView::setSession(WallSession *s) {
    if (s == m_session)
        return;
    disconnect(m_conn);
    m_session = s;
    if (s)
        m_conn = connect(s, &WallSession::pictureChanged, this, [this](int index) {
            if (index == m_output) {
                update();
                Q_EMIT pictureChanged();
            }
        });
    Q_EMIT sessionChanged();
    update();
}

void SnapshotView::setOutput(int o) {
    if (o == m_output)
        return;
    m_output = o;
    Q_EMIT outputChanged();
    update();
}

void SnapshotView::setSourceRect(const QRectF &r) {
    if (r == m_source)
        return;
    m_source = r;
    Q_EMIT sourceRectChanged();
    update();
}

void SnapshotView::setOutputSize(const QSizeF &s) {
    if (s == m_outputSize)
        return;
    m_outputSize = s;
    Q_EMIT sourceRectChanged();
    update();
}

bool SnapshotView::hasPicture() const {
    return m_session && !m_session->picture(m_output).isNull();
}

void SnapshotView::paint(QPainter *painter) {
    if (!m_session || m_outputSize.isEmpty())
        return;
    const QImage image = m_session->picture(m_output);
    if (image.isNull())
        return;
    // The picture is the output scaled to its width: output pixels -> picture pixels.
    const double sx = image.width() / m_outputSize.width();
    const double sy = image.height() / m_outputSize.height();
    const QRectF src(m_source.x() * sx, m_source.y() * sy, m_source.width() * sx,
                     m_source.height() * sy);
    painter->setRenderHint(QPainter::SmoothPixmapTransform);
    painter->drawImage(QRectF(0, 0, width(), height()), image, src);
}

PresetPicture::PresetPicture(QQuickItem *parent)
    : QQuickPaintedItem(parent) {
    setOpaquePainting(false);
}

void PresetPicture::setSession(WallSession *s) {
    if (s == m_session)
        return;
    disconnect(m_conn);
    m_session = s;
    if (s)
        m_conn = connect(s, &WallSession::presetPictureChanged, this, [this](int id) {
            if (id == m_id) {
                update();
                Q_EMIT pictureChanged();
            }
        });
    Q_EMIT sessionChanged();
    Q_EMIT pictureChanged();
    update();
}

void PresetPicture::setPresetId(int id) {
    if (id == m_id)
        return;
    m_id = id;
    Q_EMIT presetIdChanged();
    Q_EMIT pictureChanged();
    update();
}

bool PresetPicture::hasPicture() const {
    return m_session && !m_session->presetPicture(m_id).isNull();
}

void PresetPicture::paint(QPainter *painter) {
    if (!m_session)
        return;
    const QImage image = m_session->presetPicture(m_id);
    if (image.isNull() || width() <= 0 || height() <= 0)
        return;
    const QSizeF fitted = QSizeF(image.size()).scaled(size(), Qt::KeepAspectRatio);
    const QRectF target(QPointF((width() - fitted.width()) / 2, (height() - fitted.height()) / 2),
                        fitted);
    painter->setRenderHint(QPainter::SmoothPixmapTransform);
    painter->drawImage(target, image);
}

} // namespace opswall::console
