#pragma once
// Frames per second of each output window, for /api/v1/health and /api/v1/metrics. Counts
// QQuickWindow::frameSwapped over one-second windows on the GUI thread. A wall that is idle
// draws nothing (Qt Quick renders on change), so 0 means "nothing to draw", not "frozen"; a
// playing video tile keeps its output at the stream's rate.

#include <QElapsedTimer>
#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QTimer>

class QQuickWindow;

namespace opswall::shell {

class FrameMeter : public QObject {
    Q_OBJECT
public:
    explicit FrameMeter(QObject *parent = nullptr);

    void attach(QQuickWindow *window, const QString &name);
    // {"fps": the slowest output's frames in the last second, "outputs": [{name, fps, index,
    // longestFrameMs}]}; {} before the first second has passed. index: the order the windows were
    // attached in. longestFrameMs: the longest time between two frames of that second, as seen on
    // the GUI thread (-1 when the window drew fewer than two frames in it: an idle wall draws
    // nothing, which is not a stall).
    QJsonObject snapshot() const;

private:
    void tick();

    struct Counter {
        QPointer<QQuickWindow> window;
        int frames = 0;  // in the current second
        double fps = -1; // the last full second, -1 before one has passed
        int index = 0;
        qint64 lastFrameMs = -1;      // m_clock time of the previous frame
        qint64 longestGapMs = -1;     // in the current second
        qint64 lastLongestGapMs = -1; // in the last full second
    };
    QHash<QString, Counter> m_counters;
    QTimer m_timer;
    QElapsedTimer m_clock;
};

} // namespace opswall::shell
