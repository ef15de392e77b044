// The project's own random numbers: xoshiro256** seeded through splitmix64, with uniform,
// normal and bounded-integer draws written here, so native (libstdc++/glibc) and wasm
// (libc++/musl) builds draw exactly the same stream. Nothing here calls libm except sqrt,
// which IEEE fixes exactly.
#pragma once

#include <cstdint>
#include <vector>

namespace attn {

class Archive;

// What a stream of the run's one seed is used for: each purpose draws from its own stream,
// so that e.g. changing the dropout rate does not change the data.
enum class Stream : uint64_t { data = 1, init = 2, shuffle = 3, dropout = 4, test_data = 5 };

class Rng {
public:
    Rng(uint64_t seed, Stream stream);
    uint64_t next();
    double uniform01();             // [0, 1), 53 bits
    float uniform(float lo, float hi);
    uint32_t below(uint32_t n);     // uniform on [0, n), unbiased; n > 0
    double normal();                // standard normal (Marsaglia's polar method)
    void shuffle(std::vector<int>& v);
    void io(Archive& a);            // its whole state, to continue a saved run exactly

private:
    uint64_t s_[4];
    double spare_ = 0.0;
    bool has_spare_ = false;
};

// Natural log computed with basic arithmetic only (same bits on every platform), x > 0.
double portable_log(double x);

}  // namespace attn
