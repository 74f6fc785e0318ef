#pragma once
// Minimal assertions for the Qt-free driver tests (EXPECT_TRUE / EXPECT_EQ, named as in
// GoogleTest): each failed CHECK prints where and what, the test keeps going, and main returns
// non-zero when anything failed.
#include <chrono>
#include <cstdio>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace check {

inline int &failures() {
    static int n = 0;
    return n;
}

inline void fail(const char *file, int line, const std::string &what) {
    ++failures();
    std::fprintf(stderr, "FAIL %s:%d: %s\n", file, line, what.c_str());
}

struct Case {
    const char *name;
    std::function<void()> body;
};

inline std::vector<Case> &cases() {
    static std::vector<Case> c;
    return c;
}

struct Register {
    Register(const char *name, std::function<void()> body) { cases().push_back({name, body}); }
};

// Runs every case (or only those whose name contains argv[1]); returns the exit code.
inline int runAll(int argc, char **argv) {
    const std::string filter = argc > 1 ? argv[1] : "";
    int ran = 0;
    for (const auto &c : cases()) {
        if (!filter.empty() && std::string(c.name).find(filter) == std::string::npos)
            continue;
        const int before = failures();
        c.body();
        ++ran;
        std::printf("%s %s\n", failures() == before ? "PASS" : "FAIL", c.name);
        std::fflush(stdout);
    }
    std::printf("%d case(s), %d failed check(s)\n", ran, failures());
    return failures() == 0 && ran > 0 ? 0 : 1;
}

template<typename A, typename B>
std::string describe(const A &a, const B &b) {
    if constexpr (requires {
                      std::to_string(a);
                      std::to_string(b);
                  })
        return std::to_string(a) + " != " + std::to_string(b);
    else if constexpr (requires {
                           std::string(a);
                           std::string(b);
                       })
        return "'" + std::string(a) + "' != '" + std::string(b) + "'";
    else if constexpr (requires {
                           static_cast<long long>(a);
                           static_cast<long long>(b);
                       })
        return std::to_string(static_cast<long long>(a)) +
               " != " + std::to_string(static_cast<long long>(b));
    else
        return "values differ";
}

// Polls done() under `mutex` every 10 ms until it holds or `ms` pass: for what an io thread
// records (under the same mutex) and the test waits for.
template<typename F>
bool waitLocked(std::mutex &mutex, F done, int ms) {
    for (int i = 0; i < ms / 10; ++i) {
        {
            std::lock_guard lock(mutex);
            if (done())
                return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
}

} // namespace check

#define EXPECT_TRUE(cond)                                                                          \
    do {                                                                                           \
        if (!(cond))                                                                               \
            check::fail(__FILE__, __LINE__, #cond);                                                \
    } while (0)
#define EXPECT_EQ(a, b)                                                                            \
    do {                                                                                           \
        const auto check_a_ = (a);                                                                 \
        const auto check_b_ = (b);                                                                 \
        if (!(check_a_ == check_b_))                                                               \
            check::fail(__FILE__, __LINE__,                                                        \
                        std::string(#a " == " #b ": ") + check::describe(check_a_, check_b_));     \
    } while (0)
#define CHECK_CAT2(a, b) a##b
#define CHECK_CAT(a, b) CHECK_CAT2(a, b)
#define TEST_CASE(name)                                                                            \
    static void CHECK_CAT(test_case_, __LINE__)();                                                 \
    static const check::Register CHECK_CAT(test_reg_, __LINE__)(name,                              \
                                                                CHECK_CAT(test_case_, __LINE__));  \
    static void CHECK_CAT(test_case_, __LINE__)()
#define CHECK_MAIN                                                                                 \
    int main(int argc, char **argv) {                                                              \
        return check::runAll(argc, argv);                                                          \
    }
