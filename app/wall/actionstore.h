#pragma once
// What the dispatcher needs to write an action (DESIGN.md layering): declared here so that
// app/wall never includes app/store; the store implements it (store::WallStore, app/store).
//
// An action's rows (the live layout's history, presets, the wall, the writes of other components
// made while it was applied, and its audit row) are one transaction, written on the store's
// writer (its own thread in the app) while the GUI thread goes on; the completion comes back to
// the dispatcher's thread.

#include "wall/layoutstore.h"

#include <exception>
#include <functional>

class QObject;

namespace opswall::wall {

// One action's transaction on the writer connection. The store's own components reach their
// connection through it (store::connectionOf); the dispatcher only sees the layout store.
class ActionTransaction {
public:
    virtual ~ActionTransaction() = default;
    virtual LayoutStore &layouts() = 0;
};

class ActionStore : public LayoutStore {
public:
    using Job = std::function<void(ActionTransaction &)>;
    using Done = std::function<void(std::exception_ptr error)>; // null: committed
    using Wait = std::function<void()>;

    // Runs job inside one transaction on the writer; done is called afterwards on context's
    // thread (before write returns when the store has no thread of its own: tests, tools).
    // Returns a function that blocks until the job ran and delivers done at once (the
    // synchronous Dispatcher::dispatch), or an empty one when done was delivered already.
    virtual Wait write(Job job, QObject *context, Done done) = 0;

    // Collects, until the returned function is called, the writes other components make on this
    // store's database while an action is applied (they join that action's transaction). Calls
    // nest: the returned function restores the collector before this one.
    // committed (may be empty) runs on the dispatcher's thread once the action's transaction
    // committed (never when it failed).
    using Collector = std::function<void(Job, std::function<void()> committed)>;
    virtual std::function<void()> collect(Collector collector) = 0;
};

} // namespace opswall::wall
