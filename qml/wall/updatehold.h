#pragma once
// Holds the output windows' frame requests while a recall's new tiles are built hidden, so that
// a window synchronises its scene once, at the switch, instead of once for the hidden build too.
//
// Why: every item added to a window, shown or hidden, has the window ask for a frame
// (QWindow::requestUpdate). With Qt's threaded software render loop each such frame holds the GUI
// thread until that window's render thread synchronises, and a render thread draws at most one
// frame per refresh interval and sleeps a whole interval out after a sync that changed nothing
// (Qt 6.4, QSGSoftwareRenderThread::syncAndRender). A frame of the hidden build, drawn just before
// the switch, held the switch's frame back by most of a refresh interval (bench_wall
// cold_syncs_before_switch_p50 was 2 with two windows).
//
// The windows' UpdateRequest events are taken (not delivered) while the hold lasts, and asked for
// again when it ends: at the switch, when the build is dropped, or kMaxHoldMs after it began,
// whatever is still being built then (a clock or a video on the old layout must not stop for long:
// a recall built in more than one stretch lets the windows draw between its stretches again). The
// old layout stays on screen throughout: nothing is drawn while the hold lasts.

#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QTimer>

class QQuickWindow;

namespace opswall::qml {

class UpdateHold : public QObject {
    Q_OBJECT
public:
    // At most this long after the hold began the windows draw again (one 30 fps video frame).
    static constexpr int kMaxHoldMs = 33;

    explicit UpdateHold(QObject *parent = nullptr);
    ~UpdateHold() override;
    UpdateHold(const UpdateHold &) = delete;
    UpdateHold &operator=(const UpdateHold &) = delete;

    // Holds the frame requests of these windows from now (until release, or kMaxHoldMs).
    void hold(const QList<QQuickWindow *> &windows);
    // Ends the hold: every window whose request was taken asks for a frame again.
    void release();
    bool holding() const { return !m_windows.isEmpty(); }
    // Frame requests taken since the process began (for the tests and the benchmark).
    int taken() const { return m_taken; }

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    QList<QPointer<QQuickWindow>> m_windows;
    QSet<QObject *> m_held; // windows whose request was taken
    QTimer m_limit;
    int m_taken = 0;
};

} // namespace opswall::qml
