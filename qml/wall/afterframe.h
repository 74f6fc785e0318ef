#pragma once
// Tells once every given window has drawn a frame synchronised after it was armed (the frame's
// swap), or a bound after that, whichever comes first: work that can wait until the picture the
// user waits for is on every output (the frames a switch retired, deleted after the switch's
// frame instead of before it) runs then.
//
// A window's frame counts once its render thread synchronised after arming
// (QQuickWindow::beforeSynchronizing) and then swapped (frameSwapped): a frame of the old picture
// still being drawn when it was armed does not count. A window not exposed is not waited for; one
// that has nothing to draw is waited for until the bound.

#include <QList>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <atomic>
#include <memory>

class QQuickWindow;

namespace opswall::qml {

class AfterFrame : public QObject {
    Q_OBJECT
public:
    explicit AfterFrame(QObject *parent = nullptr);
    ~AfterFrame() override;
    AfterFrame(const AfterFrame &) = delete;
    AfterFrame &operator=(const AfterFrame &) = delete;

    // Waits for the next frame of each of these windows, at most boundMs; a wait already under
    // way starts again with these windows.
    void arm(const QList<QQuickWindow *> &windows, int boundMs);
    void cancel();
    bool armed() const { return m_bound.isActive(); }

Q_SIGNALS:
    // Every window drew its frame, or the bound passed (once per arm).
    void drawn();

private:
    struct Watch {
        QPointer<QQuickWindow> window;
        // Set on the window's render thread (its sync), read on this object's thread.
        std::shared_ptr<std::atomic<bool>> synced;
        QList<QMetaObject::Connection> connections;
    };
    void swapped(QQuickWindow *window);
    void finish();

    QList<Watch> m_pending;
    QTimer m_bound;
};

} // namespace opswall::qml
