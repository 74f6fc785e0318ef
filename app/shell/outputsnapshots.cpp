#include "shell/outputsnapshots.h"

#include <QBuffer>
#include <QCoreApplication>
#include <QDateTime>
#include <QDeadlineTimer>
#include <QPointer>
#include <QThreadPool>
#include <QTimer>

namespace opswall::shell {

OutputSnapshots::OutputSnapshots(QObject *parent)
    : QObject(parent) {}

QByteArray OutputSnapshots::encode(const QImage &image, int widthPx) {
    QImage scaled =
        image.width() > widthPx ? image.scaledToWidth(widthPx, Qt::SmoothTransformation) : image;
    QByteArray out;
    QBuffer buffer(&out);
    buffer.open(QIODevice::WriteOnly);
    if (!scaled.convertToFormat(QImage::Format_RGB32).save(&buffer, "JPEG", kJpegQuality))
        return {};
    return out;
}

void OutputSnapshots::request(int index, int widthPx, Done done) {
    const Key key{index, widthPx};
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    m_cache.removeIf([now](const auto &it) { return now - it.value().atMs >= kReuseMs; });
    if (const auto it = m_cache.constFind(key);
        it != m_cache.constEnd() && now - it->atMs < kReuseMs) {
        ++m_stats.reused;
        done(ActionResult::success(), it->jpeg);
        return;
    }
    if (auto it = m_waiting.find(key); it != m_waiting.end()) {
        ++m_stats.reused;
        it->push_back(std::move(done));
        return;
    }
    if (m_remote) {
        QPointer<OutputSnapshots> self(this);
        m_waiting[key].push_back(std::move(done));
        if (m_remote(index, widthPx, [self, key](QByteArray jpeg, QString why) {
                if (self)
                    self->finishRemote(key, std::move(jpeg), why);
            }))
            return;
        done = std::move(m_waiting[key].back());
        m_waiting.remove(key);
    }
    m_waiting[key].push_back(std::move(done));
    grabWhenShown(key, QDeadlineTimer(kShownWaitMs));
}

void OutputSnapshots::grabWhenShown(Key key, QDeadlineTimer deadline) {
    if (!m_shown || m_shown(key.index))
        return grab(key);
    if (!deadline.hasExpired()) {
        QTimer::singleShot(kShownPollMs, this,
                           [this, key, deadline] { grabWhenShown(key, deadline); });
        return;
    }
    fail(key, ActionResult::failure(QStringLiteral("unavailable"),
                                    QStringLiteral("the window of output %1 is not on screen (not "
                                                   "shown yet, or hidden); ask again")
                                        .arg(key.index)));
}

void OutputSnapshots::grab(Key key) {
    QString why;
    const std::optional<QImage> image = m_grab ? m_grab(key.index, &why) : std::nullopt;
    if (!image)
        return fail(key, ActionResult::failure(
                             QStringLiteral("not_found"),
                             why.isEmpty() ? QStringLiteral("no output %1").arg(key.index) : why,
                             QStringLiteral("index")));
    if (image->isNull())
        return fail(key, ActionResult::failure(
                             QStringLiteral("unavailable"),
                             why.isEmpty()
                                 ? QStringLiteral("output %1 could not be grabbed").arg(key.index)
                                 : why));
    ++m_stats.grabs;
    // Scaling a 4K window and encoding it take tens of milliseconds: not on the GUI thread.
    QPointer<OutputSnapshots> self(this);
    QThreadPool::globalInstance()->start([self, key, image = *image]() {
        QByteArray jpeg = encode(image, key.width);
        QMetaObject::invokeMethod(
            QCoreApplication::instance(),
            [self, key, jpeg = std::move(jpeg)]() mutable {
                if (self)
                    self->finish(key, std::move(jpeg));
            },
            Qt::QueuedConnection);
    });
}

void OutputSnapshots::fail(Key key, const ActionResult &result) {
    std::vector<Done> waiting = m_waiting.take(key);
    for (Done &d : waiting)
        d(result, {});
}

void OutputSnapshots::finish(Key key, QByteArray jpeg) {
    std::vector<Done> waiting = m_waiting.take(key);
    if (jpeg.isEmpty()) {
        for (Done &d : waiting)
            d(ActionResult::failure(QStringLiteral("unavailable"),
                                    QStringLiteral("the picture could not be encoded")),
              {});
        return;
    }
    m_cache.insert(key, Cached{jpeg, QDateTime::currentMSecsSinceEpoch()});
    for (Done &d : waiting)
        d(ActionResult::success(), jpeg);
}

void OutputSnapshots::finishRemote(Key key, QByteArray jpeg, const QString &why) {
    if (!jpeg.isEmpty())
        return finish(key, std::move(jpeg));
    std::vector<Done> waiting = m_waiting.take(key);
    for (Done &d : waiting)
        d(ActionResult::failure(QStringLiteral("unavailable"), why), {});
}

} // namespace opswall::shell
