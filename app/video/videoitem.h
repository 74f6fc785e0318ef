#pragma once
// The Qt Quick item that shows a stream's newest frame, on both scene-graph backends (software
// and OpenGL): the frame QImage becomes a texture (createTextureFromImage) on a QSGImageNode.
// It subscribes to the VideoHub found in its QML engine (or set explicitly) for its binding, and
// tells the stream how big it draws so scaling happens in GStreamer.

#include "videohub.h"
#include "videostream.h"

#include <QPointer>
#include <QQuickItem>

namespace opswall::video {

class VideoItem : public QQuickItem {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QVariant binding READ binding WRITE setBinding NOTIFY bindingChanged)
    Q_PROPERTY(opswall::video::VideoHub *hub READ hub WRITE setHub NOTIFY hubChanged)
    Q_PROPERTY(opswall::video::VideoStream *stream READ stream NOTIFY streamChanged)
    Q_PROPERTY(FillMode fillMode READ fillMode WRITE setFillMode NOTIFY fillModeChanged)
    Q_PROPERTY(QRectF paintedRect READ paintedRect NOTIFY paintedRectChanged)

public:
    enum class FillMode { Invalid = 0, Fit, Fill, Stretch };
    Q_ENUM(FillMode)

    explicit VideoItem(QQuickItem *parent = nullptr);
    ~VideoItem() override;

    QVariant binding() const { return m_binding; }
    void setBinding(const QVariant &binding);
    VideoHub *hub() const { return m_hub; }
    void setHub(VideoHub *hub);
    VideoStream *stream() const { return m_stream; }
    FillMode fillMode() const { return m_fillMode; }
    void setFillMode(FillMode mode);
    QRectF paintedRect() const { return m_paintedRect; }

    // Pure geometry: where the picture goes in the item, and which part of it (fill crops).
    struct Placement {
        QRectF target;
        QRectF source;
    };
    static Placement place(QSizeF item, QSize image, FillMode mode);

Q_SIGNALS:
    void bindingChanged();
    void hubChanged();
    void streamChanged();
    void fillModeChanged();
    void paintedRectChanged();

protected:
    void classBegin() override;
    void componentComplete() override;
    void geometryChange(const QRectF &newGeometry, const QRectF &oldGeometry) override;
    void itemChange(ItemChange change, const ItemChangeData &value) override;
    QSGNode *updatePaintNode(QSGNode *old, UpdatePaintNodeData *) override;

private:
    void resubscribe();
    void unsubscribe();
    void reportSize();

    QVariant m_binding;
    QPointer<VideoHub> m_hub;
    QPointer<VideoStream> m_stream;
    FillMode m_fillMode = FillMode::Fit;
    QRectF m_paintedRect;
    quint64 m_textureSequence = 0;
    bool m_complete = true; // false between classBegin and componentComplete (QML creation)
};

} // namespace opswall::video
