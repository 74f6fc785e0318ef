#pragma once
// Runs f and returns what it threw (null when it returned): how a job's failure travels to its
// completion (the store thread, the readers, a write without a store thread).

#include <exception>
#include <utility>

namespace opswall::store {

template<class F>
std::exception_ptr caught(F &&f) noexcept {
    try {
        std::forward<F>(f)();
    } catch (...) {
        return std::current_exception();
    }
    return nullptr;
}

} // namespace opswall::store
