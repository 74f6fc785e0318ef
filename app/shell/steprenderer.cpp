#include "shell/steprenderer.h"

#include "core/engineservices.h"
#include "shell/services.h"
#include "wall/wallstate.h"
#include "wallscene.h"

#include <QBuffer>
#include <QPainter>
#include <QPdfWriter>
#include <QQmlComponent>
#include <QQmlEngine>
#include <QQuickItem>
#include <QQuickWindow>
#include <QTimer>

namespace opswall::shell {

StepRenderer::StepRenderer(Services &services, wall::Wall wall, QString language, QString assetsDir,
                           QVariantMap kindSources, QObject *parent)
    : QObject(parent)
    , m_services(services)
    , m_wall(std::move(wall))
    , m_language(std::move(language))
    , m_assetsDir(std::move(assetsDir))
    , m_kindSources(std::move(kindSources)) {}

StepRenderer::~StepRenderer() {
    // Hidden before it goes (a shown window's render thread may not end: WallApplication's
    // destructor).
    if (m_window)
        m_window->hide();
    delete m_window; // before the engine and the scene it binds to
    m_window = nullptr;
}

bool StepRenderer::ensureStarted() {
    if (m_window)
        return true;
    if (!m_engine) {
        m_state = std::make_unique<wall::WallState>(m_wall);
        m_scene =
            std::make_unique<qml::WallScene>(m_state.get(), nullptr, m_language, m_kindSources);
        m_scene->setAssetDir(m_assetsDir);
        // A picture has no old layout to keep on screen: each job's layout replaces the last at
        // once (no rows built ahead that a picture could catch before its switch).
        m_scene->tiles()->setBuildAhead(false);
        m_engine = std::make_unique<QQmlEngine>();
        m_services.provideTo(*m_engine);
        opswall::provide(m_engine.get(), m_scene.get());
    }
    // The wall's own preview window: the same viewports, tiles and briefing overlay.
    QQmlComponent component(m_engine.get(),
                            QUrl(QStringLiteral("qrc:/OpsWall/Wall/PreviewWindow.qml")));
    QObject *object = component.createWithInitialProperties(
        {{QStringLiteral("visible"), false}, {QStringLiteral("showDisplayIds"), false}});
    m_window = qobject_cast<QQuickWindow *>(object);
    if (!m_window) {
        qWarning("opswall: step pictures unavailable: %s", qPrintable(component.errorString()));
        delete object;
        return false;
    }
    // The scene graph renders only windows that are shown (a never-shown window grabs as its
    // background colour), so the window is shown while it draws, far outside every screen,
    // without a frame, focus or input, and hidden again after the grab.
    m_window->setFlags(Qt::Tool | Qt::FramelessWindowHint | Qt::WindowDoesNotAcceptFocus |
                       Qt::WindowTransparentForInput);
    m_window->setPosition(-30000, -30000);
    return true;
}

void StepRenderer::render(const wall::Layout &layout, const QString &focus, int widthPx, int waitMs,
                          Done done, QVariantMap overlay) {
    if (m_jobs.size() >= kMaxQueued) { // a flood of requests must not grow without bound
        done(QImage());
        return;
    }
    m_jobs.push_back({layout, focus, widthPx, waitMs, std::move(done), std::move(overlay)});
    if (!m_busy)
        next();
}

void StepRenderer::next() {
    if (m_jobs.empty()) {
        m_busy = false;
        return;
    }
    m_busy = true;
    if (!ensureStarted()) {
        Job job = std::move(m_jobs.front());
        m_jobs.pop_front();
        job.done(QImage());
        QTimer::singleShot(0, this, &StepRenderer::next);
        return;
    }
    const Job &job = m_jobs.front();
    m_window->setWidth(job.widthPx);
    m_state->setLayout(job.layout);
    QVariantMap view{{QStringLiteral("active"), true},
                     {QStringLiteral("blank"), false},
                     {QStringLiteral("indicator"), QString()}};
    if (const wall::Tile *t = job.focus.isEmpty() ? nullptr : job.layout.tile(job.focus)) {
        view.insert(QStringLiteral("focus"), job.focus);
        view.insert(QStringLiteral("focusRect"),
                    QVariantMap{{QStringLiteral("x"), t->rectMm.x()},
                                {QStringLiteral("y"), t->rectMm.y()},
                                {QStringLiteral("width"), t->rectMm.width()},
                                {QStringLiteral("height"), t->rectMm.height()}});
    }
    for (auto it = job.overlay.cbegin(); it != job.overlay.cend(); ++it)
        view.insert(it.key(), it.value());
    m_scene->setPresentation(view);
    m_window->setVisible(true);
    m_deadline = QDateTime::currentDateTimeUtc().addMSecs(job.waitMs);
    // Tiles load their data asynchronously: poll until all report ready or the wait is over.
    auto *poll = new QTimer(this);
    poll->setInterval(30);
    connect(poll, &QTimer::timeout, this, [this, poll] {
        // The frames report their readiness (TileFrame.qml): no walk of the items.
        // A series a tile asked for is still being read (feeds::ReadModel::setReadOff).
        const int pending = m_scene->readiness()->notReady() +
                            (m_scene->tiles()->staging() ? 1 : 0) +
                            m_services.seriesReadsInFlight();
        if (pending > 0 && QDateTime::currentDateTimeUtc() < m_deadline)
            return;
        poll->deleteLater();
        afterNextFrame();
    });
    poll->start();
}

void StepRenderer::afterNextFrame() {
    // The picture is grabbed after the window has drawn a frame of this job's layout: a part of
    // a tile mirrored onto another display (a ShaderEffectSource) gets its texture in a frame,
    // so a grab straight after a change could miss it. A window that draws no frame (not
    // exposed) is grabbed after 500 ms anyway.
    auto *guard = new QObject(this);
    const auto go = [this, guard] {
        if (guard->property("done").toBool())
            return;
        guard->setProperty("done", true);
        guard->deleteLater();
        finish();
    };
    connect(m_window, &QQuickWindow::frameSwapped, guard, go, Qt::QueuedConnection);
    QTimer::singleShot(500, guard, go);
    m_window->update();
}

void StepRenderer::finish() {
    Job job = std::move(m_jobs.front());
    m_jobs.pop_front();
    const QImage image = m_window->grabWindow();
    if (m_jobs.empty())
        m_window->setVisible(false);
    job.done(image);
    QTimer::singleShot(0, this, &StepRenderer::next);
}

QByteArray StepRenderer::pdf(const QString &title, const QString &subtitle,
                             const QList<Page> &pages) {
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    QPdfWriter writer(&buffer);
    writer.setPageSize(QPageSize(QPageSize::A4));
    writer.setPageOrientation(QPageLayout::Landscape);
    writer.setResolution(150);
    writer.setTitle(title);
    writer.setCreator(QStringLiteral("OpsWall"));
    QPainter p(&writer);
    const QRect page = p.viewport();
    const int margin = 60;
    QFont heading(QStringLiteral("Noto Sans"));
    heading.setPixelSize(34);
    heading.setBold(true);
    QFont body(QStringLiteral("Noto Sans"));
    body.setPixelSize(22);
    QFont small(QStringLiteral("Noto Sans"));
    small.setPixelSize(18);
    for (qsizetype i = 0; i < pages.size(); ++i) {
        if (i > 0)
            writer.newPage();
        const Page &pg = pages[i];
        int y = margin;
        p.setPen(QColor(0x55, 0x60, 0x6b));
        p.setFont(small);
        p.drawText(QRect(margin, y, page.width() - 2 * margin, 28), Qt::AlignLeft,
                   title + (subtitle.isEmpty() ? QString() : QStringLiteral(" — ") + subtitle));
        p.drawText(QRect(margin, y, page.width() - 2 * margin, 28), Qt::AlignRight,
                   QStringLiteral("%1 / %2").arg(i + 1).arg(pages.size()));
        y += 40;
        p.setPen(Qt::black);
        p.setFont(heading);
        p.drawText(QRect(margin, y, page.width() - 2 * margin, 48), Qt::AlignLeft, pg.title);
        y += 50;
        if (!pg.titleEn.isEmpty()) {
            p.setFont(body);
            p.setPen(QColor(0x44, 0x44, 0x44));
            p.drawText(QRect(margin, y, page.width() - 2 * margin, 32), Qt::AlignLeft, pg.titleEn);
            y += 38;
        }
        const int footer = 40 + 30 * int(std::min<qsizetype>(pg.shown.size(), 4));
        const QRect box(margin, y + 10, page.width() - 2 * margin, page.height() - y - footer - 30);
        if (!pg.picture.isNull()) {
            const QSize fitted = pg.picture.size().scaled(box.size(), Qt::KeepAspectRatio);
            const QRect target(box.x() + (box.width() - fitted.width()) / 2, box.y(),
                               fitted.width(), fitted.height());
            p.drawImage(target, pg.picture);
            y = target.bottom() + 20;
        } else {
            p.setFont(body);
            p.drawText(box, Qt::AlignCenter, QStringLiteral("(no picture)"));
            y = box.bottom() + 20;
        }
        p.setFont(body);
        p.setPen(Qt::black);
        if (pg.shown.isEmpty()) {
            p.drawText(QRect(margin, y, page.width() - 2 * margin, 30), Qt::AlignLeft,
                       QStringLiteral("Not shown in the last run / Chưa trình chiếu"));
        } else {
            for (qsizetype k = 0; k < pg.shown.size() && k < 4; ++k) {
                p.drawText(QRect(margin, y, page.width() - 2 * margin, 30), Qt::AlignLeft,
                           QStringLiteral("Shown / Trình chiếu: ") + pg.shown[k]);
                y += 30;
            }
        }
    }
    p.end();
    return bytes;
}

} // namespace opswall::shell
