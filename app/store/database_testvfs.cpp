// The store's test VFS (Database::installSlowSyncVfs): the default VFS with a slow xSync, for
// tests that show the wall keeps working while the disk is slow. Asked for only through the
// test hooks (core/testhooks.h slowDisk()), which a build without tests compiles out; so is the
// VFS itself (OPSWALL_TEST_HOOKS, app/store/CMakeLists.txt): there the function does nothing.
#include "store/database.h"

#include <QFile>
#include <QtGlobal>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>

#include <sys/stat.h>

#include <sqlite3.h>

namespace opswall::store {

#ifdef OPSWALL_TEST_HOOKS
namespace {

// The test VFS (installSlowSyncVfs): the default VFS with a slow xSync.
struct SlowFile {
    sqlite3_file base; // pMethods = &g_slowIo
    sqlite3_file *real;
};
sqlite3_vfs *g_baseVfs = nullptr;
sqlite3_vfs g_slowVfs{};
sqlite3_io_methods g_slowIo{};
int g_syncDelayMs = 0;
std::string g_slowWhile; // delay only while this file exists (empty: always)

sqlite3_file *realOf(sqlite3_file *f) {
    return reinterpret_cast<SlowFile *>(f)->real;
}

int slowClose(sqlite3_file *f) {
    sqlite3_file *r = realOf(f);
    return r->pMethods ? r->pMethods->xClose(r) : SQLITE_OK;
}
int slowRead(sqlite3_file *f, void *b, int n, sqlite3_int64 o) {
    return realOf(f)->pMethods->xRead(realOf(f), b, n, o);
}
int slowWrite(sqlite3_file *f, const void *b, int n, sqlite3_int64 o) {
    return realOf(f)->pMethods->xWrite(realOf(f), b, n, o);
}
int slowTruncate(sqlite3_file *f, sqlite3_int64 size) {
    return realOf(f)->pMethods->xTruncate(realOf(f), size);
}
int slowSync(sqlite3_file *f, int flags) {
    struct stat st {};
    if (g_slowWhile.empty() || ::stat(g_slowWhile.c_str(), &st) == 0)
        std::this_thread::sleep_for(std::chrono::milliseconds(g_syncDelayMs));
    return realOf(f)->pMethods->xSync(realOf(f), flags);
}
int slowFileSize(sqlite3_file *f, sqlite3_int64 *size) {
    return realOf(f)->pMethods->xFileSize(realOf(f), size);
}
int slowLock(sqlite3_file *f, int l) {
    return realOf(f)->pMethods->xLock(realOf(f), l);
}
int slowUnlock(sqlite3_file *f, int l) {
    return realOf(f)->pMethods->xUnlock(realOf(f), l);
}
int slowCheckReserved(sqlite3_file *f, int *out) {
    return realOf(f)->pMethods->xCheckReservedLock(realOf(f), out);
}
int slowFileControl(sqlite3_file *f, int op, void *arg) {
    return realOf(f)->pMethods->xFileControl(realOf(f), op, arg);
}
int slowSectorSize(sqlite3_file *f) {
    return realOf(f)->pMethods->xSectorSize(realOf(f));
}
int slowDeviceCharacteristics(sqlite3_file *f) {
    return realOf(f)->pMethods->xDeviceCharacteristics(realOf(f));
}
int slowShmMap(sqlite3_file *f, int pg, int sz, int extend, void volatile **out) {
    return realOf(f)->pMethods->xShmMap(realOf(f), pg, sz, extend, out);
}
int slowShmLock(sqlite3_file *f, int offset, int n, int flags) {
    return realOf(f)->pMethods->xShmLock(realOf(f), offset, n, flags);
}
void slowShmBarrier(sqlite3_file *f) {
    realOf(f)->pMethods->xShmBarrier(realOf(f));
}
int slowShmUnmap(sqlite3_file *f, int deleteFlag) {
    return realOf(f)->pMethods->xShmUnmap(realOf(f), deleteFlag);
}
int slowFetch(sqlite3_file *f, sqlite3_int64 o, int n, void **out) {
    return realOf(f)->pMethods->xFetch(realOf(f), o, n, out);
}
int slowUnfetch(sqlite3_file *f, sqlite3_int64 o, void *p) {
    return realOf(f)->pMethods->xUnfetch(realOf(f), o, p);
}

int slowOpen(sqlite3_vfs *, sqlite3_filename name, sqlite3_file *f, int flags, int *outFlags) {
    auto *slow = reinterpret_cast<SlowFile *>(f);
    slow->real = reinterpret_cast<sqlite3_file *>(slow + 1);
    slow->base.pMethods = nullptr;
    const int rc = g_baseVfs->xOpen(g_baseVfs, name, slow->real, flags, outFlags);
    if (slow->real->pMethods) // set even when the open failed: xClose must then be called
        slow->base.pMethods = &g_slowIo;
    return rc;
}

} // namespace

int Database::installSlowSyncVfs(int delayMs, const QString &onlyWhile) {
    if (delayMs <= 0)
        return 0;
    static std::once_flag once;
    std::call_once(once, [delay = delayMs, &onlyWhile] {
        g_baseVfs = sqlite3_vfs_find(nullptr);
        if (!g_baseVfs)
            return;
        g_syncDelayMs = delay;
        g_slowWhile = QFile::encodeName(onlyWhile).toStdString();
        g_slowIo = sqlite3_io_methods{3,
                                      slowClose,
                                      slowRead,
                                      slowWrite,
                                      slowTruncate,
                                      slowSync,
                                      slowFileSize,
                                      slowLock,
                                      slowUnlock,
                                      slowCheckReserved,
                                      slowFileControl,
                                      slowSectorSize,
                                      slowDeviceCharacteristics,
                                      slowShmMap,
                                      slowShmLock,
                                      slowShmBarrier,
                                      slowShmUnmap,
                                      slowFetch,
                                      slowUnfetch};
        g_slowVfs = *g_baseVfs; // every other call goes to the default VFS as it is
        g_slowVfs.zName = "opswall-test-slow-sync";
        g_slowVfs.szOsFile = int(sizeof(SlowFile)) + g_baseVfs->szOsFile;
        g_slowVfs.xOpen = slowOpen;
        g_slowVfs.pNext = nullptr;
        if (sqlite3_vfs_register(&g_slowVfs, 1) == SQLITE_OK)
            qWarning("opswall: TEST ONLY: every fsync of the store is delayed by %d ms "
                     "(OPSWALL_TEST_FSYNC_DELAY_MS)",
                     delay);
        else
            g_syncDelayMs = 0;
    });
    return g_syncDelayMs;
}

#else
int Database::installSlowSyncVfs(int, const QString &) {
    return 0;
}
#endif

} // namespace opswall::store
