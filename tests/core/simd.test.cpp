// The vector elementwise functions (core/simd.hpp) against the standard library in double,
// and their vector and scalar forms against each other (a kernel's tail must match its body).
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

#include "simd.hpp"

using namespace attn;
using simd::v4;

namespace {
// Largest error of f over [lo, hi] against the reference; absolute or relative to |ref|.
template <class Fv, class Fs, class Ref>
double worst_error(Fv fv, Fs fs, Ref ref, double lo, double hi, bool relative) {
    double worst = 0;
    const int n = 40000;
    for (int i = 0; i < n; i += 4) {
        float x[4];
        for (int j = 0; j < 4; ++j) x[j] = float(lo + (hi - lo) * (i + j) / (n - 1));
        float y[4];
        simd::store(y, fv(simd::load<v4>(x)));
        for (int j = 0; j < 4; ++j) {
            const float s = fs(x[j]);
            REQUIRE(std::memcmp(&s, &y[j], sizeof s) == 0);  // vector lane == scalar, bit for bit
            const double want = ref(double(x[j]));
            const double err = std::abs(double(y[j]) - want) / (relative ? std::abs(want) : 1.0);
            worst = std::max(worst, err);
        }
    }
    return worst;
}
}  // namespace

TEST_CASE("simd::exp is within a few ulp of exp", "[simd]") {
    auto fv = [](v4 x) { return simd::exp(x); };
    auto fs = [](float x) { return simd::exp(x); };
    CHECK(worst_error(fv, fs, [](double x) { return std::exp(x); }, -87.0, 88.0, true) < 4e-7);
    CHECK(simd::exp(-200.0f) > 0.0f);                      // clamped: a normal float, not 0
    CHECK(std::isfinite(simd::exp(200.0f)));               // clamped: no overflow
    CHECK(std::isnan(simd::exp(std::numeric_limits<float>::quiet_NaN())));
}

TEST_CASE("simd::tanh and simd::logistic are within a few ulp of 1 of the exact functions", "[simd]") {
    auto tv = [](v4 x) { return simd::tanh(x); };
    auto ts = [](float x) { return simd::tanh(x); };
    CHECK(worst_error(tv, ts, [](double x) { return std::tanh(x); }, -12.0, 12.0, false) < 4e-7);
    CHECK(worst_error(tv, ts, [](double x) { return std::tanh(x); }, -1e-3, 1e-3, true) < 4e-7);
    auto lv = [](v4 x) { return simd::logistic(x); };
    auto ls = [](float x) { return simd::logistic(x); };
    CHECK(worst_error(lv, ls, [](double x) { return 1.0 / (1.0 + std::exp(-x)); }, -30.0, 30.0, false) < 2e-7);
    CHECK(simd::tanh(100.0f) == 1.0f);
    CHECK(simd::tanh(-100.0f) == -1.0f);
    CHECK(simd::logistic(100.0f) == 1.0f);
    CHECK(simd::logistic(-100.0f) >= 0.0f);
    CHECK(simd::logistic(0.0f) == 0.5f);
    const float nan = std::numeric_limits<float>::quiet_NaN();
    CHECK(std::isnan(simd::tanh(nan)));                    // NaN propagates: divergence is seen
    CHECK(std::isnan(simd::logistic(nan)));
    float y[4];
    simd::store(y, simd::tanh(v4{nan, 0.0f, nan, 1.0f}));
    CHECK(std::isnan(y[0]));
    CHECK(std::isnan(y[2]));
    CHECK(std::abs(y[3] - std::tanh(1.0f)) < 4e-7f);
    for (float x = 8.0f; x < 8.3f; x += 1e-4f) CHECK(std::abs(simd::tanh(x)) <= 1.0f);  // near the clamp
}
