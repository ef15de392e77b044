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
    // The cells' gates: 1/2 + tanh(x/2)/2, absolute accuracy.
    auto gv = [](v4 x) { return simd::gate_logistic(x); };
    auto gs = [](float x) { return simd::gate_logistic(x); };
    CHECK(worst_error(gv, gs, [](double x) { return 1.0 / (1.0 + std::exp(-x)); }, -30.0, 30.0, false) < 2e-7);
    CHECK(simd::gate_logistic(100.0f) == 1.0f);
    CHECK(simd::gate_logistic(-100.0f) >= 0.0f);
    CHECK(simd::gate_logistic(0.0f) == 0.5f);
    CHECK(std::isnan(simd::gate_logistic(nan)));
    float y[4];
    simd::store(y, simd::tanh(v4{nan, 0.0f, nan, 1.0f}));
    CHECK(std::isnan(y[0]));
    CHECK(std::isnan(y[2]));
    CHECK(std::abs(y[3] - std::tanh(1.0f)) < 4e-7f);
    for (float x = 8.0f; x < 8.3f; x += 1e-4f) CHECK(std::abs(simd::tanh(x)) <= 1.0f);  // near the clamp
}

TEST_CASE("simd::logistic is accurate in relative terms, small p too, and 1 only where sigmoid rounds to 1",
          "[simd]") {
    auto sigmoid = [](double x) { return 1.0 / (1.0 + std::exp(-x)); };
    auto lv = [](v4 x) { return simd::logistic(x); };
    auto ls = [](float x) { return simd::logistic(x); };
    CHECK(worst_error(lv, ls, sigmoid, -87.0, 88.0, true) < 2e-7);
    // A confident output layer's small p, which binary cross-entropy divides by. The gates'
    // 1/2 + tanh(x/2)/2 (and Eigen's float logistic) is 2.2e-4 off at -8, relative, and
    // returns 0 at -20 and -80.
    for (float x : {-8.0f, -20.0f, -80.0f}) {
        INFO("x = " << x << ": " << simd::logistic(x) << " for " << sigmoid(x));
        CHECK(std::abs(simd::logistic(x) - sigmoid(x)) <= 2e-7 * sigmoid(x));
    }
    // Below 1, floats are 2^-24 = 5.96e-8 apart, and sigmoid(x) = 1 - e^-x to within e^-2x:
    //   x = 15.5: 1 - 1.855e-7, 3.11 steps below 1 -> 1 - 3 * 2^-24 (TF.js's value too);
    //   x = 16.0: 1 - 1.125e-7, 1.89 steps -> 1 - 2^-23, which is float(1 - 1e-7): binary
    //     cross-entropy's upper clip bound (any x in 15.72 .. 16.23);
    //   x = 16.7: 1 - 5.6e-8, 0.94 steps -> 1 - 2^-24 (1 / (1 + e^-x) in float rounds 1 + e^-x
    //     to 1 first: 1 from x = 16.64);
    //   x >= 17.34: e^-x below half a step -> 1.
    CHECK(simd::logistic(15.5f) == 1.0f - 3 * 0x1p-24f);
    CHECK(simd::logistic(16.0f) == 1.0f - 0x1p-23f);
    CHECK(simd::logistic(16.0f) == 1.0f - 1e-7f);
    CHECK(simd::logistic(16.7f) == 1.0f - 0x1p-24f);
    for (int i = 0; i <= 190; ++i) {  // 15.4 .. 17.3: below 1, within one step of sigmoid
        const float x = 15.4f + 0.01f * float(i);
        INFO("x = " << x);
        CHECK(simd::logistic(x) < 1.0f);
        CHECK(std::abs(double(simd::logistic(x)) - sigmoid(x)) <= 0x1p-24);
    }
    for (float x : {17.4f, 20.0f, 88.0f, 100.0f, std::numeric_limits<float>::infinity()}) CHECK(simd::logistic(x) == 1.0f);
    CHECK(simd::logistic(-100.0f) > 0.0f);  // exp's clamp: about 1.2e-38, not a denormal or 0
    CHECK(simd::logistic(-100.0f) < 2e-38f);
    CHECK(simd::logistic(-0.0f) == 0.5f);
    const float nan = std::numeric_limits<float>::quiet_NaN();
    float y[4];
    simd::store(y, simd::logistic(v4{nan, -8.0f, 0.0f, 16.0f}));
    CHECK(std::isnan(y[0]));
    CHECK(y[1] == simd::logistic(-8.0f));
    CHECK(y[2] == 0.5f);
    CHECK(y[3] == 1.0f - 0x1p-23f);
}
