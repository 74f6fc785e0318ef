#pragma once
// Pictures of layouts that are not on the wall (a briefing's steps), drawn by the wall's own
// renderer: a second QML engine with the same tile components and data services as the wall,
// its own WallState and WallScene, and the preview window (bezels and all, display IDs hidden)
// grabbed without ever being shown. One picture at a time, in the order asked; GUI thread.
// Also the briefing's record as PDF: one page per step with the picture, the step's title and
// when it was shown and by whom.

#include "wall/geometry.h"
#include "wall/layout.h"

#include <QDateTime>
#include <QImage>
#include <QObject>
#include <QVariantMap>

#include <deque>
#include <functional>
#include <memory>

class QQmlEngine;
class QQuickWindow;

namespace opswall::wall {
class WallState;
}
namespace opswall::qml {
class WallScene;
}

namespace opswall::shell {

class Services;

class StepRenderer : public QObject {
    Q_OBJECT
public:
    StepRenderer(Services &services, wall::Wall wall, QString language, QString assetsDir,
                 QVariantMap kindSources, QObject *parent = nullptr);
    ~StepRenderer() override;

    // Renders layout (with focus, a tile id or empty) widthPx wide. done gets a null image when
    // the renderer could not start. Tiles get up to waitMs to load their data.
    using Done = std::function<void(QImage)>;
    static constexpr std::size_t kMaxQueued = 64;
    // overlay: more of the wall's presentation (e.g. "blank": true with the "organisation"), as
    // BriefingRunner::view() gives it.
    void render(const wall::Layout &layout, const QString &focus, int widthPx, int waitMs,
                Done done, QVariantMap overlay = {});

    struct Page {
        QImage picture;
        QString title;     // "3. Giải ngân theo địa phương"
        QString titleEn;   // the English title, when there is one
        QStringList shown; // "09:12:03 — minister (api)", one per time the step was shown
        QString notes;
    };
    // The PDF: a header with the briefing's title, one page per step.
    static QByteArray pdf(const QString &title, const QString &subtitle, const QList<Page> &pages);

private:
    struct Job {
        wall::Layout layout;
        QString focus;
        int widthPx = 0;
        int waitMs = 0;
        Done done;
        QVariantMap overlay;
    };
    bool ensureStarted();
    void next();
    void afterNextFrame(); // then finish()
    void finish();

    Services &m_services;
    wall::Wall m_wall;
    QString m_language;
    QString m_assetsDir;
    QVariantMap m_kindSources;
    std::unique_ptr<wall::WallState> m_state;
    std::unique_ptr<qml::WallScene> m_scene;
    std::unique_ptr<QQmlEngine> m_engine;
    QQuickWindow *m_window = nullptr;
    std::deque<Job> m_jobs;
    bool m_busy = false;
    QDateTime m_deadline;
};

} // namespace opswall::shell
