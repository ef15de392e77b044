#include "self_attention.hpp"

#include <cmath>

#include "activation.hpp"
#include "gemm.hpp"
#include "init.hpp"
#include "simd.hpp"

namespace attn {

void causal_softmax(float* S, int T, int ld) {
    for (int t = 0; t < T; ++t) {
        float* c = S + size_t(t) * ld;  // query t: keys 0 .. t
        float mx = c[0];
        for (int s = 1; s <= t; ++s) mx = c[s] > mx ? c[s] : mx;
        simd::by_lanes(t + 1, [&](int i, auto lane) {
            simd::store(c + i, simd::exp(simd::load<decltype(lane)>(c + i) - mx));
        });
        float sum = 0.0f;
        for (int s = 0; s <= t; ++s) sum += c[s];
        for (int s = 0; s <= t; ++s) c[s] /= sum;
        for (int s = t + 1; s < T; ++s) c[s] = 0.0f;  // the future: exactly 0
    }
}

CausalSelfAttention::CausalSelfAttention(const std::string& name, int T, int C, int H, int batch, ParamStore& ps)
    : Layer(name, Shape{T, C}, Shape{T, C}, batch), ps_(ps), H_(H), scores_name_(name + "_scores") {
    const int d = C / H, B = batch;
    iq_ = ps.declare(name + "/query/kernel", C, C, {C, H, d});
    ik_ = ps.declare(name + "/key/kernel", C, C, {C, H, d});
    iv_ = ps.declare(name + "/value/kernel", C, C, {C, H, d});
    io_ = ps.declare(name + "/attention_output/kernel", C, C, {H, d, C});
    for (Mat* m : {&Q_, &K_, &V_, &O_, &dO_, &dQ_, &dK_, &dV_, &y_, &dx_}) buffer(*m, C, T * B);
    buffer(A_, T, H * T * B);
    buffer(dA_, T, H * T * B);
}

void CausalSelfAttention::init(Rng& rng) {
    const int C = in_.features;
    for (int i : {iq_, ik_, iv_, io_}) glorot_uniform(ps_.value(i), C, C, rng);
}

double CausalSelfAttention::macs() const {
    const double C = in_.features, T = in_.time;
    return 4 * C * C * T + 2 * C * T * T;  // Wq, Wk, Wv, Wo on every step; K^T Q and V A per head
}

// Head h of sample b: Q_bh is the (d, T) matrix at Q + b*C + h*d with leading dimension C*B;
// A_bh the (T, T) matrix at A + (h*T*B + b)*T with leading dimension T*B (its column t is
// column (h*T + t)*B + b of A).

const Mat& CausalSelfAttention::run_forward(const Mat& x, bool) {
    x_ = &x;
    const int T = in_.time, C = in_.features, H = H_, d = C / H, B = B_, ld = C * B, lda = T * B;
    const float scale = 1.0f / std::sqrt(float(d));
    gemm_nn(ps_.value(iq_), x, Q_, false);  // Q = Wq x
    gemm_nn(ps_.value(ik_), x, K_, false);  // K = Wk x
    gemm_nn(ps_.value(iv_), x, V_, false);  // V = Wv x
    A_.setZero();                           // the scores, summed into by gemm_tn
    for (int b = 0; b < B; ++b)
        for (int h = 0; h < H; ++h) {
            const size_t o = size_t(b) * C + size_t(h) * d;
            float* A = A_.data() + (size_t(h) * T * B + b) * T;
            gemm_tn(T, T, d, K_.data() + o, ld, Q_.data() + o, ld, A, lda);  // S = K^T Q
            for (int t = 0; t < T; ++t) {                                    //   / sqrt(d)
                float* c = A + size_t(t) * lda;
                simd::by_lanes(t + 1, [&](int i, auto lane) {
                    simd::store(c + i, simd::load<decltype(lane)>(c + i) * scale);
                });
            }
            causal_softmax(A, T, lda);                                       // A = softmax_{s<=t}(S)
            gemm_nn(d, T, T, V_.data() + o, ld, A, lda, O_.data() + o, ld, false);  // O = V A
        }
    y_ = x;                                                                  // y = x
    gemm_nn(ps_.value(io_), O_, y_, true);                                   //   + Wo O
    return y_;
}

const Mat& CausalSelfAttention::run_backward(const Mat& dy) {
    const Mat& x = *x_;
    const int T = in_.time, C = in_.features, H = H_, d = C / H, B = B_, ld = C * B, lda = T * B;
    const float scale = 1.0f / std::sqrt(float(d));
    // y = x + Wo O:
    gemm_nt(dy, O_, ps_.grad(io_), true);                                    // dWo += dy O^T
    dO_.setZero();
    gemm_tn(C, T * B, C, ps_.value(io_).data(), C, dy.data(), C, dO_.data(), C);  // dO = Wo^T dy
    dA_.setZero();
    for (int b = 0; b < B; ++b)
        for (int h = 0; h < H; ++h) {
            const size_t o = size_t(b) * C + size_t(h) * d;
            const size_t a = (size_t(h) * T * B + b) * T;
            // O = V A:
            gemm_tn(T, T, d, V_.data() + o, ld, dO_.data() + o, ld, dA_.data() + a, lda);      // dA = V^T dO
            gemm_nt(d, T, T, dO_.data() + o, ld, A_.data() + a, lda, dV_.data() + o, ld, false);  // dV = dO A^T
        }
    // A = softmax(S) per column (the masked entries have A = 0, so dS = 0 there), S = K^T Q / sqrt(d):
    softmax_columns_backward(A_, dA_, dA_);
    dA_ *= scale;
    for (int b = 0; b < B; ++b)
        for (int h = 0; h < H; ++h) {
            const size_t o = size_t(b) * C + size_t(h) * d;
            const float* dS = dA_.data() + (size_t(h) * T * B + b) * T;
            gemm_nn(d, T, T, K_.data() + o, ld, dS, lda, dQ_.data() + o, ld, false);  // dQ = K dS
            gemm_nt(d, T, T, Q_.data() + o, ld, dS, lda, dK_.data() + o, ld, false);  // dK = Q dS^T
        }
    // Q = Wq x, K = Wk x, V = Wv x:
    gemm_nt(dQ_, x, ps_.grad(iq_), true);                                    // dWq += dQ x^T
    gemm_nt(dK_, x, ps_.grad(ik_), true);                                    // dWk += dK x^T
    gemm_nt(dV_, x, ps_.grad(iv_), true);                                    // dWv += dV x^T
    if (!input_grad_) return dx_;
    dx_ = dy;                                                                // dx = dy (residual)
    gemm_tn(C, T * B, C, ps_.value(iq_).data(), C, dQ_.data(), C, dx_.data(), C);  //   + Wq^T dQ
    gemm_tn(C, T * B, C, ps_.value(ik_).data(), C, dK_.data(), C, dx_.data(), C);  //   + Wk^T dK
    gemm_tn(C, T * B, C, ps_.value(iv_).data(), C, dV_.data(), C, dx_.data(), C);  //   + Wv^T dV
    return dx_;
}

const Mat* CausalSelfAttention::named_output(const std::string& name, Shape* shape) const {
    if (name != scores_name_) return nullptr;
    if (shape) *shape = Shape{H_ * in_.time, in_.time};
    return &A_;
}

std::vector<SummaryRow> CausalSelfAttention::summary() const {
    const long long C = in_.features;
    return {{name_, "MultiHeadAttention", out_.keras(), 4 * C * C}};
}

}  // namespace attn
