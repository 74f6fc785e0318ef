#pragma once
// Part of a picture of one output (WallSession::picture), drawn into the item: the console shows
// each display's region of its output's picture where the display sits in the miniature wall.

#include "wallsession.h"

#include <QPointer>
#include <QQuickPaintedItem>
#include <QRectF>

namespace opswall::console {

class SnapshotView : public QQuickPaintedItem {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(
        opswall::console::WallSession *session READ session WRITE setSession NOTIFY sessionChanged)
    Q_PROPERTY(int output READ output WRITE setOutput NOTIFY outputChanged)
    // The region in the output's pixels (as /wall's outputs[].regions[] give it).
    Q_PROPERTY(QRectF sourceRect READ sourceRect WRITE setSourceRect NOTIFY sourceRectChanged)
    Q_PROPERTY(QSizeF outputSize READ outputSize WRITE setOutputSize NOTIFY sourceRectChanged)
    Q_PROPERTY(bool hasPicture READ hasPicture NOTIFY pictureChanged)

public:
    explicit SnapshotView(QQuickItem *parent = nullptr);

    WallSession *session() const { return m_session; }
    void setSession(WallSession *s);
    int output() const { return m_output; }
    void setOutput(int o);
    QRectF sourceRect() const { return m_source; }
    void setSourceRect(const QRectF &r);
    QSizeF outputSize() const { return m_outputSize; }
    void setOutputSize(const QSizeF &s);
    bool hasPicture() const;

    void paint(QPainter *painter) override;

Q_SIGNALS:
    void sessionChanged();
    void outputChanged();
    void sourceRectChanged();
    void pictureChanged();

private:
    QPointer<WallSession> m_session;
    QMetaObject::Connection m_conn;
    int m_output = -1;
    QRectF m_source;
    QSizeF m_outputSize;
};

// A preset's picture as the wall draws it (WallSession::presetPicture), fitted into the item.
class PresetPicture : public QQuickPaintedItem {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(
        opswall::console::WallSession *session READ session WRITE setSession NOTIFY sessionChanged)
    Q_PROPERTY(int presetId READ presetId WRITE setPresetId NOTIFY presetIdChanged)
    Q_PROPERTY(bool hasPicture READ hasPicture NOTIFY pictureChanged)

public:
    explicit PresetPicture(QQuickItem *parent = nullptr);

    WallSession *session() const { return m_session; }
    void setSession(WallSession *s);
    int presetId() const { return m_id; }
    void setPresetId(int id);
    bool hasPicture() const;

    void paint(QPainter *painter) override;

Q_SIGNALS:
    void sessionChanged();
    void presetIdChanged();
    void pictureChanged();

private:
    QPointer<WallSession> m_session;
    QMetaObject::Connection m_conn;
    int m_id = 0;
};

} // namespace opswall::console
