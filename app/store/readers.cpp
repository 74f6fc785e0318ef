#include "store/readers.h"
#include "caught.h"

#include <QMetaObject>
#include <QObject>
#include <QPointer>
#include <QThreadPool>

#include <memory>

namespace opswall::store {

bool isInMemory(const QString &path) {
    return path.isEmpty() || path.startsWith(u':') || path.contains(QLatin1String("mode=memory"));
}

Database &threadReader(const QString &path) {
    thread_local std::unique_ptr<Database> reader;
    if (!reader || reader->path() != path)
        reader = std::make_unique<Database>(path, OpenMode::ReadOnly);
    return *reader;
}

void readOffThread(Database &db, std::function<void(Database &)> read, QObject *context,
                   std::function<void(std::exception_ptr)> done) {
    const QString path = db.path();
    if (isInMemory(path)) {
        done(caught([&] { read(db); }));
        return;
    }
    QThreadPool::globalInstance()->start([path, read = std::move(read),
                                          context = QPointer<QObject>(context),
                                          done = std::move(done)]() mutable {
        const std::exception_ptr error = caught([&] { read(threadReader(path)); });
        if (!context)
            return;
        QMetaObject::invokeMethod(
            context.data(), [done = std::move(done), error] { done(error); }, Qt::QueuedConnection);
    });
}

} // namespace opswall::store
