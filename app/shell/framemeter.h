#pragma once
// Frames per second of each output window, for /api/v1/health and /api/v1/metrics. Counts
// QQuickWindow::frameSwapped over one-second windows on the GUI thread. A wall that is idle
// draws nothing (Qt Quick renders on change), so 0 means "nothing to draw", not "frozen"; a
// playing video tile keeps its output at the stream's rate.

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
    // {"fps": the slowest output's frames in the last second, "outputs": [{name, fps}]};
    // {} before the first second has passed.
    QJsonObject snapshot() const;

private:
    void tick();

    struct Counter {
        QPointer<QQuickWindow> window;
        int frames = 0;  // in the current second
        double fps = -1; // the last full second, -1 before one has passed
    };
    QHash<QString, Counter> m_counters;
    QTimer m_timer;
};

} // namespace opswall::shell
