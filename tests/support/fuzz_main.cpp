// Replays a fuzz target's seed corpus and deterministic mutations of it, so that every
// LLVMFuzzerTestOneInput is compiled and exercised in ordinary CI builds (without clang's
// libFuzzer). A crash, a sanitizer report or an exception escaping the target fails the test.
// Usage: fuzz_x CORPUS_DIR [MUTATIONS]
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size);

namespace {
std::vector<std::uint8_t> readFile(const std::filesystem::path &p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<std::uint8_t> mutate(std::vector<std::uint8_t> v, std::mt19937 &rng) {
    std::uniform_int_distribution<int> op(0, 5);
    std::uniform_int_distribution<int> byte(0, 255);
    const int rounds = 1 + int(rng() % 8);
    for (int r = 0; r < rounds; ++r) {
        const std::size_t n = v.size();
        switch (op(rng)) {
        case 0: // flip a byte
            if (n)
                v[rng() % n] = std::uint8_t(byte(rng));
            break;
        case 1: // truncate
            if (n)
                v.resize(rng() % n);
            break;
        case 2: // insert a byte
            v.insert(v.begin() + std::ptrdiff_t(n ? rng() % n : 0), std::uint8_t(byte(rng)));
            break;
        case 3: // duplicate a slice
            if (n > 1) {
                const std::size_t a = rng() % n, len = 1 + rng() % std::min<std::size_t>(64, n - a);
                std::vector<std::uint8_t> slice(v.begin() + std::ptrdiff_t(a),
                                                v.begin() + std::ptrdiff_t(a + len));
                v.insert(v.begin() + std::ptrdiff_t(rng() % n), slice.begin(), slice.end());
            }
            break;
        case 4: // erase a slice
            if (n > 1) {
                const std::size_t a = rng() % n, len = 1 + rng() % std::min<std::size_t>(64, n - a);
                v.erase(v.begin() + std::ptrdiff_t(a), v.begin() + std::ptrdiff_t(a + len));
            }
            break;
        default: // interesting values
            if (n) {
                static const std::uint8_t special[] = {0x00, 0xff, 0x7f, 0x80, '\r', '\n', '"',
                                                       '{',  '<',  0xC0, 0x0D, ',',  '-',  '9'};
                v[rng() % n] = special[rng() % sizeof special];
            }
            break;
        }
    }
    return v;
}
} // namespace

int main(int argc, char **argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s CORPUS_DIR [MUTATIONS]\n", argv[0]);
        return 2;
    }
    const int mutations = argc > 2 ? std::atoi(argv[2]) : 2000;
    std::vector<std::vector<std::uint8_t>> seeds;
    for (const auto &entry : std::filesystem::directory_iterator(argv[1]))
        if (entry.is_regular_file())
            seeds.push_back(readFile(entry.path()));
    if (seeds.empty()) {
        std::fprintf(stderr, "no seed files in %s\n", argv[1]);
        return 2;
    }
    seeds.emplace_back(); // the empty input
    for (const auto &s : seeds)
        LLVMFuzzerTestOneInput(s.data(), s.size());
    std::mt19937 rng(20261123);
    for (int i = 0; i < mutations; ++i) {
        const auto input = mutate(seeds[std::size_t(i) % seeds.size()], rng);
        LLVMFuzzerTestOneInput(input.data(), input.size());
    }
    std::printf("%zu seeds and %d mutations ran without a crash\n", seeds.size(), mutations);
    return 0;
}
