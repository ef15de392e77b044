#include "rng.hpp"

#include <cmath>

#include "archive.hpp"

namespace attn {

namespace {
uint64_t splitmix64(uint64_t& x) {
    uint64_t z = (x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
}  // namespace

Rng::Rng(uint64_t seed, Stream stream) {
    uint64_t x = seed * 0x100000001B3ull ^ (uint64_t(stream) << 56) ^ uint64_t(stream);
    for (auto& w : s_) w = splitmix64(x);
}

uint64_t Rng::next() {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
}

double Rng::uniform01() { return double(next() >> 11) * 0x1.0p-53; }

float Rng::uniform(float lo, float hi) { return lo + float(uniform01()) * (hi - lo); }

uint32_t Rng::below(uint32_t n) {
    // Rejection on the top 32 bits: accept only values below the largest multiple of n.
    const uint32_t limit = uint32_t(0x100000000ull - 0x100000000ull % n);
    for (;;) {
        const uint64_t r = next() >> 32;
        if (limit == 0 || r < limit) return uint32_t(r % n);
    }
}

double Rng::normal() {
    if (has_spare_) {
        has_spare_ = false;
        return spare_;
    }
    double u, v, s;
    do {
        u = 2.0 * uniform01() - 1.0;
        v = 2.0 * uniform01() - 1.0;
        s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    const double f = std::sqrt(-2.0 * portable_log(s) / s);
    spare_ = v * f;
    has_spare_ = true;
    return u * f;
}

void Rng::shuffle(std::vector<int>& v) {  // Fisher-Yates
    for (size_t i = v.size(); i > 1; --i) {
        const size_t j = below(uint32_t(i));
        std::swap(v[i - 1], v[j]);
    }
}

void Rng::io(Archive& a) {
    for (auto& w : s_) a.io(w);
    a.io(spare_);
    a.io(has_spare_);
}

double portable_log(double x) {
    // x = m * 2^k with m in [sqrt(1/2), sqrt(2)); log m = 2 atanh(s), s = (m-1)/(m+1), |s| < 0.172.
    int k = 0;
    double m = std::frexp(x, &k);  // exact: m in [0.5, 1)
    if (m < 0.70710678118654752440) {
        m *= 2.0;
        k -= 1;
    }
    const double s = (m - 1.0) / (m + 1.0), s2 = s * s;
    double term = s, sum = 0.0;
    for (int n = 1; n <= 31; n += 2) {  // s^33 < 1e-25: far below double precision
        sum += term / n;
        term *= s2;
    }
    return 2.0 * sum + k * 0.69314718055994530942;
}

}  // namespace attn
