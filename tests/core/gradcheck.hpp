// The one finite-difference gradient check every layer and loss test uses (after mlpack's
// ann_test_tools). For a layer f, a fixed random G and L = sum(G * f(x)), it compares
// backward's dL/dx and dL/dparams with central differences of L, computed in double.
// A tensor passes when its largest error is within `tol` of its largest gradient: a wrong
// sign, a missing term or a swapped index moves that far above 1e-2; float rounding does not.
#pragma once

#include <catch2/catch.hpp>
#include <algorithm>
#include <initializer_list>
#include <functional>
#include <string>

#include "layer.hpp"

namespace attn::test {

struct GradError {
    double max_abs_error = 0, max_abs_grad = 0;
    double relative() const { return max_abs_grad > 0 ? max_abs_error / max_abs_grad : max_abs_error; }
};

// Compare analytic gradients `analytic` of `loss` w.r.t. the n floats at `values` with
// central differences.
inline GradError compare(float* values, const float* analytic, long n, const std::function<double()>& loss,
                         float h) {
    GradError e;
    for (long i = 0; i < n; ++i) {
        const float keep = values[i];
        values[i] = keep + h;
        const double up = loss();
        values[i] = keep - h;
        const double down = loss();
        values[i] = keep;
        const double numeric = (up - down) / (2.0 * double(h));
        e.max_abs_error = std::max(e.max_abs_error, std::abs(numeric - double(analytic[i])));
        e.max_abs_grad = std::max(e.max_abs_grad, std::abs(numeric));
    }
    return e;
}

// A matrix from its values in column-major order (hand-computed cases).
inline Mat mat(int rows, int cols, std::initializer_list<float> col_major) {
    Mat m(rows, cols);
    std::copy(col_major.begin(), col_major.end(), m.data());
    return m;
}

inline Mat random_mat(int rows, int cols, Rng& rng, float scale = 1.0f) {
    Mat m(rows, cols);
    for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = scale * float(rng.normal());
    return m;
}

// Checks dL/d(every parameter of ps) for layer, at input x, and dL/dx unless `input` is false
// (token ids: no gradient).
inline void check_layer_gradients(Layer& layer, ParamStore& ps, Mat x, float tol = 1e-2f, float h = 1e-2f,
                                  uint64_t seed = 7, bool input = true) {
    Rng rng(seed, Stream::data);
    const Mat& y0 = layer.forward(x, false);
    const Mat G = random_mat(int(y0.rows()), int(y0.cols()), rng);
    auto loss = [&] {
        const Mat& y = layer.forward(x, false);
        return (y.cast<double>().array() * G.cast<double>().array()).sum();
    };
    loss();
    ps.zero_grad();
    const Mat dx = layer.backward(G);
    const Vec dparams = ps.grads();

    INFO("layer " << layer.name());
    if (input) {
        const GradError ex = compare(x.data(), dx.data(), long(x.size()), loss, h);
        INFO("input: max error " << ex.max_abs_error << " of max gradient " << ex.max_abs_grad);
        CHECK(ex.max_abs_grad > 1e-4);
        CHECK(ex.relative() < tol);
    }
    for (const auto& p : ps.list()) {
        const GradError ep = compare(ps.values().data() + p.offset, dparams.data() + p.offset,
                                     long(p.rows) * p.cols, loss, h);
        INFO("param " << p.name << ": max error " << ep.max_abs_error << " of max gradient " << ep.max_abs_grad);
        CHECK(ep.max_abs_grad > 1e-4);
        CHECK(ep.relative() < tol);
    }
}

// Fill every parameter with small random values (so biases are non-zero too).
inline void randomize(ParamStore& ps, Rng& rng, float scale = 0.5f) {
    for (Eigen::Index i = 0; i < ps.values().size(); ++i) ps.values()(i) = scale * float(rng.normal());
}

}  // namespace attn::test
