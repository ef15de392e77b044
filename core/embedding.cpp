#include "embedding.hpp"

#include <algorithm>
#include <stdexcept>

#include "simd.hpp"

namespace attn {

Embedding::Embedding(const std::string& name, int T, int V, int C, int batch, ParamStore& ps, bool positions)
    : Layer(name, Shape{T, 1}, Shape{T, C}, batch), ps_(ps), V_(V) {
    iE_ = ps.declare(positions ? "token_embedding/embeddings" : name + "/embeddings", C, V, {V, C});
    if (positions) iP_ = ps.declare("position_embedding/embeddings", C, T, {T, C});
    buffer(y_, C, T * batch);
    skip_input_grad();
}

void Embedding::init(Rng& rng) {
    for (int i : {iE_, iP_}) {
        if (i < 0) continue;
        MatMap w = ps_.value(i);
        for (Eigen::Index k = 0; k < w.size(); ++k) w.data()[k] = rng.uniform(-0.05f, 0.05f);
    }
}

const Mat& Embedding::run_forward(const Mat& x, bool) {
    x_ = &x;
    const int T = in_.time, C = out_.features, B = B_;
    const float* E = ps_.value(iE_).data();
    if (iP_ < 0) {  // the token embedding alone: y = E[:, v]
        for (int col = 0; col < T * B; ++col) {
            const float* e = E + size_t(int(x(0, col))) * C;
            std::copy(e, e + C, y_.col(col).data());
        }
        return y_;
    }
    const float* P = ps_.value(iP_).data();
    for (int t = 0; t < T; ++t)
        for (int b = 0; b < B; ++b) {
            const int v = int(x(0, t * B + b));
            const float *e = E + size_t(v) * C, *p = P + size_t(t) * C;
            float* y = y_.col(t * B + b).data();
            simd::by_lanes(C, [&](int i, auto lane) {  // y = E[:, v] + P[:, t]
                using F = decltype(lane);
                simd::store(y + i, simd::load<F>(e + i) + simd::load<F>(p + i));
            });
        }
    return y_;
}

const Mat& Embedding::run_backward(const Mat& dy) {
    const int T = in_.time, C = out_.features, B = B_;
    float* dE = ps_.grad(iE_).data();
    if (iP_ < 0) {  // dE[:, v] += dy, in column order: the same sums in every build
        for (int col = 0; col < T * B; ++col) {
            const float* d = dy.col(col).data();
            float* de = dE + size_t(int((*x_)(0, col))) * C;
            simd::by_lanes(C, [&](int i, auto lane) {
                using F = decltype(lane);
                simd::store(de + i, simd::load<F>(de + i) + simd::load<F>(d + i));
            });
        }
        return dx_;
    }
    float* dP = ps_.grad(iP_).data();
    for (int t = 0; t < T; ++t)  // in column order: the same sums in every build
        for (int b = 0; b < B; ++b) {
            const int v = int((*x_)(0, t * B + b));
            const float* d = dy.col(t * B + b).data();
            float *de = dE + size_t(v) * C, *dp = dP + size_t(t) * C;
            simd::by_lanes(C, [&](int i, auto lane) {  // dE[:, v] += dy, dP[:, t] += dy
                using F = decltype(lane);
                const F g = simd::load<F>(d + i);
                simd::store(de + i, simd::load<F>(de + i) + g);
                simd::store(dp + i, simd::load<F>(dp + i) + g);
            });
        }
    return dx_;  // empty: token ids have no gradient
}

std::vector<SummaryRow> Embedding::summary() const {
    const long long C = out_.features;
    return {{name_, "Embedding", out_.keras(), C * V_ + (iP_ < 0 ? 0 : C * in_.time)}};
}

}  // namespace attn
